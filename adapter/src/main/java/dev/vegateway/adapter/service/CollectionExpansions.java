package dev.vegateway.adapter.service;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.ColumnReader;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.adapter.jdbc.Statements;
import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads the related rows of collection-valued expansions for a page of parents: one statement
 * per expansion for all parents of the page, never one per parent. The related entity is the
 * root of its own query (so its row security, field security and privileges apply exactly as to
 * a direct read of it), inner-joined to the parent entity restricted to the page's keys (so the
 * parent's row security applies too), with each parent's rows numbered in the expansion's order
 * and cut at the per-parent cap plus one (to know whether more exist).
 */
final class CollectionExpansions {
    /** The client name of the parent relation in a related-rows query; no navigation property can have it. */
    static final String PARENT = "$parent";

    private final QueryPlanner planner;
    private final SqlRenderer renderer;
    private final DataSource dataSource;
    private final int queryTimeoutSeconds;

    CollectionExpansions(QueryPlanner planner, SqlRenderer renderer, DataSource dataSource, int queryTimeoutSeconds) {
        this.planner = requireNonNull(planner, "planner is null");
        this.renderer = requireNonNull(renderer, "renderer is null");
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * Plans every expansion without parent keys, so that a missing privilege (403) or a bad name
     * (400) is refused before any statement runs.
     */
    void check(EntityDefinition parent, List<Expansion> expansions, ReadScopes scopes) {
        for (Expansion expansion : expansions) {
            planner.plan(query(parent, expansion, Condition.TRUE), scopes);
        }
    }

    /** The related rows of {@code expansion} for the parents with {@code parentKeys}, at most {@code perParent} each. */
    ExpandedRows read(
            EntityDefinition parent, Expansion expansion, List<Object> parentKeys, int perParent, ReadScopes scopes) {
        List<Literal> keys = parentKeys.stream().map(Literal::new).toList();
        Condition parentCriteria =
                keys.isEmpty() ? Condition.FALSE : new Condition.In(new AttributeRef(parent.keyField()), keys, false);
        QueryPlan plan = planner.plan(query(parent, expansion, parentCriteria), scopes);
        boolean topWithinCap = expansion.top().isPresent() && expansion.top().getAsInt() <= perParent;
        int limit = topWithinCap ? expansion.top().getAsInt() : perParent + 1;
        Map<Object, List<Object[]>> rowsByParent = new LinkedHashMap<>();
        Set<Object> parentsWithMore = new HashSet<>();
        if (keys.isEmpty() || limit == 0) {
            return new ExpandedRows(expansion, plan, rowsByParent, parentsWithMore);
        }
        int partition = plan.linkKeys().get(PARENT);
        PreparedSql sql = renderer.selectPerParent(plan, partition, limit);
        List<FieldType> types =
                plan.selected().stream().map(column -> column.field().type()).toList();
        try (Connection connection = dataSource.getConnection()) {
            try {
                try (PreparedStatement statement = Statements.prepare(connection, sql, queryTimeoutSeconds)) {
                    statement.setFetchSize(renderer.dialect().fetchSize());
                    try (ResultSet resultSet = statement.executeQuery()) {
                        while (resultSet.next()) {
                            Object[] values = new Object[types.size()];
                            for (int i = 0; i < values.length; i++) {
                                values[i] = ColumnReader.read(resultSet, i + 1, types.get(i));
                            }
                            List<Object[]> rows =
                                    rowsByParent.computeIfAbsent(values[partition], key -> new ArrayList<>());
                            if (!topWithinCap && rows.size() == perParent) {
                                parentsWithMore.add(values[partition]);
                            } else {
                                rows.add(values);
                            }
                        }
                    }
                }
            } catch (Throwable e) {
                Transactions.rollback(connection, e);
                throw e;
            }
            Transactions.endWithoutCommit(connection);
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the expansion of " + expansion.name());
        }
        return new ExpandedRows(expansion, plan, rowsByParent, parentsWithMore);
    }

    /**
     * The related entity as the root, with its own links, and the parent entity inner-joined on
     * the relation's attributes under {@code parentCriteria}; no paging (the per-parent cut is
     * the renderer's).
     */
    static Query query(EntityDefinition parent, Expansion expansion, Condition parentCriteria) {
        Relation related = expansion.relation();
        List<Link> links = new ArrayList<>(related.links());
        links.add(new Link(
                new Relation(parent.logicalName(), Columns.named(List.of()), parentCriteria, List.of(), List.of()),
                expansion.childAttribute(),
                expansion.parentAttribute(),
                Link.Kind.INNER,
                Optional.of(PARENT)));
        return new Query(
                new Relation(
                        related.entityLogicalName(), related.columns(), related.criteria(), related.orders(), links),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }
}
