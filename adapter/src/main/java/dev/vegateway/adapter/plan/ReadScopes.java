package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.EntityDefinition;

/**
 * What the caller may read of each entity a query touches: the planner asks it once per
 * relation of the query tree, the root and every joined one.
 */
@FunctionalInterface
public interface ReadScopes {
    AccessScope of(EntityDefinition entity);

    /** The scope of one entity, for a query that joins nothing (a lookup by key, a scope check). */
    static ReadScopes only(EntityDefinition entity, AccessScope scope) {
        requireNonNull(entity, "entity is null");
        requireNonNull(scope, "scope is null");
        return requested -> {
            if (!requested.logicalName().equals(entity.logicalName())) {
                throw new IllegalStateException(
                        "a scope of " + entity.logicalName() + " was asked for " + requested.logicalName());
            }
            return scope;
        };
    }
}
