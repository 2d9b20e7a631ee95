package dev.vegateway.bench;

import dev.vegateway.bench.ServerTiming.Stage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The run as one self-contained HTML page ({@code --html FILE}): no script, no style sheet, no
 * font or image from elsewhere, so it opens anywhere without a network. It shows the summary,
 * latency by percentile (client and server), throughput, latency and failures second by second,
 * the answers by status with the first error bodies, and the server's stages from
 * {@code Server-Timing}.
 */
final class HtmlReport {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;
    private static final String CLIENT = "#1f6fb2";
    private static final String SERVER = "#d9822b";
    private static final String FAILED = "#c0392b";

    private HtmlReport() {}

    static void write(Path file, RunResult result, URI target, Instant finished) throws IOException {
        Files.writeString(file, render(result, target, finished), StandardCharsets.UTF_8);
    }

    static String render(RunResult result, URI target, Instant finished) {
        Measurements measurements = result.measurements();
        StringBuilder html = new StringBuilder(32 * 1024);
        String title = "vegateway-bench: " + result.scenario().displayName();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
                        + "text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
                        + "svg{background:#fff;border:1px solid #ddd}small{color:#666}</style></head><body>\n");
        html.append("<h1>")
                .append(escape(title))
                .append("</h1>\n<p>")
                .append(escape(target.toString()))
                .append(" · ")
                .append(
                        result.rate().isPresent()
                                ? String.format(
                                        Locale.ROOT,
                                        "open loop at %.1f req/s",
                                        result.rate().getAsDouble())
                                : "closed loop")
                .append(" · ")
                .append(result.connections())
                .append(" connection(s) · ")
                .append(result.callers())
                .append(" caller(s) · ")
                .append(String.format(Locale.ROOT, "%.1f s measured", result.seconds()))
                .append(unmeasured(result))
                .append(" · finished ")
                .append(finished.truncatedTo(ChronoUnit.SECONDS))
                .append("</p>\n");

        html.append("<h2>Summary</h2>\n<table><tr><th>requests</th><th>req/s</th><th>429</th><th>errors</th>"
                + "<th>MB/s</th>");
        for (double percentile : PERCENTILES) {
            html.append("<th>").append(percentileName(percentile)).append(" ms</th>");
        }
        html.append("</tr>\n<tr><td>")
                .append(measurements.requests())
                .append("</td><td>")
                .append(String.format(Locale.ROOT, "%.1f", result.requestsPerSecond()))
                .append("</td><td>")
                .append(measurements.throttled())
                .append("</td><td>")
                .append(measurements.errors())
                .append("</td><td>")
                .append(String.format(Locale.ROOT, "%.2f", result.megabytesPerSecond()))
                .append("</td>");
        for (double percentile : PERCENTILES) {
            html.append("<td>")
                    .append(millis(measurements.clientMicros(), percentile))
                    .append("</td>");
        }
        html.append("</tr></table>\n");
        if (result.rate().isPresent()) {
            html.append("<p><small>Open loop: latency counts from when each request was due, so waiting behind a slow"
                            + " answer counts too; the service time (sent → answered) p99 was ")
                    .append(millis(measurements.serviceMicros(), 99))
                    .append(" ms.</small></p>\n");
        }

        html.append("<h2>Latency by percentile</h2>\n");
        html.append(percentileChart(measurements));

        Timeline timeline = result.timeline();
        if (timeline.seconds() > 0) {
            html.append("<h2>Over time</h2>\n<p><small>Requests answered per second (blue), of them failed (red),"
                    + " from the start of the run; the grey band is the ramp-up and warm-up, which the figures above"
                    + " leave out.</small></p>\n");
            html.append(throughputChart(timeline, result.unmeasuredSeconds()));
            html.append("<p><small>Latency p50 (blue) and p99 (orange) of the requests answered in each second."
                    + "</small></p>\n");
            html.append(latencyOverTimeChart(timeline, result.unmeasuredSeconds()));
        }

        html.append("<h2>Answers by status</h2>\n<table><tr><th class=\"l\">status</th><th>count</th>"
                + "<th class=\"l\">first body</th></tr>\n");
        for (Map.Entry<Integer, Long> status : measurements.statusCounts().entrySet()) {
            html.append("<tr><td class=\"l\">")
                    .append(status.getKey())
                    .append(status.getKey() == 429 ? " (throttled)" : "")
                    .append("</td><td>")
                    .append(status.getValue())
                    .append("</td><td class=\"l\">")
                    .append(escape(measurements.firstErrorBodies().getOrDefault(status.getKey(), "")))
                    .append("</td></tr>\n");
        }
        if (measurements.failures() > 0) {
            html.append("<tr><td class=\"l\">no response</td><td>")
                    .append(measurements.failures())
                    .append("</td><td class=\"l\">")
                    .append(escape(measurements.firstFailure()))
                    .append("</td></tr>\n");
        }
        if (measurements.failedBatches() > 0) {
            html.append("<tr><td class=\"l\">$batch with failed parts</td><td>")
                    .append(measurements.failedBatches())
                    .append("</td><td class=\"l\">")
                    .append(escape(measurements.firstFailedBatch()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>Server stages (Server-Timing)</h2>\n");
        if (measurements.serverMicros(Stage.TOTAL).getTotalCount() == 0) {
            html.append("<p>The responses carried no <code>Server-Timing</code> header.</p>\n");
        } else {
            html.append("<table><tr><th class=\"l\">stage</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th></tr>\n");
            for (Stage stage : Stage.values()) {
                stageRow(html, stage.metricName(), measurements.serverMicros(stage));
            }
            stageRow(html, "gateway (total − db)", measurements.gatewayMicros());
            html.append("</table>\n");
        }

        if (!result.byTemplate().isEmpty()) {
            html.append("<h2>By request template</h2>\n<table><tr><th class=\"l\">template</th><th>requests</th>"
                    + "<th>req/s</th><th>429</th><th>errors</th><th>p50 ms</th><th>p99 ms</th>"
                    + "<th>server p50 ms</th></tr>\n");
            result.byTemplate().forEach((name, ofTemplate) -> html.append("<tr><td class=\"l\">")
                    .append(escape(name))
                    .append("</td><td>")
                    .append(ofTemplate.requests())
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", ofTemplate.requests() / result.seconds()))
                    .append("</td><td>")
                    .append(ofTemplate.throttled())
                    .append("</td><td>")
                    .append(ofTemplate.errors())
                    .append("</td><td>")
                    .append(millis(ofTemplate.clientMicros(), 50))
                    .append("</td><td>")
                    .append(millis(ofTemplate.clientMicros(), 99))
                    .append("</td><td>")
                    .append(millis(ofTemplate.serverMicros(Stage.TOTAL), 50))
                    .append("</td></tr>\n"));
            html.append("</table>\n");
        }
        html.append("<p><small>Written by vegateway-bench.</small></p>\n</body></html>\n");
        return html.toString();
    }

    private static void stageRow(StringBuilder html, String name, Histogram micros) {
        html.append("<tr><td class=\"l\">")
                .append(escape(name))
                .append("</td><td>")
                .append(millis(micros, 50))
                .append("</td><td>")
                .append(millis(micros, 90))
                .append("</td><td>")
                .append(millis(micros, 99))
                .append("</td></tr>\n");
    }

    /** Latency (ms) against percentile on a log scale of 1/(1 − p): 0, 90, 99, 99.9, 99.99 … */
    private static String percentileChart(Measurements measurements) {
        Histogram client = measurements.clientMicros();
        Histogram server = measurements.serverMicros(Stage.TOTAL);
        if (client.getTotalCount() == 0) {
            return "<p>No request was measured.</p>\n";
        }
        int decades = Math.max(2, (int) Math.ceil(Math.log10(Math.max(10, client.getTotalCount()))));
        double yMax = niceCeiling(client.getMaxValue() / 1e3);
        StringBuilder svg = svgStart(yMax, "latency ms");
        for (int decade = 0; decade <= decades; decade++) {
            double x = LEFT + (double) (WIDTH - LEFT - RIGHT) * decade / decades;
            svg.append(line(x, TOP, x, HEIGHT - BOTTOM, "#eee"))
                    .append(text(x, HEIGHT - BOTTOM + 16, "middle", decadeLabel(decade)));
        }
        svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, "middle", "percentile"));
        svg.append(percentileCurve(client, decades, yMax, CLIENT));
        if (server.getTotalCount() > 0) {
            svg.append(percentileCurve(server, decades, yMax, SERVER));
        }
        svg.append(legend(0, CLIENT, "client"));
        if (server.getTotalCount() > 0) {
            svg.append(legend(1, SERVER, "server total"));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String percentileCurve(Histogram micros, int decades, double yMax, String colour) {
        List<String> points = new ArrayList<>();
        int steps = 200;
        for (int step = 0; step <= steps; step++) {
            double position = (double) decades * step / steps;
            double percentile = 100 * (1 - Math.pow(10, -position));
            double value = micros.getValueAtPercentile(Math.min(100, percentile)) / 1e3;
            double x = LEFT + (WIDTH - LEFT - RIGHT) * position / decades;
            points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y(value, yMax)));
        }
        return "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + colour + "\" points=\""
                + String.join(" ", points) + "\"/>\n";
    }

    /** " · ramp-up 10 s and warm-up 2 s before (not measured)", or nothing without either. */
    private static String unmeasured(RunResult result) {
        List<String> parts = new ArrayList<>();
        if (!result.rampUp().isZero()) {
            parts.add(
                    String.format(Locale.ROOT, "ramp-up %.1f s", result.rampUp().toNanos() / 1e9));
        }
        if (!result.warmup().isZero()) {
            parts.add(
                    String.format(Locale.ROOT, "warm-up %.1f s", result.warmup().toNanos() / 1e9));
        }
        return parts.isEmpty() ? "" : " after " + String.join(" and ", parts) + " (not measured)";
    }

    /** The ramp-up and warm-up as a grey band from the start of the time axis. */
    private static String unmeasuredBand(double unmeasuredSeconds, int seconds) {
        if (unmeasuredSeconds <= 0) {
            return "";
        }
        double right = timeX(Math.min(unmeasuredSeconds, seconds), seconds);
        return String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#e8e8e8\"/>\n"
                        + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">ramp-up + warm-up</text>\n",
                LEFT,
                TOP,
                right - LEFT,
                HEIGHT - TOP - BOTTOM,
                (LEFT + right) / 2,
                TOP + 14);
    }

    private static String throughputChart(Timeline timeline, double unmeasuredSeconds) {
        long most = 1;
        for (int second = 0; second < timeline.seconds(); second++) {
            most = Math.max(most, timeline.latencyMicros(second).getTotalCount());
        }
        double yMax = niceCeiling(most);
        StringBuilder svg = svgStart(yMax, "requests / s");
        svg.append(unmeasuredBand(unmeasuredSeconds, timeline.seconds()));
        timeAxis(svg, timeline.seconds());
        List<String> answered = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int second = 0; second < timeline.seconds(); second++) {
            double x = timeX(second, timeline.seconds());
            answered.add(point(x, y(timeline.latencyMicros(second).getTotalCount(), yMax)));
            failed.add(point(x, y(timeline.failures(second), yMax)));
        }
        svg.append(polyline(answered, CLIENT)).append(polyline(failed, FAILED));
        svg.append(legend(0, CLIENT, "answered")).append(legend(1, FAILED, "failed or throttled"));
        return svg.append("</svg>\n").toString();
    }

    private static String latencyOverTimeChart(Timeline timeline, double unmeasuredSeconds) {
        double most = 0.001;
        for (int second = 0; second < timeline.seconds(); second++) {
            Histogram micros = timeline.latencyMicros(second);
            if (micros.getTotalCount() > 0) {
                most = Math.max(most, micros.getValueAtPercentile(99) / 1e3);
            }
        }
        double yMax = niceCeiling(most);
        StringBuilder svg = svgStart(yMax, "latency ms");
        svg.append(unmeasuredBand(unmeasuredSeconds, timeline.seconds()));
        timeAxis(svg, timeline.seconds());
        List<String> median = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        for (int second = 0; second < timeline.seconds(); second++) {
            Histogram micros = timeline.latencyMicros(second);
            if (micros.getTotalCount() == 0) {
                continue;
            }
            double x = timeX(second, timeline.seconds());
            median.add(point(x, y(micros.getValueAtPercentile(50) / 1e3, yMax)));
            tail.add(point(x, y(micros.getValueAtPercentile(99) / 1e3, yMax)));
        }
        svg.append(polyline(median, CLIENT)).append(polyline(tail, SERVER));
        svg.append(legend(0, CLIENT, "p50")).append(legend(1, SERVER, "p99"));
        return svg.append("</svg>\n").toString();
    }

    private static void timeAxis(StringBuilder svg, int seconds) {
        int step = Math.max(1, (int) niceCeiling(seconds / 8.0));
        for (int second = 0; second <= seconds; second += step) {
            double x = timeX(second, seconds);
            svg.append(line(x, TOP, x, HEIGHT - BOTTOM, "#eee"))
                    .append(text(x, HEIGHT - BOTTOM + 16, "middle", second + " s"));
        }
    }

    private static double timeX(double second, int seconds) {
        return LEFT + (WIDTH - LEFT - RIGHT) * second / Math.max(1, seconds);
    }

    private static StringBuilder svgStart(double yMax, String yLabel) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" font-size=\"11\">\n");
        for (int tick = 0; tick <= 5; tick++) {
            double value = yMax * tick / 5;
            double y = y(value, yMax);
            svg.append(line(LEFT, y, WIDTH - RIGHT, y, "#eee")).append(text(LEFT - 6, y + 4, "end", axisNumber(value)));
        }
        svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "#999"))
                .append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "#999"))
                .append("<text x=\"12\" y=\"")
                .append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
                .append("\" transform=\"rotate(-90 12 ")
                .append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
                .append(")\" text-anchor=\"middle\">")
                .append(escape(yLabel))
                .append("</text>\n");
        return svg;
    }

    private static double y(double value, double yMax) {
        double plot = HEIGHT - TOP - BOTTOM;
        return HEIGHT - BOTTOM - plot * Math.min(1, Math.max(0, value / yMax));
    }

    private static String point(double x, double y) {
        return String.format(Locale.ROOT, "%.1f,%.1f", x, y);
    }

    private static String polyline(List<String> points, String colour) {
        return points.isEmpty()
                ? ""
                : "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + colour + "\" points=\""
                        + String.join(" ", points) + "\"/>\n";
    }

    private static String line(double x1, double y1, double x2, double y2, String colour) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1,
                y1,
                x2,
                y2,
                colour);
    }

    private static String text(double x, double y, String anchor, String text) {
        return String.format(
                Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor, escape(text));
    }

    private static String legend(int row, String colour, String label) {
        double y = TOP + 12 + row * 16;
        return line(WIDTH - RIGHT - 150, y - 4, WIDTH - RIGHT - 130, y - 4, colour)
                        .replace("/>", " stroke-width=\"3\"/>")
                + text(WIDTH - RIGHT - 124, y, "start", label);
    }

    /** The percentile at {@code decade} on the axis: 0, 90, 99, 99.9, 99.99 … */
    static String decadeLabel(int decade) {
        return switch (decade) {
            case 0 -> "0";
            case 1 -> "90";
            default -> "99" + (decade > 2 ? "." + "9".repeat(decade - 2) : "");
        };
    }

    private static String percentileName(double percentile) {
        if (percentile == 100) {
            return "max";
        }
        return "p"
                + (percentile % 1 == 0 ? String.format(Locale.ROOT, "%.0f", percentile) : Double.toString(percentile));
    }

    private static String millis(Histogram micros, double percentile) {
        if (micros.getTotalCount() == 0) {
            return "-";
        }
        long value = percentile >= 100 ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%.3f", value / 1e3);
    }

    private static String axisNumber(double value) {
        return value >= 100 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, value >= 1 ? "%.1f" : "%.3f", value);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
