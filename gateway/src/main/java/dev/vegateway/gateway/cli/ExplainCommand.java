package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vegateway explain}: why a user can or cannot read, create, write or delete the rows (and
 * one row, and one field) of an entity. It asks the same objects the gateway asks on every
 * request: the user's effective permissions, {@link AccessScopes} and, for a row, the planner and
 * the database under each privilege's scope; nothing is re-implemented here.
 */
@Command(
        name = "explain",
        description = "Explain why a user can or cannot read, create, write or delete an entity's rows, a row (--key)"
                + " and a field (--field).")
final class ExplainCommand implements Callable<Integer> {
    private static final List<Privilege> PRIVILEGES =
            List.of(Privilege.READ, Privilege.CREATE, Privilege.WRITE, Privilege.DELETE);

    @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
    Path config;

    @Option(names = "--user", required = true, description = "The backend user's id (a GUID).")
    UUID user;

    @Option(names = "--entity", required = true, description = "The entity's logical name.")
    String entity;

    @Option(names = "--key", description = "One row of the entity, by its key (a GUID).")
    UUID key;

    @Option(names = "--field", description = "One field of the entity, by its logical name.")
    String field;

    @Override
    public Integer call() {
        GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
        Catalog catalog = CatalogLoader.load(loaded.catalog().file());
        EntityDefinition definition = catalog.byLogicalName(entity).orElse(null);
        if (definition == null) {
            System.err.println("The catalog has no entity '" + entity + "'.");
            return 2;
        }
        if (field != null && definition.field(field).isEmpty()) {
            System.err.println("Entity '" + entity + "' has no field '" + field + "'.");
            return 2;
        }
        try (HikariDataSource dataSource = Backends.dataSource(loaded.backend());
                HikariDataSource securityData = loaded.separateSecurityBackend()
                        ? Backends.dataSource(loaded.securityBackend(), "vegateway-security")
                        : null) {
            SecurityStore store = new SecurityStore(
                    securityData == null ? dataSource : securityData,
                    new SecuritySchema(loaded.securityBackend().securitySchema()).name());
            EffectivePermissions permissions;
            try {
                permissions = store.permissionsOf(user);
            } catch (GatewayException e) {
                System.out.println("User " + user + " cannot call at all: " + e.getMessage());
                return 1;
            }
            System.out.println("User " + permissions.user().name() + " (" + user + "), business unit "
                    + permissions.user().businessUnitId().map(UUID::toString).orElse("(none)"));
            System.out.println("Roles: "
                    + (permissions.roles().isEmpty() ? "(none)" : String.join(", ", permissions.roles()))
                    + (permissions.isSystemAdministrator() ? " — System administrator: every row and field" : ""));
            System.out.println("Entity " + entity + ":");
            for (Privilege privilege : PRIVILEGES) {
                System.out.println("  " + name(privilege) + ": " + describe(permissions, definition, privilege));
            }
            printFields(permissions);
            if (key != null) {
                printRow(loaded, catalog, dataSource, permissions, definition);
            }
        }
        return 0;
    }

    private static String describe(EffectivePermissions permissions, EntityDefinition definition, Privilege privilege) {
        AccessScope scope;
        try {
            scope = AccessScopes.of(permissions, definition, privilege);
        } catch (GatewayException e) {
            return "no — " + e.getMessage();
        }
        if (scope.unrestricted()) {
            return "every row (administrator)";
        }
        List<AccessScope.Grant> granting = scope.grants().stream()
                .filter(grant -> grant.depth() != AccessScope.Depth.NONE)
                .toList();
        if (granting.isEmpty()) {
            return "no — no role grants it (403 0x80040220)";
        }
        StringBuilder text = new StringBuilder("yes, the rows of any of:");
        for (AccessScope.Grant grant : granting) {
            text.append("\n      role '")
                    .append(grant.role())
                    .append("': depth ")
                    .append(grant.depth().name().charAt(0)
                            + grant.depth().name().substring(1).toLowerCase(java.util.Locale.ROOT))
                    .append(grant.companies()
                            .map(companies -> ", companies "
                                    + String.join(
                                            ", ", companies.stream().sorted().toList()))
                            .orElse(", every company"))
                    .append(grant.rowFilter()
                            .map(filter -> ", row filter: " + filter)
                            .orElse(""));
        }
        return text.toString();
    }

    private void printFields(EffectivePermissions permissions) {
        var hidden = permissions.unreadableFields(entity);
        var uncreatable = permissions.uncreatableFields(entity);
        var unupdatable = permissions.unupdatableFields(entity);
        System.out.println("  Field security: hidden from reads " + list(hidden) + "; not settable on create "
                + list(uncreatable) + "; not settable on update " + list(unupdatable));
        if (field != null) {
            boolean administrator = permissions.isSystemAdministrator();
            System.out.println(
                    "Field " + field + ": read " + yes(administrator || !hidden.contains(field)) + ", create "
                            + yes(administrator || !uncreatable.contains(field)) + ", update "
                            + yes(administrator || !unupdatable.contains(field)) + " (a hidden field reads as null, and"
                            + " filtering or sorting on it is 403)");
        }
    }

    /** For each privilege, whether the row with {@code key} is inside that privilege's scope: the planner and the database say. */
    private void printRow(
            GatewayConfig loaded,
            Catalog catalog,
            HikariDataSource dataSource,
            EffectivePermissions permissions,
            EntityDefinition definition) {
        ContinuationTokens tokens = new ContinuationTokens(
                loaded.limits().skipTokenSecret().reveal().getBytes(UTF_8));
        QueryService queries = new QueryService(
                new QueryPlanner(catalog, tokens, loaded.limits().maxPageSize()),
                new SqlRenderer(Dialect.of(loaded.backend().kind())),
                dataSource,
                tokens,
                loaded.backend().queryTimeout());
        Query byKey = new Query(
                new Relation(
                        definition.logicalName(),
                        Columns.named(List.of()),
                        new Condition.Comparison(
                                new dev.vegateway.adapter.query.AttributeRef(definition.keyField()),
                                Condition.Operator.EQUAL,
                                new Literal(key)),
                        List.of(),
                        List.of()),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
        // every row, whatever the roles: does the row exist at all?
        AccessScope everything = new AccessScope(
                user, "explain", true, List.of(), java.util.Set.of(), Optional.empty(), java.util.Set.of());
        long exists = queries.count(byKey, requested -> everything);
        System.out.println("Row " + key + ": " + (exists == 0 ? "does not exist" : "exists"));
        if (exists == 0) {
            return;
        }
        for (Privilege privilege : List.of(Privilege.READ, Privilege.WRITE, Privilege.DELETE)) {
            String verdict;
            try {
                long inScope = queries.count(byKey, requested -> AccessScopes.of(permissions, requested, privilege));
                verdict = inScope == 1
                        ? "yes — inside the rows above"
                        : "no — outside every granting role's depth, companies and row filter (404 as if it did not exist)";
            } catch (GatewayException e) {
                verdict = "no — " + e.getMessage();
            }
            System.out.println("  " + name(privilege) + " this row: " + verdict);
        }
    }

    private static String name(Privilege privilege) {
        return switch (privilege) {
            case CREATE -> "Create";
            case READ -> "Read";
            case WRITE -> "Write";
            case DELETE -> "Delete";
            case APPEND -> "Append";
            case APPEND_TO -> "AppendTo";
        };
    }

    private static String list(java.util.Set<String> names) {
        return names.isEmpty()
                ? "(none)"
                : String.join(", ", names.stream().sorted().toList());
    }

    private static String yes(boolean allowed) {
        return allowed ? "yes" : "no";
    }
}
