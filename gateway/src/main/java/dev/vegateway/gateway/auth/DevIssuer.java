package dev.vegateway.gateway.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded development issuer (SPEC 4, demo/dev only): an RSA key kept in a file in the data
 * folder, created at first start, that mints RS256 tokens in the v1 shape the gateway expects
 * ({@code appid}, {@code ver: "1.0"}). The gateway trusts it by passing {@link #publicKeys()} to
 * {@link TokenValidator}.
 */
public final class DevIssuer {
    private static final Logger log = LoggerFactory.getLogger(DevIssuer.class);

    private static final int KEY_SIZE_BITS = 2048;
    private static final int KEY_ID_BYTES = 16;
    private static final Set<String> MINTED_CLAIMS =
            Set.of("iss", "aud", "sub", "appid", "ver", "iat", "nbf", "exp", "jti");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RSAKey key;
    private final String issuer;
    private final String audience;
    private final RSASSASigner signer;

    private DevIssuer(RSAKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        try {
            this.signer = new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("the dev issuer key cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the private RSA JWK in {@code keyFile}, or, when the file does not exist, generates a
     * 2048-bit key with a random kid and writes it there, readable by the owner only where the file
     * system has POSIX permissions.
     */
    public static DevIssuer loadOrCreate(Path keyFile, String issuer, String audience) {
        requireNonNull(keyFile, "keyFile is null");
        requireNonNull(issuer, "issuer is null");
        requireNonNull(audience, "audience is null");
        RSAKey key = Files.exists(keyFile) ? read(keyFile) : create(keyFile);
        return new DevIssuer(key, issuer, audience);
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** The public half of the key, for {@link TokenValidator}. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** Mints a token valid from now for {@code lifetime}. */
    public String mint(String applicationId, Duration lifetime, Map<String, Object> extraClaims) {
        return mint(applicationId, lifetime, extraClaims, Instant.now());
    }

    /**
     * Mints an RS256 token for {@code applicationId} ({@code appid} and {@code sub}), issued at
     * {@code now} and expiring {@code lifetime} later. {@code extraClaims} are added as they are;
     * they may not replace a claim minted here.
     */
    public String mint(String applicationId, Duration lifetime, Map<String, Object> extraClaims, Instant now) {
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(lifetime, "lifetime is null");
        requireNonNull(extraClaims, "extraClaims is null");
        requireNonNull(now, "now is null");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId is blank");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive but was " + lifetime);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(applicationId)
                .claim("appid", applicationId)
                .claim("ver", "1.0")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        extraClaims.forEach((name, value) -> {
            if (MINTED_CLAIMS.contains(name)) {
                throw new IllegalArgumentException(
                        "extra claim '" + name + "' would replace a claim the dev issuer mints");
            }
            claims.claim(name, value);
        });
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the dev issuer key: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static RSAKey read(Path keyFile) {
        JWK jwk;
        try {
            jwk = JWK.parse(Files.readString(keyFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dev issuer key " + keyFile, e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the dev issuer key " + keyFile + " is not a JWK: " + e.getMessage(), e);
        }
        if (!(jwk instanceof RSAKey rsaKey) || !rsaKey.isPrivate()) {
            throw new IllegalArgumentException("the dev issuer key " + keyFile + " does not hold an RSA private key");
        }
        return rsaKey;
    }

    private static RSAKey create(Path keyFile) {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(KEY_SIZE_BITS)
                    .keyID(randomKeyId())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the dev issuer key: " + e.getMessage(), e);
        }
        Path directory = keyFile.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
            // Written whole to a private temporary file, then renamed: never readable half-written.
            Path temporary =
                    Files.createTempFile(directory, keyFile.getFileName().toString(), ".tmp", ownerOnly(directory));
            try {
                Files.writeString(temporary, key.toJSONString());
                Files.move(temporary, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dev issuer key " + keyFile, e);
        }
        log.info("Created the dev issuer key (kid {}) in {}", key.getKeyID(), keyFile);
        return key;
    }

    private static FileAttribute<?>[] ownerOnly(Path directory) {
        if (!directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        };
    }

    private static String randomKeyId() {
        byte[] bytes = new byte[KEY_ID_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64URL.encode(bytes).toString();
    }
}
