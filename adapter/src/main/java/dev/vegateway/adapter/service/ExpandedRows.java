package dev.vegateway.adapter.service;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.query.Expansion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The related rows of one {@link Expansion} for a page of parent rows, grouped by the parent's
 * key: each parent's rows in the expansion's order, at most the per-parent cap.
 *
 * @param plan the plan of the related rows (their SELECT list, output fields and nested joins)
 * @param rowsByParent each parent key's related rows (the plan's SELECT list, read as catalog types)
 * @param parentsWithMore the parent keys that have more related rows than were returned
 */
public record ExpandedRows(
        Expansion expansion, QueryPlan plan, Map<Object, List<Object[]>> rowsByParent, Set<Object> parentsWithMore) {
    public ExpandedRows {
        requireNonNull(expansion, "expansion is null");
        requireNonNull(plan, "plan is null");
        rowsByParent = Collections.unmodifiableMap(new LinkedHashMap<>(rowsByParent));
        parentsWithMore = Set.copyOf(parentsWithMore);
    }

    /** The related rows of the parent with this key (none when it has none the caller may read). */
    public List<Object[]> rows(Object parentKey) {
        return rowsByParent.getOrDefault(parentKey, List.of());
    }

    /** Whether the parent with this key has more related rows than {@link #rows} returned (the per-parent cap). */
    public boolean more(Object parentKey) {
        return parentsWithMore.contains(parentKey);
    }
}
