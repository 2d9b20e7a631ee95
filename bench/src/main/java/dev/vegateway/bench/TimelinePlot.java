package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The run second by second, as the HTML report shows it: throughput (answers per second, and the
 * failed ones: errors and 429s) above, p50 and p99 latency below. Drawn with java.awt in headless
 * mode, like {@link PercentilePlot}.
 */
final class TimelinePlot {
    private static final int WIDTH = 960;
    private static final int PANEL = 230;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int GAP = 60;
    private static final int HEIGHT = TOP + PANEL + GAP + PANEL + 50;
    private static final Color THROUGHPUT = new Color(0x1f, 0x77, 0xb4);
    private static final Color FAILED = new Color(0xd6, 0x27, 0x28);
    private static final Color P50 = new Color(0x2c, 0xa0, 0x2c);
    private static final Color P99 = new Color(0xff, 0x7f, 0x0e);

    private TimelinePlot() {}

    static void write(Path file, RunResult result) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(result, "result is null");
        System.setProperty("java.awt.headless", "true");
        Timeline timeline = result.timeline();
        int seconds = Math.max(1, timeline.seconds());
        IntToDoubleFunction answers = second ->
                second < timeline.seconds() ? timeline.latencyMicros(second).getTotalCount() : 0;
        IntToDoubleFunction failed = second -> second < timeline.seconds() ? timeline.failures(second) : 0;
        IntToDoubleFunction p50 = second -> percentileMillis(timeline, second, 50);
        IntToDoubleFunction p99 = second -> percentileMillis(timeline, second, 99);
        double throughputMax = PercentilePlot.niceCeiling(Math.max(1, maximum(answers, seconds)));
        double latencyMax = PercentilePlot.niceCeiling(Math.max(0.001, maximum(p99, seconds)));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, WIDTH, HEIGHT);
            graphics.setColor(Color.BLACK);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            graphics.drawString(
                    String.format(
                            Locale.ROOT,
                            "vegateway-bench %s: %d connection(s), second by second of the run",
                            result.scenario().displayName(),
                            result.connections()),
                    LEFT,
                    30);
            int lower = TOP + PANEL + GAP;
            unmeasuredBand(graphics, TOP, seconds, result.unmeasuredSeconds());
            unmeasuredBand(graphics, lower, seconds, result.unmeasuredSeconds());
            panel(graphics, TOP, seconds, throughputMax, "answers / s");
            panel(graphics, lower, seconds, latencyMax, "latency (ms)");
            graphics.setStroke(new BasicStroke(2f));
            curve(graphics, TOP, seconds, throughputMax, answers, THROUGHPUT);
            curve(graphics, TOP, seconds, throughputMax, failed, FAILED);
            curve(graphics, lower, seconds, latencyMax, p50, P50);
            curve(graphics, lower, seconds, latencyMax, p99, P99);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            legend(graphics, TOP, 0, "answers", THROUGHPUT);
            legend(graphics, TOP, 1, "failed (errors and 429s)", FAILED);
            legend(graphics, lower, 0, "client p50", P50);
            legend(graphics, lower, 1, "client p99", P99);
            graphics.setColor(Color.BLACK);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            graphics.drawString(
                    "second of the run (grey: ramp-up and warm-up, not measured)",
                    LEFT + (WIDTH - LEFT - RIGHT) / 2 - 170,
                    HEIGHT - 12);
        } finally {
            graphics.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static double percentileMillis(Timeline timeline, int second, double percentile) {
        if (second >= timeline.seconds() || timeline.latencyMicros(second).getTotalCount() == 0) {
            return 0;
        }
        return timeline.latencyMicros(second).getValueAtPercentile(percentile) / 1000.0;
    }

    private static double maximum(IntToDoubleFunction values, int seconds) {
        double maximum = 0;
        for (int second = 0; second < seconds; second++) {
            maximum = Math.max(maximum, values.applyAsDouble(second));
        }
        return maximum;
    }

    private static void unmeasuredBand(Graphics2D graphics, int top, int seconds, double unmeasuredSeconds) {
        if (unmeasuredSeconds <= 0) {
            return;
        }
        int plotWidth = WIDTH - LEFT - RIGHT;
        graphics.setColor(new Color(0xee, 0xee, 0xee));
        graphics.fillRect(LEFT, top, (int) (plotWidth * Math.min(unmeasuredSeconds, seconds) / seconds), PANEL);
    }

    private static void panel(Graphics2D graphics, int top, int seconds, double yMax, String unit) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int tick = 0; tick <= 5; tick++) {
            int y = top + PANEL - PANEL * tick / 5;
            graphics.setColor(new Color(0xe0, 0xe0, 0xe0));
            graphics.drawLine(LEFT, y, LEFT + plotWidth, y);
            graphics.setColor(Color.DARK_GRAY);
            String label = PercentilePlot.axisLabel(yMax * tick / 5);
            graphics.drawString(label, LEFT - 8 - graphics.getFontMetrics().stringWidth(label), y + 4);
        }
        int step = Math.max(1, (int) PercentilePlot.niceCeiling(seconds / 10.0));
        for (int second = 0; second <= seconds; second += step) {
            int x = LEFT + plotWidth * second / seconds;
            graphics.setColor(new Color(0xe0, 0xe0, 0xe0));
            graphics.drawLine(x, top, x, top + PANEL);
            graphics.setColor(Color.DARK_GRAY);
            String label = Integer.toString(second);
            graphics.drawString(label, x - graphics.getFontMetrics().stringWidth(label) / 2, top + PANEL + 16);
        }
        graphics.setColor(Color.BLACK);
        graphics.drawRect(LEFT, top, plotWidth, PANEL);
        Graphics2D rotated = (Graphics2D) graphics.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(unit, -(top + PANEL / 2 + 35), 20);
        rotated.dispose();
    }

    /** One point per second, at the middle of it. */
    private static void curve(
            Graphics2D graphics, int top, int seconds, double yMax, IntToDoubleFunction values, Color color) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        Path2D.Double path = new Path2D.Double();
        for (int second = 0; second < seconds; second++) {
            double x = LEFT + plotWidth * (second + 0.5) / seconds;
            double y = top + PANEL - PANEL * Math.min(values.applyAsDouble(second) / yMax, 1.0);
            if (second == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        graphics.setColor(color);
        graphics.draw(path);
    }

    private static void legend(Graphics2D graphics, int top, int row, String label, Color color) {
        int x = LEFT + 16;
        int y = top + 20 + row * 20;
        graphics.setColor(color);
        graphics.fillRect(x, y - 9, 18, 4);
        graphics.setColor(Color.BLACK);
        graphics.drawString(label, x + 26, y - 2);
    }
}
