package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.vegateway.gateway.auth.TestTokens;
import dev.vegateway.gateway.auth.TokenValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

class AuthenticationHandlerTest {
    private static final RSAKey KEY = TestTokens.rsaKey("chain-test");
    private static final RSAKey OTHER_KEY = TestTokens.rsaKey("chain-test");

    private static LocalServer server() throws Exception {
        TokenValidator tokens = new TokenValidator(
                TestTokens.auth(),
                TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                Clock.fixed(TestTokens.START.plus(Duration.ofMinutes(1)), ZoneOffset.UTC),
                TestTokens.publicSet(KEY));
        return LocalServer.start(LocalServer.inChain(new AuthenticationHandler(
                LocalServer.answering(exchange -> exchange.token().applicationId() + " " + exchange.log.application),
                tokens)));
    }

    @Test
    void aValidTokenReachesTheNextHandlerWithItsApplication() throws Exception {
        String token = TestTokens.sign(
                KEY, JWSAlgorithm.RS256, TestTokens.claims(TestTokens.START).build());
        try (LocalServer server = server()) {
            HttpTester.Response answer = server.get("/api/data/v9.2/accounts", "Authorization: Bearer " + token);

            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).isEqualTo(TestTokens.APPLICATION_ID + " " + TestTokens.APPLICATION_ID);
            assertThat(answer.get("Server-Timing")).contains("auth;dur=");
        }
    }

    @Test
    void noTokenOrAForgedOneStopsHereWith401() throws Exception {
        String forged = TestTokens.sign(
                OTHER_KEY,
                JWSAlgorithm.RS256,
                TestTokens.claims(TestTokens.START).build());
        try (LocalServer server = server()) {
            HttpTester.Response missing = server.get("/api/data/v9.2/accounts");
            HttpTester.Response wrongKey = server.get("/api/data/v9.2/accounts", "Authorization: Bearer " + forged);

            assertThat(missing.getStatus()).isEqualTo(401);
            assertThat(missing.get("WWW-Authenticate")).startsWith("Bearer");
            assertThat(wrongKey.getStatus()).isEqualTo(401);
            assertThat(wrongKey.getContent()).doesNotContain(TestTokens.APPLICATION_ID + " ");
        }
    }
}
