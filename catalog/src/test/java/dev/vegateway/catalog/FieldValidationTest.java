package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FieldValidationTest {
    @Test
    void numericBoundsCompareWithEveryNumberTheWritePathBinds() {
        FieldValidation range =
                FieldValidation.range(Optional.of(new BigDecimal("0")), Optional.of(new BigDecimal("10.5")));

        assertThat(range.violation(0)).isEmpty();
        assertThat(range.violation(10L)).isEmpty();
        assertThat(range.violation(new BigDecimal("10.50"))).isEmpty();
        assertThat(range.violation(10.6)).contains("must be at most 10.5");
        assertThat(range.violation(-1)).contains("must be at least 0");
        assertThat(range.violation(BigInteger.TEN.pow(30))).contains("must be at most 10.5");
        assertThatThrownBy(() -> range.violation(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> range.violation("5")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dateTimeBoundsCompareInstants() {
        FieldValidation after = FieldValidation.range(
                Optional.of(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC)), Optional.empty());

        assertThat(after.violation(OffsetDateTime.of(2024, 1, 1, 11, 0, 0, 0, ZoneOffset.ofHours(1))))
                .isEmpty();
        assertThat(after.violation(OffsetDateTime.of(2024, 1, 1, 10, 59, 0, 0, ZoneOffset.ofHours(1))))
                .contains("must be at least 2024-01-01T10:00Z");
        assertThat(FieldValidation.range(Optional.empty(), Optional.of(LocalDate.of(2024, 1, 31)))
                        .violation(LocalDate.of(2024, 2, 1)))
                .contains("must be at most 2024-01-31");
    }

    @Test
    void aPatternMustMatchTheWholeText() {
        FieldValidation pattern = FieldValidation.pattern(Pattern.compile("[A-Z]{2}"));

        assertThat(pattern.violation("AB")).isEmpty();
        assertThat(pattern.violation("ABC")).contains("must match the pattern [A-Z]{2}");
        assertThat(pattern.violation("xAB")).isPresent();
    }

    @Test
    void validationsWithTheSamePatternTextAreEqual() {
        assertThat(FieldValidation.pattern(Pattern.compile("a+")))
                .isEqualTo(FieldValidation.pattern(Pattern.compile("a+")))
                .hasSameHashCodeAs(FieldValidation.pattern(Pattern.compile("a+")))
                .isNotEqualTo(FieldValidation.pattern(Pattern.compile("a+", Pattern.CASE_INSENSITIVE)))
                .isNotEqualTo(FieldValidation.NONE);
        assertThat(FieldValidation.NONE.isEmpty()).isTrue();
    }

    @Test
    void boundsAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> FieldValidation.range(Optional.of(BigDecimal.TEN), Optional.of(BigDecimal.ONE)))
                .hasMessage("minimum 10 is greater than maximum 1");
        assertThatThrownBy(
                        () -> FieldValidation.range(Optional.of(BigDecimal.ONE), Optional.of(LocalDate.of(2024, 1, 1))))
                .hasMessageContaining("different types");
        assertThatThrownBy(() -> FieldValidation.range(Optional.of(5), Optional.empty()))
                .hasMessage("a bound is a BigDecimal, LocalDate or OffsetDateTime, not Integer");
    }
}
