package dev.vegateway.gateway.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.vegateway.adapter.security.TokenUser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a verified token's user claims: {@code oid}, {@code tid} and {@code groups}. A claim of the
 * wrong shape counts as absent (an {@code oid} that is no GUID names no user); a {@code groups}
 * entry that is no GUID (a group name, as Entra ID can be configured to send) is left out, since
 * group teams are bound to object ids.
 */
final class TokenUsers {
    private TokenUsers() {}

    static TokenUser of(JWTClaimsSet claims) {
        return new TokenUser(
                guid(claims.getClaim("oid")), text(claims.getClaim("tid")), groups(claims.getClaim("groups")));
    }

    private static Optional<UUID> guid(Object value) {
        return text(value).flatMap(TokenUsers::parse);
    }

    private static Optional<String> text(Object value) {
        return value instanceof String text && !text.isBlank() ? Optional.of(text.trim()) : Optional.empty();
    }

    private static Optional<Set<UUID>> groups(Object value) {
        if (!(value instanceof List<?> list)) {
            return Optional.empty();
        }
        Set<UUID> groups = new LinkedHashSet<>();
        for (Object element : list) {
            guid(element).ifPresent(groups::add);
        }
        return Optional.of(groups);
    }

    private static Optional<UUID> parse(String text) {
        if (text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
