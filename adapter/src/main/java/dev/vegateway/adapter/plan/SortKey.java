package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.ColumnRef;

/**
 * A resolved sort key. Ascending sorts put nulls first, descending last (as SQL Server, hence
 * Dataverse, does). {@code nullable} is false only for a column the database declares NOT NULL:
 * its order needs no {@code NULLS FIRST/LAST}, which would keep PostgreSQL from walking an index.
 */
public record SortKey(ColumnRef column, boolean descending, boolean nullable) {
    public SortKey {
        requireNonNull(column, "column is null");
    }
}
