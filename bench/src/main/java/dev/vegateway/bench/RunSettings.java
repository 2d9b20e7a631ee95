package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.OptionalLong;

/** How long and how wide one run is: {@code connections} closed loops, bounded by time and, optionally, a request count. */
record RunSettings(
        int connections, Duration warmup, Duration duration, OptionalLong maxRequests, Duration requestTimeout) {

    RunSettings {
        requireNonNull(warmup, "warmup is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(maxRequests, "maxRequests is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
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
            throw new IllegalArgumentException("--max-requests must be positive but was " + maxRequests.getAsLong());
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive but was " + requestTimeout);
        }
    }
}
