package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Literal.EnumMember;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * Converts a literal as a parser read it into the Java value the JDBC driver binds for a field
 * of a given type, or rejects it with a message naming the attribute.
 */
final class LiteralCoercion {
    private LiteralCoercion() {}

    /** Coerces for comparison with a catalog field. */
    static Literal toField(Literal literal, FieldType type, Optional<OptionSet> optionSet, String attribute) {
        Object value = literal.value();
        try {
            Object coerced =
                    switch (type.kind()) {
                        case STRING -> text(value);
                        case INT32 -> int32(value);
                        case INT64 -> int64(value);
                        case DECIMAL -> decimal(value);
                        case DOUBLE -> floating(value);
                        case BOOLEAN -> bool(value);
                        case DATE -> date(value);
                        case DATE_TIME_OFFSET -> timestamp(value);
                        case GUID -> guid(value);
                        case ENUM -> enumValue(value, optionSet.orElseThrow());
                        case MULTI_ENUM -> throw GatewayException.of(
                                ErrorCode.QUERY_SYNTAX,
                                "'%s' is a multi-select option set (%s): filter it with ContainValues or"
                                        + " DoesNotContainValues (contain-values, not-contain-values), or test it for null;"
                                        + " it cannot be compared with a value.",
                                attribute,
                                type);
                    };
            if (coerced == null) {
                throw invalid(value, type.toString(), attribute);
            }
            return new Literal(coerced);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw invalid(value, type.toString(), attribute);
        }
    }

    /** Coerces for comparison with a function result ({@code length(x) gt 3}, {@code year(d) eq 2024}). */
    static Literal toValueType(Literal literal, ValueType type, String description) {
        Object value = literal.value();
        try {
            Object coerced =
                    switch (type) {
                        case TEXT -> text(value);
                        case INTEGER -> int64(value);
                        default -> throw new IllegalStateException("functions return text or integers, not " + type);
                    };
            if (coerced == null) {
                throw invalid(value, type == ValueType.TEXT ? "String" : "Int32", description);
            }
            return new Literal(coerced);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(value, type == ValueType.TEXT ? "String" : "Int32", description);
        }
    }

    /**
     * One value of a ContainValues condition: an option's value (a number, or text of one) of a
     * multi-select option set, as the stored integer the column's list holds.
     */
    static Literal multiSelectMember(Literal literal, OptionSet optionSet, String attribute) {
        Object value = literal.value();
        Integer wire;
        try {
            wire = value instanceof Number || value instanceof String ? Math.toIntExact(int64Of(value)) : null;
        } catch (NumberFormatException | ArithmeticException e) {
            wire = null;
        }
        Optional<OptionSet.Member> member = wire == null ? Optional.empty() : optionSet.byValue(wire);
        if (member.isEmpty()) {
            throw invalid(value, "MultiEnum(" + optionSet.name() + ")", attribute);
        }
        return new Literal(member.get().stored());
    }

    private static long int64Of(Object value) {
        if (value instanceof String text) {
            return Long.parseLong(text.strip());
        }
        Number number = (Number) value;
        if (number.doubleValue() != number.longValue()) {
            throw new NumberFormatException("not a whole number");
        }
        return number.longValue();
    }

    private static GatewayException invalid(Object value, String type, String attribute) {
        String shown = String.valueOf(value instanceof EnumMember member ? member.member() : value);
        if (shown.length() > 100) {
            shown = shown.substring(0, 100) + "…";
        }
        return GatewayException.of(
                ErrorCode.QUERY_SYNTAX,
                "The value '%s' is not valid for attribute '%s' of type %s.",
                shown,
                attribute,
                type);
    }

    private static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigDecimal) {
            return value.toString();
        }
        return null;
    }

    private static Integer int32(Object value) {
        Long wide = int64(value);
        return wide == null ? null : Math.toIntExact(wide);
    }

    private static Long int64(Object value) {
        if (value instanceof Long number) {
            return number;
        }
        if (value instanceof Integer number) {
            return number.longValue();
        }
        if (value instanceof BigDecimal number) {
            return number.longValueExact();
        }
        if (value instanceof String text) {
            return Long.parseLong(text.trim());
        }
        return null;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal number) {
            return number;
        }
        if (value instanceof Long || value instanceof Integer) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double number) {
            return BigDecimal.valueOf(number);
        }
        if (value instanceof String text) {
            return new BigDecimal(text.trim());
        }
        return null;
    }

    private static Double floating(Object value) {
        if (value instanceof Double number) {
            return number;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof String text) {
            return Double.parseDouble(text.trim());
        }
        return null;
    }

    private static Boolean bool(Object value) {
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    private static LocalDate date(Object value) {
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof String text) {
            String trimmed = text.trim();
            return trimmed.length() > 10 ? OffsetDateTime.parse(trimmed).toLocalDate() : LocalDate.parse(trimmed);
        }
        return null;
    }

    private static OffsetDateTime timestamp(Object value) {
        if (value instanceof OffsetDateTime timestamp) {
            return timestamp.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof LocalDate date) {
            return date.atStartOfDay().atOffset(ZoneOffset.UTC);
        }
        if (value instanceof String text) {
            String trimmed = text.trim();
            return trimmed.length() <= 10
                    ? LocalDate.parse(trimmed).atStartOfDay().atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.parse(trimmed).withOffsetSameInstant(ZoneOffset.UTC);
        }
        return null;
    }

    private static UUID guid(Object value) {
        if (value instanceof UUID uuid) {
            return uuid;
        }
        if (value instanceof String text && text.trim().length() == 36) {
            try {
                return UUID.fromString(text.trim());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The stored value of the option a literal names: its value on the wire (an integer, or an
     * integer in text), or the qualified member literal {@code Namespace.set'Member'} that row
     * filters written before option sets were served as integers use.
     */
    private static Integer enumValue(Object value, OptionSet optionSet) {
        if (value instanceof EnumMember member) {
            return optionSet
                    .byName(member.member())
                    .map(OptionSet.Member::stored)
                    .orElse(null);
        }
        Long number;
        if (value instanceof String text) {
            try {
                number = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            number = int64(value);
        }
        if (number == null || number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            return null;
        }
        return optionSet
                .byValue(number.intValue())
                .map(OptionSet.Member::stored)
                .orElse(null);
    }
}
