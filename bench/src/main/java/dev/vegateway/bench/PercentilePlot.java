package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import dev.vegateway.bench.ServerTiming.Stage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/**
 * A latency-by-percentile chart (the HdrHistogram plot): percentiles on a logarithmic x-axis
 * (0%, 90%, 99%, 99.9%, …), milliseconds on the y-axis, one line for the client latency and one
 * for the server's own total. Drawn with java.awt in headless mode.
 */
final class PercentilePlot {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final int SAMPLES = 400;
    private static final Color CLIENT = new Color(0x1f, 0x77, 0xb4);
    private static final Color SERVER = new Color(0xff, 0x7f, 0x0e);

    private PercentilePlot() {}

    static void write(Path file, RunResult result) throws IOException {
        requireNonNull(file, "file is null");
        System.setProperty("java.awt.headless", "true");
        Histogram client = result.measurements().clientMicros();
        Histogram server = result.measurements().serverMicros(Stage.TOTAL);
        long count = Math.max(client.getTotalCount(), 1);
        int decades = (int) Math.max(1, Math.min(6, Math.ceil(Math.log10((double) count))));
        double maxMillis =
                Math.max(client.getMaxValue(), server.getTotalCount() == 0 ? 0 : server.getMaxValue()) / 1000.0;
        double yMax = niceCeiling(Math.max(maxMillis, 0.001));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, WIDTH, HEIGHT);
            int plotWidth = WIDTH - LEFT - RIGHT;
            int plotHeight = HEIGHT - TOP - BOTTOM;

            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int decade = 0; decade <= decades; decade++) {
                int x = LEFT + plotWidth * decade / decades;
                graphics.setColor(new Color(0xe0, 0xe0, 0xe0));
                graphics.drawLine(x, TOP, x, TOP + plotHeight);
                graphics.setColor(Color.DARK_GRAY);
                String label = percentileLabel(decade);
                graphics.drawString(label, x - graphics.getFontMetrics().stringWidth(label) / 2, TOP + plotHeight + 18);
            }
            for (int tick = 0; tick <= 5; tick++) {
                int y = TOP + plotHeight - plotHeight * tick / 5;
                graphics.setColor(new Color(0xe0, 0xe0, 0xe0));
                graphics.drawLine(LEFT, y, LEFT + plotWidth, y);
                graphics.setColor(Color.DARK_GRAY);
                String label = axisLabel(yMax * tick / 5);
                graphics.drawString(label, LEFT - 8 - graphics.getFontMetrics().stringWidth(label), y + 4);
            }
            graphics.setColor(Color.BLACK);
            graphics.drawRect(LEFT, TOP, plotWidth, plotHeight);
            graphics.drawString("percentile", LEFT + plotWidth / 2 - 30, HEIGHT - 25);
            Graphics2D rotated = (Graphics2D) graphics.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString("latency (ms)", -(TOP + plotHeight / 2 + 35), 20);
            rotated.dispose();
            graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            graphics.drawString(
                    String.format(
                            Locale.ROOT,
                            "vegateway-bench %s: %d connection(s), %d requests, %.0f req/s",
                            result.scenario().displayName(),
                            result.connections(),
                            result.measurements().requests(),
                            result.requestsPerSecond()),
                    LEFT,
                    30);

            graphics.setStroke(new BasicStroke(2f));
            drawCurve(graphics, client, decades, yMax, plotWidth, plotHeight, CLIENT);
            drawCurve(graphics, server, decades, yMax, plotWidth, plotHeight, SERVER);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            legend(graphics, 0, "client (request sent → body received)", CLIENT);
            legend(graphics, 1, "server total (Server-Timing)", SERVER);
        } finally {
            graphics.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static void drawCurve(
            Graphics2D graphics,
            Histogram histogram,
            int decades,
            double yMax,
            int plotWidth,
            int plotHeight,
            Color color) {
        if (histogram.getTotalCount() == 0) {
            return;
        }
        Path2D.Double curve = new Path2D.Double();
        for (int sample = 0; sample <= SAMPLES; sample++) {
            double position = (double) decades * sample / SAMPLES;
            double percentile = Math.min(100.0, 100.0 * (1 - Math.pow(10, -position)));
            double millis = histogram.getValueAtPercentile(percentile) / 1000.0;
            double x = LEFT + plotWidth * position / decades;
            double y = TOP + plotHeight - plotHeight * Math.min(millis / yMax, 1.0);
            if (sample == 0) {
                curve.moveTo(x, y);
            } else {
                curve.lineTo(x, y);
            }
        }
        graphics.setColor(color);
        graphics.draw(curve);
    }

    private static void legend(Graphics2D graphics, int row, String label, Color color) {
        int x = LEFT + 16;
        int y = TOP + 20 + row * 20;
        graphics.setColor(color);
        graphics.fillRect(x, y - 9, 18, 4);
        graphics.setColor(Color.BLACK);
        graphics.drawString(label, x + 26, y - 2);
    }

    /** 0 → "0%", 1 → "90%", 2 → "99%", 3 → "99.9%", … */
    static String percentileLabel(int decade) {
        if (decade == 0) {
            return "0%";
        }
        if (decade == 1) {
            return "90%";
        }
        return "99" + (decade > 2 ? "." + "9".repeat(decade - 2) : "") + "%";
    }

    /** {@code 2.5}, {@code 40}, {@code 0.125}: at most four significant digits, no trailing zeros. */
    static String axisLabel(double value) {
        return new BigDecimal(value)
                .round(new MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k that is at least {@code value}. */
    static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
