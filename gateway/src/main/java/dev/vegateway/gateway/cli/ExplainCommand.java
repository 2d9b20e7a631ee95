package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.Explainer;
import dev.vegateway.adapter.service.Explanation;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vegateway explain}: why a user can or cannot read, create, write or delete the rows (and
 * one row, and one field) of an entity. The answer is {@link Explainer}'s (the objects the gateway
 * asks on every request), printed as text; the function {@code vegateway_Explain} writes the same
 * answer as JSON.
 */
@Command(
        name = "explain",
        description = "Explain why a user can or cannot read, create, write or delete an entity's rows, a row (--key)"
                + " and a field (--field).")
final class ExplainCommand implements Callable<Integer> {
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
            ContinuationTokens tokens = new ContinuationTokens(
                    loaded.limits().skipTokenSecret().reveal().getBytes(UTF_8));
            QueryService queries = new QueryService(
                    QueryPlanner.of(catalog, tokens, loaded.limits().maxPageSize()),
                    new SqlRenderer(Dialect.of(loaded.backend().kind())),
                    dataSource,
                    tokens,
                    loaded.backend().queryTimeout());
            Explanation explanation = new Explainer(new CallerResolver(store), store, queries)
                    .explain(user, definition, Optional.ofNullable(key), Optional.ofNullable(field));
            System.out.print(text(explanation));
            return explanation.canCall() ? 0 : 1;
        }
    }

    /** The explanation as the command prints it. */
    static String text(Explanation explanation) {
        StringBuilder text = new StringBuilder();
        if (explanation.user().isEmpty()) {
            text.append("User ")
                    .append(explanation.userId())
                    .append(" cannot call at all: ")
                    .append(explanation.refusal().orElse(""))
                    .append('\n');
            return text.toString();
        }
        Explanation.Subject user = explanation.user().get();
        text.append("User ")
                .append(user.name())
                .append(" (")
                .append(explanation.userId())
                .append("), business unit ")
                .append(unit(user.businessUnit(), user.businessUnitName()))
                .append('\n');
        explanation.refusal().ifPresent(refusal -> text.append("Refused: ")
                .append(refusal)
                .append(" — every call is refused (403); what follows is what the user's roles would grant,")
                .append(" which this refusal overrides\n"));
        text.append("Roles: ")
                .append(user.roles().isEmpty() ? "(none)" : String.join(", ", user.roles()))
                .append(user.systemAdministrator() ? " — System administrator: every row and field" : "")
                .append('\n');
        text.append("Entity ").append(explanation.entity()).append(":\n");
        for (Explanation.PrivilegeVerdict privilege : explanation.privileges()) {
            text.append("  ").append(privilege.privilege()).append(": ");
            if (!privilege.allowed()) {
                text.append("no — ").append(privilege.refusal().orElse("")).append('\n');
                continue;
            }
            if (privilege.everyRow()) {
                text.append("every row (administrator)\n");
                continue;
            }
            text.append("yes, the rows of any of:");
            for (Explanation.Grant grant : privilege.grants()) {
                text.append("\n      role '")
                        .append(grant.role())
                        .append("' ")
                        .append(grant.via())
                        .append(": depth ")
                        .append(grant.depth())
                        .append(reach(grant))
                        .append(grant.companies()
                                .map(companies -> ", companies "
                                        + String.join(
                                                ", ",
                                                companies.stream().sorted().toList()))
                                .orElse(", every company"))
                        .append(grant.rowFilter()
                                .map(filter -> ", row filter: " + filter)
                                .orElse(""));
                grant.rowFilterHolds()
                        .ifPresent(holds ->
                                text.append(" (for this row: ").append(holds).append(')'));
                grant.opensRow()
                        .ifPresent(opens -> text.append(opens ? " — opens this row" : " — does not open this row"));
            }
            text.append('\n');
        }
        explanation.fieldSecurity().ifPresent(rules -> text.append("  Field security: hidden from reads ")
                .append(list(rules.hiddenFromReads()))
                .append("; not settable on create ")
                .append(list(rules.notSettableOnCreate()))
                .append("; not settable on update ")
                .append(list(rules.notSettableOnUpdate()))
                .append('\n'));
        explanation.field().ifPresent(field -> text.append("Field ")
                .append(field.field())
                .append(": read ")
                .append(yes(field.read()))
                .append(", create ")
                .append(yes(field.create()))
                .append(", update ")
                .append(yes(field.update()))
                .append(" (a hidden field reads as null, and filtering or sorting on it is 403)\n"));
        explanation.row().ifPresent(row -> {
            text.append("Row ")
                    .append(row.key())
                    .append(": ")
                    .append(row.exists() ? "exists" : "does not exist")
                    .append('\n');
            for (Explanation.RowPrivilege privilege : row.privileges()) {
                text.append("  ")
                        .append(privilege.privilege())
                        .append(" this row: ")
                        .append(
                                privilege.refusal().isPresent()
                                        ? "no — " + privilege.refusal().get()
                                        : privilege.allowed()
                                                ? "yes — inside the rows above"
                                                : "no — outside every granting role's depth, companies and row filter"
                                                        + " (404 as if it did not exist)")
                        .append('\n');
            }
        });
        return text.toString();
    }

    /** Where a grant's depth reaches, as Basic, Local and Deep read it. */
    private static String reach(Explanation.Grant grant) {
        return switch (grant.depth()) {
            case "Basic" -> grant.owners().size() == 1
                            && grant.team().isPresent()
                            && grant.owners().contains(grant.team().get())
                    ? " (rows the team owns)"
                    : grant.team().isPresent() ? " (rows the user or the team owns)" : " (rows the user owns)";
            case "Local", "Deep" -> " in business unit " + unit(grant.businessUnit(), grant.businessUnitName())
                    + (grant.businessUnitAssigned() ? " (named by the assignment)" : "")
                    + (grant.depth().equals("Deep") ? " and below" : "");
            default -> "";
        };
    }

    private static String unit(Optional<UUID> id, Optional<String> name) {
        if (id.isEmpty()) {
            return "(none)";
        }
        return name.map(each -> each + " (" + id.get() + ")").orElse(id.get().toString());
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
