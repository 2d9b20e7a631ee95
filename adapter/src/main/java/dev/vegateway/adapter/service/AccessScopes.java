package dev.vegateway.adapter.service;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.rowfilter.CallerProfile;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.security.RoleGrant;
import dev.vegateway.catalog.EntityDefinition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Derives the planner's {@link AccessScope} of one privilege on an entity from a caller's effective permissions. */
public final class AccessScopes {
    private AccessScopes() {}

    /**
     * The scope of a gateway-owned entity (the data audit, the portal mappings and their audit):
     * every row for System and Security administrators, whatever their other roles grant; 403
     * naming {@code privilege} for anyone else.
     */
    public static AccessScope administratorsOnly(
            EffectivePermissions permissions, EntityDefinition entity, String privilege) {
        if (!permissions.isSystemAdministrator() && !permissions.isSecurityAdministrator()) {
            throw AccessDenied.administratorsOnly(permissions.user().name(), privilege, entity.logicalName());
        }
        return new AccessScope(
                permissions.user().id(),
                permissions.user().name(),
                true,
                List.of(),
                Set.of(),
                permissions.user().businessUnitId(),
                Set.of());
    }

    public static AccessScope read(EffectivePermissions permissions, EntityDefinition entity) {
        return of(permissions, entity, Privilege.READ);
    }

    /**
     * The scope of {@code privilege}; field security (unreadable fields) is that of Read whatever the
     * privilege. The gateway's own entities ({@link EntityDefinition.Origin#GATEWAY}) are for
     * administrators only, whatever roles grant.
     */
    public static AccessScope of(EffectivePermissions permissions, EntityDefinition entity, Privilege privilege) {
        if (entity.origin() == EntityDefinition.Origin.GATEWAY) {
            return administratorsOnly(permissions, entity, name(privilege));
        }
        List<AccessScope.Grant> grants = permissions.grants(entity.logicalName(), privilege).stream()
                .map(AccessScopes::grant)
                .toList();
        return new AccessScope(
                permissions.user().id(),
                permissions.user().name(),
                permissions.isSystemAdministrator(),
                grants,
                permissions.unreadableFields(entity.logicalName()),
                permissions.user().businessUnitId(),
                permissions.businessUnitAndDescendants(),
                permissions.user().attributes(),
                permissions.companies(),
                permissions.teams(),
                new CallerProfile(
                        permissions.hierarchy().reports(),
                        permissions.hierarchy().reportsTeams(),
                        permissions.hierarchy().language(),
                        permissions.hierarchy().timeZone()));
    }

    /** The privilege as Dataverse's messages and privilege names write it ({@code Create}, …, {@code AppendTo}). */
    public static String name(Privilege privilege) {
        return switch (privilege) {
            case CREATE -> "Create";
            case READ -> "Read";
            case WRITE -> "Write";
            case DELETE -> "Delete";
            case APPEND -> "Append";
            case APPEND_TO -> "AppendTo";
        };
    }

    private static AccessScope.Grant grant(RoleGrant grant) {
        AccessScope.Depth depth =
                switch (grant.depth()) {
                    case NONE -> AccessScope.Depth.NONE;
                    case BASIC -> AccessScope.Depth.BASIC;
                    case LOCAL -> AccessScope.Depth.LOCAL;
                    case DEEP -> AccessScope.Depth.DEEP;
                    case GLOBAL -> AccessScope.Depth.GLOBAL;
                };
        return new AccessScope.Grant(
                grant.role(),
                depth,
                grant.companies(),
                grant.rowFilter(),
                Optional.of(new AccessScope.Reach(
                        grant.reach().owners(),
                        grant.reach().businessUnit(),
                        grant.reach().businessUnitAndDescendants())));
    }
}
