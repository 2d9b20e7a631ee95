package dev.vegateway.adapter.queryexpression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed reads of a JSON tree where every mismatch is a {@link GatewayException} that names the
 * JSON path of the offending part ({@code Criteria.Filters[0].Conditions[2].Operator}). Absent
 * properties and JSON {@code null} mean the same, as the SDK serialises unset members as null.
 */
final class JsonFields {
    private static final int MAX_ECHOED_LENGTH = 64;
    private static final Pattern LOGICAL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private JsonFields() {}

    static ObjectNode object(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw syntax(path, "Expected a JSON object, found %s", describe(node));
    }

    /** Rejects properties that are neither known nor harmlessly ignored, so a typo never drops a part of the query. */
    static void rejectUnknownProperties(ObjectNode node, String path, Set<String> known) {
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (!known.contains(property.getKey())) {
                throw syntax(
                        child(path, property.getKey()),
                        "Unknown property %s; expected one of %s",
                        quote(property.getKey()),
                        String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /** The property's value, or empty when it is absent or JSON null. */
    static Optional<JsonNode> present(ObjectNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    static String requiredString(ObjectNode node, String path, String name) {
        return optionalString(node, path, name)
                .orElseThrow(() -> syntax(child(path, name), "The required property %s is missing", name));
    }

    static Optional<String> optionalString(ObjectNode node, String path, String name) {
        Optional<JsonNode> value = present(node, name);
        if (value.isPresent() && !value.get().isTextual()) {
            throw syntax(child(path, name), "Expected a string, found %s", describe(value.get()));
        }
        return value.map(JsonNode::textValue);
    }

    static boolean optionalBoolean(ObjectNode node, String path, String name, boolean absent) {
        Optional<JsonNode> value = present(node, name);
        if (value.isEmpty()) {
            return absent;
        }
        if (!value.get().isBoolean()) {
            throw syntax(child(path, name), "Expected true or false, found %s", describe(value.get()));
        }
        return value.get().booleanValue();
    }

    static OptionalLong optionalInteger(ObjectNode node, String path, String name) {
        Optional<JsonNode> value = present(node, name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!value.get().isIntegralNumber() || !value.get().canConvertToLong()) {
            throw syntax(child(path, name), "Expected an integer, found %s", describe(value.get()));
        }
        return OptionalLong.of(value.get().longValue());
    }

    /** The elements of an array property; absent or null is the empty list. */
    static List<JsonNode> optionalArray(ObjectNode node, String path, String name) {
        Optional<JsonNode> value = present(node, name);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!value.get().isArray()) {
            throw syntax(child(path, name), "Expected an array, found %s", describe(value.get()));
        }
        List<JsonNode> elements = new ArrayList<>(value.get().size());
        value.get().elements().forEachRemaining(elements::add);
        return elements;
    }

    /**
     * An enum member written as its name (exact case, as the SDK) or as its integer value, the
     * index in {@code members}; {@code absent} when the property is absent or null.
     */
    static int enumMember(ObjectNode node, String path, String name, List<String> members, int absent) {
        Optional<JsonNode> value = present(node, name);
        if (value.isEmpty()) {
            return absent;
        }
        JsonNode member = value.get();
        if (member.isTextual()) {
            int index = members.indexOf(member.textValue());
            if (index < 0) {
                throw syntax(
                        child(path, name),
                        "Unknown %s %s; expected one of %s (names are case-sensitive) or %s",
                        name,
                        quote(member.textValue()),
                        String.join(", ", members),
                        integerRange(members));
            }
            return index;
        }
        if (member.isIntegralNumber()) {
            if (!member.canConvertToInt() || member.intValue() < 0 || member.intValue() >= members.size()) {
                throw syntax(
                        child(path, name),
                        "Unknown %s %s; expected one of %s or %s",
                        name,
                        member.asText(),
                        String.join(", ", members),
                        integerRange(members));
            }
            return member.intValue();
        }
        throw syntax(child(path, name), "Expected a member name or its integer value, found %s", describe(member));
    }

    private static String integerRange(List<String> members) {
        return "an integer from 0 to " + (members.size() - 1);
    }

    /**
     * An attribute or entity logical name as written by the client. The catalog validates it later;
     * this only keeps names that could never be logical names (SQL metacharacters, whitespace, very
     * long text) from leaving the parser.
     */
    static String logicalName(ObjectNode node, String path, String name) {
        return checkLogicalName(requiredString(node, path, name), child(path, name));
    }

    /** An optional property holding a logical name (a link's alias, the link an attribute belongs to). */
    static Optional<String> optionalLogicalName(ObjectNode node, String path, String name) {
        return optionalString(node, path, name).map(value -> checkLogicalName(value, child(path, name)));
    }

    static String checkLogicalName(String name, String path) {
        if (name.length() > 128 || !LOGICAL_NAME.matcher(name).matches()) {
            throw syntax(
                    path,
                    "%s is not a valid logical name (a letter or '_' followed by at most 127 letters, digits or '_')",
                    quote(name));
        }
        return name;
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    @FormatMethod
    static GatewayException syntax(String path, @FormatString String format, Object... arguments) {
        return error(ErrorCode.QUERY_SYNTAX, path, format, arguments);
    }

    @FormatMethod
    static GatewayException unsupported(String path, @FormatString String format, Object... arguments) {
        return error(ErrorCode.UNSUPPORTED_QUERY, path, format, arguments);
    }

    @FormatMethod
    static GatewayException malformed(String path, @FormatString String format, Object... arguments) {
        return error(ErrorCode.MALFORMED_PAYLOAD, path, format, arguments);
    }

    @FormatMethod
    private static GatewayException error(
            ErrorCode code, String path, @FormatString String format, Object... arguments) {
        String message = arguments.length == 0 ? format : String.format(format, arguments);
        return new GatewayException(code, path.isEmpty() ? message : message + " (at " + path + ")");
    }

    /** Client text for an error message: quoted, cut to a readable length, control characters replaced. */
    static String quote(String text) {
        String shown = text.length() > MAX_ECHOED_LENGTH ? text.substring(0, MAX_ECHOED_LENGTH) + "…" : text;
        StringBuilder quoted = new StringBuilder(shown.length() + 2).append('\'');
        shown.codePoints()
                .forEach(codePoint -> quoted.appendCodePoint(Character.isISOControl(codePoint) ? '?' : codePoint));
        return quoted.append('\'').toString();
    }

    /** What a JSON node is, for "expected …, found …" messages. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "nothing";
        };
    }
}
