package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMinterTest {
    private static final String APPLICATION = "11111111-1111-4111-8111-111111111111";
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static RSAKey key;

    @BeforeAll
    static void generateKey() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-kid").generate();
    }

    @Test
    void mintedTokenVerifiesWithThePublicKeyAndCarriesTheClaims(@TempDir Path folder) throws Exception {
        Path keyFile = folder.resolve("dev-issuer-key.json");
        Files.writeString(keyFile, key.toJSONString());

        String token = new TokenMinter(
                        TokenMinter.readKey(keyFile), TokenMinter.DEFAULT_ISSUER, TokenMinter.DEFAULT_AUDIENCE)
                .mint(APPLICATION, NOW, Duration.ofHours(1));

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("test-kid");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("urn:vegateway:dev-issuer");
        assertThat(claims.getAudience()).containsExactly("urn:vegateway:api");
        assertThat(claims.getStringClaim("appid")).isEqualTo(APPLICATION);
        assertThat(claims.getStringClaim("ver")).isEqualTo("1.0");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plus(Duration.ofHours(1))));
    }

    @Test
    void issuerAndAudienceCanBeOverridden() throws Exception {
        String token = new TokenMinter(key, "urn:other", "urn:aud").mint(APPLICATION, NOW, Duration.ofMinutes(5));

        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("urn:other");
        assertThat(claims.getAudience()).containsExactly("urn:aud");
    }

    @Test
    void refusesPublicKeysAndNonJwkFiles(@TempDir Path folder) throws Exception {
        Path publicOnly = folder.resolve("public.json");
        Files.writeString(publicOnly, key.toPublicJWK().toJSONString());
        Path garbage = folder.resolve("garbage.json");
        Files.writeString(garbage, "not json");

        assertThatThrownBy(() -> TokenMinter.readKey(publicOnly)).hasMessageContaining("not an RSA private JWK");
        assertThatThrownBy(() -> TokenMinter.readKey(garbage)).hasMessageContaining("is not a JWK");
        assertThatThrownBy(() -> TokenMinter.readKey(folder.resolve("missing.json")))
                .hasMessageContaining("cannot read");
    }
}
