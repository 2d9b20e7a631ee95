package dev.vegateway.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Catalog literals (defaults, validation bounds) read as the typed Java value of a field type, the
 * same values the write path binds: String, Integer, Long, BigDecimal (at the type's scale),
 * Double, Boolean, LocalDate, OffsetDateTime (UTC), UUID, and the member's Integer value for an Enum.
 */
final class FieldLiterals {
    private static final Pattern GUID =
            Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

    private FieldLiterals() {}

    /**
     * The value of {@code text} for {@code type}; {@code optionSet} is the Enum's option set.
     *
     * @throws IllegalArgumentException with a message for the catalog author when the text does not fit
     */
    static Object parse(FieldType type, String text, Optional<OptionSet> optionSet) {
        String trimmed = text.trim();
        return switch (type.kind()) {
            case STRING -> {
                int length = text.codePointCount(0, text.length());
                if (type.maxLength().isPresent() && length > type.maxLength().getAsInt()) {
                    throw new IllegalArgumentException(
                            "is " + length + " characters long, more than " + type + " holds");
                }
                yield text;
            }
            case INT32 -> {
                try {
                    yield Integer.parseInt(trimmed);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a whole number between " + Integer.MIN_VALUE + " and "
                            + Integer.MAX_VALUE + " (Int32), was '" + text + "'");
                }
            }
            case INT64 -> {
                try {
                    yield Long.parseLong(trimmed);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a whole number between " + Long.MIN_VALUE + " and "
                            + Long.MAX_VALUE + " (Int64), was '" + text + "'");
                }
            }
            case DECIMAL -> decimal(type, trimmed, text);
            case DOUBLE -> {
                double value = number(trimmed, text).doubleValue();
                if (Double.isInfinite(value)) {
                    throw new IllegalArgumentException("is outside the Double range, was '" + text + "'");
                }
                yield value;
            }
            case BOOLEAN -> {
                if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
                    yield Boolean.parseBoolean(trimmed);
                }
                throw new IllegalArgumentException("must be true or false, was '" + text + "'");
            }
            case DATE -> {
                try {
                    yield LocalDate.parse(trimmed);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("must be a date such as 2024-01-31, was '" + text + "'");
                }
            }
            case DATE_TIME_OFFSET -> {
                try {
                    yield OffsetDateTime.parse(trimmed).withOffsetSameInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "must be a date and time with offset such as 2024-01-31T10:00:00Z, was '" + text + "'");
                }
            }
            case GUID -> {
                if (!GUID.matcher(trimmed).matches()) {
                    throw new IllegalArgumentException(
                            "must be a GUID such as 00000000-0000-0000-0000-000000000000, was '" + text + "'");
                }
                yield UUID.fromString(trimmed);
            }
            case ENUM -> {
                OptionSet set =
                        optionSet.orElseThrow(() -> new IllegalStateException("option set of " + type + " not given"));
                yield set.byName(trimmed)
                        .map(OptionSet.Member::stored)
                        .orElseThrow(() -> new IllegalArgumentException("must be a member name of " + set.name() + " ("
                                + set.members().stream()
                                        .map(OptionSet.Member::name)
                                        .collect(Collectors.joining(", ")) + "), was '" + text + "'"));
            }
                // Dataverse allows no default for a multi-select option set
            case MULTI_ENUM -> throw new IllegalArgumentException(
                    "a multi-select option set (" + type + ") has no default value, as in Dataverse");
        };
    }

    /** A numeric value as BigDecimal, for comparing with validation bounds. */
    static BigDecimal toBigDecimal(Object number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (number instanceof Double value) {
            return new BigDecimal(Double.toString(value));
        }
        return BigDecimal.valueOf(((Number) number).longValue());
    }

    private static BigDecimal decimal(FieldType type, String trimmed, String text) {
        BigDecimal value = number(trimmed, text);
        int precision = type.precision().orElse(CatalogLoader.MAXIMUM_DECIMAL_PRECISION);
        int scale = type.scale().orElse(0);
        if (value.stripTrailingZeros().scale() > scale) {
            throw new IllegalArgumentException(
                    "has more than " + scale + " decimal places, which " + type + " does not hold, was '" + text + "'");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.signum() != 0 && stripped.precision() - stripped.scale() > precision - scale) {
            throw new IllegalArgumentException("does not fit " + type + ", was '" + text + "'");
        }
        return value.setScale(scale);
    }

    private static BigDecimal number(String trimmed, String text) {
        try {
            return new BigDecimal(trimmed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a number such as 12.50, was '" + text + "'");
        }
    }
}
