package dev.vegateway.adapter.jdbc;

import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent waiting for a pool connection, recorded where the request path acquires one
 * ({@link BackendHealth#failFast}): per thread, for the request's {@code Server-Timing}
 * ({@code pool;dur=}), and in process-wide totals that a metrics registry can read (the busy
 * refusals in particular, which the pool's own timeout count does not tell from an outage). A request is served on one
 * thread from the moment it asks for its first connection until it has its last, so what a
 * thread waited between two {@link #takeNanos()} is what its request waited.
 */
public final class PoolWaits {
    /** Nanoseconds this thread waited since its last {@link #takeNanos()}. */
    @SuppressWarnings("ThreadLocalUsage")
    private static final ThreadLocal<long[]> ON_THIS_THREAD = ThreadLocal.withInitial(() -> new long[1]);

    private static final LongAdder TOTAL_NANOS = new LongAdder();
    private static final LongAdder ACQUISITIONS = new LongAdder();
    private static final LongAdder BUSY = new LongAdder();

    private PoolWaits() {}

    static void record(long nanos, boolean busy) {
        long waited = Math.max(0, nanos);
        ON_THIS_THREAD.get()[0] += waited;
        TOTAL_NANOS.add(waited);
        ACQUISITIONS.increment();
        if (busy) {
            BUSY.increment();
        }
    }

    /**
     * What the calling thread waited for pool connections since the last call, and starts
     * counting afresh. The HTTP layer calls it once per request, when it writes the request's
     * timings; a request that waited for several connections (a count and a page, a changeset's
     * parts) gets their sum.
     */
    public static long takeNanos() {
        long[] waited = ON_THIS_THREAD.get();
        long nanos = waited[0];
        waited[0] = 0;
        return nanos;
    }

    /** Process-wide: the time all requests (and the audit purge) waited for a pool connection. */
    public static long totalNanos() {
        return TOTAL_NANOS.sum();
    }

    /** Process-wide: connections asked for through {@link BackendHealth#failFast} (by requests and the audit purge), granted or not. */
    public static long acquisitions() {
        return ACQUISITIONS.sum();
    }

    /** Process-wide: requests refused because no connection became free in time ({@link PoolBusyException}). */
    public static long busy() {
        return BUSY.sum();
    }
}
