package dev.vegateway.gateway.http;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Request counters and cumulative stage durations, exposed as Prometheus text. */
public final class Metrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAdder databaseNanos = new LongAdder();
    private final LongAdder rows = new LongAdder();

    public void record(String operation, int status, long elapsedNanos, long dbNanos, long rowCount) {
        requests.computeIfAbsent(operation + "\u0000" + status, key -> new LongAdder())
                .increment();
        totalNanos.add(elapsedNanos);
        databaseNanos.add(dbNanos);
        rows.add(rowCount);
    }

    public String prometheusText() {
        StringBuilder text = new StringBuilder();
        text.append("# HELP vegateway_requests_total Requests answered, by operation and HTTP status.\n");
        text.append("# TYPE vegateway_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String[] parts = entry.getKey().split("\u0000");
            text.append("vegateway_requests_total{operation=\"")
                    .append(parts[0])
                    .append("\",status=\"")
                    .append(parts[1])
                    .append("\"} ")
                    .append(entry.getValue().sum())
                    .append('\n');
        });
        text.append(
                "# HELP vegateway_request_seconds_total Time spent answering requests.\n# TYPE vegateway_request_seconds_total counter\n");
        text.append(String.format(Locale.ROOT, "vegateway_request_seconds_total %.6f%n", totalNanos.sum() / 1e9));
        text.append(
                "# HELP vegateway_database_seconds_total Time spent in the backend database.\n# TYPE vegateway_database_seconds_total counter\n");
        text.append(String.format(Locale.ROOT, "vegateway_database_seconds_total %.6f%n", databaseNanos.sum() / 1e9));
        text.append("# HELP vegateway_rows_total Rows returned.\n# TYPE vegateway_rows_total counter\n");
        text.append("vegateway_rows_total ").append(rows.sum()).append('\n');
        return text.toString();
    }
}
