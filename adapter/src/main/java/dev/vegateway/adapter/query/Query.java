package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The neutral query every front end produces: a tree of relations under {@link #root()} (the
 * entity queried, with its joins), and what applies to the result as a whole.
 *
 * @param root the entity queried, its columns, conditions, orders and joined relations
 * @param top at most this many rows in total (OData $top, QueryExpression TopCount)
 * @param skip rows to skip before the first (OData $skip, QueryExpression page number)
 * @param distinct DISTINCT over the selected columns
 * @param page server-driven paging: page size and the continuation token, if any
 * @param includeCount also count every row that matches (OData $count=true)
 * @param aggregation groups and aggregates the matching rows instead of answering them
 */
public record Query(
        Relation root,
        OptionalInt top,
        OptionalInt skip,
        boolean distinct,
        Optional<Page> page,
        boolean includeCount,
        Optional<Aggregation> aggregation) {
    public Query {
        requireNonNull(root, "root is null");
        requireNonNull(top, "top is null");
        requireNonNull(skip, "skip is null");
        requireNonNull(page, "page is null");
        requireNonNull(aggregation, "aggregation is null");
    }

    /** A query of rows, not aggregated. */
    public Query(
            Relation root,
            OptionalInt top,
            OptionalInt skip,
            boolean distinct,
            Optional<Page> page,
            boolean includeCount) {
        this(root, top, skip, distinct, page, includeCount, Optional.empty());
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

    /** Every row and column of one entity. */
    public static Query all(String entityLogicalName) {
        return new Query(
                Relation.of(entityLogicalName),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }

    public String entityLogicalName() {
        return root.entityLogicalName();
    }

    /** This query with {@code page} in place of its own. */
    public Query withPage(Optional<Page> page) {
        return new Query(root, top, skip, distinct, page, includeCount, aggregation);
    }

    /** This query with another root relation. */
    public Query withRoot(Relation root) {
        return new Query(root, top, skip, distinct, page, includeCount, aggregation);
    }

    /** This query aggregated by {@code aggregation}. */
    public Query withAggregation(Aggregation aggregation) {
        return new Query(root, top, skip, distinct, page, includeCount, Optional.of(aggregation));
    }

    /** The conditions, orders and joins of the root only, as a count needs them: no paging, no $top or $skip. */
    public Query forCount() {
        return new Query(root, OptionalInt.empty(), OptionalInt.empty(), distinct, Optional.empty(), false);
    }
}
