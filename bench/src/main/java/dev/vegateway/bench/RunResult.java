package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One finished run: what was measured, over how long, and how many warm-up requests went before it.
 *
 * @param rate the open loop's requests per second; empty for a closed loop
 * @param callers how many identities the requests took turns with
 * @param byTemplate for a mix, the measurements of each request template (by name); empty otherwise
 * @param timeline every answered request second by second from the start of the run, the ramp-up and
 *     warm-up included (they are not in {@code measurements})
 * @param rampUp the ramp-up before the warm-up
 * @param warmup the warm-up before the measured time
 */
record RunResult(
        Scenario scenario,
        int connections,
        Measurements measurements,
        Duration measured,
        long warmupRequests,
        OptionalDouble rate,
        int callers,
        Map<String, Measurements> byTemplate,
        Timeline timeline,
        Duration rampUp,
        Duration warmup) {

    RunResult {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(measurements, "measurements is null");
        requireNonNull(measured, "measured is null");
        requireNonNull(rate, "rate is null");
        requireNonNull(timeline, "timeline is null");
        requireNonNull(rampUp, "rampUp is null");
        requireNonNull(warmup, "warmup is null");
        byTemplate = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(byTemplate, "byTemplate is null")));
    }

    RunResult(Scenario scenario, int connections, Measurements measurements, Duration measured, long warmupRequests) {
        this(
                scenario,
                connections,
                measurements,
                measured,
                warmupRequests,
                OptionalDouble.empty(),
                1,
                Map.of(),
                new Timeline(),
                Duration.ZERO,
                Duration.ZERO);
    }

    /** The seconds from the start of the run before the measured time: the ramp-up and the warm-up. */
    double unmeasuredSeconds() {
        return (rampUp.toNanos() + warmup.toNanos()) / 1e9;
    }

    double seconds() {
        return Math.max(measured.toNanos(), 1) / 1e9;
    }

    double requestsPerSecond() {
        return measurements.requests() / seconds();
    }

    /** Response body megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
        return measurements.bytes() / 1e6 / seconds();
    }
}
