package dev.vegateway.gateway.auth;

import static dev.vegateway.gateway.auth.TestTokens.APPLICATION_ID;
import static dev.vegateway.gateway.auth.TestTokens.AUDIENCE;
import static dev.vegateway.gateway.auth.TestTokens.CLOCK_SKEW;
import static dev.vegateway.gateway.auth.TestTokens.ISSUER;
import static dev.vegateway.gateway.auth.TestTokens.START;
import static dev.vegateway.gateway.auth.TestTokens.auth;
import static dev.vegateway.gateway.auth.TestTokens.claims;
import static dev.vegateway.gateway.auth.TestTokens.publicSet;
import static dev.vegateway.gateway.auth.TestTokens.sign;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenValidatorTest {
    private static final RSAKey RSA_KEY = TestTokens.rsaKey("rsa-1");
    private static final ECKey EC_KEY = TestTokens.ecKey("ec-1");
    private static final RSAKey ATTACKER_KEY = TestTokens.rsaKey("attacker");

    private MutableClock clock;
    private TokenValidator validator;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        validator =
                new TokenValidator(auth(), TokenValidator.DEFAULT_MAX_TOKEN_BYTES, clock, publicSet(RSA_KEY, EC_KEY));
    }

    @Test
    void acceptsValidRs256Token() throws Exception {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());

        VerifiedToken verified = validator.validate("Bearer " + token);

        assertThat(verified.applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(verified.issuer()).isEqualTo(ISSUER);
        assertThat(verified.subject()).contains("subject-1");
        assertThat(verified.expiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
        assertThat(verified.tokenHash())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8))));
        assertThat(validator.keysLoaded()).isTrue();
    }

    @Test
    void acceptsValidPs256Token() {
        String token = sign(RSA_KEY, JWSAlgorithm.PS256, claims(START).build());

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void acceptsValidEs256Token() {
        String token = sign(EC_KEY, JWSAlgorithm.ES256, claims(START).build());

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void acceptsSchemeInAnyCase() {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());

        assertThat(validator.validate("bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
        assertThat(validator.validate("BEARER  " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void takesApplicationFromAzpOfV2Token() {
        String token = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START)
                        .claim("appid", null)
                        .claim("azp", "v2-client")
                        .claim("ver", "2.0")
                        .build());

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo("v2-client");
    }

    @Test
    void rejectsMissingHeader() {
        assertRejected(null, "The request has no Authorization header");
        assertRejected("  ", "The request has no Authorization header");
    }

    @Test
    void rejectsOtherSchemes() {
        assertRejected("Basic dXNlcjpwYXNz", "does not use the Bearer scheme");
        assertRejected("Bearertoken", "does not use the Bearer scheme");
        assertRejected("Bearer", "no token after Bearer");
    }

    @Test
    void rejectsOversizedTokenBeforeParsing() {
        // Not a JWT at all: were it parsed first, the message would say "not a well-formed JWT".
        String oversized = "x".repeat(TokenValidator.DEFAULT_MAX_TOKEN_BYTES + 1);

        assertRejected("Bearer " + oversized, "longer than the limit of 16384 bytes");
        assertRejected("Bearer " + oversized.substring(1), "not a well-formed JWT");
    }

    @Test
    void rejectsOversizedValidToken() {
        String token = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).claim("padding", "p".repeat(20_000)).build());

        assertRejected("Bearer " + token, "longer than the limit of 16384 bytes");
        assertThat(validator.signatureVerifications()).isZero();
    }

    @Test
    void rejectsMalformedToken() {
        assertRejected("Bearer not.a.jwt", "not a well-formed JWT");
        assertRejected("Bearer abc", "not a well-formed JWT");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "none | ''     | The token is unsigned (alg none), which is never accepted",
                "None | ''     | The bearer token is not a well-formed JWT",
                "NONE | ''     | The bearer token is not a well-formed JWT",
                "None | c2lnbg | The token's signing algorithm None is not allowed; allowed: ES256, PS256, RS256",
            })
    void rejectsUnsignedToken(String algorithm, String signature, String expectedMessage) {
        String header = Base64URL.encode("{\"alg\":\"" + algorithm + "\"}").toString();
        String payload = Base64URL.encode(claims(START).build().toString()).toString();

        assertThat(rejection("Bearer " + header + "." + payload + "." + signature)
                        .getMessage())
                .isEqualTo(expectedMessage);
    }

    @Test
    void rejectsHmacKeyedWithThePublicKey() throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(RSA_KEY.getKeyID())
                        .build(),
                claims(START).build());
        jwt.sign(new MACSigner(RSA_KEY.toRSAPublicKey().getEncoded()));

        assertRejected(
                "Bearer " + jwt.serialize(), "signing algorithm HS256 is not allowed; allowed: ES256, PS256, RS256");
        assertThat(validator.signatureVerifications()).isZero();
    }

    @Test
    void rejectsAlgorithmOutsideTheConfiguredList() {
        TokenValidator rsaOnly = new TokenValidator(
                auth(Optional.empty(), Optional.empty(), List.of("RS256")),
                TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                clock,
                publicSet(RSA_KEY, EC_KEY));
        String token = sign(EC_KEY, JWSAlgorithm.ES256, claims(START).build());

        assertThatThrownBy(() -> rsaOnly.validate("Bearer " + token))
                .isInstanceOf(GatewayException.class)
                .hasMessage("The token's signing algorithm ES256 is not allowed; allowed: RS256");
    }

    @Test
    void refusesToConfigureHmacOrNone() {
        for (String algorithm : List.of("HS256", "none")) {
            assertThatThrownBy(() -> new TokenValidator(
                            auth(Optional.empty(), Optional.empty(), List.of("RS256", algorithm)),
                            TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                            clock,
                            publicSet(RSA_KEY)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("auth.algorithms: " + algorithm);
        }
    }

    @Test
    void refusesAmbiguousKeySources() {
        assertThatThrownBy(() -> new TokenValidator(auth(), TokenValidator.DEFAULT_MAX_TOKEN_BYTES, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither auth.jwks.file nor auth.jwks.url");
        assertThatThrownBy(() -> new TokenValidator(
                        auth(
                                Optional.empty(),
                                Optional.of(URI.create("https://sts.example.test/keys")),
                                List.of("RS256")),
                        TokenValidator.DEFAULT_MAX_TOKEN_BYTES,
                        clock,
                        publicSet(RSA_KEY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be set when the keys are given explicitly");
    }

    @Test
    void rejectsUnknownKeyId() {
        RSAKey unknown = TestTokens.rsaKey("rotated-away");
        String token = sign(unknown, JWSAlgorithm.RS256, claims(START).build());

        assertRejected("Bearer " + token, "The token's signing key (kid 'rotated-away') is not a known RS256 key");
    }

    @Test
    void rejectsSignatureOfAnotherKeyUnderAKnownKeyId() {
        String token = sign(
                ATTACKER_KEY,
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(RSA_KEY.getKeyID())
                        .build(),
                claims(START).build());

        assertRejected("Bearer " + token, "The token's signature is invalid");
    }

    @Test
    void rejectsTamperedPayload() {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());
        String[] parts = token.split("\\.");
        String forgedPayload = Base64URL.encode(claims(START)
                        .claim("appid", "some-other-application")
                        .build()
                        .toString())
                .toString();

        assertRejected("Bearer " + parts[0] + "." + forgedPayload + "." + parts[2], "The token's signature is invalid");
    }

    @Test
    void rejectsTokenCarryingItsOwnKey() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(ATTACKER_KEY.getKeyID())
                .jwk(ATTACKER_KEY.toPublicJWK())
                .build();
        String withOwnKeyId = sign(ATTACKER_KEY, header, claims(START).build());
        JWSHeader borrowedKeyId = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(RSA_KEY.getKeyID())
                .jwk(ATTACKER_KEY.toPublicJWK())
                .build();
        String withOurKeyId = sign(ATTACKER_KEY, borrowedKeyId, claims(START).build());
        String withoutKeyId = sign(
                ATTACKER_KEY,
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .jwk(ATTACKER_KEY.toPublicJWK())
                        .build(),
                claims(START).build());

        assertRejected("Bearer " + withOwnKeyId, "kid 'attacker'");
        assertRejected("Bearer " + withOurKeyId, "The token's signature is invalid");
        assertRejected("Bearer " + withoutKeyId, "The token's signature is invalid");
    }

    @Test
    void neverFetchesKeysNamedByTheToken() {
        try (JwksServer attackerServer = new JwksServer()) {
            attackerServer.serve(new JWKSet(ATTACKER_KEY.toPublicJWK()));
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(ATTACKER_KEY.getKeyID())
                    .jwkURL(attackerServer.uri())
                    .x509CertURL(attackerServer.uri())
                    .build();
            String token = sign(ATTACKER_KEY, header, claims(START).build());

            assertRejected("Bearer " + token, "kid 'attacker'");
            assertThat(attackerServer.requests()).isZero();
        }
    }

    @Test
    void rejectsExpiredToken() {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());
        clock.advance(Duration.ofHours(1).plus(CLOCK_SKEW));

        assertRejected("Bearer " + token, "The token expired at 2030-01-01T01:00:00Z");
    }

    @Test
    void acceptsTokenExpiredWithinClockSkew() {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());
        clock.advance(Duration.ofHours(1).plus(CLOCK_SKEW).minusSeconds(1));

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void rejectsTokenNotYetValid() {
        String early = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START)
                        .notBeforeTime(Date.from(START.plus(CLOCK_SKEW).plusSeconds(1)))
                        .build());
        String withinSkew = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).notBeforeTime(Date.from(START.plus(CLOCK_SKEW))).build());

        assertRejected("Bearer " + early, "The token is not valid before 2030-01-01T00:01:01Z");
        assertThat(validator.validate("Bearer " + withinSkew).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void rejectsTokenWithoutExpiry() {
        String token = sign(
                RSA_KEY, JWSAlgorithm.RS256, claims(START).expirationTime(null).build());

        assertRejected("Bearer " + token, "The token has no expiry (exp claim)");
    }

    @Test
    void rejectsWrongIssuer() {
        String token = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).issuer("https://evil.example.test/").build());

        assertRejected("Bearer " + token, "The token's issuer 'https://evil.example.test/' is not accepted");
    }

    @Test
    void rejectsMissingIssuer() {
        String token =
                sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).issuer(null).build());

        assertRejected("Bearer " + token, "The token has no issuer (iss claim)");
    }

    @Test
    void rejectsWrongAudience() {
        String single = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).audience("api://someone-else").build());
        String several = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).audience(List.of("api://a", "api://b")).build());
        String none = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).audience((String) null).build());

        assertRejected("Bearer " + single, "The token's audience [api://someone-else] is not accepted");
        assertRejected("Bearer " + several, "The token's audience [api://a, api://b] is not accepted");
        assertRejected("Bearer " + none, "The token has no audience (aud claim)");
    }

    @Test
    void acceptsAudienceArrayContainingOurAudience() {
        String token = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).audience(List.of("api://someone-else", AUDIENCE)).build());

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    @Test
    void rejectsTokenWithoutApplication() {
        String token = sign(
                RSA_KEY, JWSAlgorithm.RS256, claims(START).claim("appid", null).build());
        String blank = sign(
                RSA_KEY, JWSAlgorithm.RS256, claims(START).claim("appid", " ").build());
        String notString = sign(
                RSA_KEY, JWSAlgorithm.RS256, claims(START).claim("appid", 42).build());

        assertRejected("Bearer " + token, "The token has neither an appid nor an azp claim");
        assertRejected("Bearer " + blank, "The token has neither an appid nor an azp claim");
        assertRejected("Bearer " + notString, "The token's appid claim is not a string");
    }

    @Test
    void verifiesEachTokenOnceUntilItExpires() {
        String token = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());

        VerifiedToken first = validator.validate("Bearer " + token);
        clock.advance(Duration.ofHours(1).plus(CLOCK_SKEW).minusMillis(1));
        VerifiedToken second = validator.validate("Bearer " + token);

        assertThat(second).isSameAs(first);
        assertThat(validator.signatureVerifications()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertRejected("Bearer " + token, "The token expired at 2030-01-01T01:00:00Z");
    }

    @Test
    void doesNotShareCacheEntriesBetweenTokens() {
        String first = sign(RSA_KEY, JWSAlgorithm.RS256, claims(START).build());
        String second = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START).claim("appid", "second-application").build());

        validator.validate("Bearer " + first);
        VerifiedToken verified = validator.validate("Bearer " + second);

        assertThat(verified.applicationId()).isEqualTo("second-application");
        assertThat(validator.signatureVerifications()).isEqualTo(2);
    }

    @Test
    void doesNotCacheRejections() {
        String token = sign(
                RSA_KEY,
                JWSAlgorithm.RS256,
                claims(START)
                        .notBeforeTime(Date.from(START.plus(Duration.ofMinutes(5))))
                        .build());
        assertRejected("Bearer " + token, "not valid before");

        clock.advance(Duration.ofMinutes(5));

        assertThat(validator.validate("Bearer " + token).applicationId()).isEqualTo(APPLICATION_ID);
    }

    private void assertRejected(String authorizationHeader, String expectedMessage) {
        GatewayException rejection = rejection(authorizationHeader);
        assertThat(rejection.getMessage()).contains(expectedMessage);
    }

    private GatewayException rejection(String authorizationHeader) {
        GatewayException rejection =
                catchThrowableOfType(GatewayException.class, () -> validator.validate(authorizationHeader));
        assertThat(rejection).as("rejection of %s", authorizationHeader).isNotNull();
        assertThat(rejection.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN);
        if (authorizationHeader != null && authorizationHeader.length() > 20) {
            String[] parts = authorizationHeader.substring("Bearer ".length()).split("\\.");
            for (String part : parts) {
                if (part.length() > 8) {
                    assertThat(rejection.getMessage())
                            .as("the message repeats the token")
                            .doesNotContain(part);
                }
            }
        }
        return rejection;
    }
}
