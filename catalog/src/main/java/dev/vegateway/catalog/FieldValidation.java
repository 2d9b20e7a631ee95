package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Catalog-declared checks on a field's value beyond its type. {@code minimum} and {@code maximum}
 * (inclusive) are {@link BigDecimal} for numeric fields, {@link LocalDate} for Date and
 * {@link OffsetDateTime} (UTC) for DateTimeOffset fields; {@code pattern} applies to String fields
 * and must match the whole value. Two validations are equal when their bounds are equal and their
 * patterns have the same text and flags.
 */
public record FieldValidation(
        Optional<Comparable<?>> minimum, Optional<Comparable<?>> maximum, Optional<Pattern> pattern) {
    /** No checks. */
    public static final FieldValidation NONE =
            new FieldValidation(Optional.empty(), Optional.empty(), Optional.empty());

    public FieldValidation {
        requireNonNull(minimum, "minimum is null");
        requireNonNull(maximum, "maximum is null");
        requireNonNull(pattern, "pattern is null");
        minimum.ifPresent(FieldValidation::requireBoundType);
        maximum.ifPresent(FieldValidation::requireBoundType);
        if (minimum.isPresent() && maximum.isPresent()) {
            if (minimum.get().getClass() != maximum.get().getClass()) {
                throw new IllegalArgumentException(
                        "minimum " + minimum.get() + " and maximum " + maximum.get() + " are of different types");
            }
            if (compare(minimum.get(), maximum.get()) > 0) {
                throw new IllegalArgumentException(
                        "minimum " + minimum.get() + " is greater than maximum " + maximum.get());
            }
        }
    }

    /** An inclusive range; either end may be absent. */
    public static FieldValidation range(
            Optional<? extends Comparable<?>> minimum, Optional<? extends Comparable<?>> maximum) {
        return new FieldValidation(
                minimum.map(value -> (Comparable<?>) value),
                maximum.map(value -> (Comparable<?>) value),
                Optional.empty());
    }

    /** A pattern the whole text must match. */
    public static FieldValidation pattern(Pattern pattern) {
        return new FieldValidation(Optional.empty(), Optional.empty(), Optional.of(pattern));
    }

    public boolean isEmpty() {
        return minimum.isEmpty() && maximum.isEmpty() && pattern.isEmpty();
    }

    /**
     * Why {@code value} fails these checks, e.g. {@code "must be at least 0"}; empty when it passes.
     * {@code value} is the field's typed value: a {@link Number} for numeric fields, a
     * {@link LocalDate}, an {@link OffsetDateTime} or a {@link String}.
     *
     * @throws IllegalArgumentException if {@code value} is of a type the bounds cannot be compared with
     */
    public Optional<String> violation(Object value) {
        requireNonNull(value, "value is null");
        if (pattern.isPresent()) {
            if (!(value instanceof CharSequence text)) {
                throw new IllegalArgumentException(
                        "a pattern applies to text, not to " + value.getClass().getSimpleName());
            }
            if (!pattern.get().matcher(text).matches()) {
                return Optional.of("must match the pattern " + pattern.get().pattern());
            }
        }
        if (minimum.isEmpty() && maximum.isEmpty()) {
            return Optional.empty();
        }
        Comparable<?> comparable = comparable(value);
        if (minimum.isPresent() && compare(comparable, minimum.get()) < 0) {
            return Optional.of("must be at least " + minimum.get());
        }
        if (maximum.isPresent() && compare(comparable, maximum.get()) > 0) {
            return Optional.of("must be at most " + maximum.get());
        }
        return Optional.empty();
    }

    private static void requireBoundType(Comparable<?> bound) {
        if (!(bound instanceof BigDecimal || bound instanceof LocalDate || bound instanceof OffsetDateTime)) {
            throw new IllegalArgumentException("a bound is a BigDecimal, LocalDate or OffsetDateTime, not "
                    + bound.getClass().getSimpleName());
        }
    }

    /** Numbers as BigDecimal so that an Integer compares with a BigDecimal bound; NaN and infinities are not comparable. */
    private static Comparable<?> comparable(Object value) {
        if (value instanceof BigDecimal || value instanceof LocalDate || value instanceof OffsetDateTime) {
            return (Comparable<?>) value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger number) {
            return new BigDecimal(number);
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("cannot compare " + number + " with a bound");
            }
            return new BigDecimal(Double.toString(number));
        }
        throw new IllegalArgumentException(
                "cannot compare a " + value.getClass().getSimpleName() + " with a bound");
    }

    /** Dates with time compare as instants, whatever their offsets. */
    private static int compare(Comparable<?> left, Comparable<?> right) {
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.compareTo(b);
        }
        if (left instanceof LocalDate a && right instanceof LocalDate b) {
            return a.compareTo(b);
        }
        if (left instanceof OffsetDateTime a && right instanceof OffsetDateTime b) {
            return a.toInstant().compareTo(b.toInstant());
        }
        throw new IllegalArgumentException("cannot compare " + left.getClass().getSimpleName() + " " + left + " with "
                + right.getClass().getSimpleName() + " " + right);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldValidation that
                && minimum.equals(that.minimum)
                && maximum.equals(that.maximum)
                && pattern.map(FieldValidation::patternKey).equals(that.pattern.map(FieldValidation::patternKey));
    }

    @Override
    public int hashCode() {
        return Objects.hash(minimum, maximum, pattern.map(FieldValidation::patternKey));
    }

    @Override
    public String toString() {
        return "FieldValidation[minimum=" + minimum + ", maximum=" + maximum + ", pattern="
                + pattern.map(Pattern::pattern) + "]";
    }

    private static String patternKey(Pattern pattern) {
        return pattern.flags() + ":" + pattern.pattern();
    }
}
