package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns a relation of a query asks for: every column of the entity, or the named ones (an
 * empty list is none, as for a link-entity that only filters).
 *
 * @param aliases the name a named column is answered under instead of its own (FetchXML
 *     {@code <attribute name="x" alias="y"/>}), by column name; each a column of {@code names}
 * @param childCounts the number of child rows of each row in the entity's hierarchy, answered under
 *     an alias (FetchXML {@code <attribute name="key" rowaggregate="CountChildren" alias="n"/>}): the
 *     attribute named (the key the hierarchy refers to), by alias
 */
public record Columns(boolean all, List<String> names, Map<String, String> aliases, Map<String, String> childCounts) {
    private static final Columns ALL = new Columns(true, List.of());

    public Columns {
        names = List.copyOf(requireNonNull(names, "names is null"));
        aliases =
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(aliases, "aliases is null")));
        childCounts = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(childCounts, "childCounts is null")));
        if (all && !names.isEmpty()) {
            throw new IllegalArgumentException("all columns, yet names given: " + names);
        }
        if (!names.containsAll(aliases.keySet())) {
            throw new IllegalArgumentException("aliases of columns not asked for: " + aliases.keySet());
        }
    }

    /** Columns without aliases. */
    public Columns(boolean all, List<String> names) {
        this(all, names, Map.of(), Map.of());
    }

    /** These columns with the counts of child rows asked for, by alias. */
    public Columns withChildCounts(Map<String, String> counts) {
        return new Columns(all, names, aliases, counts);
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

    /** The named columns, some answered under an alias. */
    public static Columns named(List<String> names, Map<String, String> aliases) {
        return new Columns(false, names, aliases, Map.of());
    }
}
