package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FormattedValuesTest {
    private static final Catalog CATALOG = new Catalog(
            List.of(),
            List.of(
                    new OptionSet(
                            "status",
                            List.of(
                                    new OptionSet.Member("Open", 100, Map.of("en-US", "Open", "de-DE", "Offen"), 0),
                                    new OptionSet.Member("Held", 101, Map.of(), 1))),
                    new OptionSet(
                            "noyes",
                            List.of(
                                    new OptionSet.Member("No", 0, Map.of("en-US", "Nope"), 0),
                                    new OptionSet.Member("Yes", 1, Map.of("en-US", "Yep"), 1)))));
    private static final Languages ENGLISH = Languages.fromHeader(Optional.of("en-US"));
    private static final Languages GERMAN = Languages.fromHeader(Optional.of("de-DE"));

    private static Optional<String> format(FieldType type, Object value, Languages languages) {
        return FormattedValues.format(
                CATALOG, new FieldDefinition("f", "f", type, false, false, Map.of()), value, languages);
    }

    @Test
    void optionSetsShowTheLabelOfTheStoredValue() {
        assertThat(format(FieldType.enumeration("status"), 0, GERMAN)).contains("Offen");
        assertThat(format(FieldType.enumeration("status"), 0, ENGLISH)).contains("Open");
        assertThat(format(FieldType.enumeration("status"), 1, GERMAN))
                .as("no labels: the name")
                .contains("Held");
    }

    @Test
    void booleansShowTheirOptionSetOrYesNo() {
        assertThat(format(FieldType.labelledBoolean("noyes"), true, ENGLISH)).contains("Yep");
        assertThat(format(FieldType.of(FieldType.Kind.BOOLEAN), true, ENGLISH)).contains("Yes");
        assertThat(format(FieldType.of(FieldType.Kind.BOOLEAN), false, GERMAN)).contains("Nein");
    }

    @Test
    void numbersAndDatesFollowTheLocale() {
        assertThat(format(FieldType.decimal(18, 2), new BigDecimal("25000.5"), ENGLISH))
                .contains("25,000.50");
        assertThat(format(FieldType.decimal(18, 2), new BigDecimal("25000.5"), GERMAN))
                .contains("25.000,50");
        assertThat(format(FieldType.of(FieldType.Kind.INT64), 1250L, GERMAN)).contains("1.250");
        assertThat(format(FieldType.of(FieldType.Kind.DOUBLE), Double.NaN, GERMAN))
                .isEmpty();
        assertThat(format(FieldType.of(FieldType.Kind.DATE), LocalDate.of(2011, 3, 4), ENGLISH))
                .contains("3/4/2011");
        assertThat(format(FieldType.of(FieldType.Kind.DATE), LocalDate.of(2011, 3, 4), GERMAN))
                .contains("04.03.2011");
        assertThat(format(
                        FieldType.of(FieldType.Kind.DATE_TIME_OFFSET),
                        OffsetDateTime.of(2011, 3, 4, 11, 30, 0, 0, ZoneOffset.ofHours(2)),
                        GERMAN))
                .contains("04.03.2011 09:30");
    }

    @Test
    void textAndGuidsHaveNone() {
        assertThat(format(FieldType.string(10), "x", ENGLISH)).isEmpty();
        assertThat(format(FieldType.of(FieldType.Kind.GUID), UUID.randomUUID(), ENGLISH))
                .isEmpty();
    }
}
