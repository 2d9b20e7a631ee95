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
 * @param timeline the measured requests second by second
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
        Timeline timeline) {

    RunResult {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(measurements, "measurements is null");
        requireNonNull(measured, "measured is null");
        requireNonNull(rate, "rate is null");
        requireNonNull(timeline, "timeline is null");
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
                new Timeline());
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
