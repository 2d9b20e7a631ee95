package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** A registered application: {@code appId} is the token's application id claim ({@code "appid"} in v1, {@code "azp"} in v2). */
public record ApplicationUser(String appId, String name, ApplicationKind kind, boolean enabled, Set<String> roles) {
    public ApplicationUser {
        requireNonNull(appId, "appId is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        roles = Ordered.set(requireNonNull(roles, "roles is null"));
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
