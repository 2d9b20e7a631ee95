package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The neutral, QueryExpression-shaped query every front end produces for one entity.
 *
 * @param entityLogicalName the entity's logical name
 * @param columns requested attributes; empty = all columns
 * @param criteria the caller's filter ({@link Condition#TRUE} when none)
 * @param orders sort keys in order
 * @param top at most this many rows in total (OData $top, QueryExpression TopCount)
 * @param skip rows to skip before the first (OData $skip, QueryExpression page number)
 * @param distinct DISTINCT over the selected columns
 * @param page server-driven paging: page size and the continuation token, if any
 * @param includeCount also count every row that matches (OData $count=true)
 */
public record Query(
        String entityLogicalName,
        List<String> columns,
        Condition criteria,
        List<Order> orders,
        OptionalInt top,
        OptionalInt skip,
        boolean distinct,
        Optional<Page> page,
        boolean includeCount) {

    public Query {
        requireNonNull(entityLogicalName, "entityLogicalName is null");
        columns = List.copyOf(columns);
        requireNonNull(criteria, "criteria is null");
        orders = List.copyOf(orders);
        requireNonNull(top, "top is null");
        requireNonNull(skip, "skip is null");
        requireNonNull(page, "page is null");
    }

    /** Server-driven paging: {@code size} rows per page, continuing after {@code continuation} when present. */
    public record Page(int size, Optional<String> continuation) {
        public Page {
            if (size < 1) {
                throw new IllegalArgumentException("page size must be positive, was " + size);
            }
            requireNonNull(continuation, "continuation is null");
        }
    }

    public static Query all(String entityLogicalName) {
        return new Query(
                entityLogicalName,
                List.of(),
                Condition.TRUE,
                List.of(),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }
}
