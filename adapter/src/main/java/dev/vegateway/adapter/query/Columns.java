package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The columns a relation of a query asks for: every column of the entity, or the named ones (an
 * empty list is none, as for a link-entity that only filters).
 */
public record Columns(boolean all, List<String> names) {
    private static final Columns ALL = new Columns(true, List.of());

    public Columns {
        names = List.copyOf(requireNonNull(names, "names is null"));
        if (all && !names.isEmpty()) {
            throw new IllegalArgumentException("all columns, yet names given: " + names);
        }
    }

    public static Columns every() {
        return ALL;
    }

    /** The named columns, or every column when {@code names} is empty (OData without {@code $select}). */
    public static Columns namedOrAll(List<String> names) {
        return names.isEmpty() ? ALL : new Columns(false, names);
    }

    public static Columns named(List<String> names) {
        return new Columns(false, names);
    }
}
