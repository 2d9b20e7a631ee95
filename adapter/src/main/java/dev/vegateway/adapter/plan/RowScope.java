package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.rowfilter.CallerValues;
import dev.vegateway.adapter.rowfilter.PlaceholderBinder;
import dev.vegateway.adapter.rowfilter.RowFilterCache;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The row-security conjunct of one relation: the OR over the caller's granting role
 * assignments of (depth condition AND company restriction AND the role's row filter). It is
 * attached to the relation in the plan, so a caller's own filter is ANDed with it and can never
 * widen it.
 */
final class RowScope {
    private RowScope() {}

    /**
     * @param rowFilters parsed row filters by text
     * @param resolver resolves a row filter whose placeholders are bound against the entity, as
     *     a caller's filter is resolved but without the field-security check: row filters are
     *     the server's and may use fields the caller cannot read
     */
    static Condition of(
            EntityDefinition entity,
            AccessScope scope,
            String alias,
            RowFilterCache rowFilters,
            UnaryOperator<Condition> resolver) {
        return of(entity, scope, alias, rowFilters, resolver, "Read");
    }

    /** @param privilege the privilege the scope grants, named in the 403 when no role grants it */
    static Condition of(
            EntityDefinition entity,
            AccessScope scope,
            String alias,
            RowFilterCache rowFilters,
            UnaryOperator<Condition> resolver,
            String privilege) {
        if (scope.unrestricted()) {
            return Condition.TRUE;
        }
        CallerValues caller =
                new CallerValues(scope.userId(), scope.businessUnit(), scope.companies(), scope.userAttributes());
        boolean granted = false;
        List<Condition> alternatives = new ArrayList<>();
        for (AccessScope.Grant grant : scope.grants()) {
            if (grant.depth() == AccessScope.Depth.NONE) {
                continue;
            }
            granted = true;
            List<Condition> parts = new ArrayList<>();
            parts.add(depth(entity, reach(scope, grant), grant.depth(), alias));
            if (grant.companies().isPresent() && entity.companyField().isPresent()) {
                ColumnRef company = column(entity, entity.companyField().get(), alias);
                List<Literal> companies = grant.companies().get().stream()
                        .sorted()
                        .map(Literal::new)
                        .toList();
                parts.add(companies.isEmpty() ? Condition.FALSE : new Condition.In(company, companies, false));
            }
            if (grant.rowFilter().isPresent() && !parts.contains(Condition.FALSE)) {
                parts.add(rowFilter(entity, grant, grant.rowFilter().get(), caller, rowFilters, resolver));
            }
            if (parts.contains(Condition.FALSE)) {
                continue; // this assignment opens no row
            }
            Condition alternative = Condition.and(parts);
            if (Condition.TRUE.equals(alternative)) {
                return Condition.TRUE;
            }
            alternatives.add(alternative);
        }
        if (!granted) {
            throw AccessDenied.privilege(scope.userName(), privilege, entity.logicalName());
        }
        if (alternatives.isEmpty()) {
            return Condition.FALSE;
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new Condition.Or(alternatives);
    }

    /**
     * The grant's row filter, parsed (once per text), its placeholders bound to the caller's
     * values and resolved. A placeholder without a value for this caller makes it FALSE. A
     * filter that does not parse or resolve is a configuration error: the request fails (500)
     * rather than being answered without the filter.
     */
    private static Condition rowFilter(
            EntityDefinition entity,
            AccessScope.Grant grant,
            String text,
            CallerValues caller,
            RowFilterCache rowFilters,
            UnaryOperator<Condition> resolver) {
        Condition parsed;
        try {
            parsed = rowFilters.parse(text).condition();
        } catch (FilterSyntaxException e) {
            throw misconfigured(entity, grant, "it does not parse: " + e.getMessage(), e);
        }
        Optional<Condition> bound = PlaceholderBinder.bind(parsed, caller);
        if (bound.isEmpty()) {
            return Condition.FALSE;
        }
        try {
            return resolver.apply(bound.get());
        } catch (GatewayException e) {
            throw misconfigured(entity, grant, e.getMessage(), e);
        }
    }

    private static GatewayException misconfigured(
            EntityDefinition entity, AccessScope.Grant grant, String problem, RuntimeException cause) {
        return new GatewayException(
                ErrorCode.INTERNAL,
                String.format(
                        "The row filter of role '%s' on entity '%s' cannot be applied: %s",
                        grant.role(), entity.logicalName(), problem),
                cause);
    }

    /** Where the grant reaches: its own reach, or the caller's rows and unit. */
    private static AccessScope.Reach reach(AccessScope scope, AccessScope.Grant grant) {
        return grant.reach()
                .orElseGet(() -> new AccessScope.Reach(
                        Set.of(scope.userId()), scope.businessUnit(), scope.businessUnitAndDescendants()));
    }

    private static Condition depth(
            EntityDefinition entity, AccessScope.Reach reach, AccessScope.Depth depth, String alias) {
        switch (depth) {
            case GLOBAL, NONE:
                return Condition.TRUE;
            case BASIC:
                return ownerIn(entity, reach.owners(), alias);
            case LOCAL:
                return unitIn(entity, reach.businessUnit().map(List::of).orElse(List.of()), alias);
            case DEEP:
                return unitIn(entity, List.copyOf(reach.businessUnitAndDescendants()), alias);
        }
        throw new IllegalStateException("unknown depth " + depth);
    }

    /**
     * Basic depth: the owner column holds the caller's id, or the id of a team the caller holds the
     * role through (team-owned rows count as the members' own). One owner is {@code =}, several {@code IN}.
     */
    private static Condition ownerIn(EntityDefinition entity, Set<UUID> owners, String alias) {
        Optional<String> owner = entity.ownerField();
        if (owner.isEmpty()) {
            return Condition.TRUE; // organisation-owned entities know only None and Global; any depth opens them
        }
        if (owners.isEmpty()) {
            return Condition.FALSE;
        }
        ColumnRef column = column(entity, owner.get(), alias);
        if (owners.size() == 1) {
            return new Condition.Comparison(
                    column,
                    Condition.Operator.EQUAL,
                    new Literal(owners.iterator().next()));
        }
        List<Literal> values = owners.stream().sorted().map(Literal::new).toList();
        return new Condition.In(column, values, false);
    }

    private static Condition unitIn(EntityDefinition entity, List<UUID> units, String alias) {
        Optional<String> unitField = entity.businessUnitField();
        if (unitField.isEmpty()) {
            return entity.ownerField().isEmpty() ? Condition.TRUE : Condition.FALSE;
        }
        if (units.isEmpty()) {
            return Condition.FALSE;
        }
        List<Literal> values = units.stream().sorted().map(Literal::new).toList();
        return new Condition.In(column(entity, unitField.get(), alias), values, false);
    }

    private static ColumnRef column(EntityDefinition entity, String fieldName, String alias) {
        FieldDefinition field = entity.field(fieldName)
                .orElseThrow(() -> new IllegalStateException("catalog field " + fieldName + " missing"));
        return new ColumnRef(alias, field);
    }
}
