package dev.vegateway.gateway.scim;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The strict subset of SCIM filters (RFC 7644 section 3.4.2.2) the gateway answers: comparisons
 * {@code attributePath eq "value"} joined by {@code and} — what Entra ID and Okta send to find a
 * user ({@code userName eq "…"}, {@code externalId eq "…"}) or a group ({@code displayName eq "…"}),
 * and what a PATCH path selects members with ({@code value eq "…"}). Every other operator,
 * {@code or}, {@code not}, parentheses and value paths are refused with {@code invalidFilter}
 * naming what was found and where, never ignored.
 *
 * <p>Attribute names keep their spelling here; callers compare them without regard to case.
 * Values are JSON strings (with JSON escapes), {@code true}, {@code false} or numbers, kept as text.
 */
record ScimFilter(List<Comparison> comparisons) {
    ScimFilter {
        comparisons = List.copyOf(requireNonNull(comparisons, "comparisons is null"));
    }

    /** {@code attribute eq value}. */
    record Comparison(String attribute, String value) {
        Comparison {
            requireNonNull(attribute, "attribute is null");
            requireNonNull(value, "value is null");
        }
    }

    private static final List<String> OTHER_OPERATORS = List.of("ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr");

    /** @throws ScimException {@code invalidFilter} naming the problem and its position (1-based) */
    static ScimFilter parse(String text) {
        requireNonNull(text, "text is null");
        return new Parser(text).filter();
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        ScimFilter filter() {
            List<Comparison> comparisons = new ArrayList<>();
            skipSpaces();
            if (position == text.length()) {
                throw fail("the filter is empty");
            }
            comparisons.add(comparison());
            while (true) {
                skipSpaces();
                if (position == text.length()) {
                    return new ScimFilter(comparisons);
                }
                String word = word();
                if (!word.equalsIgnoreCase("and")) {
                    if (word.equalsIgnoreCase("or")) {
                        throw fail(
                                position - word.length(), "'or' is not supported; only eq comparisons joined by and");
                    }
                    throw fail(position - word.length(), "expected 'and' or the end of the filter, found '%s'", word);
                }
                requireSpace();
                comparisons.add(comparison());
            }
        }

        private Comparison comparison() {
            skipSpaces();
            int start = position;
            if (position < text.length() && text.charAt(position) == '(') {
                throw fail("parentheses are not supported; only eq comparisons joined by and");
            }
            String attribute = attributePath();
            if (attribute.equalsIgnoreCase("not")) {
                throw fail(start, "'not' is not supported; only eq comparisons joined by and");
            }
            if (position < text.length() && text.charAt(position) == '[') {
                throw fail("value filters ('%s[…]') are not supported; only eq comparisons joined by and", attribute);
            }
            requireSpace();
            int operatorStart = position;
            String operator = word();
            if (!operator.equalsIgnoreCase("eq")) {
                if (OTHER_OPERATORS.contains(operator.toLowerCase(Locale.ROOT))) {
                    throw fail(operatorStart, "operator '%s' is not supported; only eq", operator);
                }
                throw fail(operatorStart, "expected the operator eq after '%s', found '%s'", attribute, operator);
            }
            requireSpace();
            return new Comparison(attribute, value());
        }

        /** {@code ATTRNAME *("." ATTRNAME)}, optionally after a schema URN ({@code urn:…:User:userName}). */
        private String attributePath() {
            int start = position;
            while (position < text.length() && isPathCharacter(text.charAt(position))) {
                position++;
            }
            if (position == start) {
                throw fail("expected an attribute name");
            }
            String path = text.substring(start, position);
            String name = path.startsWith("urn:") ? path.substring(path.lastIndexOf(':') + 1) : path;
            for (String segment : name.split("\\.", -1)) {
                if (segment.isEmpty() || !Character.isLetter(segment.charAt(0))) {
                    throw fail(start, "'%s' is not an attribute path", path);
                }
            }
            return path;
        }

        private static boolean isPathCharacter(char c) {
            return Character.isLetterOrDigit(c) || c == '.' || c == ':' || c == '_' || c == '-' || c == '$';
        }

        private String value() {
            if (position == text.length()) {
                throw fail("expected a value");
            }
            if (text.charAt(position) == '"') {
                return string();
            }
            int start = position;
            while (position < text.length() && text.charAt(position) != ' ') {
                position++;
            }
            String literal = text.substring(start, position);
            if (literal.equals("true")
                    || literal.equals("false")
                    || literal.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
                return literal;
            }
            if (literal.equals("null")) {
                throw fail(start, "eq null is not supported; use a value");
            }
            throw fail(start, "expected a value (a quoted string, true, false or a number), found '%s'", literal);
        }

        private String string() {
            int start = position;
            position++; // the opening quote
            StringBuilder value = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (position == text.length()) {
                    break;
                }
                char escaped = text.charAt(position++);
                switch (escaped) {
                    case '"', '\\', '/' -> value.append(escaped);
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' -> {
                        if (position + 4 > text.length()
                                || !text.substring(position, position + 4).matches("[0-9a-fA-F]{4}")) {
                            throw fail(position - 2, "\\u must be followed by four hexadecimal digits");
                        }
                        value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        position += 4;
                    }
                    default -> throw fail(position - 2, "unknown escape \\%s in a string", escaped);
                }
            }
            throw fail(start, "the string is not closed");
        }

        private String word() {
            int start = position;
            while (position < text.length() && text.charAt(position) != ' ' && text.charAt(position) != '(') {
                position++;
            }
            return text.substring(start, position);
        }

        private void requireSpace() {
            if (position == text.length() || text.charAt(position) != ' ') {
                throw fail(position == text.length() ? "the filter ends too early" : "expected a space");
            }
            skipSpaces();
            if (position == text.length()) {
                throw fail("the filter ends too early");
            }
        }

        private void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }

        private ScimException fail(String format, Object... arguments) {
            return fail(position, format, arguments);
        }

        private ScimException fail(int at, String format, Object... arguments) {
            return ScimException.invalidFilter("filter " + quoted() + ": "
                    + String.format(Locale.ROOT, format, arguments) + " (at character " + (at + 1) + ")");
        }

        private String quoted() {
            return "'" + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + "'";
        }
    }
}
