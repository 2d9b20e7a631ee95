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
 * of its column in the answer; aliases are unique. The rows come sorted by {@code orders} (each
 * naming an alias), then by every group.
 */
public record Aggregation(List<Grouping> groups, List<Aggregate> aggregates, List<AliasOrder> orders) {
    public Aggregation {
        groups = List.copyOf(groups);
        aggregates = List.copyOf(aggregates);
        orders = List.copyOf(orders);
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
        for (AliasOrder order : orders) {
            if (!aliases.contains(order.alias())) {
                throw new IllegalArgumentException("the order names no alias of the aggregation: " + order.alias());
            }
        }
    }

    /** Groups and aggregates in the order of their groups. */
    public Aggregation(List<Grouping> groups, List<Aggregate> aggregates) {
        this(groups, aggregates, List.of());
    }

    /**
     * A column the rows are grouped by, answered under {@code alias}; with {@code dateGrouping}, a
     * part of a date (its year, its month, …) rather than the date itself.
     */
    public record Grouping(AttributeRef attribute, String alias, Optional<DateGrouping> dateGrouping) {
        public Grouping {
            requireNonNull(attribute, "attribute is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(dateGrouping, "dateGrouping is null");
        }

        public Grouping(AttributeRef attribute, String alias) {
            this(attribute, alias, Optional.empty());
        }
    }

    /** The part of a date a group takes (FetchXML {@code dategrouping}, Dataverse's XrmDateTimeGrouping). */
    public enum DateGrouping {
        /** The day of the month, 1–31. */
        DAY("day"),
        /** The ISO 8601 week of the year, 1–53. */
        WEEK("week"),
        /** The month, 1–12. */
        MONTH("month"),
        /** The quarter, 1–4. */
        QUARTER("quarter"),
        /** The year. */
        YEAR("year"),
        /** The fiscal period within its fiscal year (1–12, 1–4, 1–2 or 1), by the configured fiscal calendar. */
        FISCAL_PERIOD("fiscal-period"),
        /** The fiscal year, named by the calendar year it starts in. */
        FISCAL_YEAR("fiscal-year");

        private final String fetchXmlName;

        DateGrouping(String fetchXmlName) {
            this.fetchXmlName = fetchXmlName;
        }

        /** As FetchXML writes it: {@code fiscal-period}. */
        public String fetchXmlName() {
            return fetchXmlName;
        }

        public static Optional<DateGrouping> byFetchXmlName(String name) {
            for (DateGrouping grouping : values()) {
                if (grouping.fetchXmlName.equals(name)) {
                    return Optional.of(grouping);
                }
            }
            return Optional.empty();
        }

        public boolean fiscal() {
            return this == FISCAL_PERIOD || this == FISCAL_YEAR;
        }
    }

    /** Sort the answer by the column of {@code alias} (a group or an aggregate). */
    public record AliasOrder(String alias, boolean descending) {
        public AliasOrder {
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
