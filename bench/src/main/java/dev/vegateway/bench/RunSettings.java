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
 * @param rampUp before the warm-up, the load rises from nothing to full over this time: a closed
 *     loop starts its connections evenly spread over it, an open loop raises its rate linearly from
 *     0 to {@code rate}. Nothing sent during the ramp is recorded; zero for none
 */
record RunSettings(
        int connections,
        Duration warmup,
        Duration duration,
        OptionalLong maxRequests,
        Duration requestTimeout,
        OptionalDouble rate,
        boolean honourRetryAfter,
        Duration rampUp) {
    /** The longest {@code Retry-After} a worker honours; longer ones are cut to it. */
    static final Duration MAXIMUM_RETRY_AFTER = Duration.ofSeconds(60);

    RunSettings {
        requireNonNull(warmup, "warmup is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(maxRequests, "maxRequests is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(rate, "rate is null");
        requireNonNull(rampUp, "rampUp is null");
        if (rampUp.isNegative()) {
            throw new IllegalArgumentException("--ramp-up must not be negative but was " + rampUp);
        }
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
        this(connections, warmup, duration, maxRequests, requestTimeout, OptionalDouble.empty(), false, Duration.ZERO);
    }

    /** A run without ramp-up. */
    RunSettings(
            int connections,
            Duration warmup,
            Duration duration,
            OptionalLong maxRequests,
            Duration requestTimeout,
            OptionalDouble rate,
            boolean honourRetryAfter) {
        this(connections, warmup, duration, maxRequests, requestTimeout, rate, honourRetryAfter, Duration.ZERO);
    }

    boolean openLoop() {
        return rate.isPresent();
    }

    /** Nanoseconds from the start of the run to the first recorded request: the ramp-up, then the warm-up. */
    long measureFromNanos() {
        return rampUp.toNanos() + warmup.toNanos();
    }

    /** Closed loop: nanoseconds from the start at which worker {@code worker} sends its first request. */
    long firstRequestNanos(int worker) {
        return (long) (rampUp.toNanos() * ((double) worker / connections));
    }

    /**
     * Open loop: nanoseconds from the start at which request {@code index} (counted over all
     * connections) is due. During the ramp the rate grows linearly, so {@code index} requests are
     * due by {@code t = sqrt(2 × index × ramp / rate)}; after it, by {@code t = index / rate + ramp / 2}.
     */
    long dueNanos(long index) {
        double perNano = rate.orElseThrow() / 1e9;
        double ramp = rampUp.toNanos();
        if (index < perNano * ramp / 2) {
            return Math.round(Math.sqrt(2 * index * ramp / perNano));
        }
        return Math.round(index / perNano + ramp / 2);
    }

    /** Open loop: how many requests are due in the first {@code nanos} nanoseconds (the inverse of {@link #dueNanos}). */
    double requestsDueBy(long nanos) {
        double perNano = rate.orElseThrow() / 1e9;
        double ramp = rampUp.toNanos();
        if (nanos <= 0) {
            return 0;
        }
        if (nanos < ramp) {
            return perNano * nanos * (double) nanos / (2 * ramp);
        }
        return perNano * (nanos - ramp / 2);
    }
}
