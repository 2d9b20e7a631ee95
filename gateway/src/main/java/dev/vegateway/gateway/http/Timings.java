package dev.vegateway.gateway.http;

import dev.vegateway.adapter.jdbc.PoolWaits;
import java.util.Locale;

/** Nanoseconds spent in each pipeline stage of one request; becomes {@code Server-Timing} and the log line. */
final class Timings {
    private final long started = System.nanoTime();
    long authNanos;
    long authzNanos;
    long databaseNanos;
    long serializeNanos;
    /** Time spent waiting for pool connections, taken from {@link PoolWaits} each time the timings are written. */
    long poolNanos;
    /** Which data source served the request's reads ({@code primary}, {@code replica-1}, …), once known. */
    String readFrom;

    long elapsedNanos() {
        return System.nanoTime() - started;
    }

    String serverTiming() {
        poolNanos += PoolWaits.takeNanos();
        return String.format(
                Locale.ROOT,
                "auth;dur=%.3f, authz;dur=%.3f, pool;dur=%.3f, db;dur=%.3f%s, ser;dur=%.3f, total;dur=%.3f",
                millis(authNanos),
                millis(authzNanos),
                millis(poolNanos),
                millis(databaseNanos),
                readFrom == null ? "" : ";desc=\"" + readFrom + "\"",
                millis(serializeNanos),
                millis(elapsedNanos()));
    }

    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
