package dev.vegateway.adapter.queryexpression;

import static dev.vegateway.adapter.queryexpression.JsonFields.child;
import static dev.vegateway.adapter.queryexpression.JsonFields.describe;
import static dev.vegateway.adapter.queryexpression.JsonFields.element;
import static dev.vegateway.adapter.queryexpression.JsonFields.malformed;
import static dev.vegateway.adapter.queryexpression.JsonFields.optionalArray;
import static dev.vegateway.adapter.queryexpression.JsonFields.quote;
import static dev.vegateway.adapter.queryexpression.JsonFields.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.query.Literal;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code Values} of a ConditionExpression into literals. Each item is either a
 * {@code {"Value": …, "Type": "System.…"}} object or a bare JSON scalar. Without a type, a JSON
 * string is a String, an integer a Long, a decimal a BigDecimal and a boolean a Boolean. The
 * field's own type is not consulted: converting "usmf" for a UUID column is the planner's job.
 */
final class ConditionValues {
    private static final Set<String> VALUE_PROPERTIES = Set.of("Value", "Type");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** The WCF DataContractJsonSerializer form, {@code /Date(1700000000000)/} or {@code /Date(1700000000000+0100)/}. */
    private static final Pattern WCF_DATE = Pattern.compile("/Date\\((-?\\d{1,15})(?:([+-])(\\d{2})(\\d{2}))?\\)/");
    /** Decimal literals beyond this scale or precision are refused rather than handed to a database. */
    private static final int MAX_DECIMAL_DIGITS = 1000;

    /** The {@code Type} names the gateway understands, as .NET writes them. */
    private enum ValueType {
        STRING("System.String"),
        GUID("System.Guid"),
        DATE_TIME("System.DateTime"),
        INT32("System.Int32"),
        INT64("System.Int64"),
        DECIMAL("System.Decimal"),
        DOUBLE("System.Double"),
        BOOLEAN("System.Boolean");

        private final String dotNetName;

        ValueType(String dotNetName) {
            this.dotNetName = dotNetName;
        }

        static Optional<ValueType> byName(String name) {
            return Arrays.stream(values())
                    .filter(type -> type.dotNetName.equals(name))
                    .findFirst();
        }
    }

    private ConditionValues() {}

    /**
     * The condition's values in order. With {@code flattenSingleArray} (In/NotIn), a single item
     * that is itself an array, or whose {@code Value} is an array, stands for the whole list, as
     * Dataverse accepts {@code new ConditionExpression(name, ConditionOperator.In, array)}.
     */
    static List<Literal> read(ObjectNode condition, String conditionPath, boolean flattenSingleArray) {
        String valuesPath = child(conditionPath, "Values");
        List<JsonNode> items = optionalArray(condition, conditionPath, "Values");
        if (flattenSingleArray && items.size() == 1) {
            JsonNode only = items.get(0);
            String onlyPath = element(valuesPath, 0);
            if (only.isArray()) {
                return readItems(elements(only), onlyPath);
            }
            if (only.isObject() && only.path("Value").isArray()) {
                ObjectNode item = (ObjectNode) only;
                JsonFields.rejectUnknownProperties(item, onlyPath, VALUE_PROPERTIES);
                Optional<ValueType> type = type(item, onlyPath);
                String arrayPath = child(onlyPath, "Value");
                List<JsonNode> values = elements(item.get("Value"));
                List<Literal> literals = new ArrayList<>(values.size());
                for (int index = 0; index < values.size(); index++) {
                    literals.add(convert(values.get(index), type, element(arrayPath, index)));
                }
                return literals;
            }
        }
        return readItems(items, valuesPath);
    }

    private static List<Literal> readItems(List<JsonNode> items, String path) {
        List<Literal> literals = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            literals.add(item(items.get(index), element(path, index)));
        }
        return literals;
    }

    private static Literal item(JsonNode item, String path) {
        if (item.isObject()) {
            ObjectNode object = (ObjectNode) item;
            JsonFields.rejectUnknownProperties(object, path, VALUE_PROPERTIES);
            Optional<ValueType> type = type(object, path);
            JsonNode value = object.get("Value");
            if (value == null) {
                throw syntax(child(path, "Value"), "The required property Value is missing");
            }
            return convert(value, type, child(path, "Value"));
        }
        return convert(item, Optional.empty(), path);
    }

    private static Optional<ValueType> type(ObjectNode item, String path) {
        Optional<String> typeName = JsonFields.optionalString(item, path, "Type");
        if (typeName.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ValueType.byName(typeName.get())
                .orElseThrow(() -> malformed(
                        child(path, "Type"),
                        "Unknown value type %s; expected one of %s",
                        quote(typeName.get()),
                        String.join(
                                ", ",
                                Arrays.stream(ValueType.values())
                                        .map(type -> type.dotNetName)
                                        .toList()))));
    }

    private static Literal convert(JsonNode value, Optional<ValueType> type, String path) {
        if (value.isNull()) {
            throw syntax(
                    path, "A condition value cannot be null; compare with null using the Null or NotNull operator");
        }
        if (value.isContainerNode()) {
            throw syntax(path, "Expected a value, found %s", describe(value));
        }
        return new Literal(type.isPresent() ? typed(value, type.get(), path) : untyped(value, path));
    }

    private static Object untyped(JsonNode value, String path) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return decimal(value, path);
        }
        throw syntax(path, "Expected a string, number or boolean, found %s", describe(value));
    }

    private static Object typed(JsonNode value, ValueType type, String path) {
        return switch (type) {
            case STRING -> {
                requireText(value, type, path);
                yield value.textValue();
            }
            case GUID -> {
                requireText(value, type, path);
                if (!GUID.matcher(value.textValue()).matches()) {
                    throw syntax(
                            path,
                            "%s is not a GUID (expected 8-4-4-4-12 hexadecimal digits)",
                            quote(value.textValue()));
                }
                yield UUID.fromString(value.textValue());
            }
            case DATE_TIME -> {
                requireText(value, type, path);
                yield dateTime(value.textValue(), path);
            }
            case INT32 -> integer(value, type, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> integer(value, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
            case DECIMAL -> {
                if (value.isTextual()) {
                    yield checkDecimal(parseDecimal(value.textValue(), type, path), path);
                }
                requireNumber(value, type, path);
                yield decimal(value, path);
            }
            case DOUBLE -> {
                double number;
                if (value.isTextual()) {
                    number = parseDecimal(value.textValue(), type, path).doubleValue();
                } else {
                    requireNumber(value, type, path);
                    number = value.doubleValue();
                }
                if (!Double.isFinite(number)) {
                    throw syntax(path, "%s is out of range for %s", value.asText(), type.dotNetName);
                }
                yield number;
            }
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    yield value.booleanValue();
                }
                if (value.isTextual()
                        && (value.textValue().equalsIgnoreCase("true")
                                || value.textValue().equalsIgnoreCase("false"))) {
                    yield Boolean.parseBoolean(value.textValue());
                }
                throw syntax(path, "Expected true or false for %s, found %s", type.dotNetName, describe(value));
            }
        };
    }

    private static Long integer(JsonNode value, ValueType type, String path, long minimum, long maximum) {
        long number;
        if (value.isTextual()) {
            try {
                number = Long.parseLong(value.textValue());
            } catch (NumberFormatException e) {
                throw syntax(path, "%s is not an integer for %s", quote(value.textValue()), type.dotNetName);
            }
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            number = value.longValue();
        } else if (value.isIntegralNumber()) {
            throw syntax(path, "%s is out of range for %s", value.asText(), type.dotNetName);
        } else {
            throw syntax(
                    path,
                    "Expected an integer for %s, found %s",
                    type.dotNetName,
                    value.isNumber() ? "the decimal " + value.asText() : describe(value));
        }
        if (number < minimum || number > maximum) {
            throw syntax(path, "%d is out of range for %s", number, type.dotNetName);
        }
        return number;
    }

    private static BigDecimal decimal(JsonNode value, String path) {
        BigDecimal number;
        if (value.isFloat() || value.isDouble()) {
            if (!Double.isFinite(value.doubleValue())) {
                throw syntax(path, "%s is not a finite number", value.asText());
            }
            number = BigDecimal.valueOf(value.doubleValue());
        } else {
            number = value.decimalValue();
        }
        return checkDecimal(number, path);
    }

    private static BigDecimal parseDecimal(String text, ValueType type, String path) {
        if (text.length() > MAX_DECIMAL_DIGITS) {
            throw syntax(path, "The number is too long for %s", type.dotNetName);
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw syntax(path, "%s is not a number for %s", quote(text), type.dotNetName);
        }
    }

    private static BigDecimal checkDecimal(BigDecimal number, String path) {
        if (Math.abs(number.scale()) > MAX_DECIMAL_DIGITS || number.precision() > MAX_DECIMAL_DIGITS) {
            throw syntax(
                    path,
                    "The number is out of range (more than %d digits or an exponent beyond ±%d)",
                    MAX_DECIMAL_DIGITS,
                    MAX_DECIMAL_DIGITS);
        }
        return number;
    }

    /** A date with a time part is an OffsetDateTime, a date alone a LocalDate. */
    private static Object dateTime(String text, String path) {
        Matcher wcf = WCF_DATE.matcher(text);
        if (wcf.matches()) {
            Instant instant = Instant.ofEpochMilli(Long.parseLong(wcf.group(1)));
            ZoneOffset offset = wcf.group(2) == null ? ZoneOffset.UTC : offset(wcf, text, path);
            return OffsetDateTime.ofInstant(instant, offset);
        }
        try {
            if (DATE_ONLY.matcher(text).matches()) {
                return LocalDate.parse(text);
            }
            if (text.indexOf('T') > 0 && !hasOffset(text)) {
                throw syntax(
                        path,
                        "%s has a time but no UTC offset; write it with 'Z' or an offset such as +01:00",
                        quote(text));
            }
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw syntax(
                    path,
                    "%s is not a date (yyyy-MM-dd) or a date and time with an offset (yyyy-MM-ddTHH:mm:ssZ)",
                    quote(text));
        }
    }

    private static boolean hasOffset(String text) {
        int time = text.indexOf('T');
        return text.endsWith("Z") || text.endsWith("z") || text.indexOf('+', time) > 0 || text.indexOf('-', time) > 0;
    }

    private static ZoneOffset offset(Matcher wcf, String text, String path) {
        int hours = Integer.parseInt(wcf.group(3));
        int minutes = Integer.parseInt(wcf.group(4));
        if (minutes > 59 || hours * 60 + minutes > 18 * 60) {
            throw syntax(path, "%s has an invalid UTC offset", quote(text));
        }
        int sign = wcf.group(2).equals("-") ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }

    private static void requireText(JsonNode value, ValueType type, String path) {
        if (!value.isTextual()) {
            throw syntax(path, "Expected a string for %s, found %s", type.dotNetName, describe(value));
        }
    }

    private static void requireNumber(JsonNode value, ValueType type, String path) {
        if (!value.isNumber()) {
            throw syntax(path, "Expected a number for %s, found %s", type.dotNetName, describe(value));
        }
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.elements().forEachRemaining(elements::add);
        return elements;
    }
}
