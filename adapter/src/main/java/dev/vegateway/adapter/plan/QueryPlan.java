package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A planned read: every name resolved against the catalog, every literal typed, row security
 * attached to every relation (the root's in WHERE, a joined one's in its join condition). The renderer sees only this.
 *
 * @param selected the SELECT list
 * @param output the response fields, pointing into {@code selected}
 * @param keyIndex SELECT position of the key (absent for DISTINCT queries)
 * @param etagIndex SELECT position of the row version, if the entity has one
 * @param joins the relations joined to the root, in the order they are joined, each with its own row security
 * @param rowScope the row-security conjunct of the root relation ({@link Condition#TRUE} when unrestricted)
 * @param filter the caller's filter, resolved
 * @param seek keyset position after the previous page, if continuing
 * @param sortKeys the full ORDER BY, tie-breakers included
 * @param sortKeyIndexes SELECT position of each sort key (for continuation tokens)
 * @param pageRootFirst every join is a left outer lookup (n:1) that neither filters nor sorts: the
 *     root's page can be cut before joining, so the database joins only the rows returned
 * @param linkKeys SELECT position of the key of each joined relation, by its client name (null when
 *     an outer join found no row the caller may read); empty for DISTINCT queries
 * @param limit rows to fetch (a page plus one, to know whether more exist)
 * @param offset rows to skip ($skip, first page only)
 * @param paging page size and remaining $top, when the result is paged
 * @param fingerprint identifies the query (and caller) that a continuation token belongs to
 * @param aggregation for an aggregate query: {@code selected} holds its GROUP BY columns, and the
 *     SELECT list goes on with these aggregates
 * @param childCounts counts of each row's child rows in the entity's hierarchy, each a correlated
 *     subquery after the {@code selected} columns in the SELECT list (FetchXML {@code rowaggregate})
 */
public record QueryPlan(
        EntityDefinition entity,
        String alias,
        List<Join> joins,
        List<ColumnRef> selected,
        List<OutputField> output,
        OptionalInt keyIndex,
        OptionalInt etagIndex,
        Condition rowScope,
        Condition filter,
        Optional<Condition> seek,
        List<SortKey> sortKeys,
        List<Integer> sortKeyIndexes,
        Map<String, Integer> linkKeys,
        boolean pageRootFirst,
        boolean distinct,
        OptionalInt limit,
        OptionalInt offset,
        Optional<Paging> paging,
        boolean includeCount,
        String fingerprint,
        Optional<Aggregated> aggregation,
        List<ChildCount> childCounts) {

    public QueryPlan {
        requireNonNull(entity, "entity is null");
        requireNonNull(alias, "alias is null");
        joins = List.copyOf(joins);
        selected = List.copyOf(selected);
        output = List.copyOf(output);
        requireNonNull(keyIndex, "keyIndex is null");
        requireNonNull(etagIndex, "etagIndex is null");
        requireNonNull(rowScope, "rowScope is null");
        requireNonNull(filter, "filter is null");
        requireNonNull(seek, "seek is null");
        sortKeys = List.copyOf(sortKeys);
        sortKeyIndexes = List.copyOf(sortKeyIndexes);
        linkKeys = Collections.unmodifiableMap(new LinkedHashMap<>(linkKeys));
        requireNonNull(limit, "limit is null");
        requireNonNull(offset, "offset is null");
        requireNonNull(paging, "paging is null");
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(aggregation, "aggregation is null");
        childCounts = List.copyOf(childCounts);
    }

    /**
     * {@code (SELECT COUNT(*) FROM <entity> <alias> WHERE <where>)}: {@code where} joins the child's
     * parent column to the row's key and holds the child relation's own row security, so only child
     * rows the caller may read are counted.
     */
    public record ChildCount(EntityDefinition entity, String alias, Condition where) {
        public ChildCount {
            requireNonNull(entity, "entity is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(where, "where is null");
        }
    }

    /**
     * The GROUP BY columns (the first of the SELECT list, each a column or a part of a date) and the
     * aggregates after them, the answer sorted by {@code orders} (positions in the SELECT list).
     */
    public record Aggregated(List<GroupColumn> groupBy, List<AggregateColumn> aggregates, List<SelectOrder> orders) {
        public Aggregated {
            groupBy = List.copyOf(groupBy);
            aggregates = List.copyOf(aggregates);
            orders = List.copyOf(orders);
        }
    }

    /** A column grouped by, or the part of it {@code datePart} takes. */
    public record GroupColumn(ColumnRef column, Optional<DatePart> datePart) {
        public GroupColumn {
            requireNonNull(column, "column is null");
            requireNonNull(datePart, "datePart is null");
        }

        /** What the answer holds: the column's type, or Int32 for a part of a date. */
        public FieldType type() {
            return datePart.isPresent()
                    ? FieldType.of(FieldType.Kind.INT32)
                    : column.field().type();
        }
    }

    /**
     * A part of a date or timestamp (taken in UTC): {@code grouping}'s part of the day that lies
     * {@code shiftDays} days then {@code shiftMonths} months earlier (a fiscal year then starts on
     * January 1st), periods of {@code monthsPerPeriod} months for a fiscal period.
     */
    public record DatePart(Aggregation.DateGrouping grouping, int shiftDays, int shiftMonths, int monthsPerPeriod) {
        public DatePart {
            requireNonNull(grouping, "grouping is null");
            if (shiftDays < 0 || shiftDays > 27 || shiftMonths < 0 || shiftMonths > 11) {
                throw new IllegalArgumentException("a fiscal shift is 0-27 days and 0-11 months");
            }
            if (monthsPerPeriod != 1 && monthsPerPeriod != 3 && monthsPerPeriod != 6 && monthsPerPeriod != 12) {
                throw new IllegalArgumentException("a period is 1, 3, 6 or 12 months, not " + monthsPerPeriod);
            }
        }
    }

    /** Sort by the SELECT column at {@code index} (0-based). */
    public record SelectOrder(int index, boolean descending) {}

    /** {@code function(column)} ({@code COUNT(*)} without one), of type {@code type} in the answer. */
    public record AggregateColumn(
            Aggregation.Function function, Optional<ColumnRef> column, boolean distinct, FieldType type) {
        public AggregateColumn {
            requireNonNull(function, "function is null");
            requireNonNull(column, "column is null");
            requireNonNull(type, "type is null");
        }
    }

    /** The type of each SELECT column, in order: the selected columns', then the aggregates'. */
    public List<FieldType> selectTypes() {
        List<FieldType> types = new java.util.ArrayList<>(selected.size());
        if (aggregation.isPresent()) {
            aggregation.get().groupBy().forEach(group -> types.add(group.type()));
            aggregation.get().aggregates().forEach(aggregate -> types.add(aggregate.type()));
            return types;
        }
        selected.forEach(column -> types.add(column.field().type()));
        childCounts.forEach(count -> types.add(FieldType.of(FieldType.Kind.INT64)));
        return types;
    }

    /**
     * A relation joined into the FROM clause: {@code on} holds the join columns, the relation's
     * own row security and its link criteria, so that an outer join reads an unreadable or
     * unmatched row as nulls and an inner join drops the parent row.
     */
    public record Join(EntityDefinition entity, String alias, Link.Kind kind, Condition on) {
        public Join {
            requireNonNull(entity, "entity is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(on, "on is null");
        }
    }

    /**
     * Server-driven paging: return at most {@code pageSize} rows; {@code remaining} is what is
     * left of $top (absent when unbounded). The plan fetches one more row than it returns.
     */
    public record Paging(int pageSize, OptionalInt remaining) {
        public Paging {
            requireNonNull(remaining, "remaining is null");
        }

        public int rowsToReturn() {
            return remaining.isPresent() ? Math.min(pageSize, remaining.getAsInt()) : pageSize;
        }
    }
}
