package dev.vegateway.bench;

import dev.vegateway.bench.ServerTiming.Stage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The run as a table on stdout and, optionally, one appended CSV line. Latencies in milliseconds. */
final class Report {
    private static final String TABLE_FORMAT =
            "%-18s %4s %9s %9s | %7s %7s %7s %8s | %7s %7s | %6s %6s %7s %7s %7s | %6s %6s %7s%n";
    private static final List<String> CSV_COLUMNS = List.of(
            "finished",
            "scenario",
            "connections",
            "requests",
            "seconds",
            "requests_per_second",
            "client_p50_ms",
            "client_p90_ms",
            "client_p99_ms",
            "client_max_ms",
            "server_total_p50_ms",
            "server_total_p99_ms",
            "auth_p50_ms",
            "authz_p50_ms",
            "db_p50_ms",
            "ser_p50_ms",
            "gateway_p50_ms",
            "errors",
            "bytes",
            "megabytes_per_second",
            "throttled",
            "mode",
            "rate",
            "callers");

    private Report() {}

    static void printHeader(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                TABLE_FORMAT,
                "",
                "",
                "",
                "",
                "client",
                "",
                "",
                "",
                "server",
                "",
                "server p50",
                "",
                "",
                "",
                "",
                "",
                "",
                "");
        out.printf(
                Locale.ROOT,
                TABLE_FORMAT,
                "scenario",
                "conn",
                "requests",
                "req/s",
                "p50",
                "p90",
                "p99",
                "max",
                "p50",
                "p99",
                "auth",
                "authz",
                "db",
                "ser",
                "gateway",
                "429",
                "errors",
                "MB/s");
    }

    static void printRow(PrintWriter out, RunResult result) {
        printRow(out, result, result.scenario().displayName(), result.measurements());
    }

    /** A row of {@code measurements}, part of {@code result} (a mix's template), named {@code name}. */
    static void printRow(PrintWriter out, RunResult result, String name, Measurements measurements) {
        List<Object> values = new ArrayList<>(List.of(
                name,
                result.connections(),
                measurements.requests(),
                String.format(Locale.ROOT, "%.1f", measurements.requests() / result.seconds())));
        values.addAll(latencies(measurements));
        values.add(measurements.throttled());
        values.add(measurements.errors());
        values.add(String.format(Locale.ROOT, "%.2f", result.megabytesPerSecond()));
        out.printf(Locale.ROOT, TABLE_FORMAT, values.toArray());
    }

    /** Statuses, error samples and transport failures, below the table. */
    static void printDetails(PrintWriter out, RunResult result) {
        Measurements measurements = result.measurements();
        String statuses = measurements.statusCounts().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(" "));
        out.printf(
                Locale.ROOT,
                "%s: statuses %s; %d ramp-up and warm-up requests not recorded; measured %.1f s%n",
                result.scenario().displayName(),
                statuses.isEmpty() ? "(none)" : statuses,
                result.warmupRequests(),
                result.seconds());
        if (result.rate().isPresent()) {
            out.printf(
                    Locale.ROOT,
                    "  open loop at %.1f req/s: latency counts from when each request was due; service time (sent →"
                            + " answered) p50 %s, p99 %s, max %s ms%n",
                    result.rate().getAsDouble(),
                    millis(measurements.serviceMicros(), 50),
                    millis(measurements.serviceMicros(), 99),
                    maxMillis(measurements.serviceMicros()));
        }
        if (measurements.throttled() > 0) {
            out.printf(Locale.ROOT, "  %d throttled (429), not counted as errors%n", measurements.throttled());
        }
        if (measurements.retryAfterWaits() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  waited %d times on Retry-After, %.1f s in all%n",
                    measurements.retryAfterWaits(),
                    measurements.retryAfterNanos() / 1e9);
        }
        for (Map.Entry<Integer, String> error : measurements.firstErrorBodies().entrySet()) {
            out.printf(Locale.ROOT, "  %d, first body: %s%n", error.getKey(), error.getValue());
        }
        if (measurements.failures() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  %d requests got no response, first: %s%n",
                    measurements.failures(),
                    measurements.firstFailure());
        }
        if (measurements.failedBatches() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  %d $batch responses held %d failed parts, first begins: %s%n",
                    measurements.failedBatches(),
                    measurements.failedParts(),
                    measurements.firstFailedBatch());
        }
        if (measurements.serverMicros(Stage.TOTAL).getTotalCount() == 0 && measurements.requests() > 0) {
            out.println("  no Server-Timing header in the responses: server columns are empty");
        }
    }

    /** B ÷ A for throughput and latency: below 1 for req/s means B is slower, above 1 for latency means B is slower. */
    static void printRatios(PrintWriter out, RunResult a, RunResult b) {
        out.printf(
                Locale.ROOT,
                "B ÷ A: req/s %s, client p50 %s, client p99 %s, server total p50 %s, errors %d → %d, 429 %d → %d%n",
                ratio(b.requestsPerSecond(), a.requestsPerSecond()),
                ratio(
                        percentile(b.measurements().clientMicros(), 50),
                        percentile(a.measurements().clientMicros(), 50)),
                ratio(
                        percentile(b.measurements().clientMicros(), 99),
                        percentile(a.measurements().clientMicros(), 99)),
                ratio(
                        percentile(b.measurements().serverMicros(Stage.TOTAL), 50),
                        percentile(a.measurements().serverMicros(Stage.TOTAL), 50)),
                a.measurements().errors(),
                b.measurements().errors(),
                a.measurements().throttled(),
                b.measurements().throttled());
    }

    static double percentile(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile);
    }

    /** {@code b / a} with two decimals, or {@code -} when either is missing or a is 0. */
    static String ratio(double b, double a) {
        if (Double.isNaN(a) || Double.isNaN(b) || a == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", b / a);
    }

    static void appendCsv(Path file, RunResult result, Instant finished) throws IOException {
        Measurements measurements = result.measurements();
        List<Object> values = new ArrayList<>(List.of(
                finished.truncatedTo(ChronoUnit.SECONDS),
                result.scenario().displayName(),
                result.connections(),
                measurements.requests(),
                String.format(Locale.ROOT, "%.3f", result.seconds()),
                String.format(Locale.ROOT, "%.1f", result.requestsPerSecond())));
        values.addAll(latencies(measurements));
        values.add(measurements.errors());
        values.add(measurements.bytes());
        values.add(String.format(Locale.ROOT, "%.3f", result.megabytesPerSecond()));
        values.add(measurements.throttled());
        values.add(result.rate().isPresent() ? "open" : "closed");
        values.add(
                result.rate().isPresent()
                        ? String.format(Locale.ROOT, "%.1f", result.rate().getAsDouble())
                        : "");
        values.add(result.callers());
        StringBuilder text = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) {
            text.append(String.join(",", CSV_COLUMNS)).append('\n');
        }
        text.append(values.stream().map(String::valueOf).collect(Collectors.joining(",")))
                .append('\n');
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The percentile in milliseconds with three decimals, or {@code -} when nothing was recorded. */
    /** Client p50, p90, p99 and max; server total p50 and p99; p50 of auth, authz, db, ser and the gateway's share (ms). */
    private static List<String> latencies(Measurements measurements) {
        return List.of(
                millis(measurements.clientMicros(), 50),
                millis(measurements.clientMicros(), 90),
                millis(measurements.clientMicros(), 99),
                maxMillis(measurements.clientMicros()),
                millis(measurements.serverMicros(Stage.TOTAL), 50),
                millis(measurements.serverMicros(Stage.TOTAL), 99),
                millis(measurements.serverMicros(Stage.AUTHENTICATE), 50),
                millis(measurements.serverMicros(Stage.AUTHORIZE), 50),
                millis(measurements.serverMicros(Stage.DATABASE), 50),
                millis(measurements.serverMicros(Stage.SERIALIZE), 50),
                millis(measurements.gatewayMicros(), 50));
    }

    static String millis(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3f", histogram.getValueAtPercentile(percentile) / 1000.0);
    }

    static String maxMillis(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3f", histogram.getMaxValue() / 1000.0);
    }
}
