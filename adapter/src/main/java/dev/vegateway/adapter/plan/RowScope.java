package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The row-security conjunct of one relation: the OR over the caller's granting role
 * assignments of (depth condition AND company restriction). It is attached to the relation in
 * the plan, so a caller's own filter is ANDed with it and can never widen it.
 */
final class RowScope {
    private RowScope() {}

    static Condition of(EntityDefinition entity, AccessScope scope, String alias) {
        if (scope.unrestricted()) {
            return Condition.TRUE;
        }
        List<Condition> alternatives = new ArrayList<>();
        for (AccessScope.Grant grant : scope.grants()) {
            if (grant.depth() == AccessScope.Depth.NONE) {
                continue;
            }
            if (grant.rowFilter().isPresent()) {
                throw GatewayException.of(ErrorCode.NOT_IMPLEMENTED,
                        "Role '%s' restricts entity '%s' with a row filter, and row filters are not enforced by this version; the request is refused rather than answered without the filter.",
                        grant.role(), entity.logicalName());
            }
            List<Condition> parts = new ArrayList<>();
            parts.add(depth(entity, scope, grant.depth(), alias));
            if (grant.companies().isPresent() && entity.companyField().isPresent()) {
                ColumnRef company = column(entity, entity.companyField().get(), alias);
                List<Literal> companies = grant.companies().get().stream().sorted().map(Literal::new).toList();
                parts.add(companies.isEmpty() ? Condition.FALSE : new Condition.In(company, companies, false));
            }
            Condition alternative = Condition.and(parts);
            if (Condition.TRUE.equals(alternative)) {
                return Condition.TRUE;
            }
            alternatives.add(alternative);
        }
        if (alternatives.isEmpty()) {
            throw AccessDenied.privilege(scope.userName(), "Read", entity.logicalName());
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new Condition.Or(alternatives);
    }

    private static Condition depth(EntityDefinition entity, AccessScope scope, AccessScope.Depth depth, String alias) {
        switch (depth) {
            case GLOBAL, NONE:
                return Condition.TRUE;
            case BASIC:
                return ownerEquals(entity, scope.userId(), alias);
            case LOCAL:
                return unitIn(entity, scope.businessUnit().map(List::of).orElse(List.of()), alias);
            case DEEP:
                return unitIn(entity, List.copyOf(scope.businessUnitAndDescendants()), alias);
        }
        throw new IllegalStateException("unknown depth " + depth);
    }

    private static Condition ownerEquals(EntityDefinition entity, UUID userId, String alias) {
        Optional<String> owner = entity.ownerField();
        if (owner.isEmpty()) {
            return Condition.TRUE; // organisation-owned entities know only None and Global; any depth opens them
        }
        return new Condition.Comparison(column(entity, owner.get(), alias), Condition.Operator.EQUAL, new Literal(userId));
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
        FieldDefinition field = entity.field(fieldName).orElseThrow(() -> new IllegalStateException("catalog field " + fieldName + " missing"));
        return new ColumnRef(alias, field);
    }
}
