package dev.vegateway.adapter.filter;

import static java.util.Objects.requireNonNull;

/**
 * A filter (a client's $filter or a role's row filter) that does not parse. The message is {@code column <n>: <reason>}, where the
 * column counts characters of the filter text from 1 (a line break counts as one character).
 * It is the only exception {@link FilterParser} throws for any text.
 */
public final class FilterSyntaxException extends RuntimeException {
    private final int column;
    private final String reason;

    FilterSyntaxException(int column, String reason) {
        super("column " + column + ": " + requireNonNull(reason, "reason is null"), null, false, false);
        this.column = column;
        this.reason = reason;
    }

    /** Where the problem is: 1 for the first character of the filter. */
    public int column() {
        return column;
    }

    /** The problem without its column. */
    public String reason() {
        return reason;
    }
}
