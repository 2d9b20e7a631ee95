package dev.vegateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vegateway.bench.ServerTiming.Stage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The run as one JSON document ({@code --json FILE}), for scripts and for comparing runs. Latencies in milliseconds. */
final class ResultJson {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private ResultJson() {}

    static Map<String, Object> of(RunResult result, URI target, Instant finished) {
        Measurements measurements = result.measurements();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tool", "vegateway-bench");
        json.put("finished", finished.truncatedTo(ChronoUnit.MILLIS).toString());
        json.put("target", target.toString());
        json.put("scenario", result.scenario().displayName());
        json.put("mode", result.rate().isPresent() ? "open" : "closed");
        json.put("rate", result.rate().isPresent() ? result.rate().getAsDouble() : null);
        json.put("connections", result.connections());
        json.put("callers", result.callers());
        json.put("seconds", round(result.seconds()));
        json.put("warmupRequests", result.warmupRequests());
        json.put("requests", measurements.requests());
        json.put("requestsPerSecond", round(result.requestsPerSecond()));
        Map<String, Long> statuses = new LinkedHashMap<>();
        measurements.statusCounts().forEach((status, count) -> statuses.put(Integer.toString(status), count));
        json.put("statuses", statuses);
        json.put("throttled", measurements.throttled());
        json.put("errors", measurements.errors());
        json.put("noResponse", measurements.failures());
        json.put("failedBatches", measurements.failedBatches());
        json.put("failedBatchParts", measurements.failedParts());
        json.put("bytes", measurements.bytes());
        json.put("megabytesPerSecond", round(result.megabytesPerSecond()));
        json.put("latency", percentiles(measurements.clientMicros()));
        json.put("serviceTime", percentiles(measurements.serviceMicros()));
        Map<String, Object> server = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            server.put(stage.metricName(), percentiles(measurements.serverMicros(stage)));
        }
        server.put("gateway", percentiles(measurements.gatewayMicros()));
        json.put("server", server);
        Map<String, Object> retryAfter = new LinkedHashMap<>();
        retryAfter.put("waits", measurements.retryAfterWaits());
        retryAfter.put("seconds", round(measurements.retryAfterNanos() / 1e9));
        json.put("retryAfter", retryAfter);
        Map<String, String> firstBodies = new LinkedHashMap<>();
        measurements.firstErrorBodies().forEach((status, body) -> firstBodies.put(Integer.toString(status), body));
        json.put("firstErrorBodies", firstBodies);
        json.put("firstFailure", measurements.firstFailure().isEmpty() ? null : measurements.firstFailure());
        Map<String, Object> templates = new LinkedHashMap<>();
        result.byTemplate().forEach((name, ofTemplate) -> {
            Map<String, Object> template = new LinkedHashMap<>();
            template.put("requests", ofTemplate.requests());
            template.put("requestsPerSecond", round(ofTemplate.requests() / result.seconds()));
            Map<String, Long> templateStatuses = new LinkedHashMap<>();
            ofTemplate.statusCounts().forEach((status, count) -> templateStatuses.put(Integer.toString(status), count));
            template.put("statuses", templateStatuses);
            template.put("throttled", ofTemplate.throttled());
            template.put("errors", ofTemplate.errors());
            template.put("latency", percentiles(ofTemplate.clientMicros()));
            template.put("serverTotal", percentiles(ofTemplate.serverMicros(Stage.TOTAL)));
            templates.put(name, template);
        });
        json.put("byTemplate", templates);
        return json;
    }

    /** Two runs of one workload ({@code --compare-url}): {@code a}, {@code b} and the ratios B ÷ A. */
    static void writeComparison(Path file, RunResult a, URI targetA, RunResult b, URI targetB, Instant finished)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("a", of(a, targetA, finished));
        json.put("b", of(b, targetB, finished));
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("requestsPerSecond", ratio(b.requestsPerSecond(), a.requestsPerSecond()));
        for (double percentile : new double[] {50, 99}) {
            ratios.put(
                    String.format(Locale.ROOT, "latencyP%.0f", percentile),
                    ratio(
                            Report.percentile(b.measurements().clientMicros(), percentile),
                            Report.percentile(a.measurements().clientMicros(), percentile)));
        }
        ratios.put(
                "serverTotalP50",
                ratio(
                        Report.percentile(b.measurements().serverMicros(Stage.TOTAL), 50),
                        Report.percentile(a.measurements().serverMicros(Stage.TOTAL), 50)));
        json.put("ratios", ratios);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    /** {@code b / a}, or null when either is missing or a is 0. */
    private static Double ratio(double b, double a) {
        return Double.isNaN(a) || Double.isNaN(b) || a == 0 ? null : round(b / a);
    }

    static void write(Path file, RunResult result, URI target, Instant finished) throws IOException {
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), of(result, target, finished));
    }

    /** count, mean, p50, p90, p99, p99.9 and max in milliseconds; only the count when nothing was recorded. */
    private static Map<String, Object> percentiles(Histogram micros) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", micros.getTotalCount());
        if (micros.getTotalCount() == 0) {
            return json;
        }
        json.put("mean", round(micros.getMean() / 1e3));
        for (double percentile : PERCENTILES) {
            json.put(
                    "p" + String.format(Locale.ROOT, percentile % 1 == 0 ? "%.0f" : "%.1f", percentile),
                    round(micros.getValueAtPercentile(percentile) / 1e3));
        }
        json.put("max", round(micros.getMaxValue() / 1e3));
        return json;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
