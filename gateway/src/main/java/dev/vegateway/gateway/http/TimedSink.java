package dev.vegateway.gateway.http;

import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.service.ExpandedRows;
import dev.vegateway.adapter.service.ExpandingRowSink;
import dev.vegateway.adapter.service.RowSink;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Counts the time spent serializing as it happens, so that headers committed mid-stream carry real figures. */
final class TimedSink implements ExpandingRowSink {
    private final RowSink delegate;
    private final Timings timings;

    TimedSink(RowSink delegate, Timings timings) {
        this.delegate = delegate;
        this.timings = timings;
        timings.serializeNanos = 0;
    }

    /** The database's share of a read so far: the time since it started less what serializing took. */
    static void measured(Timings timings, long readStarted) {
        timings.databaseNanos = Math.max(0, System.nanoTime() - readStarted - timings.serializeNanos);
    }

    @Override
    public void start(QueryPlan plan, OptionalLong count) throws IOException {
        long started = System.nanoTime();
        delegate.start(plan, count);
        timings.serializeNanos += System.nanoTime() - started;
    }

    @Override
    public void row(QueryPlan plan, Object[] values) throws IOException {
        long started = System.nanoTime();
        delegate.row(plan, values);
        timings.serializeNanos += System.nanoTime() - started;
    }

    /** Passes related rows on to a sink that writes them; any other sink is only given rows without. */
    @Override
    public void row(QueryPlan plan, Object[] values, List<ExpandedRows> related) throws IOException {
        long started = System.nanoTime();
        if (delegate instanceof ExpandingRowSink expanding) {
            expanding.row(plan, values, related);
        } else if (related.isEmpty()) {
            delegate.row(plan, values);
        } else {
            throw new IllegalStateException("related rows for a sink that cannot write them");
        }
        timings.serializeNanos += System.nanoTime() - started;
    }

    @Override
    public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
        long started = System.nanoTime();
        delegate.finish(plan, continuation);
        timings.serializeNanos += System.nanoTime() - started;
    }
}
