package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Literal;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyset ("seek") condition selecting the rows strictly after a position in the sort
 * order. Ascending keys sort nulls first and descending keys nulls last, matching the ORDER
 * BY the renderer writes. The last sort key is always unique (the entity key), so the order
 * is total and every row is returned exactly once across pages.
 */
final class Keyset {
    private Keyset() {}

    static Condition after(List<SortKey> keys, List<Object> values) {
        return after(keys, values, 0);
    }

    private static Condition after(List<SortKey> keys, List<Object> values, int index) {
        SortKey key = keys.get(index);
        Object value = values.get(index);
        boolean last = index == keys.size() - 1;
        List<Condition> alternatives = new ArrayList<>();
        if (value == null) {
            if (!key.descending()) {
                alternatives.add(new IsNull(key.column(), true));
            }
            if (!last) {
                alternatives.add(
                        Condition.and(List.of(new IsNull(key.column(), false), after(keys, values, index + 1))));
            }
        } else {
            Literal literal = new Literal(value);
            alternatives.add(new Comparison(
                    key.column(), key.descending() ? Operator.LESS_THAN : Operator.GREATER_THAN, literal));
            if (key.descending()) {
                alternatives.add(new IsNull(key.column(), false));
            }
            if (!last) {
                alternatives.add(Condition.and(List.of(
                        new Comparison(key.column(), Operator.EQUAL, literal), after(keys, values, index + 1))));
            }
        }
        if (alternatives.isEmpty()) {
            return Condition.FALSE;
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new Condition.Or(alternatives);
    }
}
