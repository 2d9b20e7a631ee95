package dev.vegateway.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.TokenUser;
import java.time.Instant;
import java.util.Optional;

/**
 * A bearer token whose signature and claims passed {@link TokenValidator} (SPEC 4).
 *
 * @param applicationId the calling application: the {@code appid} claim (v1 tokens) or {@code azp} (v2)
 * @param issuer the {@code iss} claim, one of the configured issuers
 * @param subject the {@code sub} claim, when present
 * @param expiresAt the {@code exp} claim
 * @param tokenHash lowercase hex SHA-256 of the compact token, safe to log in place of the token
 * @param user the token's {@code oid}, {@code tid} and {@code groups} claims, for first access and group teams
 */
public record VerifiedToken(
        String applicationId,
        String issuer,
        Optional<String> subject,
        Instant expiresAt,
        String tokenHash,
        TokenUser user) {
    public VerifiedToken {
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(issuer, "issuer is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(tokenHash, "tokenHash is null");
        requireNonNull(user, "user is null");
    }
}
