package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a verified token says about the user it was issued for: its {@code oid} (directory object
 * id), {@code tid} (tenant) and {@code groups} (directory group object ids; empty when the token
 * carries no {@code groups} claim, which is not the same as an empty claim). These claims speak
 * for a user only when the request names that same user with {@code CallerObjectId}.
 */
public record TokenUser(Optional<UUID> objectId, Optional<String> tenantId, Optional<Set<UUID>> groups) {
    public static final TokenUser NONE = new TokenUser(Optional.empty(), Optional.empty(), Optional.empty());

    public TokenUser {
        requireNonNull(objectId, "objectId is null");
        requireNonNull(tenantId, "tenantId is null");
        groups = requireNonNull(groups, "groups is null").map(Ordered::set);
    }
}
