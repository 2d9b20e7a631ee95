package dev.vegateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevIssuerTest {
    private static final String ISSUER = "https://vegateway.local/dev-issuer";
    private static final String AUDIENCE = "api://ve-gateway-dev";
    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    @TempDir
    Path directory;

    @Test
    void createsAnOwnerOnlyPrivateKeyFileAtFirstStart() throws Exception {
        Path keyFile = directory.resolve("data/dev-issuer-key.json");

        DevIssuer issuer = DevIssuer.loadOrCreate(keyFile, ISSUER, AUDIENCE);

        JWK stored = JWK.parse(Files.readString(keyFile));
        assertThat(stored).isInstanceOf(RSAKey.class);
        assertThat(stored.isPrivate()).isTrue();
        assertThat(((RSAKey) stored).size()).isEqualTo(2048);
        assertThat(stored.getKeyID()).isNotBlank();
        assertThat(issuer.publicKeys().getKeys()).containsExactly(stored.toPublicJWK());
        assertThat(issuer.publicKeys().getKeys().get(0).isPrivate()).isFalse();
        if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(keyFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        try (var leftovers = Files.list(keyFile.getParent())) {
            assertThat(leftovers).containsExactly(keyFile);
        }
    }

    @Test
    void reusesTheKeyFileOnLaterStarts() {
        Path keyFile = directory.resolve("dev-issuer-key.json");
        DevIssuer first = DevIssuer.loadOrCreate(keyFile, ISSUER, AUDIENCE);

        DevIssuer second = DevIssuer.loadOrCreate(keyFile, ISSUER, AUDIENCE);

        assertThat(second.publicKeys().getKeys()).isEqualTo(first.publicKeys().getKeys());
        String token = first.mint("app-1", Duration.ofMinutes(5), Map.of(), NOW);
        assertThat(validator(second.publicKeys(), NOW)
                        .validate("Bearer " + token)
                        .applicationId())
                .isEqualTo("app-1");
    }

    @Test
    void generatesADifferentKeyForEachNewFile() {
        DevIssuer first = DevIssuer.loadOrCreate(directory.resolve("one.json"), ISSUER, AUDIENCE);
        DevIssuer second = DevIssuer.loadOrCreate(directory.resolve("two.json"), ISSUER, AUDIENCE);

        assertThat(first.publicKeys().getKeys().get(0).getKeyID())
                .isNotEqualTo(second.publicKeys().getKeys().get(0).getKeyID());
        assertThat(first.publicKeys().getKeys())
                .isNotEqualTo(second.publicKeys().getKeys());
    }

    @Test
    void mintsV1TokensTheValidatorAccepts() throws Exception {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);

        String token = issuer.mint("app-1", Duration.ofMinutes(30), Map.of("roles", List.of("reader")), NOW);

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID())
                .isEqualTo(issuer.publicKeys().getKeys().get(0).getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
        assertThat(claims.getStringClaim("appid")).isEqualTo("app-1");
        assertThat(claims.getClaim("azp")).isNull();
        assertThat(claims.getStringClaim("ver")).isEqualTo("1.0");
        assertThat(claims.getSubject()).isEqualTo("app-1");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getStringListClaim("roles")).containsExactly("reader");

        VerifiedToken verified =
                validator(issuer.publicKeys(), NOW.plusSeconds(10)).validate("Bearer " + token);
        assertThat(verified.applicationId()).isEqualTo("app-1");
        assertThat(verified.issuer()).isEqualTo(ISSUER);
        assertThat(verified.subject()).contains("app-1");
        assertThat(verified.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
    }

    @Test
    void mintsAFreshJtiEachTime() throws Exception {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);

        String first = issuer.mint("app-1", Duration.ofMinutes(5), Map.of(), NOW);
        String second = issuer.mint("app-1", Duration.ofMinutes(5), Map.of(), NOW);

        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
    }

    @Test
    void mintedTokensExpire() {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);
        String token = issuer.mint("app-1", Duration.ofMinutes(5), Map.of(), NOW);

        assertThatThrownBy(() -> validator(issuer.publicKeys(), NOW.plus(Duration.ofMinutes(7)))
                        .validate("Bearer " + token))
                .isInstanceOf(GatewayException.class)
                .hasMessage("The token expired at 2030-06-01T12:05:00Z");
    }

    @Test
    void mintsWithTheSystemClockByDefault() throws Exception {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);
        Instant before = Instant.now().minusSeconds(1);

        String token = issuer.mint("app-1", Duration.ofMinutes(5), Map.of());

        Instant issuedAt =
                SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
        assertThat(issuedAt).isBetween(before, Instant.now());
    }

    @Test
    void refusesExtraClaimsThatReplaceMintedOnes() {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);

        for (String claim : List.of("iss", "aud", "appid", "exp", "sub")) {
            assertThatThrownBy(() -> issuer.mint("app-1", Duration.ofMinutes(5), Map.of(claim, "forged"), NOW))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("extra claim '" + claim + "' would replace a claim the dev issuer mints");
        }
    }

    @Test
    void refusesNonPositiveLifetime() {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);

        assertThatThrownBy(() -> issuer.mint("app-1", Duration.ZERO, Map.of(), NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lifetime must be positive but was PT0S");
    }

    @Test
    void refusesAKeyFileWithoutAPrivateRsaKey() throws Exception {
        DevIssuer issuer = DevIssuer.loadOrCreate(directory.resolve("key.json"), ISSUER, AUDIENCE);
        Path publicOnly = Files.writeString(
                directory.resolve("public.json"),
                issuer.publicKeys().getKeys().get(0).toJSONString());
        Path notJson = Files.writeString(directory.resolve("garbage.json"), "not a key");

        assertThatThrownBy(() -> DevIssuer.loadOrCreate(publicOnly, ISSUER, AUDIENCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the dev issuer key " + publicOnly + " does not hold an RSA private key");
        assertThatThrownBy(() -> DevIssuer.loadOrCreate(notJson, ISSUER, AUDIENCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the dev issuer key " + notJson + " is not a JWK");
    }

    private static TokenValidator validator(JWKSet keys, Instant now) {
        GatewayConfig.Auth auth = new GatewayConfig.Auth(
                Optional.empty(),
                Optional.empty(),
                Duration.ofMinutes(10),
                Duration.ofSeconds(30),
                Duration.ofHours(24),
                List.of(ISSUER),
                List.of(AUDIENCE),
                List.of("RS256"),
                Duration.ofSeconds(60),
                new GatewayConfig.DevIssuer(true, Path.of("unused.json"), ISSUER, AUDIENCE));
        return new TokenValidator(auth, TokenValidator.DEFAULT_MAX_TOKEN_BYTES, new MutableClock(now), keys);
    }
}
