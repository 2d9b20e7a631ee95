package dev.vegateway.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vegateway.config.GatewayConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Keys, claims and configuration for the auth tests: real keys, no mocks. */
public final class TestTokens {
    public static final String ISSUER = "https://sts.example.test/tenant/";
    public static final String AUDIENCE = "api://ve-gateway";
    public static final String APPLICATION_ID = "11111111-2222-3333-4444-555555555555";
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration REFRESH_INTERVAL = Duration.ofMinutes(10);
    public static final Duration UNKNOWN_KID_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration MAX_STALENESS = Duration.ofHours(24);
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private TestTokens() {}

    public static RSAKey rsaKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String keyId) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JWKSet publicSet(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet();
    }

    /** Claims of a valid v1 token issued at {@code now}, expiring an hour later. */
    public static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("subject-1")
                .claim("appid", APPLICATION_ID)
                .claim("ver", "1.0")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .jwtID(UUID.randomUUID().toString());
    }

    public static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
        return sign(key, new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
    }

    public static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsaKey ? new RSASSASigner(rsaKey) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GatewayConfig.Auth auth(Optional<Path> jwksFile, Optional<URI> jwksUrl, List<String> algorithms) {
        return new GatewayConfig.Auth(
                jwksFile,
                jwksUrl,
                REFRESH_INTERVAL,
                UNKNOWN_KID_MIN_INTERVAL,
                MAX_STALENESS,
                List.of(ISSUER, "https://login.example.test/other/"),
                List.of(AUDIENCE, "api://second-audience"),
                algorithms,
                CLOCK_SKEW,
                new GatewayConfig.DevIssuer(false, Path.of("unused-dev-key.json"), "unused", "unused"));
    }

    public static GatewayConfig.Auth auth() {
        return auth(Optional.empty(), Optional.empty(), List.of("RS256", "PS256", "ES256"));
    }
}
