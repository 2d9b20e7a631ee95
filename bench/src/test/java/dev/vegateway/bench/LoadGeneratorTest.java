package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vegateway.bench.ServerTiming.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker loop end to end against a tiny plain-HTTP server on 127.0.0.1 (port 0). */
class LoadGeneratorTest {
    private static final String BODY =
            "{\"value\":[{\"mserp_custcustomerv3entityid\":\"7d6b1e3c-0000-4000-8000-000000000001\"},"
                    + "{\"mserp_custcustomerv3entityid\":\"7d6b1e3c-0000-4000-8000-000000000002\"}]}";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HttpServer server;
    private final AtomicInteger served = new AtomicInteger();
    private final Queue<String> seen = new ConcurrentLinkedQueue<>();
    private Target target;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/api/data/v9.2/", this::handle);
        server.start();
        target = Target.parse("http://127.0.0.1:" + server.getAddress().getPort() + "/api/data/v9.2/");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** Every 10th request answers 503; all carry Server-Timing. A $batch answers 200 with a failed part in every 4th response. */
    private void handle(HttpExchange exchange) throws IOException {
        String request;
        try (InputStream in = exchange.getRequestBody()) {
            request = new String(in.readAllBytes(), UTF_8);
        }
        if (exchange.getRequestURI().getPath().endsWith("/$batch")) {
            int number = served.incrementAndGet();
            seen.add(request);
            String part =
                    "--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 %s\r\nContent-Type: application/json\r\n\r\n{}\r\n";
            String body = part.formatted("200 OK").repeat(40)
                    + part.formatted(number % 4 == 0 ? "404 Not Found" : "204 No Content") + "--b--\r\n";
            byte[] bytes = body.getBytes(UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "multipart/mixed; boundary=b");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        int number = served.incrementAndGet();
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth="
                + exchange.getRequestHeaders().getFirst("Authorization") + " caller="
                + exchange.getRequestHeaders().getFirst("MSCRMCallerID"));
        byte[] body = (number % 10 == 0 ? "{\"error\":{\"message\":\"busy\"}}" : BODY).getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders()
                .add("Server-Timing", "auth;dur=0.100, authz;dur=0.020, db;dur=0.500, ser;dur=0.050, total;dur=0.800");
        exchange.sendResponseHeaders(number % 10 == 0 ? 503 : 200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void fiftyRequestsAreCountedAndTimed() throws Exception {
        Workload workload =
                Workload.of(Scenario.PAGE50, target, Map.of("Authorization", "Bearer t"), TIMEOUT, List.of());
        RunSettings settings = new RunSettings(2, Duration.ZERO, Duration.ofSeconds(30), OptionalLong.of(50), TIMEOUT);

        RunResult result = new LoadGenerator(settings, LoadGeneratorTest::client).run(workload);

        Measurements measurements = result.measurements();
        assertThat(served).hasValue(50);
        assertThat(measurements.requests()).isEqualTo(50);
        assertThat(measurements.statusCounts()).containsExactly(Map.entry(200, 45L), Map.entry(503, 5L));
        assertThat(measurements.errors()).isEqualTo(5);
        assertThat(measurements.firstErrorBodies()).containsEntry(503, "{\"error\":{\"message\":\"busy\"}}");
        assertThat(measurements.bytes())
                .isEqualTo(45L * BODY.length() + 5L * "{\"error\":{\"message\":\"busy\"}}".length());
        assertThat(measurements.clientMicros().getTotalCount()).isEqualTo(50);
        assertThat(measurements.clientMicros().getMaxValue()).isPositive();
        for (Stage stage : Stage.values()) {
            assertThat(measurements.serverMicros(stage).getTotalCount())
                    .as(stage.name())
                    .isEqualTo(50);
        }
        assertThat(measurements.serverMicros(Stage.TOTAL).getValueAtPercentile(50))
                .isBetween(799L, 801L);
        assertThat(measurements.gatewayMicros().getValueAtPercentile(50)).isBetween(299L, 301L);
        assertThat(result.warmupRequests()).isZero();
        assertThat(result.requestsPerSecond()).isPositive();
        assertThat(seen)
                .allMatch(
                        line -> line.startsWith(
                                "GET /api/data/v9.2/mserp_custcustomerv3entities?$top=50&$filter=mserp_dataareaid%20eq%20%27usmf%27"));
    }

    @Test
    void batchResponsesWithAFailedPartCountAsErrors() throws Exception {
        List<String> keys = List.of("7d6b1e3c-0000-4000-8000-000000000001", "7d6b1e3c-0000-4000-8000-000000000002");
        Workload workload = Workload.of(Scenario.BATCHREAD, target, Map.of(), TIMEOUT, keys);
        RunSettings settings = new RunSettings(1, Duration.ZERO, Duration.ofSeconds(30), OptionalLong.of(8), TIMEOUT);

        Measurements measurements = new LoadGenerator(settings, LoadGeneratorTest::client)
                .run(workload)
                .measurements();

        assertThat(measurements.statusCounts()).containsExactly(Map.entry(200, 8L));
        assertThat(measurements.failedBatches()).isEqualTo(2);
        assertThat(measurements.failedParts()).isEqualTo(2);
        assertThat(measurements.errors()).isEqualTo(2);
        assertThat(seen).allSatisfy(body -> assertThat(body)
                .startsWith("--batch_vegateway_bench\r\n")
                .contains("GET mserp_custcustomerv3entities(7d6b1e3c-0000-4000-8000-000000000002) HTTP/1.1")
                .endsWith("--batch_vegateway_bench--\r\n"));
    }

    @Test
    void aBatchOfWritesIsOneChangesetThatLeavesNoTrace() {
        String body = Workload.batchOfWrites(java.util.UUID.fromString("be9c0000-0000-4000-8000-000000000007"), 7);

        assertThat(body)
                .contains("Content-Type: multipart/mixed; boundary=changeset_vegateway_bench")
                .contains("Content-ID: 1\r\n\r\nPOST mserp_custcustomerv3entities HTTP/1.1")
                .contains("Content-ID: 2\r\n\r\nPATCH $1 HTTP/1.1")
                .contains(
                        "Content-ID: 3\r\n\r\nDELETE mserp_custcustomerv3entities(be9c0000-0000-4000-8000-000000000007) HTTP/1.1")
                .contains("\"mserp_customeraccount\":\"BENCH-7\"");
    }

    @Test
    void warmupRequestsAreSentButNotRecorded() throws Exception {
        Workload workload = Workload.of(Scenario.QUERYEXPRESSION, target, Map.of(), TIMEOUT, List.of());
        RunSettings settings =
                new RunSettings(1, Duration.ofMillis(300), Duration.ofSeconds(30), OptionalLong.of(20), TIMEOUT);

        RunResult result = new LoadGenerator(settings, LoadGeneratorTest::client).run(workload);

        assertThat(result.measurements().requests()).isEqualTo(20);
        assertThat(result.warmupRequests()).isPositive();
        assertThat(served.get()).isEqualTo(20 + result.warmupRequests());
        assertThat(seen).allMatch(line -> line.startsWith("POST /api/data/v9.2/RetrieveMultiple"));
    }

    @Test
    void durationBoundsTheRunWithoutMaxRequests() throws Exception {
        Workload workload = Workload.of(Scenario.PAGE5000, target, Map.of(), TIMEOUT, List.of());
        RunSettings settings = new RunSettings(1, Duration.ZERO, Duration.ofMillis(300), OptionalLong.empty(), TIMEOUT);

        RunResult result = new LoadGenerator(settings, LoadGeneratorTest::client).run(workload);

        assertThat(result.measurements().requests()).isPositive().isEqualTo(served.get());
        assertThat(result.measured()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    @Test
    void refusedConnectionsAreCountedAsErrors() throws Exception {
        server.stop(0);
        Workload workload = Workload.of(Scenario.PAGE50, target, Map.of(), TIMEOUT, List.of());
        RunSettings settings = new RunSettings(1, Duration.ZERO, Duration.ofSeconds(30), OptionalLong.of(3), TIMEOUT);

        Measurements measurements = new LoadGenerator(settings, LoadGeneratorTest::client)
                .run(workload)
                .measurements();

        assertThat(measurements.requests()).isEqualTo(3);
        assertThat(measurements.failures()).isEqualTo(3);
        assertThat(measurements.errors()).isEqualTo(3);
        assertThat(measurements.firstFailure()).contains("ConnectException");
    }

    @Test
    void commandLineRunsMixedOverHttpAndWritesTableCsvAndPlot(@TempDir Path folder) throws Exception {
        Path csv = folder.resolve("runs.csv");
        Path png = folder.resolve("latency.png");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        for (int run = 0; run < 2; run++) {
            int exit = Bench.commandLine()
                    .setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err))
                    .execute(
                            "--url",
                            target.serviceRoot().toString(),
                            "--token",
                            "abc",
                            "--caller-header",
                            "MSCRMCallerID=00000000-0000-4000-8000-000000000005",
                            "--scenario",
                            "MIXED",
                            "--warmup",
                            "0s",
                            "--duration",
                            "30s",
                            "--max-requests",
                            "30",
                            "--csv",
                            csv.toString(),
                            "--plot",
                            png.toString());
            assertThat(exit).as(err.toString()).isZero();
        }

        assertThat(out.toString()).contains("scenario", "mixed", "503=");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("finished,scenario,connections,requests");
        assertThat(lines.get(1)).contains(",mixed,1,30,");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isPositive();
        // 1 key fetch + 30 measured per run; retrieve, page50 and queryexpression in turn
        assertThat(served).hasValue(62);
        assertThat(seen).allMatch(line -> line.endsWith("auth=Bearer abc caller=00000000-0000-4000-8000-000000000005"));
        assertThat(seen)
                .anyMatch(line -> line.startsWith(
                        "GET /api/data/v9.2/mserp_custcustomerv3entities(7d6b1e3c-0000-4000-8000-000000000002)"));
        assertThat(seen).anyMatch(line -> line.startsWith("POST /api/data/v9.2/RetrieveMultiple"));
        assertThat(seen).anyMatch(line -> line.startsWith("GET /api/data/v9.2/mserp_custcustomerv3entities?$top=50"));
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
}
