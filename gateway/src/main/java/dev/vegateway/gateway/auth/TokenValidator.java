package dev.vegateway.gateway.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.config.GatewayConfig;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Validates the S2S bearer token of a request (SPEC 4): the {@code Authorization} header, the JWS
 * signature against the configured JWK set, and the {@code exp}, {@code nbf}, {@code iss},
 * {@code aud} and {@code appid}/{@code azp} claims. Every failure is a
 * {@link GatewayException} with {@link ErrorCode#INVALID_TOKEN} and a message that never repeats
 * the token.
 *
 * <p>Only the allow-listed RSA and EC algorithms are accepted, so {@code none} and HMAC (for
 * example HS256 keyed with the issuer's public key) fail before any key is looked up. Keys come
 * only from the configured set: the {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} headers
 * are never read.
 *
 * <p>Verified tokens are remembered, keyed by their SHA-256, until {@code exp} plus the clock
 * skew, so a client reusing its token costs one hash per request instead of a signature check.
 * Time comes from the injected clock, the cache's included. Thread-safe.
 */
public final class TokenValidator {
    public static final int DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;

    private static final long MAXIMUM_CACHED_TOKENS = 100_000;
    private static final int MAXIMUM_ECHOED_LENGTH = 100;
    private static final String BEARER_SCHEME = "bearer";

    private final int maxTokenBytes;
    private final Clock clock;
    private final Duration clockSkew;
    private final Set<JWSAlgorithm> algorithms;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    private final BooleanSupplier keysLoaded;
    private final JWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
    private final Cache<String, VerifiedToken> verifiedTokens;
    private final LongAdder signatureVerifications = new LongAdder();

    /** Keys from {@code auth.jwks.file} or {@code auth.jwks.url}, exactly one of which must be set. */
    public TokenValidator(GatewayConfig.Auth auth, int maxTokenBytes, Clock clock) {
        this(auth, maxTokenBytes, clock, Optional.empty());
    }

    /**
     * Keys given here, for the embedded dev issuer (and tests); {@code auth.jwks.file} and
     * {@code auth.jwks.url} must then be unset.
     */
    public TokenValidator(GatewayConfig.Auth auth, int maxTokenBytes, Clock clock, JWKSet keys) {
        this(auth, maxTokenBytes, clock, Optional.of(requireNonNull(keys, "keys is null")));
    }

    private TokenValidator(GatewayConfig.Auth auth, int maxTokenBytes, Clock clock, Optional<JWKSet> explicitKeys) {
        requireNonNull(auth, "auth is null");
        if (maxTokenBytes <= 0) {
            throw new IllegalArgumentException("maxTokenBytes must be positive but was " + maxTokenBytes);
        }
        if (auth.clockSkew().isNegative()) {
            throw new IllegalArgumentException("auth.clockSkew must not be negative but was " + auth.clockSkew());
        }
        this.maxTokenBytes = maxTokenBytes;
        this.clock = requireNonNull(clock, "clock is null");
        this.clockSkew = auth.clockSkew();
        this.algorithms = allowedAlgorithms(auth.algorithms());
        this.issuers = nonEmptySet(auth.issuers(), "auth.issuers");
        this.audiences = nonEmptySet(auth.audiences(), "auth.audiences");

        JWKSource<SecurityContext> keySource;
        if (explicitKeys.isPresent()) {
            if (auth.jwksFile().isPresent() || auth.jwksUrl().isPresent()) {
                throw new IllegalArgumentException(
                        "auth.jwks.file and auth.jwks.url must not be set when the keys are given explicitly (dev issuer)");
            }
            JWKSet publicKeys = explicitKeys.get().toPublicJWKSet();
            keySource = new ImmutableJWKSet<>(publicKeys);
            this.keysLoaded = () -> !publicKeys.isEmpty();
        } else if (auth.jwksFile().isPresent() && auth.jwksUrl().isPresent()) {
            throw new IllegalArgumentException("auth.jwks.file and auth.jwks.url are both set; configure exactly one");
        } else if (auth.jwksFile().isPresent()) {
            RefreshingJwkSource fileSource =
                    RefreshingJwkSource.fromFile(auth.jwksFile().get(), clock, auth.unknownKidMinInterval());
            keySource = fileSource;
            this.keysLoaded = fileSource::keysLoaded;
        } else if (auth.jwksUrl().isPresent()) {
            RefreshingJwkSource urlSource = RefreshingJwkSource.fromUrl(
                    auth.jwksUrl().get(),
                    clock,
                    auth.jwksRefreshInterval(),
                    auth.unknownKidMinInterval(),
                    auth.jwksMaxStaleness());
            keySource = urlSource;
            this.keysLoaded = urlSource::keysLoaded;
        } else {
            throw new IllegalArgumentException("neither auth.jwks.file nor auth.jwks.url is set");
        }
        this.keySelector = new JWSVerificationKeySelector<>(algorithms, keySource);

        this.verifiedTokens = Caffeine.newBuilder()
                .recordStats()
                .maximumSize(MAXIMUM_CACHED_TOKENS)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String hash, VerifiedToken token) -> timeToLive(token)))
                .executor(Runnable::run)
                .build();
    }

    /** The cache of verified tokens (by their SHA-256), for its meters. */
    public Cache<String, VerifiedToken> verifiedTokens() {
        return verifiedTokens;
    }

    /**
     * Validates the raw {@code Authorization} header value ({@code null} when the request has none).
     *
     * @throws GatewayException with {@link ErrorCode#INVALID_TOKEN} when the token is not acceptable
     */
    public VerifiedToken validate(String authorizationHeader) {
        String token = bearerToken(authorizationHeader);
        // Characters, not bytes: never more than the bytes, and equal for a JWT, which is ASCII.
        if (token.length() > maxTokenBytes) {
            throw invalid("The bearer token is longer than the limit of %d bytes", maxTokenBytes);
        }
        String tokenHash = sha256Hex(token);
        Instant now = clock.instant();
        VerifiedToken cached = verifiedTokens.getIfPresent(tokenHash);
        if (cached != null) {
            // The cache evicts at the same instant; checking here keeps the rule free of eviction timing.
            requireNotExpired(cached.expiresAt(), now);
            return cached;
        }
        VerifiedToken verified = verify(token, tokenHash, now);
        verifiedTokens.put(tokenHash, verified);
        return verified;
    }

    /** For {@code /health/ready}: true once a JWK set with at least one key has been loaded. */
    public boolean keysLoaded() {
        return keysLoaded.getAsBoolean();
    }

    /** How many times a signature was checked; cache hits do not count. */
    long signatureVerifications() {
        return signatureVerifications.sum();
    }

    private static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw invalid("The request has no Authorization header");
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals(BEARER_SCHEME)) {
            throw invalid("The Authorization header does not use the Bearer scheme");
        }
        if (space < 0) {
            throw invalid("The Authorization header has no token after Bearer");
        }
        return header.substring(space + 1).stripLeading();
    }

    private VerifiedToken verify(String token, String tokenHash, Instant now) {
        SignedJWT signedJwt = parseSigned(token);
        JWSHeader header = signedJwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw invalid(
                    "The token's signing algorithm %s is not allowed; allowed: %s",
                    printable(header.getAlgorithm().getName()), names(algorithms));
        }
        requireValidSignature(signedJwt, selectKeys(header));

        JWTClaimsSet claims;
        try {
            claims = signedJwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("The token's payload is not a valid JWT claims set");
        }
        return checkClaims(claims, tokenHash, now);
    }

    private static SignedJWT parseSigned(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            // Nimbus' message may quote parts of the token: do not pass it on.
            throw invalid("The bearer token is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw invalid("The token is unsigned (alg none), which is never accepted");
        }
        if (jwt instanceof SignedJWT signedJwt) {
            return signedJwt;
        }
        throw invalid("The token is encrypted (JWE), which is not supported");
    }

    private List<Key> selectKeys(JWSHeader header) {
        List<Key> keys;
        try {
            keys = keySelector.selectJWSKeys(header, null);
        } catch (KeySourceException e) {
            throw invalid("The signing keys could not be loaded");
        }
        if (!keys.isEmpty()) {
            return keys;
        }
        if (!keysLoaded()) {
            throw invalid("No signing keys have been loaded yet, or the loaded ones are older than"
                    + " auth.jwks.maxStaleness and the JWKS URL cannot be read");
        }
        if (header.getKeyID() == null) {
            throw invalid(
                    "The token has no key id (kid) and no known %s signing key matches it",
                    header.getAlgorithm().getName());
        }
        throw invalid(
                "The token's signing key (kid '%s') is not a known %s key",
                printable(header.getKeyID()), header.getAlgorithm().getName());
    }

    private void requireValidSignature(SignedJWT signedJwt, List<Key> candidates) {
        signatureVerifications.increment();
        for (Key key : candidates) {
            try {
                if (signedJwt.verify(verifierFactory.createJWSVerifier(signedJwt.getHeader(), key))) {
                    return;
                }
            } catch (JOSEException e) {
                // This key cannot verify this algorithm; try the next one.
            }
        }
        throw invalid("The token's signature is invalid");
    }

    private VerifiedToken checkClaims(JWTClaimsSet claims, String tokenHash, Instant now) {
        Date expiration = claims.getExpirationTime();
        if (expiration == null) {
            throw invalid("The token has no expiry (exp claim)");
        }
        Instant expiresAt = expiration.toInstant();
        requireNotExpired(expiresAt, now);
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(clockSkew).isBefore(notBefore.toInstant())) {
            throw invalid("The token is not valid before %s", notBefore.toInstant());
        }

        String issuer = claims.getIssuer();
        if (issuer == null) {
            throw invalid("The token has no issuer (iss claim)");
        }
        if (!issuers.contains(issuer)) {
            throw invalid("The token's issuer '%s' is not accepted", printable(issuer));
        }

        List<String> audience = claims.getAudience();
        if (audience.isEmpty()) {
            throw invalid("The token has no audience (aud claim)");
        }
        if (Collections.disjoint(audience, audiences)) {
            throw invalid("The token's audience %s is not accepted", printable(audience.toString()));
        }

        String applicationId = stringClaim(claims, "appid")
                .or(() -> stringClaim(claims, "azp"))
                .orElseThrow(() -> invalid("The token has neither an appid nor an azp claim"));
        return new VerifiedToken(
                applicationId,
                issuer,
                Optional.ofNullable(claims.getSubject()),
                expiresAt,
                tokenHash,
                TokenUsers.of(claims));
    }

    /** A verified token is remembered until it expires, clock skew included. */
    private Duration timeToLive(VerifiedToken token) {
        Duration remaining = Duration.between(clock.instant(), token.expiresAt().plus(clockSkew));
        return remaining.isNegative() ? Duration.ZERO : remaining;
    }

    private void requireNotExpired(Instant expiresAt, Instant now) {
        if (!now.isBefore(expiresAt.plus(clockSkew))) {
            throw invalid("The token expired at %s", expiresAt);
        }
    }

    private static Optional<String> stringClaim(JWTClaimsSet claims, String name) {
        try {
            return Optional.ofNullable(claims.getStringClaim(name)).filter(value -> !value.isBlank());
        } catch (ParseException e) {
            throw invalid("The token's %s claim is not a string", name);
        }
    }

    private static Set<JWSAlgorithm> allowedAlgorithms(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "auth.algorithms is empty; list the accepted signature algorithms, e.g. RS256, PS256, ES256");
        }
        Set<JWSAlgorithm> allowed = new LinkedHashSet<>();
        for (String name : names) {
            JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
            if (!JWSAlgorithm.Family.RSA.contains(algorithm) && !JWSAlgorithm.Family.EC.contains(algorithm)) {
                throw new IllegalArgumentException("auth.algorithms: " + name
                        + " is not an RSA or EC signature algorithm; none and HMAC are never accepted");
            }
            allowed.add(algorithm);
        }
        return Set.copyOf(allowed);
    }

    private static Set<String> nonEmptySet(List<String> values, String key) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(key + " is empty; no token could be accepted");
        }
        return Set.copyOf(values);
    }

    private static String names(Set<JWSAlgorithm> algorithms) {
        return algorithms.stream().map(JWSAlgorithm::getName).sorted().collect(Collectors.joining(", "));
    }

    private static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A value taken from the token, shortened and reduced to printable ASCII for messages and logs. */
    private static String printable(String value) {
        String shortened =
                value.length() > MAXIMUM_ECHOED_LENGTH ? value.substring(0, MAXIMUM_ECHOED_LENGTH) + "..." : value;
        return shortened.replaceAll("[^\\x20-\\x7E]", "?");
    }

    @FormatMethod
    private static GatewayException invalid(@FormatString String format, Object... arguments) {
        return GatewayException.of(ErrorCode.INVALID_TOKEN, format, arguments);
    }
}
