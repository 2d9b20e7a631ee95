package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Mints S2S tokens the way the gateway's dev issuer does: RS256, v1 claims ({@code appid}, {@code ver: "1.0"}). */
final class TokenMinter {
    static final String DEFAULT_ISSUER = "urn:vegateway:dev-issuer";
    static final String DEFAULT_AUDIENCE = "urn:vegateway:api";

    private final RSAKey key;
    private final String issuer;
    private final String audience;

    TokenMinter(RSAKey key, String issuer, String audience) {
        this.key = requireNonNull(key, "key is null");
        this.issuer = requireNonNull(issuer, "issuer is null");
        this.audience = requireNonNull(audience, "audience is null");
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("the issuer key (kid " + key.getKeyID() + ") holds no private part");
        }
    }

    /** Reads an RSA private JWK (the demo's {@code dev-issuer-key.json}). */
    static RSAKey readKey(Path file) {
        requireNonNull(file, "file is null");
        JWK jwk;
        try {
            jwk = JWK.parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the issuer key " + file + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the issuer key " + file + " is not a JWK: " + e.getMessage(), e);
        }
        if (!(jwk instanceof RSAKey rsaKey) || !rsaKey.isPrivate()) {
            throw new IllegalArgumentException("the issuer key " + file + " is not an RSA private JWK");
        }
        return rsaKey;
    }

    String mint(String applicationId, Instant now, Duration lifetime) {
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(now, "now is null");
        requireNonNull(lifetime, "lifetime is null");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("--app is blank");
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(applicationId)
                .claim("appid", applicationId)
                .claim("ver", "1.0")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(
                    "cannot sign with the issuer key (kid " + key.getKeyID() + "): " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
