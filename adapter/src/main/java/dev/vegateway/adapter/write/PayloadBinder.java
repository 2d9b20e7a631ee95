package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks a write payload (JSON values as Java values: String, Long, BigInteger, BigDecimal,
 * Double, Boolean, or null) against the catalog and converts each value to the Java type the
 * JDBC driver binds for its field. Every refusal names the property: an unknown property or a
 * value of the wrong JSON type is a malformed payload (0x80048d19); a value the field does not
 * accept (too long, out of range, not in the option set, a read-only field, a missing required
 * field) is a validation error (0x80044331).
 */
public final class PayloadBinder {
    private final Catalog catalog;

    public PayloadBinder(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** The sent fields, typed; {@code writable} says which fields a client may set in this operation. */
    public Map<FieldDefinition, Object> bind(
            EntityDefinition entity,
            Map<String, Object> payload,
            java.util.function.Predicate<FieldDefinition> writable) {
        Map<FieldDefinition, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : payload.entrySet()) {
            String name = entry.getKey();
            FieldDefinition field = entity.field(name)
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.MALFORMED_PAYLOAD,
                            "Invalid property '%s' was found in entity '%s'.",
                            shorten(name),
                            entity.logicalName()));
            if (!writable.test(field)) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION, "The property '%s' is read-only and cannot be set.", name);
            }
            Object value = entry.getValue();
            if (value == null) {
                if (field.required()) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION, "The property '%s' is required and cannot be null.", name);
                }
                values.put(field, null);
            } else {
                Object converted = convert(field, value);
                Optional<String> violation = field.validation().violation(converted);
                if (violation.isPresent()) {
                    throw GatewayException.of(ErrorCode.VALIDATION, "The value of '%s' %s.", name, violation.get());
                }
                values.put(field, converted);
            }
        }
        return values;
    }

    /** Converts one JSON value for {@code field}, checking type, length, precision and option set. */
    public Object convert(FieldDefinition field, Object value) {
        FieldType type = field.type();
        String name = field.logicalName();
        try {
            return switch (type.kind()) {
                case STRING -> {
                    String text = requireType(value instanceof String, value, name, "a string");
                    if (type.maxLength().isPresent()
                            && text.codePointCount(0, text.length())
                                    > type.maxLength().getAsInt()) {
                        throw GatewayException.of(
                                ErrorCode.VALIDATION,
                                "The value of '%s' is longer than its maximum length of %d.",
                                name,
                                type.maxLength().getAsInt());
                    }
                    yield text;
                }
                case INT32 -> {
                    long number = integral(value, name);
                    if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
                        throw GatewayException.of(
                                ErrorCode.VALIDATION, "The value of '%s' is outside the Int32 range.", name);
                    }
                    yield (int) number;
                }
                case INT64 -> integral(value, name);
                case DECIMAL -> {
                    BigDecimal number = decimal(value, name);
                    int scale = type.scale().orElse(0);
                    int precision = type.precision().orElse(38);
                    if (number.stripTrailingZeros().scale() > scale) {
                        throw GatewayException.of(
                                ErrorCode.VALIDATION,
                                "The value of '%s' has more than %d decimal places.",
                                name,
                                scale);
                    }
                    BigDecimal scaled = number.setScale(scale, java.math.RoundingMode.UNNECESSARY);
                    if (scaled.precision() - scaled.scale() > precision - scale) {
                        throw GatewayException.of(
                                ErrorCode.VALIDATION,
                                "The value of '%s' does not fit Decimal(%d,%d).",
                                name,
                                precision,
                                scale);
                    }
                    yield scaled;
                }
                case DOUBLE -> {
                    if (value instanceof Double number) {
                        yield number;
                    }
                    if (value instanceof Long
                            || value instanceof Integer
                            || value instanceof BigInteger
                            || value instanceof BigDecimal) {
                        yield ((Number) value).doubleValue();
                    }
                    throw wrongType(value, name, "a number");
                }
                case BOOLEAN -> requireType(value instanceof Boolean, value, name, "true or false");
                case DATE -> LocalDate.parse(
                        requireType(value instanceof String, value, name, "a date such as 2024-01-31"));
                case DATE_TIME_OFFSET -> OffsetDateTime.parse(requireType(
                                value instanceof String, value, name, "a date and time such as 2024-01-31T10:00:00Z"))
                        .withOffsetSameInstant(ZoneOffset.UTC);
                case GUID -> {
                    String text = requireType(value instanceof String, value, name, "a GUID");
                    if (text.length() != 36) {
                        throw wrongType(value, name, "a GUID");
                    }
                    yield UUID.fromString(text);
                }
                case ENUM -> enumValue(type, value, name);
                case MULTI_ENUM -> multiSelect(type, value, name);
            };
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            if (e instanceof GatewayException gatewayException) {
                throw gatewayException;
            }
            throw wrongType(value, name, expected(type));
        }
    }

    /** The stored value of the option whose value on the wire (an Int32) the payload gives. */
    private Integer enumValue(FieldType type, Object value, String name) {
        OptionSet optionSet = type.optionSet().flatMap(catalog::optionSet).orElseThrow();
        if (!(value instanceof Long || value instanceof Integer)) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The value '%s' of '%s' is not an option value: option sets take the option's integer value (%s).",
                    shorten(String.valueOf(value)),
                    name,
                    OptionValues.describe(optionSet));
        }
        long number = ((Number) value).longValue();
        Optional<OptionSet.Member> member = number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE
                ? optionSet.byValue((int) number)
                : Optional.empty();
        return member.map(OptionSet.Member::stored)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The value '%s' of '%s' is not in the option set %s (%s).",
                        shorten(String.valueOf(value)),
                        name,
                        optionSet.name(),
                        OptionValues.describe(optionSet)));
    }

    /**
     * A multi-select option set, sent as Dataverse's Web API takes it: one text of comma-separated
     * option values ({@code "1,3"}); stored as the members' stored values, distinct and ascending.
     */
    private String multiSelect(FieldType type, Object value, String name) {
        OptionSet optionSet = type.optionSet().flatMap(catalog::optionSet).orElseThrow();
        if (!(value instanceof String text)) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The value %s of '%s' is not a multi-select value: send the option values as one text of"
                            + " comma-separated integers, such as \"%d,%d\" (%s).",
                    describe(value),
                    name,
                    optionSet.members().get(0).value(),
                    optionSet.members().get(optionSet.members().size() - 1).value(),
                    OptionValues.describe(optionSet));
        }
        String[] items = text.split(",", -1);
        if (items.length > dev.vegateway.catalog.MultiSelectValues.MAXIMUM_SELECTED) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The value of '%s' selects more than %d options.",
                    name,
                    dev.vegateway.catalog.MultiSelectValues.MAXIMUM_SELECTED);
        }
        java.util.List<OptionSet.Member> members = new java.util.ArrayList<>();
        for (String item : items) {
            String trimmed = item.strip();
            Optional<OptionSet.Member> member;
            try {
                member = optionSet.byValue(Integer.parseInt(trimmed));
            } catch (NumberFormatException e) {
                member = Optional.empty();
            }
            if (member.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The value '%s' of '%s' is not in the option set %s (%s).",
                        shorten(trimmed),
                        name,
                        optionSet.name(),
                        OptionValues.describe(optionSet));
            }
            members.add(member.get());
        }
        return dev.vegateway.catalog.MultiSelectValues.toStored(members);
    }

    private static long integral(Object value, String name) {
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            throw GatewayException.of(ErrorCode.VALIDATION, "The value of '%s' is outside the Int64 range.", name);
        }
        if (value instanceof BigDecimal number) {
            try {
                return number.longValueExact();
            } catch (ArithmeticException e) {
                throw wrongType(value, name, "a whole number");
            }
        }
        throw wrongType(value, name, "a whole number");
    }

    private static BigDecimal decimal(Object value, String name) {
        if (value instanceof BigDecimal number) {
            return number;
        }
        if (value instanceof Long || value instanceof Integer) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger number) {
            return new BigDecimal(number);
        }
        if (value instanceof Double number && Double.isFinite(number)) {
            return BigDecimal.valueOf(number);
        }
        throw wrongType(value, name, "a number");
    }

    @SuppressWarnings("unchecked")
    private static <T> T requireType(boolean matches, Object value, String name, String expected) {
        if (!matches) {
            throw wrongType(value, name, expected);
        }
        return (T) value;
    }

    private static GatewayException wrongType(Object value, String name, String expected) {
        return GatewayException.of(
                ErrorCode.MALFORMED_PAYLOAD, "The value %s of '%s' is not %s.", describe(value), name, expected);
    }

    private static String describe(Object value) {
        String text = value instanceof String string ? "'" + string + "'" : String.valueOf(value);
        return shorten(text);
    }

    private static String expected(FieldType type) {
        return switch (type.kind()) {
            case DATE -> "a date such as 2024-01-31";
            case DATE_TIME_OFFSET -> "a date and time such as 2024-01-31T10:00:00Z";
            case GUID -> "a GUID";
            default -> "a valid " + type;
        };
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
