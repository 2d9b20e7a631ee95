package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * One role assignment that grants a privilege on an entity: the role's depth, the companies the
 * assignment is restricted to (empty = all companies), the role's row filter on the entity
 * (OData {@code $filter} text, verbatim) and where its depth reaches (the owners Basic opens, the
 * unit Local and Deep open, how the role is held). A caller sees the union of the rows its grants
 * allow.
 */
public record RoleGrant(
        String role, Depth depth, Optional<Set<String>> companies, Optional<String> rowFilter, Reach reach) {
    public RoleGrant {
        requireNonNull(role, "role is null");
        requireNonNull(depth, "depth is null");
        companies = requireNonNull(companies, "companies is null").map(Ordered::set);
        requireNonNull(rowFilter, "rowFilter is null");
        requireNonNull(reach, "reach is null");
    }
}
