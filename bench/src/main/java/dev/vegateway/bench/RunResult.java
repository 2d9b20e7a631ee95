package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** One finished run: what was measured, over how long, and how many warm-up requests went before it. */
record RunResult(
        Scenario scenario, int connections, Measurements measurements, Duration measured, long warmupRequests) {

    RunResult {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(measurements, "measurements is null");
        requireNonNull(measured, "measured is null");
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
