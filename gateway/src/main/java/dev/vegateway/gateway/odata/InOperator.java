package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * Spells the OData 4.01 {@code in} operator of a {@code $filter} as the equivalent disjunction
 * before Olingo parses it: {@code a in (x,y)} becomes {@code (a eq x or a eq y)}.
 *
 * <p>Olingo 5 types an {@code in} list only against a primitive left operand and with a
 * stricter compatibility rule than {@code eq} (an option-set member or an {@code Edm.Double}
 * field with a decimal literal fails there, while {@code eq} takes both). Spelled out, every
 * value {@code eq} takes, {@code in} takes, with exactly {@code eq}'s meaning, and the
 * translator keeps one grammar for both.
 */
final class InOperator {
    /** At most this many values in one list, so that a rewritten filter stays bounded. */
    static final int MAX_VALUES = 1_000;

    private enum Kind {
        TEXT,
        QUOTED,
        SPACE,
        OPEN,
        CLOSE,
        COMMA
    }

    private record Token(Kind kind, String text) {}

    private InOperator() {}

    /** The filter with every {@code in} list spelled out; a filter without one is returned as it is. */
    static String rewrite(String filter) {
        if (!filter.contains("in")) {
            return filter;
        }
        List<Token> tokens = tokens(filter);
        int rewrites = 0;
        while (true) {
            int in = firstIn(tokens);
            if (in < 0) {
                return rewrites == 0 ? filter : text(tokens, 0, tokens.size());
            }
            tokens = tokens(rewriteAt(tokens, in));
            rewrites++;
        }
    }

    private static int firstIn(List<Token> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.TEXT
                    && token.text().equals("in")
                    && tokens.get(i - 1).kind() == Kind.SPACE
                    && nextNonSpace(tokens, i + 1) >= 0
                    && tokens.get(nextNonSpace(tokens, i + 1)).kind() == Kind.OPEN) {
                return i;
            }
        }
        return -1;
    }

    private static String rewriteAt(List<Token> tokens, int in) {
        int leftEnd = in - 1; // the space before "in"
        int leftLast = previousNonSpace(tokens, leftEnd - 1);
        if (leftLast < 0) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "'in' needs a value on its left.");
        }
        int leftStart = leftLast;
        if (tokens.get(leftLast).kind() == Kind.CLOSE) {
            leftStart = matchingOpen(tokens, leftLast);
            if (leftStart > 0 && tokens.get(leftStart - 1).kind() == Kind.TEXT) {
                leftStart--; // a function call: tolower(name) in (…)
            }
        } else if (tokens.get(leftLast).kind() != Kind.TEXT
                && tokens.get(leftLast).kind() != Kind.QUOTED) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "'in' needs a value on its left.");
        }
        String left = text(tokens, leftStart, leftLast + 1).trim();
        int open = nextNonSpace(tokens, in + 1);
        int close = matchingClose(tokens, open);
        List<String> values = new ArrayList<>();
        int depth = 0;
        int valueStart = open + 1;
        for (int i = open + 1; i < close; i++) {
            Kind kind = tokens.get(i).kind();
            if (kind == Kind.OPEN) {
                depth++;
            } else if (kind == Kind.CLOSE) {
                depth--;
            } else if (kind == Kind.COMMA && depth == 0) {
                values.add(value(tokens, valueStart, i));
                valueStart = i + 1;
            }
        }
        values.add(value(tokens, valueStart, close));
        if (values.size() == 1 && values.get(0).isEmpty()) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "'in' needs at least one value.");
        }
        if (values.size() > MAX_VALUES) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX, "'in' takes at most %d values; %d were given.", MAX_VALUES, values.size());
        }
        StringBuilder disjunction = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isEmpty()) {
                throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The list of 'in' has an empty value.");
            }
            disjunction.append(i == 0 ? "" : " or ").append(left).append(" eq ").append(values.get(i));
        }
        disjunction.append(')');
        return text(tokens, 0, leftStart) + disjunction + text(tokens, close + 1, tokens.size());
    }

    private static String value(List<Token> tokens, int from, int to) {
        return text(tokens, from, to).trim();
    }

    private static int matchingOpen(List<Token> tokens, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            Kind kind = tokens.get(i).kind();
            if (kind == Kind.CLOSE) {
                depth++;
            } else if (kind == Kind.OPEN && --depth == 0) {
                return i;
            }
        }
        throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The $filter has a ')' without its '('.");
    }

    private static int matchingClose(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Kind kind = tokens.get(i).kind();
            if (kind == Kind.OPEN) {
                depth++;
            } else if (kind == Kind.CLOSE && --depth == 0) {
                return i;
            }
        }
        throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The list of 'in' is not closed with ')'.");
    }

    private static int nextNonSpace(List<Token> tokens, int from) {
        for (int i = from; i < tokens.size(); i++) {
            if (tokens.get(i).kind() != Kind.SPACE) {
                return i;
            }
        }
        return -1;
    }

    private static int previousNonSpace(List<Token> tokens, int from) {
        for (int i = from; i >= 0; i--) {
            if (tokens.get(i).kind() != Kind.SPACE) {
                return i;
            }
        }
        return -1;
    }

    private static String text(List<Token> tokens, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(tokens.get(i).text());
        }
        return text.toString();
    }

    /**
     * Splits the filter into parentheses, commas, white space, quoted literals (a quote-prefixed
     * name such as {@code mscrm.status'Open'} or {@code duration'P1D'} stays one token, and
     * {@code ''} inside quotes is an escaped quote) and other text.
     */
    private static List<Token> tokens(String filter) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int length = filter.length();
        while (i < length) {
            char c = filter.charAt(i);
            if (c == '(' || c == ')' || c == ',') {
                tokens.add(new Token(c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : Kind.COMMA, String.valueOf(c)));
                i++;
            } else if (Character.isWhitespace(c)) {
                int start = i;
                while (i < length && Character.isWhitespace(filter.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.SPACE, filter.substring(start, i)));
            } else {
                int start = i;
                boolean quoted = false;
                while (i < length) {
                    char d = filter.charAt(i);
                    if (d == '\'') {
                        quoted = true;
                        i++;
                        while (i < length) {
                            if (filter.charAt(i) == '\'') {
                                if (i + 1 < length && filter.charAt(i + 1) == '\'') {
                                    i += 2;
                                    continue;
                                }
                                break;
                            }
                            i++;
                        }
                        if (i >= length) {
                            throw GatewayException.of(
                                    ErrorCode.QUERY_SYNTAX,
                                    "The $filter has a string literal without its closing quote.");
                        }
                        i++;
                    } else if (d == '(' || d == ')' || d == ',' || Character.isWhitespace(d)) {
                        break;
                    } else {
                        i++;
                    }
                }
                tokens.add(new Token(quoted ? Kind.QUOTED : Kind.TEXT, filter.substring(start, i)));
            }
        }
        return tokens;
    }
}
