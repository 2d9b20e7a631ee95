package dev.vegateway.gateway.auth;

import static dev.vegateway.gateway.auth.TestTokens.APPLICATION_ID;
import static dev.vegateway.gateway.auth.TestTokens.MAX_STALENESS;
import static dev.vegateway.gateway.auth.TestTokens.REFRESH_INTERVAL;
import static dev.vegateway.gateway.auth.TestTokens.START;
import static dev.vegateway.gateway.auth.TestTokens.UNKNOWN_KID_MIN_INTERVAL;
import static dev.vegateway.gateway.auth.TestTokens.auth;
import static dev.vegateway.gateway.auth.TestTokens.claims;
import static dev.vegateway.gateway.auth.TestTokens.publicSet;
import static dev.vegateway.gateway.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the keys come from: a JWKS URL or a local file, reloaded on the injected clock. */
class TokenValidatorKeySourceTest {
    private static final List<String> ALGORITHMS = List.of("RS256", "PS256", "ES256");
    private static final RSAKey FIRST_KEY = TestTokens.rsaKey("first");
    private static final RSAKey SECOND_KEY = TestTokens.rsaKey("second");

    private final MutableClock clock = new MutableClock(START);
    private JwksServer server;

    @BeforeEach
    void startServer() {
        server = new JwksServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void fetchesJwksAtConstructionAndCachesIt() {
        server.serve(publicSet(FIRST_KEY));

        TokenValidator validator = urlValidator();

        assertThat(validator.keysLoaded()).isTrue();
        assertThat(server.requests()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void refetchesOnUnknownKidAtMostOncePerInterval() {
        server.serve(publicSet(FIRST_KEY));
        TokenValidator validator = urlValidator();
        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);

        server.serve(publicSet(FIRST_KEY, SECOND_KEY));
        // The fetch at construction was just now: the new key must wait for the interval.
        assertRejected(validator, bearer(SECOND_KEY), "kid 'second'");
        assertThat(server.requests()).isEqualTo(1);

        clock.advance(UNKNOWN_KID_MIN_INTERVAL);
        assertThat(validator.validate(bearer(SECOND_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(server.requests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        floodWithUnknownKids(validator, 50);
        assertThat(server.requests()).isEqualTo(2);

        clock.advance(UNKNOWN_KID_MIN_INTERVAL);
        floodWithUnknownKids(validator, 50);
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void refetchesWhenTheRefreshIntervalHasPassed() {
        server.serve(publicSet(FIRST_KEY));
        TokenValidator validator = urlValidator();

        clock.advance(REFRESH_INTERVAL.minusSeconds(1));
        validator.validate(bearer(FIRST_KEY));
        assertThat(server.requests()).isEqualTo(1);

        server.serve(publicSet(SECOND_KEY));
        clock.advance(Duration.ofSeconds(1));
        String firstKeyToken = bearer(FIRST_KEY);

        // The scheduled refetch drops the retired key, which is not cached for this new token.
        assertRejected(validator, firstKeyToken, "kid 'first'");
        assertThat(server.requests()).isEqualTo(2);
        assertThat(validator.validate(bearer(SECOND_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void keepsTheKeysItHasWhenTheEndpointFails() {
        server.serve(publicSet(FIRST_KEY));
        TokenValidator validator = urlValidator();

        server.failWith(503);
        clock.advance(REFRESH_INTERVAL);

        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(validator.keysLoaded()).isTrue();
    }

    @Test
    void dropsKeysNobodyCouldConfirmForMaxStalenessAndTrustsThemAgainOnceTheEndpointAnswers() {
        server.serve(publicSet(FIRST_KEY));
        TokenValidator validator = urlValidator();
        server.failWith(503);

        clock.advance(MAX_STALENESS.minusMinutes(1));
        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(validator.keysLoaded()).isTrue();

        clock.advance(Duration.ofMinutes(2));
        assertRejected(validator, bearer(FIRST_KEY), "older than auth.jwks.maxStaleness");
        assertThat(validator.keysLoaded()).isFalse();

        server.serve(publicSet(FIRST_KEY));
        clock.advance(UNKNOWN_KID_MIN_INTERVAL);
        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(validator.keysLoaded()).isTrue();
    }

    @Test
    void keepsTheKeysItHasWhenTheEndpointServesNoKeys() {
        server.serve(publicSet(FIRST_KEY));
        TokenValidator validator = urlValidator();

        server.serve(publicSet());
        clock.advance(REFRESH_INTERVAL);

        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void startsNotReadyWhenTheEndpointFailsAndRecoversLater() {
        server.failWith(500);

        TokenValidator validator = urlValidator();

        assertThat(validator.keysLoaded()).isFalse();
        assertRejected(validator, bearer(FIRST_KEY), "No signing keys have been loaded yet");
        assertThat(server.requests()).isEqualTo(1);

        server.serve(publicSet(FIRST_KEY));
        clock.advance(UNKNOWN_KID_MIN_INTERVAL);

        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(validator.keysLoaded()).isTrue();
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void constructsWhenTheEndpointIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        TokenValidator validator = new TokenValidator(
                auth(Optional.empty(), Optional.of(URI.create("http://127.0.0.1:" + closedPort + "/keys")), ALGORITHMS),
                TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                clock);

        assertThat(validator.keysLoaded()).isFalse();
        assertRejected(validator, bearer(FIRST_KEY), "No signing keys have been loaded yet");
    }

    @Test
    void ignoresAnEmptyKeySet() {
        server.serve(publicSet());

        TokenValidator validator = urlValidator();

        assertThat(validator.keysLoaded()).isFalse();
    }

    @Test
    void readsJwksFileAndRereadsItWhenItChanges(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("jwks.json");
        Files.writeString(file, publicSet(FIRST_KEY).toString());
        TokenValidator validator = fileValidator(file);
        assertThat(validator.keysLoaded()).isTrue();
        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);

        Files.writeString(file, publicSet(SECOND_KEY).toString());
        assertRejected(validator, bearer(SECOND_KEY), "kid 'second'");

        clock.advance(UNKNOWN_KID_MIN_INTERVAL);
        assertThat(validator.validate(bearer(SECOND_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
        assertRejected(validator, bearer(FIRST_KEY), "kid 'first'");
    }

    @Test
    void keepsTheKeysItHasWhenTheFileBreaks(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("jwks.json");
        Files.writeString(file, publicSet(FIRST_KEY).toString());
        TokenValidator validator = fileValidator(file);

        Files.writeString(file, "{\"keys\": [");
        clock.advance(UNKNOWN_KID_MIN_INTERVAL);

        assertThat(validator.validate(bearer(FIRST_KEY)).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void refusesAMissingOrEmptyFile(@TempDir Path directory) throws IOException {
        Path missing = directory.resolve("missing.json");
        Path empty = Files.writeString(directory.resolve("empty.json"), "{\"keys\":[]}");
        Path secretOnly = Files.writeString(
                directory.resolve("secret.json"),
                "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");

        assertThatThrownBy(() -> fileValidator(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auth.jwks.file: cannot read the JWK set from " + missing);
        assertThatThrownBy(() -> fileValidator(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.jwks.file: " + empty + " holds no public signing keys");
        assertThatThrownBy(() -> fileValidator(secretOnly))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.jwks.file: " + secretOnly + " holds no public signing keys");
    }

    @Test
    void refusesFileAndUrlTogether(@TempDir Path directory) {
        assertThatThrownBy(() -> new TokenValidator(
                        auth(Optional.of(directory.resolve("jwks.json")), Optional.of(server.uri()), ALGORITHMS),
                        TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                        clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth.jwks.file and auth.jwks.url are both set; configure exactly one");
        assertThat(server.requests()).isZero();
    }

    private TokenValidator urlValidator() {
        return new TokenValidator(
                auth(Optional.empty(), Optional.of(server.uri()), ALGORITHMS),
                TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                clock);
    }

    private TokenValidator fileValidator(Path file) {
        return new TokenValidator(
                auth(Optional.of(file), Optional.empty(), ALGORITHMS), TokenValidator.DEFAULT_MAX_TOKEN_BYTES, clock);
    }

    /** A fresh token (new jti) signed by the key, so the validator's cache never answers for it. */
    private String bearer(RSAKey key) {
        return "Bearer " + sign(key, JWSAlgorithm.RS256, claims(clock.instant()).build());
    }

    private void floodWithUnknownKids(TokenValidator validator, int count) {
        for (int i = 0; i < count; i++) {
            String kid = "invented-" + i;
            String token = sign(
                    SECOND_KEY,
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                    claims(clock.instant()).build());
            assertRejected(validator, "Bearer " + token, "kid '" + kid + "'");
        }
    }

    private static void assertRejected(TokenValidator validator, String authorizationHeader, String expectedMessage) {
        assertThatThrownBy(() -> validator.validate(authorizationHeader))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining(expectedMessage)
                .satisfies(thrown ->
                        assertThat(((GatewayException) thrown).errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
}
