package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ramp-up, against a small plain-HTTP server on 127.0.0.1 (port 0) that notes each request's client port. */
class RampUpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String BODY =
            "{\"value\":[{\"mserp_custcustomerv3entityid\":\"7d6b1e3c-0000-4000-8000-000000000001\"}]}";

    private HttpServer server;
    private Target target;
    /** The client port of each request, in the order they arrived. */
    private final Queue<Integer> ports = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/api/data/v9.2/", this::handle);
        server.start();
        target = Target.parse("http://127.0.0.1:" + server.getAddress().getPort() + "/api/data/v9.2/");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        ports.add(exchange.getRemoteAddress().getPort());
        byte[] body = BODY.getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private Workload page50() {
        return Workload.of(Scenario.PAGE50, target, Map.of(), TIMEOUT, List.of());
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void theOpenLoopRaisesItsRateLinearlySoTheRampHoldsHalfTheRequestsOfFullLoad() {
        // 100 req/s over a 2 s ramp: the rate rises from 0 to 100, so 100 requests are due in the ramp (not 200), the
        // first at once, the next ones closer and closer together, then one every 10 ms.
        RunSettings settings = new RunSettings(
                2,
                Duration.ZERO,
                Duration.ofSeconds(1),
                OptionalLong.empty(),
                TIMEOUT,
                OptionalDouble.of(100),
                false,
                Duration.ofSeconds(2));

        assertThat(settings.requestsDueBy(Duration.ofSeconds(2).toNanos())).isCloseTo(100.0, Offset.offset(1e-6));
        assertThat(settings.requestsDueBy(Duration.ofSeconds(1).toNanos())).isCloseTo(25.0, Offset.offset(1e-6));
        assertThat(settings.dueNanos(0)).isZero();
        assertThat(settings.dueNanos(25)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(settings.dueNanos(100)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(settings.dueNanos(101) - settings.dueNanos(100))
                .isEqualTo(Duration.ofMillis(10).toNanos());
        long previousGap = Long.MAX_VALUE;
        for (int index = 1; index <= 100; index++) {
            long gap = settings.dueNanos(index) - settings.dueNanos(index - 1);
            assertThat(gap).as("gap before request %d", index).isLessThanOrEqualTo(previousGap);
            previousGap = gap;
            assertThat(settings.requestsDueBy(settings.dueNanos(index))).isCloseTo(index, Offset.offset(1e-6));
        }
        assertThat(settings.measureFromNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void theOpenLoopsRampIsSentButNotRecorded() throws Exception {
        RunSettings settings = new RunSettings(
                2,
                Duration.ZERO,
                Duration.ofSeconds(60),
                OptionalLong.of(20),
                TIMEOUT,
                OptionalDouble.of(100),
                false,
                Duration.ofSeconds(1));

        RunResult result = new LoadGenerator(settings, RampUpTest::client).run(page50());

        assertThat(result.warmupRequests())
                .as("the requests due in a 1 s ramp to 100 req/s")
                .isEqualTo(50);
        assertThat(result.measurements().requests()).isEqualTo(20);
        assertThat(ports).hasSize(70);
        long onTheTimeline = 0;
        for (int second = 0; second < result.timeline().seconds(); second++) {
            onTheTimeline += result.timeline().latencyMicros(second).getTotalCount();
        }
        assertThat(onTheTimeline).as("the timeline shows the ramp too").isEqualTo(70);
        assertThat(result.timeline().latencyMicros(0).getTotalCount())
                .as("the ramp's requests answered in its first second")
                .isPositive();
        assertThat(result.unmeasuredSeconds()).isEqualTo(1.0);
    }

    @Test
    void theClosedLoopAddsItsConnectionsOneAfterAnother() throws Exception {
        // 4 connections over a 3 s ramp: connection i starts 0.75 s × i after the first. Nothing is recorded until
        // all four run; each new connection first shows up after the earlier ones have been sending for a while.
        RunSettings settings = new RunSettings(
                4,
                Duration.ZERO,
                Duration.ofSeconds(60),
                OptionalLong.of(40),
                TIMEOUT,
                OptionalDouble.empty(),
                false,
                Duration.ofSeconds(3));

        RunResult result = new LoadGenerator(settings, RampUpTest::client).run(page50());

        assertThat(result.measurements().requests()).isEqualTo(40);
        List<Integer> arrivals = List.copyOf(ports);
        assertThat(arrivals).hasSize(40 + (int) result.warmupRequests());
        List<Integer> firstSeenAt = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        for (int position = 0; position < arrivals.size(); position++) {
            if (!seen.contains(arrivals.get(position))) {
                seen.add(arrivals.get(position));
                firstSeenAt.add(position);
            }
        }
        assertThat(seen).as("one connection per worker").hasSize(4);
        for (int connection = 1; connection < 4; connection++) {
            assertThat(firstSeenAt.get(connection) - firstSeenAt.get(connection - 1))
                    .as("requests before connection %d joined", connection)
                    .isGreaterThan(1);
        }
        assertThat(firstSeenAt.get(3))
                .as("all four started before anything was recorded")
                .isLessThan((int) result.warmupRequests());
    }

    @Test
    void anOpenLoopThatFellBehindSaysSo() {
        RunSettings settings = new RunSettings(
                1,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                OptionalLong.empty(),
                TIMEOUT,
                OptionalDouble.of(100),
                false,
                Duration.ofSeconds(10));
        Measurements measurements = new Measurements();
        for (int i = 0; i < 899; i++) {
            measurements.recordResponse(1_000_000L, 200, ServerTiming.NONE, new CountedBody(10, "", 0));
        }
        StringWriter behind = new StringWriter();
        StringWriter enough = new StringWriter();

        Bench.printBehind(
                new PrintWriter(behind, true),
                new RunResult(Scenario.PAGE50, 1, measurements, Duration.ofSeconds(10), 0),
                settings);
        measurements.recordResponse(1_000_000L, 200, ServerTiming.NONE, new CountedBody(10, "", 0));
        Bench.printBehind(
                new PrintWriter(enough, true),
                new RunResult(Scenario.PAGE50, 1, measurements, Duration.ofSeconds(10), 0),
                settings);

        assertThat(behind.toString())
                .contains(
                        "the open loop fell behind: 899 of the 1000 requests due in the measured time were sent in it");
        assertThat(enough.toString()).isEmpty();
    }

    @Test
    void aNegativeRampIsRefused() {
        assertThatThrownBy(() -> new RunSettings(
                        1,
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        OptionalLong.empty(),
                        TIMEOUT,
                        OptionalDouble.empty(),
                        false,
                        Duration.ofSeconds(-1)))
                .hasMessage("--ramp-up must not be negative but was PT-1S");
    }

    @Test
    void theCommandLineRampsUpRunsByDurationAndDrawsTheTimeline(@TempDir Path folder) throws Exception {
        Path timeline = folder.resolve("timeline.png");
        Path html = folder.resolve("report.html");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Bench.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "--url", target.serviceRoot().toString(),
                        "--token", "x",
                        "--scenario", "page50",
                        "--rate", "50",
                        "--ramp-up", "1s",
                        "--warmup", "0s",
                        "--duration", "2s",
                        "--timeline-plot", timeline.toString(),
                        "--html", html.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString())
                .contains("open loop at 50.0 req/s, 1 caller(s), ramp-up 1s then warm-up 0s, duration 2s");
        assertThat(out.toString()).contains("25 ramp-up and warm-up requests not recorded");
        var image = ImageIO.read(timeline.toFile());
        assertThat(image.getWidth()).isEqualTo(960);
        assertThat(image.getHeight()).isGreaterThan(500);
        assertThat(java.nio.file.Files.readString(html, UTF_8))
                .contains(" s measured after ramp-up 1.0 s (not measured)")
                .contains(">ramp-up + warm-up</text>");
    }
}
