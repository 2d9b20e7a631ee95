package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 429s apart from errors, {@code Retry-After}, the open loop, many callers and the JSON result,
 * against a small plain-HTTP server on 127.0.0.1 (port 0) whose answer to request {@code n} the
 * test chooses.
 */
class LoadToolFeaturesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String BODY =
            "{\"value\":[{\"mserp_custcustomerv3entityid\":\"7d6b1e3c-0000-4000-8000-000000000001\"}]}";

    /** What the server answers request number {@code n} (from 1): status, extra header, delay. */
    private record Answer(int status, Optional<String> retryAfter, Duration delay) {
        static Answer ok() {
            return new Answer(200, Optional.empty(), Duration.ZERO);
        }
    }

    private HttpServer server;
    private volatile IntFunction<Answer> answers = number -> Answer.ok();
    private final AtomicInteger served = new AtomicInteger();
    /** Per request: arrival (System.nanoTime()) and the caller headers seen. */
    private final Queue<long[]> arrivals = new ConcurrentLinkedQueue<>();

    private final Queue<String> callers = new ConcurrentLinkedQueue<>();
    private Target target;

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

    /** Per request: method, URI as sent, content type and body. */
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();

    private void handle(HttpExchange exchange) throws IOException {
        String requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = new String(in.readAllBytes(), UTF_8);
        }
        requests.add(
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                                ? ""
                                : "?" + exchange.getRequestURI().getRawQuery())
                        + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " " + requestBody);
        int number = served.incrementAndGet();
        arrivals.add(new long[] {number, System.nanoTime()});
        callers.add(exchange.getRequestHeaders().getFirst("Authorization") + " "
                + exchange.getRequestHeaders().getFirst("MSCRMCallerID") + " "
                + exchange.getRequestHeaders().getFirst("X-Portal-Contact-Id"));
        Answer answer = answers.apply(number);
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = (answer.status() == 200
                        ? BODY
                        : "{\"error\":{\"code\":\"0x80072322\",\"message\":\"slow down\"}}")
                .getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer.retryAfter().ifPresent(value -> exchange.getResponseHeaders().add("Retry-After", value));
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private RunResult run(RunSettings settings, Workload workload) throws InterruptedException {
        return new LoadGenerator(settings, LoadToolFeaturesTest::client).run(workload);
    }

    private Workload page50() {
        return Workload.of(Scenario.PAGE50, target, Map.of(), TIMEOUT, List.of());
    }

    @Test
    void throttledAnswersAreCountedApartFromErrors() throws Exception {
        answers = number -> number % 5 == 0
                ? new Answer(429, Optional.of("1"), Duration.ZERO)
                : number % 7 == 0 ? new Answer(503, Optional.of("5"), Duration.ZERO) : Answer.ok();

        Measurements measurements = run(
                        new RunSettings(1, Duration.ZERO, Duration.ofSeconds(60), OptionalLong.of(35), TIMEOUT),
                        page50())
                .measurements();

        assertThat(measurements.statusCounts())
                .containsExactly(Map.entry(200, 24L), Map.entry(429, 7L), Map.entry(503, 4L));
        assertThat(measurements.throttled()).isEqualTo(7);
        assertThat(measurements.errors()).as("503s only").isEqualTo(4);
        assertThat(measurements.retryAfterWaits())
                .as("Retry-After not honoured unless asked")
                .isZero();
    }

    @Test
    void aConnectionWaitsOnRetryAfterWhenAsked() throws Exception {
        answers = number -> number == 2 ? new Answer(429, Optional.of("1"), Duration.ZERO) : Answer.ok();
        RunSettings settings = new RunSettings(
                1, Duration.ZERO, Duration.ofSeconds(60), OptionalLong.of(4), TIMEOUT, OptionalDouble.empty(), true);

        Measurements measurements = run(settings, page50()).measurements();

        assertThat(measurements.throttled()).isEqualTo(1);
        assertThat(measurements.retryAfterWaits()).isEqualTo(1);
        assertThat(measurements.retryAfterNanos())
                .isEqualTo(Duration.ofSeconds(1).toNanos());
        List<long[]> seen = List.copyOf(arrivals);
        assertThat(seen).hasSize(4);
        // The third request was sent no sooner than one second after the 429 was received.
        assertThat(seen.get(2)[1] - seen.get(1)[1])
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void theOpenLoopCountsLatencyFromWhenARequestWasDue() throws Exception {
        // 50 requests per second on one connection: one every 20 ms. The 3rd answer takes 400 ms, so the requests due
        // meanwhile are sent late and their latency includes the wait, while their service time does not.
        answers = number -> number == 3 ? new Answer(200, Optional.empty(), Duration.ofMillis(400)) : Answer.ok();
        RunSettings settings = new RunSettings(
                1, Duration.ZERO, Duration.ofSeconds(60), OptionalLong.of(30), TIMEOUT, OptionalDouble.of(50), false);

        long before = System.nanoTime();
        RunResult result = run(settings, page50());

        Measurements measurements = result.measurements();
        assertThat(measurements.requests()).isEqualTo(30);
        assertThat(result.rate()).hasValue(50);
        assertThat(measurements.serviceMicros().getMaxValue()).isGreaterThanOrEqualTo(400_000);
        long lateOrSlow = measurements.clientMicros().getCountBetweenValues(300_000, Long.MAX_VALUE / 2);
        assertThat(lateOrSlow)
                .as("the slow request and the requests due during it (4th due 20 ms after the 3rd: ≥ 380 ms)")
                .isGreaterThanOrEqualTo(2);
        assertThat(measurements.clientMicros().getMaxValue())
                .isGreaterThanOrEqualTo(measurements.serviceMicros().getMaxValue());
        // After the slow one, the late requests go out at once, one after the other, and the schedule then resumes: the
        // last request is due 29 × 20 ms = 580 ms after the run started, and is not sent before.
        long lastArrival =
                arrivals.stream().mapToLong(arrival -> arrival[1]).max().orElseThrow();
        assertThat(lastArrival - before)
                .isGreaterThanOrEqualTo(Duration.ofMillis(580).toNanos());
    }

    @Test
    void theOpenLoopRefusesARateOutOfRange() {
        assertThatThrownBy(() -> new RunSettings(
                        1,
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        OptionalLong.empty(),
                        TIMEOUT,
                        OptionalDouble.of(0),
                        false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--rate must be between 0 and 1000000 requests per second but was 0.0");
    }

    @Test
    void requestsTakeTurnsAmongCallers() throws Exception {
        List<Map<String, String>> identities = List.of(
                Map.of("MSCRMCallerID", "00000000-0000-4000-8000-000000000001"),
                Map.of("MSCRMCallerID", "00000000-0000-4000-8000-000000000002"),
                Map.of(
                        "Authorization",
                        "Bearer portal",
                        "X-Portal-Contact-Id",
                        "00000000-0000-4000-8000-000000000201"));
        Workload workload = Workload.of(
                Scenario.RETRIEVE,
                target,
                Map.of("Authorization", "Bearer app"),
                identities,
                TIMEOUT,
                List.of("7d6b1e3c-0000-4000-8000-000000000001", "7d6b1e3c-0000-4000-8000-000000000002"));

        RunResult result =
                run(new RunSettings(1, Duration.ZERO, Duration.ofSeconds(60), OptionalLong.of(12), TIMEOUT), workload);

        assertThat(result.callers()).isEqualTo(3);
        assertThat(callers)
                .containsOnly(
                        "Bearer app 00000000-0000-4000-8000-000000000001 null",
                        "Bearer app 00000000-0000-4000-8000-000000000002 null",
                        "Bearer portal null 00000000-0000-4000-8000-000000000201");
        assertThat(callers.stream()
                        .distinct()
                        .map(line -> callers.stream().filter(line::equals).count()))
                .containsOnly(4L);
    }

    @Test
    void aCallersFileIsReadWithItsLineNumbersInErrors(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("callers.txt");
        Files.writeString(
                file,
                """
                # Dataverse users
                MSCRMCallerID=00000000-0000-4000-8000-000000000001

                app=22222222-2222-4222-8222-222222222222; X-Portal-Contact-Id=00000000-0000-4000-8000-000000000201
                """,
                UTF_8);

        List<Callers.Caller> read = Callers.read(file);

        assertThat(read).hasSize(2);
        assertThat(read.get(0).application()).isEmpty();
        assertThat(read.get(0).headers())
                .containsExactly(Map.entry("MSCRMCallerID", "00000000-0000-4000-8000-000000000001"));
        assertThat(read.get(1).application()).contains("22222222-2222-4222-8222-222222222222");
        assertThat(read.get(1).headers())
                .containsExactly(Map.entry("X-Portal-Contact-Id", "00000000-0000-4000-8000-000000000201"));

        Files.writeString(file, "MSCRMCallerID=1\nCallerObjectId\n", UTF_8);
        assertThatThrownBy(() -> Callers.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ":2: 'CallerObjectId' is not NAME=VALUE");
        Files.writeString(file, "MSCRMCallerID=1; mscrmcallerid=2\n", UTF_8);
        assertThatThrownBy(() -> Callers.read(file)).hasMessage(file + ":1: mscrmcallerid is given twice");
        Files.writeString(file, "# nobody\n", UTF_8);
        assertThatThrownBy(() -> Callers.read(file)).hasMessageContaining("holds no caller");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        assertThat(RetryAfter.parse(Optional.of("5"), now)).contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse(Optional.of(" 0 "), now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("Fri, 02 Jan 2026 03:04:15 GMT"), now))
                .contains(Duration.ofSeconds(10));
        assertThat(RetryAfter.parse(Optional.of("Fri, 02 Jan 2026 03:00:00 GMT"), now))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.of("-1"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), now)).isEmpty();
    }

    @Test
    void theCommandLineRunsByRequestCountWithCallersAndWritesJson(@TempDir Path folder) throws Exception {
        answers = number -> number % 4 == 0 ? new Answer(429, Optional.of("0"), Duration.ZERO) : Answer.ok();
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-test").generate();
        Path keyFile = folder.resolve("issuer.json");
        Files.writeString(keyFile, key.toJSONString(), UTF_8);
        Path callersFile = folder.resolve("callers.txt");
        Files.writeString(
                callersFile,
                "MSCRMCallerID=00000000-0000-4000-8000-000000000001\n"
                        + "app=22222222-2222-4222-8222-222222222222; X-Portal-Contact-Id=00000000-0000-4000-8000-000000000201\n",
                UTF_8);
        Path html = folder.resolve("report.html");
        Path json = folder.resolve("result.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Bench.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "--url",
                        target.serviceRoot().toString(),
                        "--issuer-key",
                        keyFile.toString(),
                        "--app",
                        "11111111-1111-4111-8111-111111111111",
                        "--callers",
                        callersFile.toString(),
                        "--scenario",
                        "page50",
                        "--rate",
                        "200",
                        "--connections",
                        "2",
                        "--honour-retry-after",
                        "--warmup",
                        "0s",
                        "--requests",
                        "20",
                        "--json",
                        json.toString(),
                        "--html",
                        html.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("open loop at 200.0 req/s, 2 caller(s)", "no time limit");
        assertThat(out.toString()).contains("429", "not counted as errors");
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("mode").asText()).isEqualTo("open");
        assertThat(result.path("rate").asDouble()).isEqualTo(200.0);
        assertThat(result.path("callers").asInt()).isEqualTo(2);
        assertThat(result.path("requests").asLong()).isEqualTo(20);
        assertThat(result.path("throttled").asLong()).isEqualTo(5);
        assertThat(result.path("errors").asLong()).isZero();
        assertThat(result.path("statuses").path("200").asLong()).isEqualTo(15);
        assertThat(result.path("latency").path("count").asLong()).isEqualTo(20);
        assertThat(result.path("latency").has("p99.9")).isTrue();
        assertThat(result.path("serviceTime").path("count").asLong()).isEqualTo(20);
        assertThat(result.path("retryAfter").path("waits").asLong())
                .as("Retry-After: 0 waits nothing")
                .isZero();
        // Every request went as one of the two callers; the portal caller with a token minted for its own app.
        List<String> seen = List.copyOf(callers);
        assertThat(seen).hasSize(20);
        assertThat(seen.stream().filter(line -> line.endsWith("00000000-0000-4000-8000-000000000001 null")))
                .hasSize(10);
        List<String> portal = seen.stream()
                .filter(line -> line.endsWith("null 00000000-0000-4000-8000-000000000201"))
                .toList();
        assertThat(portal).hasSize(10);
        String token = portal.get(0).substring("Bearer ".length(), portal.get(0).indexOf(' ', "Bearer ".length()));
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("appid"))
                .isEqualTo("22222222-2222-4222-8222-222222222222");
        String page = Files.readString(html, UTF_8);
        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .contains("open loop at 200.0 req/s", "Latency by percentile", "<polyline", "Over time")
                .contains(">90</text>", ">99</text>")
                .contains("<td class=\"l\">200</td><td>15</td>", "<td class=\"l\">429 (throttled)</td><td>5</td>")
                .contains("&quot;slow down&quot;")
                .contains("The responses carried no <code>Server-Timing</code> header.");
        assertThat(page)
                .as("self-contained: nothing loaded from elsewhere")
                .doesNotContain("<script", "src=", "href=", "@import", "url(");
    }

    @Test
    void aMixFileSendsItsTemplatesInProportionWithPlaceholdersFilledIn(@TempDir Path folder) throws Exception {
        Path mix = folder.resolve("mix.json");
        Files.writeString(
                mix,
                """
                {"requests": [
                  {"name": "by key", "weight": 3, "path": "mserp_custcustomerv3entities({key})"},
                  {"name": "page", "path": "mserp_custcustomerv3entities?$top=50&$filter=mserp_dataareaid eq 'usmf'"},
                  {"name": "create", "weight": 1, "method": "POST", "path": "mserp_custcustomerv3entities",
                   "body": {"mserp_customeraccount": "B{run}-{n}", "mserp_name": "Mix {n}"}}
                ]}
                """,
                UTF_8);
        Path json = folder.resolve("result.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Bench.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "--url",
                        target.serviceRoot().toString(),
                        "--token",
                        "abc",
                        "--mix",
                        mix.toString(),
                        "--warmup",
                        "0s",
                        "--requests",
                        "10",
                        "--json",
                        json.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<String> seen = List.copyOf(requests);
        assertThat(seen).hasSize(11);
        assertThat(seen.get(0))
                .as("the keys, fetched first")
                .startsWith("GET /api/data/v9.2/mserp_custcustomerv3entities?$select=");
        List<String> measured = seen.subList(1, 11);
        assertThat(
                        measured.stream()
                                .filter(
                                        line -> line.equals(
                                                "GET /api/data/v9.2/mserp_custcustomerv3entities(7d6b1e3c-0000-4000-8000-000000000001) null ")))
                .hasSize(6);
        assertThat(measured.stream()
                        .filter(line -> line.equals("GET /api/data/v9.2/mserp_custcustomerv3entities"
                                + "?$top=50&$filter=mserp_dataareaid%20eq%20%27usmf%27 null ")))
                .hasSize(2);
        List<String> creates =
                measured.stream().filter(line -> line.startsWith("POST ")).toList();
        assertThat(creates).hasSize(2);
        assertThat(creates.get(0))
                .matches("POST /api/data/v9\\.2/mserp_custcustomerv3entities application/json "
                        + "\\{\"mserp_customeraccount\":\"B[0-9a-z]{6}-[0-9]+\",\"mserp_name\":\"Mix [0-9]+\"}");
        assertThat(creates.get(0)).isNotEqualTo(creates.get(1));
        assertThat(out.toString()).contains("  by key", "  page", "  create");
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("scenario").asText()).isEqualTo("mix");
        assertThat(result.path("byTemplate").path("by key").path("requests").asLong())
                .isEqualTo(6);
        assertThat(result.path("byTemplate").path("page").path("requests").asLong())
                .isEqualTo(2);
        assertThat(result.path("byTemplate").path("create").path("requests").asLong())
                .isEqualTo(2);
    }

    @Test
    void aMixIsSpreadByWeightAndItsMistakesAreNamed() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<Mix.Template> templates = Mix.parse(
                mapper.readTree("{\"requests\":[{\"path\":\"a\",\"weight\":3},{\"path\":\"b\"}]}"), "mix.json");
        assertThat(Mix.schedule(templates)).containsExactly(0, 0, 1, 0);

        assertThatThrownBy(() -> Mix.parse(mapper.readTree("{\"requests\":[{\"path\":\"a\",\"weight\":0}]}"), "m"))
                .hasMessage("m: requests[0]: weight must be a whole number between 1 and 1000, was 0");
        assertThatThrownBy(() -> Mix.parse(mapper.readTree("{\"requests\":[{\"path\":\"/x\"}]}"), "m"))
                .hasMessage("m: requests[0]: path '/x' must be relative to the service root");
        assertThatThrownBy(() -> Mix.parse(mapper.readTree("{\"requests\":[{\"path\":\"a\",\"verb\":\"GET\"}]}"), "m"))
                .hasMessageStartingWith("m: requests[0]: unknown field 'verb'");
        assertThatThrownBy(
                        () -> Mix.parse(mapper.readTree("{\"requests\":[{\"path\":\"a\",\"body\":{\"x\":1}}]}"), "m"))
                .hasMessage("m: requests[0]: a GET has no body");
        assertThatThrownBy(() -> Mix.parse(mapper.readTree("{\"requests\":[]}"), "m"))
                .hasMessage("m: needs {\"requests\": [ … ]} with at least one request");
        assertThat(Mix.encode("x?$filter=name eq 'Ä'&$top=1%20"))
                .isEqualTo("x?$filter=name%20eq%20%27%C3%84%27&$top=1%20");
        assertThat(Mix.expand("({key})/{n}/{run}", 3, "abc123", List.of("k0", "k1")))
                .isEqualTo("(k1)/3/abc123");
    }

    @Test
    void progressIsReportedWhileTheRunGoesOn() throws Exception {
        // Each answer takes at least 150 ms and progress comes every 100 ms: while the 7th to 9th requests are answered
        // (at least 450 ms), a progress report sees the 429s of requests 3 and 6.
        answers = number -> number % 3 == 0
                ? new Answer(429, Optional.of("1"), Duration.ofMillis(150))
                : new Answer(200, Optional.empty(), Duration.ofMillis(150));
        Queue<LoadGenerator.Progress> heard = new ConcurrentLinkedQueue<>();

        RunResult result = new LoadGenerator(
                        new RunSettings(1, Duration.ZERO, Duration.ofSeconds(60), OptionalLong.of(9), TIMEOUT),
                        LoadToolFeaturesTest::client,
                        Optional.of(heard::add),
                        Duration.ofMillis(100))
                .run(page50());

        assertThat(heard).isNotEmpty();
        List<LoadGenerator.Progress> lines = List.copyOf(heard);
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).requests())
                    .isGreaterThanOrEqualTo(lines.get(i - 1).requests());
            assertThat(lines.get(i).elapsedNanos())
                    .isGreaterThan(lines.get(i - 1).elapsedNanos());
        }
        LoadGenerator.Progress last = lines.get(lines.size() - 1);
        assertThat(last.requests()).isLessThanOrEqualTo(result.measurements().requests());
        assertThat(last.throttled()).isLessThanOrEqualTo(result.measurements().throttled());
        assertThat(last.errors()).isZero();
        assertThat(lines.stream()
                        .mapToLong(LoadGenerator.Progress::throttled)
                        .max()
                        .orElseThrow())
                .as("every third answer is a 429, counted as throttled, not as an error")
                .isPositive();
    }

    @Test
    void compareRunsTheSameWorkloadAgainstASecondUrlAndPrintsTheRatios(@TempDir Path folder) throws Exception {
        Queue<String> secondSaw = new ConcurrentLinkedQueue<>();
        HttpServer second = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        second.createContext("/odata/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            secondSaw.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = BODY.getBytes(UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().contains("(") ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        second.start();
        Path json = folder.resolve("compare.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            int exit = Bench.commandLine()
                    .setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err))
                    .execute(
                            "--url",
                            target.serviceRoot().toString(),
                            "--token",
                            "first",
                            "--compare-url",
                            "http://127.0.0.1:" + second.getAddress().getPort() + "/odata/",
                            "--compare-token",
                            "second",
                            "--scenario",
                            "retrieve",
                            "--warmup",
                            "0s",
                            "--requests",
                            "10",
                            "--json",
                            json.toString());

            assertThat(exit).as(err.toString()).isZero();
        } finally {
            second.stop(0);
        }
        assertThat(callers).hasSize(11).allMatch(line -> line.startsWith("Bearer first "));
        assertThat(secondSaw)
                .hasSize(11)
                .allMatch(line -> line.endsWith(" Bearer second"))
                .anyMatch(line -> line.startsWith("GET /odata/mserp_custcustomerv3entities(7d6b1e3c-"));
        assertThat(out.toString()).contains("A retrieve", "B retrieve", "B ÷ A: req/s ", "errors 0 → 10");
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("a").path("requests").asLong()).isEqualTo(10);
        assertThat(result.path("b").path("requests").asLong()).isEqualTo(10);
        assertThat(result.path("b").path("statuses").path("404").asLong()).isEqualTo(10);
        assertThat(result.path("b").path("target").asText()).endsWith("/odata/");
        assertThat(result.path("ratios").path("requestsPerSecond").isNumber()).isTrue();
    }
}
