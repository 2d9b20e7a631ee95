package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.catalog.DerivedKey;
import dev.vegateway.catalog.DerivedValue;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conditions on an entity's GUID key that stay index seeks. A key derived from a RecId-style
 * surrogate is decoded, so {@code key = ?} becomes {@code recid = ?} (and a GUID this entity never
 * made matches nothing); every other key compares as written (a column, or the derived expression
 * that an expression index or a stored key column serves).
 */
public final class KeyConditions {
    private KeyConditions() {}

    /** {@code key = value} on the relation {@code alias} of {@code entity}. */
    public static Condition keyEquals(EntityDefinition entity, String alias, UUID key) {
        return rewrite(new Condition.Comparison(
                        new ColumnRef(alias, entity.key()), Condition.Operator.EQUAL, new Literal(key)))
                .orElseThrow();
    }

    /**
     * The condition with a reversible derived key decoded, when {@code condition} is an equality,
     * inequality or IN of such a key with GUID literals; empty otherwise.
     */
    static Optional<Condition> rewrite(Condition condition) {
        if (condition instanceof Condition.Comparison comparison
                && comparison.left() instanceof ColumnRef column
                && comparison.right() instanceof Literal literal
                && literal.value() instanceof UUID key) {
            Optional<DerivedKey> derived = reversible(column.field());
            if (derived.isEmpty()) {
                return Optional.of(comparison);
            }
            ColumnRef part =
                    new ColumnRef(column.relationAlias(), derived.get().parts().get(0));
            Optional<Object> decoded = derived.get().decode(key);
            return switch (comparison.operator()) {
                case EQUAL -> Optional.of(decoded.<Condition>map(
                                value -> new Condition.Comparison(part, Condition.Operator.EQUAL, new Literal(value)))
                        .orElse(Condition.FALSE));
                case NOT_EQUAL -> Optional.of(decoded.<Condition>map(value ->
                                new Condition.Comparison(part, Condition.Operator.NOT_EQUAL, new Literal(value)))
                        .orElse(Condition.TRUE));
                case GREATER_THAN, GREATER_EQUAL, LESS_THAN, LESS_EQUAL -> Optional.empty();
            };
        }
        if (condition instanceof Condition.In in && in.operand() instanceof ColumnRef column) {
            Optional<DerivedKey> derived = reversible(column.field());
            if (derived.isEmpty()) {
                return Optional.empty();
            }
            List<Literal> values = new ArrayList<>();
            for (Literal literal : in.values()) {
                if (literal.value() instanceof UUID key) {
                    derived.get().decode(key).ifPresent(value -> values.add(new Literal(value)));
                } else {
                    return Optional.empty();
                }
            }
            if (values.isEmpty()) {
                return Optional.of(in.negated() ? Condition.TRUE : Condition.FALSE);
            }
            return Optional.of(new Condition.In(
                    new ColumnRef(column.relationAlias(), derived.get().parts().get(0)), values, in.negated()));
        }
        return Optional.empty();
    }

    private static Optional<DerivedKey> reversible(FieldDefinition field) {
        return field.derived()
                .filter(derived -> derived.kind() == DerivedValue.Kind.GUID)
                .map(DerivedValue::key)
                .filter(key -> key.scheme() == DerivedKey.Scheme.RECORD_ID);
    }
}
