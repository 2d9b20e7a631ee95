package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Where the run's token comes from: a client-credentials token endpoint (refreshed before it expires),
 * a token file, a given token. Two servers on 127.0.0.1 (port 0): a token endpoint that signs JWTs
 * with the test key, and a service that answers 200 only to a bearer token signed by that key and
 * not expired, else 401, as the gateway would.
 */
class TokenSourcesTest {
    private static final String CLIENT_ID = "bench-client";
    private static final String SECRET = "s3cret&=+ value";
    private static final String BODY =
            "{\"value\":[{\"mserp_custcustomerv3entityid\":\"7d6b1e3c-0000-4000-8000-000000000001\"}]}";

    private static RSAKey key;
    private HttpServer tokenEndpoint;
    private HttpServer service;
    private volatile long expiresInSeconds = 3600;
    /** What the token endpoint answers instead of a token, when set: status and body. */
    private final AtomicReference<Map.Entry<Integer, String>> tokenFailure = new AtomicReference<>();

    private final Queue<Map<String, String>> forms = new ConcurrentLinkedQueue<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();

    @BeforeAll
    static void generateKey() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("bench-test").generate();
    }

    @BeforeEach
    void start() throws Exception {
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/oauth2/token", this::issue);
        tokenEndpoint.start();
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.setExecutor(Executors.newFixedThreadPool(4));
        service.createContext("/api/data/v9.2/", this::serve);
        service.start();
    }

    @AfterEach
    void stop() {
        tokenEndpoint.stop(0);
        service.stop(0);
    }

    private String serviceRoot() {
        return "http://127.0.0.1:" + service.getAddress().getPort() + "/api/data/v9.2/";
    }

    private String endpoint() {
        return "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/oauth2/token";
    }

    private void issue(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), UTF_8);
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            form.put(
                    URLDecoder.decode(pair.substring(0, equals), UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), UTF_8));
        }
        forms.add(form);
        Map.Entry<Integer, String> failure = tokenFailure.get();
        String answer;
        int status;
        if (failure != null) {
            status = failure.getKey();
            answer = failure.getValue();
        } else if (!"client_credentials".equals(form.get("grant_type"))
                || !CLIENT_ID.equals(form.get("client_id"))
                || !SECRET.equals(form.get("client_secret"))) {
            status = 401;
            answer = "{\"error\":\"invalid_client\",\"error_description\":\"unknown client or wrong secret\"}";
        } else {
            status = 200;
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer("urn:test")
                    .audience(form.get("scope"))
                    .claim("appid", CLIENT_ID)
                    .claim("n", issued.incrementAndGet())
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                    .build();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            try {
                jwt.sign(new RSASSASigner(key));
            } catch (Exception e) {
                throw new IOException(e);
            }
            answer = "{\"token_type\":\"Bearer\",\"expires_in\":\"" + expiresInSeconds + "\",\"access_token\":\""
                    + jwt.serialize() + "\"}";
        }
        byte[] bytes = answer.getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** 200 for a token signed by the test key and not expired, else 401. */
    private void serve(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        served.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        boolean valid = false;
        if (authorization != null && authorization.startsWith("Bearer ")) {
            String token = authorization.substring("Bearer ".length());
            try {
                SignedJWT jwt = SignedJWT.parse(token);
                Date expiration = jwt.getJWTClaimsSet().getExpirationTime();
                valid = jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))
                        && expiration != null
                        && expiration.toInstant().isAfter(Instant.now());
                tokensSeen.add(token);
            } catch (Exception e) {
                valid = false;
            }
        }
        if (!valid) {
            unauthorized.incrementAndGet();
        }
        byte[] body =
                (valid ? BODY : "{\"error\":{\"code\":\"0x80048306\",\"message\":\"bad token\"}}").getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(valid ? 200 : 401, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private record Outcome(int exit, String out, String err) {}

    private Outcome bench(Map<String, String> environment, String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Bench.commandLine();
        ((Bench) commandLine.getCommand()).environment = environment::get;
        int exit = commandLine
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(arguments);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void aClientCredentialsTokenIsFetchedAndEveryRequestCarriesIt(@TempDir Path folder) throws Exception {
        Path json = folder.resolve("result.json");

        Outcome outcome = bench(
                Map.of("BENCH_SECRET", SECRET),
                "--url",
                serviceRoot(),
                "--token-endpoint",
                endpoint(),
                "--client-id",
                CLIENT_ID,
                "--client-secret-env",
                "BENCH_SECRET",
                "--scope",
                "api://vegateway/.default",
                "--scenario",
                "page50",
                "--connections",
                "2",
                "--warmup",
                "0s",
                "--requests",
                "40",
                "--json",
                json.toString());

        assertThat(outcome.exit()).as(outcome.err()).isZero();
        assertThat(outcome.err()).contains("token for client bench-client from " + endpoint());
        assertThat(forms).hasSize(1);
        assertThat(forms.peek())
                .containsExactly(
                        Map.entry("grant_type", "client_credentials"),
                        Map.entry("client_id", CLIENT_ID),
                        Map.entry("client_secret", SECRET),
                        Map.entry("scope", "api://vegateway/.default"));
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("requests").asLong()).isEqualTo(40);
        assertThat(result.path("statuses").path("200").asLong()).isEqualTo(40);
        assertThat(result.path("errors").asLong()).isZero();
        assertThat(unauthorized).hasValue(0);
        assertThat(tokensSeen).hasSize(1);
    }

    @Test
    void aShortLivedTokenIsFetchedAgainBeforeItExpires() throws Exception {
        // Tokens live 2 s and are fetched again 0.4 s before they expire; the service refuses expired ones. A 5 s run
        // therefore needs at least three tokens, and gets no 401 only if each was replaced in time.
        expiresInSeconds = 2;

        Outcome outcome = bench(
                Map.of(),
                "--url",
                serviceRoot(),
                "--token-endpoint",
                endpoint(),
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                SECRET,
                "--scenario",
                "page50",
                "--rate",
                "40",
                "--warmup",
                "0s",
                "--duration",
                "5s");

        assertThat(outcome.exit()).as(outcome.err()).isZero();
        assertThat(issued.get()).isGreaterThanOrEqualTo(3);
        assertThat(tokensSeen).hasSizeGreaterThanOrEqualTo(3);
        assertThat(unauthorized).as("requests sent with an expired token").hasValue(0);
        assertThat(forms).allSatisfy(form -> assertThat(form).doesNotContainKey("scope"));
        assertThat(served.get()).isGreaterThan(0);
    }

    @Test
    void aRefusedClientStopsTheRunBeforeItStartsWithTheEndpointsReason() {
        Outcome outcome = bench(
                Map.of(),
                "--url",
                serviceRoot(),
                "--token-endpoint",
                endpoint(),
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                "wrong",
                "--scenario",
                "page50",
                "--requests",
                "5");

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err())
                .contains("cannot get a token: the token endpoint " + endpoint() + " answered 401")
                .contains("invalid_client: unknown client or wrong secret");
        assertThat(served).as("nothing was sent to the service").hasValue(0);
    }

    @Test
    void tokenOptionsAreCheckedWithPreciseMessages() {
        assertThat(bench(
                                Map.of(),
                                "--url",
                                serviceRoot(),
                                "--token",
                                "x",
                                "--token-endpoint",
                                endpoint(),
                                "--client-id",
                                CLIENT_ID,
                                "--client-secret",
                                SECRET,
                                "--scenario",
                                "page50")
                        .err())
                .contains("give one of --token, --token-file, --token-endpoint or --issuer-key, not --token and"
                        + " --token-endpoint");
        assertThat(bench(
                                Map.of(),
                                "--url",
                                serviceRoot(),
                                "--token-endpoint",
                                endpoint(),
                                "--client-secret",
                                SECRET,
                                "--scenario",
                                "page50")
                        .err())
                .contains("--token-endpoint needs --client-id");
        assertThat(bench(
                                Map.of(),
                                "--url",
                                serviceRoot(),
                                "--token-endpoint",
                                endpoint(),
                                "--client-id",
                                CLIENT_ID,
                                "--scenario",
                                "page50")
                        .err())
                .contains("--token-endpoint needs either --client-secret or --client-secret-env");
        Outcome unset = bench(
                Map.of(),
                "--url",
                serviceRoot(),
                "--token-endpoint",
                endpoint(),
                "--client-id",
                CLIENT_ID,
                "--client-secret-env",
                "NOT_SET",
                "--scenario",
                "page50");
        assertThat(unset.exit()).isEqualTo(2);
        assertThat(unset.err()).contains("--client-secret-env NOT_SET: that environment variable is not set or empty");
        assertThat(bench(
                                Map.of(),
                                "--url",
                                serviceRoot(),
                                "--token-endpoint",
                                "http://10.9.9.9/token",
                                "--client-id",
                                CLIENT_ID,
                                "--client-secret",
                                SECRET,
                                "--scenario",
                                "page50")
                        .err())
                .as("a client secret never goes over plain http beyond loopback")
                .contains("--token-endpoint 'http://10.9.9.9/token' is plain http");
        assertThat(bench(
                                Map.of(),
                                "--url",
                                serviceRoot(),
                                "--token",
                                "x",
                                "--client-id",
                                CLIENT_ID,
                                "--scenario",
                                "page50")
                        .err())
                .contains("--client-id, --client-secret, --client-secret-env and --scope need --token-endpoint");
        assertThat(forms).isEmpty();
    }

    @Test
    void aTokenFileIsReadWithOrWithoutItsBearerPrefix(@TempDir Path folder) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder()
                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                        .build());
        jwt.sign(new RSASSASigner(key));
        Path file = folder.resolve("token.txt");
        Files.writeString(file, "Bearer " + jwt.serialize() + "\n", UTF_8);

        Outcome outcome = bench(
                Map.of(),
                "--url",
                serviceRoot(),
                "--token-file",
                file.toString(),
                "--scenario",
                "page50",
                "--warmup",
                "0s",
                "--requests",
                "10");

        assertThat(outcome.exit()).as(outcome.err()).isZero();
        assertThat(served).hasValue(10);
        assertThat(unauthorized).hasValue(0);
        assertThat(tokensSeen).containsExactly(jwt.serialize());

        Files.writeString(file, "one two", UTF_8);
        assertThatThrownBy(() -> Bench.readTokenFile(file)).hasMessageContaining("holds more than one token");
        Files.writeString(file, "  \n", UTF_8);
        assertThatThrownBy(() -> Bench.readTokenFile(file)).hasMessage("--token-file " + file + " is empty");
    }

    @Test
    void aRefreshIsFetchedOnceWhenDueAndAFailedOneKeepsTheOldTokenAndIsRetriedLater() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Boolean> failing = new AtomicReference<>(false);
        List<String> warnings = new ArrayList<>();
        RefreshingToken token = new RefreshingToken(
                "test",
                at -> {
                    calls.incrementAndGet();
                    if (failing.get()) {
                        throw new IOException("endpoint down");
                    }
                    return new RefreshingToken.Issued("t" + calls.get(), at.plusSeconds(3600));
                },
                now::get,
                warnings::add);

        assertThat(token.current()).isEqualTo("t1");
        now.set(now.get().plusSeconds(3299));
        assertThat(token.current())
                .as("five minutes before expiry it is not yet due")
                .isEqualTo("t1");
        now.set(now.get().plusSeconds(1));
        assertThat(token.current()).isEqualTo("t2");
        assertThat(token.current()).isEqualTo("t2");
        assertThat(calls).hasValue(2);

        failing.set(true);
        now.set(now.get().plusSeconds(3300));
        assertThat(token.current()).isEqualTo("t2");
        assertThat(warnings).singleElement().asString().contains("cannot refresh the test token (endpoint down)");
        assertThat(token.current()).as("not retried at once").isEqualTo("t2");
        assertThat(calls).hasValue(3);
        failing.set(false);
        now.set(now.get().plus(RefreshingToken.RETRY_AFTER));
        assertThat(token.current()).isEqualTo("t4");
        assertThat(token.issuedCount()).isEqualTo(3);

        assertThat(RefreshingToken.refreshTime(Instant.EPOCH, Instant.EPOCH.plusSeconds(10)))
                .isEqualTo(Instant.EPOCH.plusSeconds(8));
        assertThat(RefreshingToken.refreshTime(Instant.EPOCH, Instant.MAX)).isEqualTo(Instant.MAX);
    }

    @Test
    void aRequestBuiltWithAnOldTokenIsSentWithTheCurrentOne() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.EPOCH);
        AtomicInteger calls = new AtomicInteger();
        RefreshingToken source = new RefreshingToken(
                "test",
                at -> new RefreshingToken.Issued("t" + calls.incrementAndGet(), at.plusSeconds(100)),
                now::get,
                warning -> {});
        Authorization authorization = new Authorization();
        String header = authorization.refreshing(source);
        String fixed = authorization.fixed("other");
        HttpRequest refreshing = HttpRequest.newBuilder(URI.create("http://127.0.0.1/x"))
                .header("Authorization", header)
                .header("MSCRMCallerID", "c")
                .build();
        HttpRequest other = HttpRequest.newBuilder(URI.create("http://127.0.0.1/x"))
                .header("Authorization", fixed)
                .build();

        assertThat(authorization.apply(refreshing)).isSameAs(refreshing);
        now.set(Instant.EPOCH.plusSeconds(90));
        HttpRequest sent = authorization.apply(refreshing);

        assertThat(sent.headers().allValues("Authorization")).containsExactly("Bearer t2");
        assertThat(sent.headers().firstValue("MSCRMCallerID")).hasValue("c");
        assertThat(sent.uri()).isEqualTo(refreshing.uri());
        assertThat(authorization.apply(other)).isSameAs(other);
        assertThat(Optional.of(new Authorization().anyRefreshing())).hasValue(false);
    }

    @Test
    void theFormEncodesItsFields() {
        ClientCredentials grant = new ClientCredentials(
                URI.create(endpoint()),
                "id 1",
                "a&b=c",
                Optional.of("api://x/.default"),
                HttpClient.newHttpClient(),
                Duration.ofSeconds(5));

        assertThat(grant.form())
                .isEqualTo("grant_type=client_credentials&client_id=id+1&client_secret=a%26b%3Dc"
                        + "&scope=api%3A%2F%2Fx%2F.default");
    }
}
