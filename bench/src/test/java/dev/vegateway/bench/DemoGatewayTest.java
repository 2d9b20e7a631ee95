package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool against the real demo gateway ({@code gateway/target/vegateway.jar demo}, H2, TLS with
 * the demo's own certificate, in a process of its own on 127.0.0.1): a token from a client-credentials
 * endpoint on 127.0.0.1 that signs with the demo's dev-issuer key, which the gateway trusts, and the
 * demo's certificate trusted by default. Skipped when the gateway jar has not been built (build it with
 * {@code mvn -B -DskipTests package -pl config,catalog,adapter,gateway}, or run the reactor with bench).
 */
class DemoGatewayTest {
    private static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "vegateway.jar");
    private static final String READY = "# Stop with Ctrl+C.";
    private static final String DATAVERSE_APPLICATION = "11111111-1111-4111-8111-111111111111";
    /** Sam, the demo's System administrator. */
    private static final String SAM = "00000000-0000-4000-8000-000000000005";

    @TempDir
    static Path folder;

    private static Process gateway;
    private static String serviceRoot;
    private static Path data;
    private static HttpServer tokenEndpoint;
    private static final Queue<String> forms = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startDemoAndTokenEndpoint() throws Exception {
        assumeTrue(Files.isRegularFile(GATEWAY_JAR), "no gateway jar at " + GATEWAY_JAR.toAbsolutePath());
        data = folder.resolve("demo");
        int port = freePort();
        Path log = folder.resolve("gateway.log");
        gateway = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-jar",
                        GATEWAY_JAR.toAbsolutePath().toString(),
                        "demo",
                        "--data-dir",
                        data.toString(),
                        "--port",
                        Integer.toString(port),
                        "--admin-port",
                        Integer.toString(freePort())))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!(Files.exists(log) && Files.readString(log, UTF_8).contains(READY))) {
            if (!gateway.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo did not start: " + Files.readString(log, UTF_8));
            }
            Thread.sleep(200);
        }
        serviceRoot = "https://127.0.0.1:" + port + "/api/data/v9.2/";

        TokenMinter minter = new TokenMinter(
                TokenMinter.readKey(data.resolve("dev-issuer-key.json")),
                TokenMinter.DEFAULT_ISSUER,
                TokenMinter.DEFAULT_AUDIENCE);
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/token", exchange -> issue(exchange, minter));
        tokenEndpoint.start();
    }

    /** Issues a token for the client_id, signed with the demo's dev-issuer key, valid for ten minutes. */
    private static void issue(HttpExchange exchange, TokenMinter minter) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        forms.add(URLDecoder.decode(form, UTF_8));
        String clientId = "";
        for (String pair : form.split("&")) {
            if (pair.startsWith("client_id=")) {
                clientId = URLDecoder.decode(pair.substring("client_id=".length()), UTF_8);
            }
        }
        byte[] answer = ("{\"token_type\":\"Bearer\",\"expires_in\":600,\"access_token\":\""
                        + minter.mint(clientId, Instant.now(), Duration.ofMinutes(10)) + "\"}")
                .getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tokenEndpoint != null) {
            tokenEndpoint.stop(0);
        }
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Outcome(int exit, String out, String err) {}

    private static Outcome bench(Path demoCertificate, String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine commandLine = Bench.commandLine();
        ((Bench) commandLine.getCommand()).demoCertificate = demoCertificate;
        int exit = commandLine
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(arguments);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void aRunWithAClientCredentialsTokenGetsOnly2xxFromTheGateway() throws Exception {
        Path json = folder.resolve("client-credentials.json");

        Outcome outcome = bench(
                folder.resolve("no-demo-certificate-here.pem"),
                "--url",
                serviceRoot,
                "--ca",
                data.resolve("demo-ca.pem").toString(),
                "--token-endpoint",
                "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token",
                "--client-id",
                DATAVERSE_APPLICATION,
                "--client-secret",
                "demo-secret",
                "--scope",
                "urn:vegateway:api/.default",
                "--caller-header",
                "MSCRMCallerID=" + SAM,
                "--scenario",
                "retrieve",
                "--connections",
                "2",
                "--warmup",
                "0s",
                "--requests",
                "30",
                "--json",
                json.toString());

        assertThat(outcome.exit()).as(outcome.err()).isZero();
        assertThat(outcome.err()).contains("trusting only " + data.resolve("demo-ca.pem"));
        assertThat(forms).hasSize(1);
        assertThat(forms.peek())
                .contains(
                        "grant_type=client_credentials",
                        "client_id=" + DATAVERSE_APPLICATION,
                        "scope=urn:vegateway:api/.default");
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("requests").asLong()).isEqualTo(30);
        assertThat(result.path("statuses").path("200").asLong())
                .as(result.toString())
                .isEqualTo(30);
        assertThat(result.path("errors").asLong()).isZero();
    }

    @Test
    void theDemosCertificateIsTrustedByDefaultOnLoopbackAndTheSystemStoreRefusesIt() throws Exception {
        Path json = folder.resolve("demo-default.json");
        Path demoCertificate = data.resolve("demo-ca.pem");
        String token = new TokenMinter(
                        TokenMinter.readKey(data.resolve("dev-issuer-key.json")),
                        TokenMinter.DEFAULT_ISSUER,
                        TokenMinter.DEFAULT_AUDIENCE)
                .mint(DATAVERSE_APPLICATION, Instant.now(), Duration.ofMinutes(10));

        Outcome outcome = bench(
                demoCertificate,
                "--url",
                serviceRoot,
                "--token",
                token,
                "--caller-header",
                "MSCRMCallerID=" + SAM,
                "--scenario",
                "page50",
                "--warmup",
                "0s",
                "--requests",
                "10",
                "--json",
                json.toString());

        assertThat(outcome.exit()).as(outcome.err()).isZero();
        assertThat(outcome.err()).contains("trusting the demo's " + demoCertificate);
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("statuses").path("200").asLong())
                .as(result.toString())
                .isEqualTo(10);

        Path refusedJson = folder.resolve("system-store.json");
        Outcome refused = bench(
                folder.resolve("no-demo-certificate-here.pem"),
                "--url",
                serviceRoot,
                "--token",
                token,
                "--caller-header",
                "MSCRMCallerID=" + SAM,
                "--scenario",
                "page50",
                "--warmup",
                "0s",
                "--requests",
                "10",
                "--json",
                refusedJson.toString());

        assertThat(refused.err()).contains("trusting the system trust store");
        assertThat(refused.exit()).as(refused.err()).isZero();
        JsonNode failed = new ObjectMapper().readTree(refusedJson.toFile());
        assertThat(failed.path("errors").asLong())
                .as("the demo's own certificate is in no system trust store: " + failed)
                .isEqualTo(10);
        assertThat(failed.path("statuses").has("200")).isFalse();
    }
}
