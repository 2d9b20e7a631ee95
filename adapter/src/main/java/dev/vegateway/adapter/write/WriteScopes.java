package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.catalog.EntityDefinition;
import java.util.Set;

/**
 * The one place where a caller's write rules on an entity are derived from their effective
 * permissions: the rows each write privilege covers (through the planner, as reads) and the
 * fields field security forbids creating or updating.
 */
public final class WriteScopes {
    private WriteScopes() {}

    public static WriteContext.Scopes of(
            QueryPlanner planner, EffectivePermissions permissions, EntityDefinition entity) {
        requireNonNull(planner, "planner is null");
        requireNonNull(permissions, "permissions is null");
        requireNonNull(entity, "entity is null");
        return operation -> switch (operation) {
            case CREATE -> new WriteContext.Allowed(
                    planner.rowScope(entity, AccessScopes.of(permissions, entity, Privilege.CREATE), "Create"),
                    protectedFields(permissions, permissions.uncreatableFields(entity.logicalName())));
            case WRITE -> new WriteContext.Allowed(
                    planner.rowScope(entity, AccessScopes.of(permissions, entity, Privilege.WRITE), "Write"),
                    protectedFields(permissions, permissions.unupdatableFields(entity.logicalName())));
            case DELETE -> WriteContext.Allowed.rows(
                    planner.rowScope(entity, AccessScopes.of(permissions, entity, Privilege.DELETE), "Delete"));
        };
    }

    /** A System administrator may set every field, as they may read every field. */
    private static Set<String> protectedFields(EffectivePermissions permissions, Set<String> denied) {
        return permissions.isSystemAdministrator() ? Set.of() : denied;
    }
}
