package dev.vegateway.adapter.service;

import dev.vegateway.adapter.plan.QueryPlan;
import java.io.IOException;
import java.util.List;

/**
 * A {@link RowSink} that also receives the related rows of collection-valued expansions. The
 * parents of one page are read first, then the related rows of all of them, so rows arrive after
 * both are complete.
 */
public interface ExpandingRowSink extends RowSink {
    /** One parent row with the related rows of every expansion, in the order the expansions were given. */
    void row(QueryPlan plan, Object[] values, List<ExpandedRows> expansions) throws IOException;

    @Override
    default void row(QueryPlan plan, Object[] values) throws IOException {
        row(plan, values, List.of());
    }
}
