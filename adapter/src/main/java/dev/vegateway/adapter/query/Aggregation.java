package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an aggregate query computes: one row per distinct combination of the {@code groups}
 * (one row in all without groups), each with the {@code aggregates} over its rows (FetchXML
 * {@code aggregate="true"}, OData {@code $apply}). Every group and aggregate has an alias, the name
 * of its column in the answer; aliases are unique.
 */
public record Aggregation(List<Grouping> groups, List<Aggregate> aggregates) {
    public Aggregation {
        groups = List.copyOf(groups);
        aggregates = List.copyOf(aggregates);
        if (groups.isEmpty() && aggregates.isEmpty()) {
            throw new IllegalArgumentException("an aggregation needs a group or an aggregate");
        }
        Set<String> aliases = new HashSet<>();
        for (Grouping group : groups) {
            if (!aliases.add(group.alias())) {
                throw new IllegalArgumentException("the alias " + group.alias() + " is used twice");
            }
        }
        for (Aggregate aggregate : aggregates) {
            if (!aliases.add(aggregate.alias())) {
                throw new IllegalArgumentException("the alias " + aggregate.alias() + " is used twice");
            }
        }
    }

    /** A column the rows are grouped by, answered under {@code alias}. */
    public record Grouping(AttributeRef attribute, String alias) {
        public Grouping {
            requireNonNull(attribute, "attribute is null");
            requireNonNull(alias, "alias is null");
        }
    }

    /**
     * One aggregate: {@code function} over {@code attribute} (absent only for {@link Function#COUNT_ROWS}),
     * over its distinct values when {@code distinct}.
     */
    public record Aggregate(Function function, Optional<AttributeRef> attribute, boolean distinct, String alias) {
        public Aggregate {
            requireNonNull(function, "function is null");
            requireNonNull(attribute, "attribute is null");
            requireNonNull(alias, "alias is null");
            if ((function == Function.COUNT_ROWS) != attribute.isEmpty()) {
                throw new IllegalArgumentException(
                        function + (attribute.isEmpty() ? " needs" : " takes no") + " attribute");
            }
        }
    }

    public enum Function {
        /** The number of rows ({@code count}, {@code $count}). */
        COUNT_ROWS,
        /** The number of non-null values ({@code countcolumn}, {@code countdistinct}). */
        COUNT,
        SUM,
        AVERAGE,
        MIN,
        MAX
    }
}
