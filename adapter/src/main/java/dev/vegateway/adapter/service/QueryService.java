package dev.vegateway.adapter.service;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ColumnReader;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.adapter.jdbc.Statements;
import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContinuationTokens;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs reads: plan (security attached) → render → execute → stream to a {@link RowSink}.
 * The only place that turns a plan into rows.
 */
public final class QueryService {
    private final QueryPlanner planner;
    private final SqlRenderer renderer;
    /** Whether hierarchy walks are read before their query: the dialect does so and the catalog has a hierarchy. */
    private final boolean precomputesWalks;

    private final DataSource dataSource;
    private final ContinuationTokens tokens;
    private final int queryTimeoutSeconds;
    private final CollectionExpansions expansions;

    public QueryService(
            QueryPlanner planner,
            SqlRenderer renderer,
            DataSource dataSource,
            ContinuationTokens tokens,
            Duration queryTimeout) {
        this.planner = requireNonNull(planner, "planner is null");
        this.renderer = requireNonNull(renderer, "renderer is null");
        this.precomputesWalks = renderer.dialect().precomputesHierarchyWalks()
                && planner.catalog().entities().stream()
                        .anyMatch(entity -> entity.hierarchy().isPresent());
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
        this.expansions = new CollectionExpansions(planner, renderer, dataSource, queryTimeoutSeconds);
    }

    /** At most this many rows are aggregated by one query (Dataverse's AggregateQueryRecordLimit). */
    public static final int AGGREGATE_LIMIT = 50_000;

    public QueryPlanner planner() {
        return planner;
    }

    /** RetrieveMultiple: {@code scopes} gives the caller's scope of every entity the query tree touches. */
    public ReadResult retrieveMultiple(Query query, ReadScopes scopes, RowSink sink) throws IOException {
        long started = System.nanoTime();
        QueryPlan plan = planner.plan(query, scopes);
        long planned = System.nanoTime();
        return execute(plan, sink, planned - started);
    }

    /** Retrieve one row by key; a row that does not exist or that the caller may not see is 404 alike. */
    public ReadResult retrieve(EntityDefinition entity, UUID key, List<String> columns, AccessScope scope, RowSink sink)
            throws IOException {
        Query query = byKey(entity, key, columns);
        long started = System.nanoTime();
        QueryPlan plan = planner.plan(query, scope);
        long planned = System.nanoTime();
        FirstRowGuard guard = new FirstRowGuard(sink, entity, key);
        return execute(plan, guard, planned - started);
    }

    /** Retrieve one row by key with the relations {@code links} joins to it (an OData $expand), each under its own scope. */
    public ReadResult retrieve(
            EntityDefinition entity, UUID key, List<String> columns, List<Link> links, ReadScopes scopes, RowSink sink)
            throws IOException {
        Query byKey = byKey(entity, key, columns);
        Relation root = byKey.root();
        Query query = byKey.withRoot(
                new Relation(root.entityLogicalName(), root.columns(), root.criteria(), root.orders(), links));
        long started = System.nanoTime();
        QueryPlan plan = planner.plan(query, scopes);
        long planned = System.nanoTime();
        return execute(plan, new FirstRowGuard(sink, entity, key), planned - started);
    }

    /**
     * RetrieveMultiple with collection-valued expansions: the page of parents (one statement), then
     * the related rows of all of them for each expansion (one statement each, at most
     * {@code perParent} rows per parent). The page is held in memory until its related rows are
     * read, then streamed to {@code sink}.
     */
    public ReadResult retrieveMultiple(
            Query query, List<Expansion> expansions, int perParent, ReadScopes scopes, ExpandingRowSink sink)
            throws IOException {
        if (expansions.isEmpty()) {
            return retrieveMultiple(query, scopes, sink);
        }
        return expanding(query, expansions, perParent, scopes, sink, Optional.empty());
    }

    /** Retrieve one row by key with its joins ({@code links}) and collection-valued expansions; 404 as {@link #retrieve}. */
    public ReadResult retrieve(
            EntityDefinition entity,
            UUID key,
            List<String> columns,
            List<Link> links,
            List<Expansion> expansions,
            int perParent,
            ReadScopes scopes,
            ExpandingRowSink sink)
            throws IOException {
        if (expansions.isEmpty()) {
            return retrieve(entity, key, columns, links, scopes, sink);
        }
        Query byKey = byKey(entity, key, columns);
        Relation root = byKey.root();
        Query query = byKey.withRoot(
                new Relation(root.entityLogicalName(), root.columns(), root.criteria(), root.orders(), links));
        return expanding(query, expansions, perParent, scopes, sink, Optional.of(key));
    }

    private ReadResult expanding(
            Query query,
            List<Expansion> expanded,
            int perParent,
            ReadScopes scopes,
            ExpandingRowSink sink,
            Optional<UUID> single)
            throws IOException {
        if (perParent < 1) {
            throw new IllegalArgumentException("perParent must be positive, was " + perParent);
        }
        if (query.distinct()) {
            throw new IllegalArgumentException("a distinct query has no parent keys to expand under");
        }
        long started = System.nanoTime();
        QueryPlan plan = planner.plan(query, scopes);
        expansions.check(plan.entity(), expanded, scopes);
        long planned = System.nanoTime();
        BufferedRows parents = new BufferedRows();
        ReadResult parentsRead = execute(plan, parents, planned - started);
        if (single.isPresent() && parents.rows.isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.RECORD_NOT_FOUND,
                    "%s With Id = %s Does Not Exist",
                    plan.entity().logicalName(),
                    single.get());
        }
        long beforeExpansions = System.nanoTime();
        int keyIndex = plan.keyIndex().orElseThrow();
        List<Object> keys =
                parents.rows.stream().map(values -> values[keyIndex]).distinct().toList();
        List<ExpandedRows> children = new ArrayList<>();
        for (Expansion expansion : expanded) {
            children.add(expansions.read(plan.entity(), expansion, keys, perParent, scopes));
        }
        long expansionNanos = System.nanoTime() - beforeExpansions;
        long beforeSink = System.nanoTime();
        sink.start(plan, parents.count);
        for (Object[] values : parents.rows) {
            sink.row(plan, values, children);
        }
        sink.finish(plan, parents.continuation);
        long sinkNanos = System.nanoTime() - beforeSink;
        return new ReadResult(
                parentsRead.rows(),
                parentsRead.moreRecords(),
                parentsRead.planNanos(),
                parentsRead.databaseNanos() + expansionNanos,
                sinkNanos);
    }

    /** Holds a page of rows (copies) with its count and continuation until the related rows are read. */
    private static final class BufferedRows implements RowSink {
        final List<Object[]> rows = new ArrayList<>();
        OptionalLong count = OptionalLong.empty();
        Optional<String> continuation = Optional.empty();

        @Override
        public void start(QueryPlan plan, OptionalLong count) {
            this.count = count;
        }

        @Override
        public void row(QueryPlan plan, Object[] values) {
            rows.add(values.clone());
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {
            this.continuation = continuation;
        }
    }

    /** Whether the record {@code key} exists inside {@code scope} (its depth, companies and row filters). */
    public boolean inScope(EntityDefinition entity, UUID key, AccessScope scope) {
        return count(byKey(entity, key, List.of()), ReadScopes.only(entity, scope)) > 0;
    }

    private static Query byKey(EntityDefinition entity, UUID key, List<String> columns) {
        return new Query(
                new Relation(
                        entity.logicalName(),
                        Columns.namedOrAll(columns),
                        new Condition.Comparison(
                                new AttributeRef(entity.keyField()), Condition.Operator.EQUAL, new Literal(key)),
                        List.of(),
                        List.of()),
                OptionalInt.of(1),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }

    /** {@code /$count}: the number of rows the caller may see that match. */
    public long count(Query query, ReadScopes scopes) {
        QueryPlan plan = planner.plan(query, scopes);
        try (Connection connection = dataSource.getConnection()) {
            long count;
            try {
                count = count(connection, rendererFor(connection, plan), plan);
            } catch (Throwable e) {
                Transactions.rollback(connection, e);
                throw e;
            }
            Transactions.endWithoutCommit(connection);
            return count;
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the count");
        }
    }

    private ReadResult execute(QueryPlan plan, RowSink sink, long planNanos) throws IOException {
        long sinkNanos = 0;
        long started = System.nanoTime();
        long rows = 0;
        boolean more = false;
        try (Connection connection = dataSource.getConnection()) {
            try {
                SqlRenderer renderer = rendererFor(connection, plan);
                if (plan.aggregation().isPresent()) {
                    long aggregated = count(connection, renderer, plan);
                    if (aggregated > AGGREGATE_LIMIT) {
                        throw GatewayException.of(
                                ErrorCode.AGGREGATE_LIMIT,
                                "AggregateQueryRecordLimit exceeded: the query aggregates %d rows, at most %d are"
                                        + " allowed. Narrow it with a filter.",
                                aggregated,
                                AGGREGATE_LIMIT);
                    }
                }
                // an aggregate answer counts its own rows (the groups), not the rows it aggregates
                OptionalLong count = !plan.includeCount()
                        ? OptionalLong.empty()
                        : OptionalLong.of(
                                plan.aggregation().isPresent()
                                        ? countOf(connection, renderer.countGroups(plan))
                                        : count(connection, renderer, plan));
                long before = System.nanoTime();
                sink.start(plan, count);
                sinkNanos += System.nanoTime() - before;
                PreparedSql sql = renderer.select(plan);
                int rowsToReturn =
                        plan.paging().map(QueryPlan.Paging::rowsToReturn).orElse(Integer.MAX_VALUE);
                List<FieldType> types = plan.selectTypes();
                Object[] values = new Object[types.size()];
                Object[] lastSortValues = null;
                try (PreparedStatement statement = prepare(connection, sql)) {
                    // Rows are fetched in batches only when the answer can be longer than one batch: a page that fits
                    // in one is read whole (PostgreSQL: no named portal to open, suspend and close).
                    int fetchSize = renderer.dialect().fetchSize();
                    if (plan.limit().isEmpty() || plan.limit().getAsInt() > fetchSize) {
                        statement.setFetchSize(fetchSize);
                    }
                    try (ResultSet resultSet = statement.executeQuery()) {
                        while (resultSet.next()) {
                            if (rows == rowsToReturn) {
                                more = true;
                                break;
                            }
                            for (int i = 0; i < values.length; i++) {
                                values[i] = ColumnReader.read(resultSet, i + 1, types.get(i));
                            }
                            rows++;
                            if (plan.paging().isPresent()) {
                                lastSortValues = sortValues(plan, values);
                            }
                            long beforeRow = System.nanoTime();
                            sink.row(plan, values);
                            sinkNanos += System.nanoTime() - beforeRow;
                        }
                    }
                }
                Optional<String> continuation = Optional.empty();
                if (more && plan.aggregation().isPresent()) {
                    // aggregate pages are cut by position: the token holds the next row's
                    QueryPlan.Paging paging = plan.paging().orElseThrow();
                    OptionalInt remaining = paging.remaining().isPresent()
                            ? OptionalInt.of(paging.remaining().getAsInt() - (int) rows)
                            : OptionalInt.empty();
                    continuation = Optional.of(tokens.encode(
                            plan.fingerprint(), List.of((long) plan.offset().orElse(0) + rows), remaining));
                } else if (more && lastSortValues != null) {
                    QueryPlan.Paging paging = plan.paging().orElseThrow();
                    OptionalInt remaining = paging.remaining().isPresent()
                            ? OptionalInt.of(paging.remaining().getAsInt() - (int) rows)
                            : OptionalInt.empty();
                    continuation = Optional.of(
                            tokens.encode(plan.fingerprint(), java.util.Arrays.asList(lastSortValues), remaining));
                }
                long beforeFinish = System.nanoTime();
                sink.finish(plan, continuation);
                sinkNanos += System.nanoTime() - beforeFinish;
            } catch (Throwable e) {
                Transactions.rollback(connection, e);
                throw e;
            }
            Transactions.endWithoutCommit(connection);
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the query");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        long total = System.nanoTime() - started;
        return new ReadResult(rows, more, planNanos, total - sinkNanos, sinkNanos);
    }

    /**
     * The renderer for {@code plan} on this connection: where the dialect precomputes hierarchy walks
     * (H2), each walk of the plan is read here first and the plan's statements test its keys.
     */
    private SqlRenderer rendererFor(Connection connection, QueryPlan plan) throws SQLException {
        if (!precomputesWalks) {
            return renderer;
        }
        List<Condition.HierarchyWalk> walks = renderer.hierarchyWalks(plan);
        if (walks.isEmpty()) {
            return renderer;
        }
        Map<Condition.HierarchyWalk, List<Object>> resolved = new IdentityHashMap<>();
        for (Condition.HierarchyWalk walk : walks) {
            List<Object> keys = new ArrayList<>();
            try (PreparedStatement statement = prepare(connection, renderer.hierarchyWalk(walk));
                    ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    keys.add(resultSet.getObject(1));
                }
            }
            resolved.put(walk, keys);
        }
        return renderer.withResolvedWalks(resolved);
    }

    private long count(Connection connection, SqlRenderer renderer, QueryPlan plan) throws SQLException {
        try (PreparedStatement statement = prepare(connection, renderer.count(plan));
                ResultSet resultSet = statement.executeQuery()) {
            resultSet.next();
            return resultSet.getLong(1);
        }
    }

    private long countOf(Connection connection, PreparedSql sql) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql);
                ResultSet resultSet = statement.executeQuery()) {
            resultSet.next();
            return resultSet.getLong(1);
        }
    }

    private PreparedStatement prepare(Connection connection, PreparedSql sql) throws SQLException {
        return Statements.prepare(connection, sql, queryTimeoutSeconds);
    }

    private static Object[] sortValues(QueryPlan plan, Object[] values) {
        List<Integer> indexes = plan.sortKeyIndexes();
        Object[] sortValues = new Object[indexes.size()];
        for (int i = 0; i < sortValues.length; i++) {
            sortValues[i] = values[indexes.get(i)];
        }
        return sortValues;
    }

    /** Passes rows through and turns "no row" into 404 before anything is written. */
    private static final class FirstRowGuard implements RowSink {
        private final RowSink delegate;
        private final EntityDefinition entity;
        private final UUID key;
        private QueryPlan startedPlan;
        private boolean started;
        private boolean seen;

        FirstRowGuard(RowSink delegate, EntityDefinition entity, UUID key) {
            this.delegate = delegate;
            this.entity = entity;
            this.key = key;
        }

        @Override
        public void start(QueryPlan plan, OptionalLong count) {
            startedPlan = plan;
        }

        @Override
        public void row(QueryPlan plan, Object[] values) throws IOException {
            if (!started) {
                delegate.start(startedPlan, OptionalLong.empty());
                started = true;
            }
            seen = true;
            delegate.row(plan, values);
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
            if (!seen) {
                throw GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", entity.logicalName(), key);
            }
            delegate.finish(plan, continuation);
        }
    }
}
