package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A backend table or view, optionally schema-qualified. */
public record TableName(Optional<String> schema, String name) {
    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
    }

    /** Parses {@code table} or {@code schema.table}. */
    public static TableName parse(String text) {
        int dot = text.indexOf('.');
        return dot < 0
                ? new TableName(Optional.empty(), text)
                : new TableName(Optional.of(text.substring(0, dot)), text.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema.map(s -> s + "." + name).orElse(name);
    }
}
