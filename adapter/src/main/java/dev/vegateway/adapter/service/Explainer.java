package dev.vegateway.adapter.service;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.security.RoleGrant;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.catalog.EntityDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * Answers why a user can or cannot read, create, write or delete an entity's rows, one row and one
 * field, by asking the objects every request asks: {@link CallerResolver} (may the user call at
 * all), the user's {@link EffectivePermissions}, {@link AccessScopes} and, for a row, the planner and
 * the database through {@link QueryService} under each privilege's scope, and under each granting
 * assignment's alone. Nothing of the security rules is re-implemented here, so the answer cannot
 * drift from what the API does. Used by {@code vegateway explain} and the function
 * {@code vegateway_Explain}.
 */
public final class Explainer {
    private static final List<Privilege> PRIVILEGES =
            List.of(Privilege.READ, Privilege.CREATE, Privilege.WRITE, Privilege.DELETE);
    private static final List<Privilege> ROW_PRIVILEGES = List.of(Privilege.READ, Privilege.WRITE, Privilege.DELETE);

    private final CallerResolver callers;
    private final SecurityStore store;
    private final QueryService queries;

    public Explainer(CallerResolver callers, SecurityStore store, QueryService queries) {
        this.callers = requireNonNull(callers, "callers is null");
        this.store = requireNonNull(store, "store is null");
        this.queries = requireNonNull(queries, "queries is null");
    }

    /**
     * @param entity an entity of the catalog {@code queries} plans on
     * @param field a field of the entity, if asked (the caller checked it exists)
     */
    public Explanation explain(UUID userId, EntityDefinition entity, Optional<UUID> key, Optional<String> field) {
        requireNonNull(userId, "userId is null");
        requireNonNull(entity, "entity is null");
        EffectivePermissions permissions;
        Optional<String> refusal = Optional.empty();
        try {
            permissions = callers.permissionsAsCaller(userId);
        } catch (GatewayException e) {
            refusal = Optional.of(e.getMessage());
            // A user that exists but cannot call (disabled, Administrative, a stub, no role): what its roles
            // grant, from the same permissions the gateway would load, with the refusal that overrides it.
            if (store.userById(userId).isEmpty()) {
                return new Explanation(
                        userId,
                        entity.logicalName(),
                        Optional.empty(),
                        refusal,
                        List.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty());
            }
            permissions = store.permissionsOf(userId);
        }
        Map<UUID, String> unitNames = new HashMap<>();
        for (SecurityDocument.BusinessUnit unit : store.exportAll().businessUnits()) {
            unitNames.put(unit.id(), unit.name());
        }
        Explanation.Subject subject = new Explanation.Subject(
                permissions.user().name(),
                permissions.user().businessUnitId(),
                permissions.user().businessUnitId().map(unitNames::get),
                List.copyOf(permissions.roles()),
                permissions.isSystemAdministrator());
        Query byKey = key.map(value -> byKey(entity, value)).orElse(null);
        boolean exists = byKey != null && queries.count(byKey, ReadScopes.only(entity, everything(userId))) > 0;
        List<Explanation.PrivilegeVerdict> privileges = new ArrayList<>();
        for (Privilege privilege : PRIVILEGES) {
            privileges.add(verdict(
                    permissions, entity, privilege, exists && privilege != Privilege.CREATE ? byKey : null, unitNames));
        }
        Set<String> hidden = permissions.unreadableFields(entity.logicalName());
        Set<String> uncreatable = permissions.uncreatableFields(entity.logicalName());
        Set<String> unupdatable = permissions.unupdatableFields(entity.logicalName());
        boolean administrator = permissions.isSystemAdministrator();
        Optional<Explanation.FieldVerdict> fieldVerdict = field.map(name -> new Explanation.FieldVerdict(
                name,
                administrator || !hidden.contains(name),
                administrator || !uncreatable.contains(name),
                administrator || !unupdatable.contains(name)));
        EffectivePermissions granted = permissions;
        Optional<Explanation.RowVerdict> row = key.map(value -> {
            List<Explanation.RowPrivilege> rowPrivileges = new ArrayList<>();
            if (exists) {
                for (Privilege privilege : ROW_PRIVILEGES) {
                    rowPrivileges.add(rowPrivilege(granted, entity, privilege, byKey));
                }
            }
            return new Explanation.RowVerdict(value, exists, rowPrivileges);
        });
        return new Explanation(
                userId,
                entity.logicalName(),
                Optional.of(subject),
                refusal,
                privileges,
                Optional.of(new Explanation.FieldRules(hidden, uncreatable, unupdatable)),
                fieldVerdict,
                row);
    }

    /** The privilege's scope and each granting assignment; with a row, whether each one alone opens it. */
    private Explanation.PrivilegeVerdict verdict(
            EffectivePermissions permissions,
            EntityDefinition entity,
            Privilege privilege,
            Query byKey,
            Map<UUID, String> unitNames) {
        AccessScope scope;
        try {
            scope = AccessScopes.of(permissions, entity, privilege);
        } catch (GatewayException e) {
            return new Explanation.PrivilegeVerdict(
                    name(privilege), false, false, List.of(), Optional.of(e.getMessage()));
        }
        if (scope.unrestricted()) {
            return new Explanation.PrivilegeVerdict(name(privilege), true, true, List.of(), Optional.empty());
        }
        List<RoleGrant> roleGrants = permissions.grants(entity.logicalName(), privilege);
        List<Explanation.Grant> grants = new ArrayList<>();
        for (int index = 0; index < scope.grants().size(); index++) {
            AccessScope.Grant grant = scope.grants().get(index);
            if (grant.depth() == AccessScope.Depth.NONE) {
                continue;
            }
            RoleGrant described = roleGrants.get(index);
            Optional<Boolean> opensRow = Optional.empty();
            Optional<Boolean> filterHolds = Optional.empty();
            if (byKey != null) {
                opensRow = Optional.of(inside(entity, byKey, only(scope, grant)));
                if (grant.rowFilter().isPresent()) {
                    AccessScope.Grant filterOnly = new AccessScope.Grant(
                            grant.role(),
                            AccessScope.Depth.GLOBAL,
                            Optional.empty(),
                            grant.rowFilter(),
                            Optional.empty());
                    filterHolds = Optional.of(inside(entity, byKey, only(scope, filterOnly)));
                }
            }
            grants.add(new Explanation.Grant(
                    grant.role(),
                    depthName(grant.depth()),
                    described.reach().via().describe(),
                    described.reach().via().team(),
                    described.reach().owners(),
                    described.reach().businessUnit(),
                    described.reach().businessUnit().map(unitNames::get),
                    described.reach().businessUnitAssigned(),
                    grant.companies(),
                    grant.rowFilter(),
                    opensRow,
                    filterHolds));
        }
        if (grants.isEmpty()) {
            return new Explanation.PrivilegeVerdict(
                    name(privilege), false, false, List.of(), Optional.of("no role grants it (403 0x80040220)"));
        }
        return new Explanation.PrivilegeVerdict(name(privilege), true, false, grants, Optional.empty());
    }

    private Explanation.RowPrivilege rowPrivilege(
            EffectivePermissions permissions, EntityDefinition entity, Privilege privilege, Query byKey) {
        try {
            AccessScope scope = AccessScopes.of(permissions, entity, privilege);
            return new Explanation.RowPrivilege(name(privilege), inside(entity, byKey, scope), Optional.empty());
        } catch (GatewayException e) {
            return new Explanation.RowPrivilege(name(privilege), false, Optional.of(e.getMessage()));
        }
    }

    /** Whether the row lies inside {@code scope}: the planner and the database say. */
    private boolean inside(EntityDefinition entity, Query byKey, AccessScope scope) {
        return queries.count(byKey, ReadScopes.only(entity, scope)) == 1;
    }

    /** {@code scope} with one grant only. */
    private static AccessScope only(AccessScope scope, AccessScope.Grant grant) {
        return new AccessScope(
                scope.userId(),
                scope.userName(),
                false,
                List.of(grant),
                scope.unreadableFields(),
                scope.businessUnit(),
                scope.businessUnitAndDescendants(),
                scope.userAttributes(),
                scope.companies(),
                scope.teams(),
                scope.profile());
    }

    /** Every row, whatever the roles: does the row exist at all? */
    private static AccessScope everything(UUID userId) {
        return new AccessScope(userId, "explain", true, List.of(), Set.of(), Optional.empty(), Set.of());
    }

    private static Query byKey(EntityDefinition entity, UUID key) {
        return new Query(
                new Relation(
                        entity.logicalName(),
                        Columns.named(List.of()),
                        new Condition.Comparison(
                                new AttributeRef(entity.keyField()), Condition.Operator.EQUAL, new Literal(key)),
                        List.of(),
                        List.of()),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }

    private static String name(Privilege privilege) {
        return AccessScopes.name(privilege);
    }

    private static String depthName(AccessScope.Depth depth) {
        String name = depth.name();
        return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }
}
