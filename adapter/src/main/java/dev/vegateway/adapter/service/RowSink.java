package dev.vegateway.adapter.service;

import dev.vegateway.adapter.plan.QueryPlan;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Receives a result as it streams from the database, row by row, so that no result is held in
 * memory. The gateway's serializers implement it.
 */
public interface RowSink {
    /** Before the first row; {@code count} is present when the query asked for it. */
    void start(QueryPlan plan, OptionalLong count) throws IOException;

    /** One row: {@code values} are the plan's SELECT list, read as their catalog types (reused between calls). */
    void row(QueryPlan plan, Object[] values) throws IOException;

    /** After the last row; {@code continuation} is present when more rows exist. */
    void finish(QueryPlan plan, Optional<String> continuation) throws IOException;
}
