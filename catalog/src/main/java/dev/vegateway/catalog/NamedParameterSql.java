package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL statement with named parameters ({@code :name}) turned into JDBC form: {@code jdbcSql}
 * has a {@code ?} for each occurrence, and {@code parameterNames} lists the names in that order
 * (a name used twice appears twice). Text inside '…' literals, "…" identifiers, $tag$…$tag$
 * bodies and comments is left alone, and {@code ::} (a PostgreSQL cast) is no parameter.
 */
public record NamedParameterSql(String sql, String jdbcSql, List<String> parameterNames) {
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");

    public NamedParameterSql {
        requireNonNull(sql, "sql is null");
        requireNonNull(jdbcSql, "jdbcSql is null");
        parameterNames = List.copyOf(parameterNames);
    }

    /**
     * Parses one statement (a trailing {@code ;} is dropped).
     *
     * @throws IllegalArgumentException for an unterminated literal, identifier or comment, a
     *     positional {@code ?}, more than one statement, or no statement at all
     */
    public static NamedParameterSql parse(String sql) {
        requireNonNull(sql, "sql is null");
        StringBuilder jdbcSql = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        int length = sql.length();
        int index = 0;
        int statementEnd = -1;
        boolean statementSeen = false;
        while (index < length) {
            char character = sql.charAt(index);
            char next = index + 1 < length ? sql.charAt(index + 1) : '\0';
            int end;
            if (character == '-' && next == '-') {
                end = sql.indexOf('\n', index);
                end = end < 0 ? length : end;
            } else if (character == '/' && next == '*') {
                end = closing(sql, index + 2, "*/", "comment");
            } else if (Character.isWhitespace(character)) {
                end = index + 1;
            } else {
                statementSeen = true;
                if (statementEnd >= 0) {
                    throw new IllegalArgumentException(
                            "must be one statement, but more follows the ';' (call a stored procedure to run several)");
                }
                if (character == '\'') {
                    end = quoted(sql, index, '\'', "text literal");
                } else if (character == '"') {
                    end = quoted(sql, index, '"', "quoted identifier");
                } else if (character == '$'
                        && (index == 0 || !isIdentifierPart(sql.charAt(index - 1)))
                        && dollarTag(sql, index) != null) {
                    String tag = dollarTag(sql, index);
                    end = closing(sql, index + tag.length(), tag, "dollar-quoted text " + tag);
                } else if (character == ':' && next == ':') {
                    end = index + 2;
                } else if (character == ':' && (Character.isLetter(next) || next == '_')) {
                    end = index + 1;
                    while (end < length && isIdentifierPart(sql.charAt(end))) {
                        end++;
                    }
                    names.add(sql.substring(index + 1, end));
                    jdbcSql.append('?');
                    index = end;
                    continue;
                } else if (character == '?') {
                    throw new IllegalArgumentException(
                            "uses a positional parameter '?': name every parameter, such as :Reason");
                } else if (character == ';') {
                    statementEnd = index;
                    index++;
                    continue;
                } else {
                    end = index + 1;
                }
            }
            jdbcSql.append(sql, index, end);
            index = end;
        }
        if (!statementSeen) {
            throw new IllegalArgumentException("must be a SQL statement, was only comments or blank");
        }
        return new NamedParameterSql(sql, jdbcSql.toString().strip(), names);
    }

    private static boolean isIdentifierPart(char character) {
        return Character.isLetterOrDigit(character) || character == '_' || character == '$';
    }

    /** The tag ($$ or $name$) starting at {@code index}, or null. */
    private static String dollarTag(String sql, int index) {
        Matcher matcher = DOLLAR_TAG.matcher(sql).region(index, sql.length());
        return matcher.lookingAt() ? matcher.group() : null;
    }

    /** The index after a literal or identifier quoted with {@code quote}, a doubled quote standing for itself. */
    private static int quoted(String sql, int start, char quote, String what) {
        int index = start + 1;
        while (index < sql.length()) {
            if (sql.charAt(index) == quote) {
                if (index + 1 < sql.length() && sql.charAt(index + 1) == quote) {
                    index += 2;
                    continue;
                }
                return index + 1;
            }
            index++;
        }
        throw new IllegalArgumentException("has an unterminated " + what + " starting at character " + (start + 1));
    }

    private static int closing(String sql, int from, String terminator, String what) {
        int end = sql.indexOf(terminator, from);
        if (end < 0) {
            throw new IllegalArgumentException(
                    "has an unterminated " + what + " starting at character " + (from - terminator.length() + 1));
        }
        return end + terminator.length();
    }
}
