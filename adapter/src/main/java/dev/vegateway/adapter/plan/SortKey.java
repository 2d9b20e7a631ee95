package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.ColumnRef;

/** A resolved sort key. Ascending sorts put nulls first, descending last (as SQL Server, hence Dataverse, does). */
public record SortKey(ColumnRef column, boolean descending) {
    public SortKey {
        requireNonNull(column, "column is null");
    }
}
