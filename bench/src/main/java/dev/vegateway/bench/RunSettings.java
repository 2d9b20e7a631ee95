package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How long and how wide one run is: {@code connections} workers, bounded by time and, optionally,
 * a request count.
 *
 * @param rate empty for closed loops (each worker sends its next request when the last one is
 *     answered); otherwise open loop: requests per second over all connections, each worker
 *     sending on a fixed schedule whatever the answers take, and latency counted from the moment
 *     a request was due (corrected for coordinated omission)
 * @param honourRetryAfter after a 429 or 503 with {@code Retry-After}, the worker waits that long
 *     (at most {@link #MAXIMUM_RETRY_AFTER}) before its next request
 */
record RunSettings(
        int connections,
        Duration warmup,
        Duration duration,
        OptionalLong maxRequests,
        Duration requestTimeout,
        OptionalDouble rate,
        boolean honourRetryAfter) {
    /** The longest {@code Retry-After} a worker honours; longer ones are cut to it. */
    static final Duration MAXIMUM_RETRY_AFTER = Duration.ofSeconds(60);

    RunSettings {
        requireNonNull(warmup, "warmup is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(maxRequests, "maxRequests is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(rate, "rate is null");
        if (connections < 1 || connections > 1024) {
            throw new IllegalArgumentException("--connections must be between 1 and 1024 but was " + connections);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup must not be negative but was " + warmup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive but was " + duration);
        }
        if (maxRequests.isPresent() && maxRequests.getAsLong() < 1) {
            throw new IllegalArgumentException("--requests must be positive but was " + maxRequests.getAsLong());
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive but was " + requestTimeout);
        }
        if (rate.isPresent() && !(rate.getAsDouble() > 0 && rate.getAsDouble() <= 1_000_000)) {
            throw new IllegalArgumentException(
                    "--rate must be between 0 and 1000000 requests per second but was " + rate.getAsDouble());
        }
    }

    /** A closed-loop run that does not wait on {@code Retry-After}. */
    RunSettings(
            int connections, Duration warmup, Duration duration, OptionalLong maxRequests, Duration requestTimeout) {
        this(connections, warmup, duration, maxRequests, requestTimeout, OptionalDouble.empty(), false);
    }

    boolean openLoop() {
        return rate.isPresent();
    }

    /** Nanoseconds between two requests of one worker in an open loop. */
    long intervalNanos() {
        return Math.max(1, Math.round(1e9 * connections / rate.orElseThrow()));
    }
}
