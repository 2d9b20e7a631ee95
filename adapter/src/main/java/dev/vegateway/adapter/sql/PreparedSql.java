package dev.vegateway.adapter.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** SQL text with {@code ?} placeholders and the values bound to them, in order. */
public record PreparedSql(String sql, List<Object> parameters) {
    public PreparedSql {
        requireNonNull(sql, "sql is null");
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
    }
}
