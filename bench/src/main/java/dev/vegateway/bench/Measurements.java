package dev.vegateway.bench;

import dev.vegateway.bench.ServerTiming.Stage;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the measured requests of one worker (or, merged, of a run) produced. Not thread-safe:
 * each worker records into its own instance; the run merges them at the end.
 * Histograms hold microseconds. {@link #clientMicros()} is the latency as a caller sees it: from
 * the moment the request was due (open loop) or sent (closed loop) to the end of the body;
 * {@link #serviceMicros()} counts from the moment it was sent, so the two differ only when an
 * open-loop worker fell behind its schedule.
 */
final class Measurements {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram clientMicros = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram serviceMicros = new Histogram(SIGNIFICANT_DIGITS);
    private final Map<Stage, Histogram> serverMicros = new EnumMap<>(Stage.class);
    /** Per request: server total minus database time, i.e. what the gateway itself added. */
    private final Histogram gatewayMicros = new Histogram(SIGNIFICANT_DIGITS);

    private final Map<Integer, Long> statusCounts = new TreeMap<>();
    private final Map<Integer, String> firstErrorBodies = new TreeMap<>();
    private long requests;
    private long failures;
    /** 2xx responses ($batch) in which at least one part failed. */
    private long failedBatches;

    private long failedParts;
    private String firstFailedBatch = "";
    private String firstFailure = "";
    private long bytes;
    /** Waits on {@code Retry-After} before the next request, when honoured. */
    private long retryAfterWaits;

    private long retryAfterNanos;

    Measurements() {
        for (Stage stage : Stage.values()) {
            serverMicros.put(stage, new Histogram(SIGNIFICANT_DIGITS));
        }
    }

    void recordResponse(long clientNanos, int status, ServerTiming timing, CountedBody body) {
        recordResponse(clientNanos, clientNanos, status, timing, body);
    }

    /** A response: {@code latencyNanos} from when it was due, {@code serviceNanos} from when it was sent. */
    void recordResponse(long latencyNanos, long serviceNanos, int status, ServerTiming timing, CountedBody body) {
        requests++;
        clientMicros.recordValue(Math.max(0, latencyNanos / 1_000));
        serviceMicros.recordValue(Math.max(0, serviceNanos / 1_000));
        statusCounts.merge(status, 1L, Long::sum);
        if (status / 100 != 2) {
            firstErrorBodies.putIfAbsent(status, Workload.abbreviate(body.prefix()));
        } else if (body.failedParts() > 0) {
            failedBatches++;
            failedParts += body.failedParts();
            if (firstFailedBatch.isEmpty()) {
                firstFailedBatch = Workload.abbreviate(body.prefix());
            }
        }
        bytes += body.bytes();
        timing.millisByStage()
                .forEach((stage, millis) -> serverMicros.get(stage).recordValue(micros(millis)));
        OptionalDouble total = timing.millis(Stage.TOTAL);
        OptionalDouble database = timing.millis(Stage.DATABASE);
        if (total.isPresent() && database.isPresent()) {
            gatewayMicros.recordValue(micros(Math.max(0, total.getAsDouble() - database.getAsDouble())));
        }
    }

    /** A request that got no response at all (connection refused, timeout, reset). */
    void recordFailure(long clientNanos, Exception failure) {
        recordFailure(clientNanos, clientNanos, failure);
    }

    void recordFailure(long latencyNanos, long serviceNanos, Exception failure) {
        requests++;
        failures++;
        clientMicros.recordValue(Math.max(0, latencyNanos / 1_000));
        serviceMicros.recordValue(Math.max(0, serviceNanos / 1_000));
        if (firstFailure.isEmpty()) {
            firstFailure = failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        }
    }

    /** The worker paused {@code nanos} on a {@code Retry-After}. */
    void recordRetryAfterWait(long nanos) {
        retryAfterWaits++;
        retryAfterNanos += nanos;
    }

    void add(Measurements other) {
        requests += other.requests;
        retryAfterWaits += other.retryAfterWaits;
        retryAfterNanos += other.retryAfterNanos;
        serviceMicros.add(other.serviceMicros);
        failures += other.failures;
        failedBatches += other.failedBatches;
        failedParts += other.failedParts;
        if (firstFailedBatch.isEmpty()) {
            firstFailedBatch = other.firstFailedBatch;
        }
        bytes += other.bytes;
        if (firstFailure.isEmpty()) {
            firstFailure = other.firstFailure;
        }
        clientMicros.add(other.clientMicros);
        gatewayMicros.add(other.gatewayMicros);
        other.serverMicros.forEach((stage, histogram) -> serverMicros.get(stage).add(histogram));
        other.statusCounts.forEach((status, count) -> statusCounts.merge(status, count, Long::sum));
        other.firstErrorBodies.forEach(firstErrorBodies::putIfAbsent);
    }

    long requests() {
        return requests;
    }

    /**
     * Non-2xx responses other than 429, requests that got no response, and $batch responses with a
     * failed part. 429s are {@link #throttled()}, counted apart: the server protecting itself as
     * asked is not a failure of the run.
     */
    long errors() {
        long non2xx = statusCounts.entrySet().stream()
                .filter(entry -> entry.getKey() / 100 != 2 && entry.getKey() != 429)
                .mapToLong(Map.Entry::getValue)
                .sum();
        return non2xx + failures + failedBatches;
    }

    /** 429 Too Many Requests answers. */
    long throttled() {
        return statusCounts.getOrDefault(429, 0L);
    }

    long retryAfterWaits() {
        return retryAfterWaits;
    }

    long retryAfterNanos() {
        return retryAfterNanos;
    }

    Histogram serviceMicros() {
        return serviceMicros;
    }

    long failedBatches() {
        return failedBatches;
    }

    long failedParts() {
        return failedParts;
    }

    String firstFailedBatch() {
        return firstFailedBatch;
    }

    long failures() {
        return failures;
    }

    String firstFailure() {
        return firstFailure;
    }

    long bytes() {
        return bytes;
    }

    Histogram clientMicros() {
        return clientMicros;
    }

    Histogram serverMicros(Stage stage) {
        return serverMicros.get(stage);
    }

    Histogram gatewayMicros() {
        return gatewayMicros;
    }

    Map<Integer, Long> statusCounts() {
        return Collections.unmodifiableMap(statusCounts);
    }

    Map<Integer, String> firstErrorBodies() {
        return Collections.unmodifiableMap(firstErrorBodies);
    }

    private static long micros(double millis) {
        return Math.round(millis * 1_000);
    }
}
