package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Between;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.Constant;
import dev.vegateway.adapter.query.Condition.Exists;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.rowfilter.CallerValues;
import dev.vegateway.adapter.rowfilter.PlaceholderBinder;
import dev.vegateway.adapter.rowfilter.RowFilterCache;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.Navigation;
import dev.vegateway.catalog.NotNullColumns;
import dev.vegateway.config.FiscalCalendar;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a neutral {@link Query} and the caller's {@link AccessScope} into a {@link QueryPlan}:
 * resolves every name against the catalog (unknown → 400), types every literal, refuses
 * filters and orders on fields the caller may not read (403), attaches the relation's row
 * security, and works out keyset paging. Pure: no I/O, no clock.
 */
public final class QueryPlanner {
    static final String ROOT_ALIAS = "t0";
    /** Between a relation's alias and the number of a subquery under it: {@code t0s1}. */
    private static final String SUBQUERY = "s";

    private final Catalog catalog;
    private final ContinuationTokens tokens;
    private final int maxPageSize;
    private final RowFilterCache rowFilters = new RowFilterCache(1_000);

    private final Clock clock;
    private final Optional<FiscalCalendar> fiscalCalendar;
    private final NotNullColumns notNullColumns;

    /**
     * A planner of {@code catalog}'s queries that signs continuation tokens with {@code tokens} and
     * pages at most {@code maxPageSize} rows; the rest has the builder's defaults (the system
     * clock in UTC, no fiscal calendar, no column known to be NOT NULL).
     */
    public static Builder builder(Catalog catalog, ContinuationTokens tokens, int maxPageSize) {
        return new Builder(catalog, tokens, maxPageSize);
    }

    /** A planner with the builder's defaults; see {@link #builder}. */
    public static QueryPlanner of(Catalog catalog, ContinuationTokens tokens, int maxPageSize) {
        return builder(catalog, tokens, maxPageSize).build();
    }

    private QueryPlanner(Builder builder) {
        this.notNullColumns = requireNonNull(builder.notNullColumns, "notNullColumns is null");
        this.fiscalCalendar = requireNonNull(builder.fiscalCalendar, "fiscalCalendar is null");
        this.clock = requireNonNull(builder.clock, "clock is null");
        this.catalog = requireNonNull(builder.catalog, "catalog is null");
        this.tokens = requireNonNull(builder.tokens, "tokens is null");
        if (builder.maxPageSize < 1) {
            throw new IllegalArgumentException("maxPageSize must be positive, was " + builder.maxPageSize);
        }
        this.maxPageSize = builder.maxPageSize;
    }

    /** Builds a {@link QueryPlanner}; see {@link QueryPlanner#builder} for the defaults. */
    public static final class Builder {
        private final Catalog catalog;
        private final ContinuationTokens tokens;
        private final int maxPageSize;
        private Clock clock = Clock.systemUTC();
        private Optional<FiscalCalendar> fiscalCalendar = Optional.empty();
        private NotNullColumns notNullColumns = NotNullColumns.NONE;

        private Builder(Catalog catalog, ContinuationTokens tokens, int maxPageSize) {
            this.catalog = catalog;
            this.tokens = tokens;
            this.maxPageSize = maxPageSize;
        }

        /** The moment relative dates ({@code Today}, {@code LastXDays}) are measured from. */
        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        /** The fiscal calendar of the fiscal operators and date groupings; empty: they are 400. */
        public Builder fiscalCalendar(Optional<FiscalCalendar> value) {
            fiscalCalendar = value;
            return this;
        }

        /** The columns the database declares NOT NULL: their sort keys need no null ordering. */
        public Builder notNullColumns(NotNullColumns value) {
            notNullColumns = value;
            return this;
        }

        public QueryPlanner build() {
            return new QueryPlanner(this);
        }
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * The row-security condition (relation alias {@code t0}) that {@code scope} grants on the
     * entity, for the write path: the same per-relation conjunct reads get. 403 naming
     * {@code privilege} when no role grants it.
     */
    public Condition rowScope(EntityDefinition entity, AccessScope scope, String privilege) {
        return RowScope.of(entity, scope, ROOT_ALIAS, rowFilters, rowFilterResolver(entity, ROOT_ALIAS), privilege);
    }

    /**
     * Resolves a row filter of {@code entity} under {@code alias} as a caller's filter is resolved,
     * but without the caller's field security or the row security of the entities its navigation
     * paths reach: row filters are the server's rules.
     */
    private java.util.function.UnaryOperator<Condition> rowFilterResolver(EntityDefinition entity, String alias) {
        return rowFilter -> new Resolver(entity, Set.of(), alias, Map.of(), Optional.empty(), Optional.empty())
                .condition(rowFilter);
    }

    /** The row security of {@code entity} under {@code alias} for {@code scope}: the conjunct every relation gets. */
    private Condition relationScope(EntityDefinition entity, AccessScope scope, String alias) {
        return RowScope.of(entity, scope, alias, rowFilters, rowFilterResolver(entity, alias));
    }

    /** Plans a query of one entity under one scope: a query that joins another entity fails (a programming error). */
    public QueryPlan plan(Query query, AccessScope scope) {
        EntityDefinition entity = catalog.byLogicalName(query.entityLogicalName())
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Entity '%s' does not exist.", query.entityLogicalName()));
        return plan(query, ReadScopes.only(entity, scope));
    }

    /**
     * Plans the query tree: every relation, the root and each joined one, gets its own alias,
     * its caller's scope from {@code scopes} (403 without Read), its field security and its row
     * security (the root's in WHERE, a joined one's in its join condition).
     */
    public QueryPlan plan(Query query, ReadScopes scopes) {
        int links = query.root().linkCount();
        if (links > Relation.MAX_LINKS) {
            throw GatewayException.of(
                    ErrorCode.TOO_MANY_LINK_ENTITIES,
                    "Number of link entities in query exceeded maximum limit: %d were given, at most %d are allowed.",
                    links,
                    Relation.MAX_LINKS);
        }
        Relations relations = new Relations(scopes);
        Planned root = relations.root(query.root());
        EntityDefinition entity = root.entity();
        Resolver resolver = root.resolver();
        Set<String> unreadable = resolver.unreadable;
        relations.link(root, query.root().links());

        Condition filter = Condition.and(concat(resolver.condition(query.root().criteria()), root.semiJoins()));
        List<QueryPlan.Join> joins = new ArrayList<>();
        for (Planned linked : relations.linked) {
            Condition criteria =
                    linked.resolver().condition(linked.link().relation().criteria());
            joins.add(new QueryPlan.Join(
                    linked.entity(),
                    linked.resolver().alias,
                    linked.link().kind(),
                    Condition.and(
                            concat(List.of(linked.joinColumns(), linked.rowScope(), criteria), linked.semiJoins()))));
        }
        if (query.aggregation().isPresent()) {
            return aggregated(query, query.aggregation().get(), root, joins, filter);
        }
        List<FieldDefinition> requested = requestedFields(entity, query.root().columns());

        List<SortKey> sortKeys = new ArrayList<>();
        Set<String> sorted = new LinkedHashSet<>();
        for (Planned relation : relations.all()) {
            for (Order order : relation.relation().orders()) {
                Resolver owner = relation.resolver().named(order.relation());
                FieldDefinition field = owner.readableField(order.attribute(), "sort by");
                ColumnRef column = owner.column(field);
                if (sorted.add(column.relationAlias() + "." + field.logicalName())) {
                    sortKeys.add(new SortKey(column, order.descending(), !notNullColumns.notNull(owner.entity, field)));
                }
            }
        }

        Map<String, Integer> selectIndex = new LinkedHashMap<>();
        List<ColumnRef> selected = new ArrayList<>();
        List<OutputField> output = new ArrayList<>();
        OptionalInt keyIndex = OptionalInt.empty();
        OptionalInt etagIndex = OptionalInt.empty();
        if (query.distinct()) {
            for (FieldDefinition field : requested) {
                output.add(new OutputField(
                        field,
                        unreadable.contains(field.logicalName())
                                ? -1
                                : select(resolver.column(field), selected, selectIndex),
                        Optional.empty(),
                        alias(query.root().columns(), field)));
            }
            outputLinkedFields(relations, output, selected, selectIndex);
            if (selected.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.MISSING_PRIVILEGE,
                        "The caller may read none of the selected fields of entity '%s', so a Distinct query over them has no answer.",
                        entity.logicalName());
            }
            for (SortKey key : sortKeys) {
                if (!selectIndex.containsKey(key.column().relationAlias() + "."
                        + key.column().field().logicalName())) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "With Distinct, the sort attribute '%s' must also be one of the selected columns.",
                            key.column().field().logicalName());
                }
            }
            // Every distinct column, the joined ones too, orders the rows totally, for keyset paging.
            for (OutputField field : output) {
                if (field.masked()) {
                    continue;
                }
                ColumnRef column = selected.get(field.selectIndex());
                if (sorted.add(column.relationAlias() + "." + field.field().logicalName())) {
                    sortKeys.add(new SortKey(column, false, true));
                }
            }
        } else {
            FieldDefinition key = entity.key();
            keyIndex = OptionalInt.of(select(resolver.column(key), selected, selectIndex));
            for (FieldDefinition field : requested) {
                output.add(new OutputField(
                        field,
                        unreadable.contains(field.logicalName())
                                ? -1
                                : select(resolver.column(field), selected, selectIndex),
                        Optional.empty(),
                        alias(query.root().columns(), field)));
            }
            outputLinkedFields(relations, output, selected, selectIndex);
            if (entity.rowVersionField().isPresent()) {
                FieldDefinition version =
                        entity.field(entity.rowVersionField().get()).orElseThrow();
                etagIndex = OptionalInt.of(select(resolver.column(version), selected, selectIndex));
            }
            // The key of the root, and of every joined relation that can multiply the root's rows, make the
            // order total. A join on the key of its entity (a lookup, n:1) cannot: its key would only keep the
            // database from walking the root's order and stopping at the limit.
            for (Planned relation : relations.all()) {
                if (!relation.multiplies()) {
                    continue;
                }
                for (FieldDefinition tieBreaker : tieBreakers(relation.entity(), relation.resolver().unreadable)) {
                    ColumnRef column = relation.resolver().column(tieBreaker);
                    if (sorted.add(column.relationAlias() + "." + column.field().logicalName())) {
                        sortKeys.add(
                                new SortKey(column, false, !notNullColumns.notNull(relation.entity(), tieBreaker)));
                    }
                }
            }
        }
        requireUniqueNames(output, entity);
        List<Integer> sortKeyIndexes = new ArrayList<>();
        for (SortKey key : sortKeys) {
            sortKeyIndexes.add(select(key.column(), selected, selectIndex));
        }
        Map<String, Integer> linkKeys = new LinkedHashMap<>();
        if (!query.distinct()) {
            for (Planned linked : relations.linked) {
                linkKeys.put(
                        linked.name(),
                        select(linked.resolver().column(linked.entity().key()), selected, selectIndex));
            }
        }

        List<QueryPlan.ChildCount> childCounts = childCounts(query, resolver, output, selected.size());

        String fingerprint = ContinuationTokens.fingerprint(String.join(
                "\u0001",
                entity.logicalName(),
                root.scope().userId().toString(),
                query.root().toString(),
                query.top().toString(),
                // not the skip: a token continues after its row, so a page reached by skipping goes on with tokens
                Boolean.toString(query.distinct())));

        int pageSize = Math.min(query.page().map(Query.Page::size).orElse(maxPageSize), maxPageSize);
        Optional<String> continuation = query.page().flatMap(Query.Page::continuation);
        Optional<Condition> seek = Optional.empty();
        OptionalInt remaining = query.top();
        OptionalInt offset =
                query.skip().isPresent() && query.skip().getAsInt() > 0 ? query.skip() : OptionalInt.empty();
        if (continuation.isPresent()) {
            ContinuationTokens.Position position = tokens.decode(continuation.get(), fingerprint, sortKeys.size());
            seek = Optional.of(Keyset.after(sortKeys, position.values()));
            remaining = position.remaining();
            offset = OptionalInt.empty();
        }
        Optional<QueryPlan.Paging> paging;
        OptionalInt limit;
        if (remaining.isPresent() && remaining.getAsInt() <= pageSize) {
            paging = Optional.empty();
            limit = remaining;
        } else {
            paging = Optional.of(new QueryPlan.Paging(pageSize, remaining));
            limit = OptionalInt.of(paging.get().rowsToReturn() + 1);
        }
        return new QueryPlan(
                entity,
                ROOT_ALIAS,
                joins,
                selected,
                output,
                keyIndex,
                etagIndex,
                root.rowScope(),
                filter,
                seek,
                sortKeys,
                sortKeyIndexes,
                linkKeys,
                pageRootFirst(relations, filter, sortKeys),
                query.distinct(),
                limit,
                offset,
                paging,
                query.includeCount(),
                fingerprint,
                Optional.empty(),
                childCounts);
    }

    /**
     * FetchXML's {@code rowaggregate="CountChildren"}: for each row, the number of its child rows in
     * the entity's hierarchy that the caller may read (Dataverse counts every child, readable or not;
     * the gateway never reveals a row the caller could not read, not even by counting it). The
     * attribute named is the key the hierarchy refers to; the count is an Int64 under its alias,
     * after the other fields ({@code firstIndex} is its place in the SELECT list).
     */
    private List<QueryPlan.ChildCount> childCounts(
            Query query, Resolver resolver, List<OutputField> output, int firstIndex) {
        Map<String, String> counts = query.root().columns().childCounts();
        if (counts.isEmpty()) {
            return List.of();
        }
        EntityDefinition entity = resolver.entity;
        if (query.distinct()) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY, "rowaggregate=\"CountChildren\" cannot be combined with distinct.");
        }
        dev.vegateway.catalog.RelationDefinition hierarchy = entity.hierarchy()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY,
                        "rowaggregate=\"CountChildren\" needs a hierarchical relation on entity '%s', and the catalog"
                                + " declares none (a relation with hierarchical: true).",
                        entity.logicalName()));
        Set<String> names = new java.util.HashSet<>();
        output.forEach(field -> names.add(field.name()));
        List<QueryPlan.ChildCount> planned = new ArrayList<>();
        for (Map.Entry<String, String> count : counts.entrySet()) {
            if (!count.getValue().equals(hierarchy.targetField())) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "rowaggregate=\"CountChildren\" applies to '%s' (the field the hierarchy of '%s' refers to),"
                                + " not to '%s'.",
                        hierarchy.targetField(),
                        entity.logicalName(),
                        shorten(count.getValue()));
            }
            if (!names.add(count.getKey())) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Two columns of the answer are named '%s'; give the child count another alias.",
                        shorten(count.getKey()));
            }
            FieldDefinition key = resolver.readableField(hierarchy.targetField(), "count the children of");
            Subquery children = resolver.subquery(entity);
            FieldDefinition parent = children.resolver().readableField(hierarchy.field(), "count the children through");
            planned.add(new QueryPlan.ChildCount(
                    entity,
                    children.resolver().alias,
                    Condition.and(List.of(
                            new Comparison(
                                    children.resolver().column(parent), Condition.Operator.EQUAL, resolver.column(key)),
                            children.rowScope()))));
            output.add(new OutputField(
                    renamed(key, count.getKey(), FieldType.of(FieldType.Kind.INT64)), firstIndex + planned.size() - 1));
        }
        return planned;
    }

    /**
     * An aggregate query: the GROUP BY columns (or parts of dates) and the aggregates, each field
     * readable by the caller (403 otherwise), ordered by the aliases asked for then by every group.
     * Joins, filters and row security are those of any query. With a page size, pages are cut by
     * position (a signed token holds the next row's position); {@code top} bounds the whole answer.
     */
    private QueryPlan aggregated(
            Query query, Aggregation aggregation, Planned root, List<QueryPlan.Join> joins, Condition filter) {
        if (query.distinct()) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY, "An aggregate query takes no distinct: each row is a distinct group.");
        }
        Resolver resolver = root.resolver();
        List<ColumnRef> groupColumns = new ArrayList<>();
        List<QueryPlan.GroupColumn> groupBy = new ArrayList<>();
        List<OutputField> output = new ArrayList<>();
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (Aggregation.Grouping group : aggregation.groups()) {
            Resolver owner = resolver.named(group.attribute().relation());
            FieldDefinition field = owner.readableField(group.attribute().name(), "group by");
            ColumnRef column = owner.column(field);
            Optional<QueryPlan.DatePart> part = group.dateGrouping().map(grouping -> datePart(grouping, field));
            QueryPlan.GroupColumn planned = new QueryPlan.GroupColumn(column, part);
            groupColumns.add(column);
            groupBy.add(planned);
            positions.put(group.alias(), groupBy.size() - 1);
            output.add(new OutputField(renamed(field, group.alias(), planned.type()), groupBy.size() - 1));
        }
        if (!root.relation().orders().isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "An aggregate query is ordered by the aliases of its groups and aggregates, not by the attribute"
                            + " '%s'.",
                    shorten(root.relation().orders().get(0).attribute()));
        }
        List<QueryPlan.AggregateColumn> aggregates = new ArrayList<>();
        for (Aggregation.Aggregate aggregate : aggregation.aggregates()) {
            Optional<ColumnRef> column = Optional.empty();
            FieldType type = FieldType.of(FieldType.Kind.INT64);
            if (aggregate.attribute().isPresent()) {
                AttributeRef attribute = aggregate.attribute().get();
                Resolver owner = resolver.named(attribute.relation());
                FieldDefinition field = owner.readableField(attribute.name(), "aggregate");
                column = Optional.of(owner.column(field));
                type = resultType(aggregate, field);
            }
            aggregates.add(new QueryPlan.AggregateColumn(aggregate.function(), column, aggregate.distinct(), type));
            int position = groupBy.size() + aggregates.size() - 1;
            positions.put(aggregate.alias(), position);
            output.add(new OutputField(
                    renamed(column.map(ColumnRef::field).orElse(root.entity().key()), aggregate.alias(), type),
                    position));
        }
        // the orders asked for, then every group: the groups make the order total, so pages cut by position hold
        List<QueryPlan.SelectOrder> orders = new ArrayList<>();
        Set<Integer> ordered = new java.util.HashSet<>();
        for (Aggregation.AliasOrder order : aggregation.orders()) {
            int position = positions.get(order.alias());
            if (ordered.add(position)) {
                orders.add(new QueryPlan.SelectOrder(position, order.descending()));
            }
        }
        for (int position = 0; position < groupBy.size(); position++) {
            if (ordered.add(position)) {
                orders.add(new QueryPlan.SelectOrder(position, false));
            }
        }
        String fingerprint = ContinuationTokens.fingerprint(String.join(
                "\u0001",
                root.entity().logicalName(),
                root.scope().userId().toString(),
                query.root().toString(),
                aggregation.toString(),
                query.top().toString(),
                query.page().map(Query.Page::size).toString()));
        OptionalInt remaining = query.top();
        OptionalInt offset =
                query.skip().isPresent() && query.skip().getAsInt() > 0 ? query.skip() : OptionalInt.empty();
        Optional<QueryPlan.Paging> paging = Optional.empty();
        OptionalInt limit = remaining;
        if (query.page().isPresent()) {
            int pageSize = Math.min(query.page().get().size(), maxPageSize);
            Optional<String> continuation = query.page().get().continuation();
            if (continuation.isPresent()) {
                ContinuationTokens.Position position = tokens.decode(continuation.get(), fingerprint, 1);
                if (!(position.values().get(0) instanceof Long next) || next < 0 || next > Integer.MAX_VALUE) {
                    throw GatewayException.of(
                            ErrorCode.INVALID_SKIP_TOKEN,
                            "The paging token is not valid for an aggregate query. Start again from the first page.");
                }
                offset = next == 0 ? OptionalInt.empty() : OptionalInt.of((int) (long) next);
                remaining = position.remaining();
            }
            if (remaining.isPresent() && remaining.getAsInt() <= pageSize) {
                limit = remaining;
            } else {
                paging = Optional.of(new QueryPlan.Paging(pageSize, remaining));
                limit = OptionalInt.of(paging.get().rowsToReturn() + 1);
            }
        }
        return new QueryPlan(
                root.entity(),
                ROOT_ALIAS,
                joins,
                groupColumns,
                output,
                OptionalInt.empty(),
                OptionalInt.empty(),
                root.rowScope(),
                filter,
                Optional.empty(),
                List.of(),
                List.of(),
                Map.of(),
                false,
                false,
                limit,
                offset,
                paging,
                query.includeCount(),
                fingerprint,
                Optional.of(new QueryPlan.Aggregated(groupBy, aggregates, orders)),
                List.of());
    }

    /** A date grouping of {@code field}: a Date or DateTimeOffset; a fiscal one needs the fiscal calendar. */
    private QueryPlan.DatePart datePart(Aggregation.DateGrouping grouping, FieldDefinition field) {
        FieldType.Kind kind = field.type().kind();
        if (kind != FieldType.Kind.DATE && kind != FieldType.Kind.DATE_TIME_OFFSET) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The date grouping '%s' needs a Date or DateTimeOffset attribute; '%s' is %s.",
                    grouping.fetchXmlName(),
                    field.logicalName(),
                    field.type());
        }
        if (!grouping.fiscal()) {
            return new QueryPlan.DatePart(grouping, 0, 0, 1);
        }
        FiscalCalendar calendar = fiscalCalendar.orElseThrow(() -> GatewayException.of(
                ErrorCode.UNSUPPORTED_QUERY,
                "The date grouping '%s' needs the fiscal calendar, and none is configured (query.fiscalYearStart).",
                grouping.fetchXmlName()));
        return new QueryPlan.DatePart(
                grouping,
                calendar.yearStart().getDayOfMonth() - 1,
                calendar.yearStart().getMonthValue() - 1,
                calendar.period().months());
    }

    /** What an aggregate answers: a count is Int64, an average Double (Decimal over decimals), a sum and extremes the field's kind. */
    private static FieldType resultType(Aggregation.Aggregate aggregate, FieldDefinition field) {
        FieldType.Kind kind = field.type().kind();
        boolean numeric =
                switch (kind) {
                    case INT32, INT64, DECIMAL, DOUBLE -> true;
                    case STRING, BOOLEAN, DATE, DATE_TIME_OFFSET, GUID, ENUM, MULTI_ENUM -> false;
                };
        return switch (aggregate.function()) {
            case COUNT_ROWS, COUNT -> FieldType.of(FieldType.Kind.INT64);
            case SUM, AVERAGE -> {
                if (!numeric) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "%s needs a number; '%s' is %s.",
                            aggregate.function().name().toLowerCase(java.util.Locale.ROOT),
                            field.logicalName(),
                            field.type());
                }
                if (kind == FieldType.Kind.DECIMAL) {
                    yield FieldType.decimal(
                            38,
                            Math.min(
                                    38,
                                    field.type().scale().orElse(2)
                                            + (aggregate.function() == Aggregation.Function.AVERAGE ? 4 : 0)));
                }
                if (aggregate.function() == Aggregation.Function.AVERAGE || kind == FieldType.Kind.DOUBLE) {
                    yield FieldType.of(FieldType.Kind.DOUBLE);
                }
                yield FieldType.of(FieldType.Kind.INT64);
            }
            case MIN, MAX -> {
                if (kind == FieldType.Kind.BOOLEAN
                        || kind == FieldType.Kind.GUID
                        || kind == FieldType.Kind.ENUM
                        || kind == FieldType.Kind.MULTI_ENUM) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "%s needs a number, a date or text; '%s' is %s.",
                            aggregate.function().name().toLowerCase(java.util.Locale.ROOT),
                            field.logicalName(),
                            field.type());
                }
                yield field.type();
            }
        };
    }

    /** {@code field} answered under another name (an alias) and type. */
    private static FieldDefinition renamed(FieldDefinition field, String name, FieldType type) {
        return new FieldDefinition(name, field.column(), type, false, true, Map.of());
    }

    /** The requested columns of every joined relation, as {@code alias.attribute} (masked where field security hides them). */
    private static void outputLinkedFields(
            Relations relations, List<OutputField> output, List<ColumnRef> selected, Map<String, Integer> selectIndex) {
        for (Planned linked : relations.linked) {
            Set<String> hidden = linked.resolver().unreadable;
            for (FieldDefinition field :
                    requestedFields(linked.entity(), linked.link().relation().columns())) {
                output.add(new OutputField(
                        field,
                        hidden.contains(field.logicalName())
                                ? -1
                                : select(linked.resolver().column(field), selected, selectIndex),
                        Optional.of(linked.name()),
                        alias(linked.link().relation().columns(), field)));
            }
        }
    }

    /**
     * Whether the root's page can be cut before the joins: every join is left outer on the key of
     * its entity (it neither drops nor multiplies root rows) and neither the filter nor the order
     * reads a joined relation.
     */
    private static boolean pageRootFirst(Relations relations, Condition filter, List<SortKey> sortKeys) {
        if (relations.linked.isEmpty()) {
            return false;
        }
        for (Planned linked : relations.linked) {
            if (linked.link().kind() != Link.Kind.LEFT_OUTER || linked.multiplies()) {
                return false;
            }
        }
        return sortKeys.stream().allMatch(key -> key.column().relationAlias().equals(ROOT_ALIAS))
                && readsRootOnly(filter);
    }

    private static boolean readsRootOnly(Condition condition) {
        if (condition instanceof And and) {
            return and.conditions().stream().allMatch(QueryPlanner::readsRootOnly);
        }
        if (condition instanceof Or or) {
            return or.conditions().stream().allMatch(QueryPlanner::readsRootOnly);
        }
        if (condition instanceof Not not) {
            return readsRootOnly(not.condition());
        }
        if (condition instanceof Comparison comparison) {
            return readsRootOnly(comparison.left()) && readsRootOnly(comparison.right());
        }
        if (condition instanceof IsNull isNull) {
            return readsRootOnly(isNull.operand());
        }
        if (condition instanceof Like like) {
            return readsRootOnly(like.operand());
        }
        if (condition instanceof In in) {
            return readsRootOnly(in.operand());
        }
        if (condition instanceof Condition.ContainValues contain) {
            return readsRootOnly(contain.operand());
        }
        if (condition instanceof Between between) {
            return readsRootOnly(between.operand());
        }
        if (condition instanceof Exists exists) {
            return readsRootOnly(exists.where());
        }
        return condition instanceof Constant;
    }

    private static boolean readsRootOnly(Operand operand) {
        if (operand instanceof ColumnRef column) {
            return isRootOrBelow(column.relationAlias());
        }
        if (operand instanceof FunctionCall call) {
            return call.arguments().stream().allMatch(QueryPlanner::readsRootOnly);
        }
        return operand instanceof Literal;
    }

    /** The root's alias, or the alias of a subquery under it ({@code t0s1}, {@code t0s1s2}). */
    private static boolean isRootOrBelow(String alias) {
        return alias.equals(ROOT_ALIAS) || alias.startsWith(ROOT_ALIAS + SUBQUERY);
    }

    private static List<Condition> concat(Condition first, List<Condition> rest) {
        List<Condition> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<Condition> concat(List<Condition> first, List<Condition> rest) {
        List<Condition> all = new ArrayList<>(first);
        all.addAll(rest);
        return all;
    }

    /**
     * One relation of the tree as planned: its entity, the caller's scope of it, a resolver under
     * its own alias, and its row security; for a joined one also its link, its client name and the
     * join-column equality.
     */
    private record Planned(
            Optional<Link> linkOf,
            Relation relation,
            String name,
            EntityDefinition entity,
            AccessScope scope,
            Resolver resolver,
            Condition rowScope,
            Condition joinColumns,
            boolean multiplies,
            List<Condition> semiJoins) {
        Link link() {
            return linkOf.orElseThrow();
        }
    }

    /** Walks the query tree, giving each relation its alias (t0 for the root, t1, t2, … in tree order) and its scope. */
    private final class Relations {
        private final ReadScopes scopes;
        private final Map<String, Resolver> named = new LinkedHashMap<>();
        private final List<Planned> linked = new ArrayList<>();
        private Planned root;

        Relations(ReadScopes scopes) {
            this.scopes = scopes;
        }

        Planned root(Relation relation) {
            EntityDefinition entity = entity(relation.entityLogicalName());
            AccessScope scope = scopes.of(entity);
            Resolver resolver = resolver(entity, scope, ROOT_ALIAS);
            root = new Planned(
                    Optional.empty(),
                    relation,
                    entity.logicalName(),
                    entity,
                    scope,
                    resolver,
                    relationScope(entity, scope, ROOT_ALIAS),
                    Condition.TRUE,
                    true,
                    new ArrayList<>());
            return root;
        }

        void link(Planned parent, List<Link> links) {
            for (Link link : links) {
                if (link.kind().filters()) {
                    parent.semiJoins().add(parent.resolver().semiJoin(link));
                    continue;
                }
                int number = linked.size() + 1;
                String alias = ROOT_ALIAS.charAt(0) + Integer.toString(number);
                EntityDefinition entity = entity(link.relation().entityLogicalName());
                AccessScope scope = scopes.of(entity);
                Resolver resolver = resolver(entity, scope, alias);
                String name = link.alias().orElse(entity.logicalName() + number);
                if (named.putIfAbsent(name, resolver) != null
                        || name.equals(root.entity().logicalName())) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "Two relations of the query are named '%s'; give each its own alias.",
                            name);
                }
                if (link.alias().isPresent()) {
                    named.putIfAbsent(entity.logicalName(), resolver);
                }
                FieldDefinition from = parent.resolver().readableField(link.fromAttribute(), "join on");
                FieldDefinition to = resolver.readableField(link.toAttribute(), "join on");
                if (!ValueType.of(from.type()).comparableWith(ValueType.of(to.type()))) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "Cannot join '%s' of '%s' to '%s' of '%s': their types differ.",
                            from.logicalName(),
                            parent.entity().logicalName(),
                            to.logicalName(),
                            entity.logicalName());
                }
                Planned planned = new Planned(
                        Optional.of(link),
                        link.relation(),
                        name,
                        entity,
                        scope,
                        resolver,
                        relationScope(entity, scope, alias),
                        new Comparison(parent.resolver().column(from), Condition.Operator.EQUAL, resolver.column(to)),
                        // the root's key orders the root; a join on another entity's key adds at most one row each
                        !to.logicalName().equals(entity.keyField()),
                        new ArrayList<>());
                linked.add(planned);
                link(planned, link.relation().links());
            }
        }

        /** The root, then the joined relations in tree order. */
        List<Planned> all() {
            List<Planned> all = new ArrayList<>();
            all.add(root);
            all.addAll(linked);
            return all;
        }

        private Resolver resolver(EntityDefinition entity, AccessScope scope, String alias) {
            return new Resolver(
                    entity,
                    scope.unrestricted() ? Set.of() : withDependents(entity, scope.unreadableFields()),
                    alias,
                    named,
                    Optional.of(scopes),
                    Optional.of(callerValues(scope)));
        }

        private EntityDefinition entity(String logicalName) {
            return catalog.byLogicalName(logicalName)
                    .filter(EntityDefinition::visible) // a hidden entity is in no query, linked or not
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.ENTITY_SET_NOT_FOUND, "Entity '%s' does not exist.", logicalName));
        }
    }

    private static int select(ColumnRef column, List<ColumnRef> selected, Map<String, Integer> selectIndex) {
        String name = column.relationAlias() + "." + column.field().logicalName();
        Integer existing = selectIndex.get(name);
        if (existing != null) {
            return existing;
        }
        selected.add(column);
        selectIndex.put(name, selected.size() - 1);
        return selected.size() - 1;
    }

    /** An alias may not answer a column under the name of another column of the answer (400). */
    private static void requireUniqueNames(List<OutputField> output, EntityDefinition entity) {
        if (output.stream().noneMatch(field -> field.alias().isPresent())) {
            return;
        }
        Set<String> names = new java.util.HashSet<>();
        for (OutputField field : output) {
            boolean rootKey =
                    field.relation().isEmpty() && field.field().logicalName().equals(entity.keyField());
            // the root's key is always answered under its own name
            if (!names.add(field.name()) || (field.name().equals(entity.keyField()) && !rootKey)) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Two columns of the answer are named '%s'; give each its own alias.",
                        shorten(field.name()));
            }
        }
    }

    /** The alias the client gave {@code field} among {@code columns}, if any. */
    private static Optional<String> alias(Columns columns, FieldDefinition field) {
        return Optional.ofNullable(columns.aliases().get(field.logicalName()));
    }

    private static List<FieldDefinition> requestedFields(EntityDefinition entity, Columns columns) {
        if (columns.all()) {
            return entity.fields();
        }
        Set<String> seen = new LinkedHashSet<>();
        List<FieldDefinition> fields = new ArrayList<>();
        for (String name : columns.names()) {
            FieldDefinition field = entity.field(name).orElseThrow(() -> unknownProperty(entity, name));
            if (seen.add(name)) {
                fields.add(field);
            }
        }
        return fields;
    }

    private static String shorten(String name) {
        return name.length() > 128 ? name.substring(0, 128) + "…" : name;
    }

    static GatewayException unknownProperty(EntityDefinition entity, String name) {
        String shown = name.length() > 128 ? name.substring(0, 128) + "…" : name;
        return GatewayException.of(
                ErrorCode.UNKNOWN_PROPERTY,
                "Could not find a property named '%s' on entity '%s'.",
                shown,
                entity.logicalName());
    }

    /** Resolves request names and literals of one relation against the catalog. */
    private final class Resolver {
        private final EntityDefinition entity;
        private final Set<String> unreadable;
        private final String alias;
        /** The joined relations by their client names, for attributes of another relation. */
        private final Map<String, Resolver> named;
        /**
         * The caller's scopes, for the entities a subquery reaches; empty for a row filter, which is the
         * server's rule and reads them unrestricted.
         */
        private final Optional<ReadScopes> scopes;
        /** The caller's own values, for the {@code EqualUserId}-style operators of a caller's query; empty for a row filter. */
        private final Optional<CallerValues> caller;

        private int subqueries;

        Resolver(
                EntityDefinition entity,
                Set<String> unreadable,
                String alias,
                Map<String, Resolver> named,
                Optional<ReadScopes> scopes,
                Optional<CallerValues> caller) {
            this.entity = entity;
            this.unreadable = unreadable;
            this.alias = alias;
            this.named = named;
            this.scopes = scopes;
            this.caller = caller;
        }

        /**
         * A resolver for a subquery of {@code target} correlated with this relation, under the next
         * subquery alias, with the caller's field security and row security of {@code target}.
         */
        private Subquery subquery(EntityDefinition target) {
            String subAlias = alias + SUBQUERY + (++subqueries);
            if (scopes.isEmpty()) {
                return new Subquery(
                        new Resolver(target, Set.of(), subAlias, Map.of(), Optional.empty(), Optional.empty()),
                        Condition.TRUE);
            }
            AccessScope scope = scopes.get().of(target);
            Resolver resolver = new Resolver(
                    target,
                    scope.unrestricted() ? Set.of() : withDependents(target, scope.unreadableFields()),
                    subAlias,
                    Map.of(),
                    scopes,
                    caller);
            return new Subquery(resolver, relationScope(target, scope, subAlias));
        }

        /**
         * The condition a filtering link-entity puts on this relation: a semi-join with its own row
         * security, its criteria and the filtering links nested in it.
         */
        Condition semiJoin(Link link) {
            Relation relation = link.relation();
            String kind = link.kind().name();
            if (relation.columns().all() || !relation.columns().names().isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "A link-entity of type %s only filters; it returns no columns. Remove the columns of '%s'.",
                        kind,
                        link.alias().orElse(relation.entityLogicalName()));
            }
            if (!relation.orders().isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "A link-entity of type %s only filters; it cannot be ordered by. Remove the orders of '%s'.",
                        kind,
                        link.alias().orElse(relation.entityLogicalName()));
            }
            EntityDefinition target = catalog.byLogicalName(relation.entityLogicalName())
                    .filter(EntityDefinition::visible)
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.ENTITY_SET_NOT_FOUND,
                            "Entity '%s' does not exist.",
                            relation.entityLogicalName()));
            Subquery sub = subquery(target);
            FieldDefinition from = readableField(link.fromAttribute(), "join on");
            FieldDefinition to = sub.resolver().readableField(link.toAttribute(), "join on");
            if (!ValueType.of(from.type()).comparableWith(ValueType.of(to.type()))) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Cannot join '%s' of '%s' to '%s' of '%s': their types differ.",
                        from.logicalName(),
                        entity.logicalName(),
                        to.logicalName(),
                        target.logicalName());
            }
            Condition correlation = new Comparison(
                    column(from), Condition.Operator.EQUAL, sub.resolver().column(to));
            List<Condition> criteria = new ArrayList<>();
            criteria.add(sub.resolver().condition(relation.criteria()));
            for (Link nested : relation.links()) {
                if (!nested.kind().filters()) {
                    throw GatewayException.of(
                            ErrorCode.UNSUPPORTED_QUERY,
                            "A link-entity of type %s can hold only filtering link-entities, not %s ('%s').",
                            kind,
                            nested.kind().name(),
                            nested.alias().orElse(nested.relation().entityLogicalName()));
                }
                criteria.add(sub.resolver().semiJoin(nested));
            }
            Condition matching = Condition.and(concat(List.of(correlation, sub.rowScope()), criteria));
            return switch (link.kind()) {
                case EXISTS, IN, ANY, NOT_ALL -> new Exists(target, sub.resolver().alias, matching);
                case NOT_ANY -> new Not(new Exists(target, sub.resolver().alias, matching));
                case ALL -> new And(List.of(
                        new Exists(target, sub.resolver().alias, Condition.and(List.of(correlation, sub.rowScope()))),
                        new Not(new Exists(target, sub.resolver().alias, matching))));
                case INNER, LEFT_OUTER -> throw new IllegalStateException("a join is not a semi-join");
            };
        }

        /** {@code nav/any(x: p)}: some readable related record satisfies p; {@code nav/all(x: p)}: none fails it. */
        private Condition lambda(Condition.Lambda lambda) {
            if (lambda.navigation().contains("/")) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY,
                        "any and all apply to one navigation property of the record, not to the path '%s'.",
                        shorten(lambda.navigation()));
            }
            Navigation navigation = navigation(lambda.navigation());
            if (!navigation.collection()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "any and all apply to collection-valued navigation properties; '%s' is single-valued"
                                + " (filter on %s/<field> instead).",
                        navigation.name(),
                        navigation.name());
            }
            Subquery sub = subquery(navigation.target());
            Condition correlation = correlation(navigation, sub);
            Condition predicate = sub.resolver().condition(lambda.predicate());
            String subAlias = sub.resolver().alias;
            return switch (lambda.quantifier()) {
                case ANY -> new Exists(
                        navigation.target(), subAlias, Condition.and(List.of(correlation, sub.rowScope(), predicate)));
                case ALL -> new Not(new Exists(
                        navigation.target(),
                        subAlias,
                        Condition.and(List.of(correlation, sub.rowScope(), new Not(predicate)))));
            };
        }

        private Condition correlation(Navigation navigation, Subquery sub) {
            FieldDefinition from = readableField(navigation.sourceField(), "join on");
            FieldDefinition to = sub.resolver().readableField(navigation.targetField(), "join on");
            return new Comparison(
                    column(from), Condition.Operator.EQUAL, sub.resolver().column(to));
        }

        private Navigation navigation(String name) {
            Navigation navigation = catalog.navigation(entity, name)
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.UNKNOWN_PROPERTY,
                            "Entity '%s' has no navigation property '%s'.",
                            entity.logicalName(),
                            shorten(name)));
            requireNavigable(navigation);
            return navigation;
        }

        /** 400 for a navigation whose relation's target field does not identify one record (see NavigableRelations). */
        private void requireNavigable(Navigation navigation) {
            Optional<dev.vegateway.catalog.RelationDefinition> relation = navigation.collection()
                    ? catalog.inverseRelation(entity.logicalName(), navigation.name())
                            .map(dev.vegateway.catalog.InverseRelation::relation)
                    : entity.relation(navigation.name());
            relation.ifPresent(definition -> NavigableRelations.require(catalog, definition, navigation.name()));
        }

        /**
         * A comparison, null test or match on a field reached through single-valued navigation
         * properties that are not joined ({@code nav/field eq 'x'} in a row filter): a semi-join on
         * the related record, so that a missing or unreadable one makes it false ({@code nav/field eq
         * null} true). Empty when {@code leaf} reads no such path.
         */
        private Optional<Condition> throughNavigation(Condition leaf) {
            if (!readsAnotherRelation(leaf)) {
                return Optional.empty(); // the common case: no set to allocate on every leaf of every query
            }
            Set<Optional<String>> relations = new LinkedHashSet<>();
            collectRelations(leaf, relations);
            Optional<String> path = relations.stream()
                    .flatMap(Optional::stream)
                    .filter(relation -> !named.containsKey(relation))
                    .findFirst();
            if (path.isEmpty()) {
                return Optional.empty();
            }
            if (relations.size() > 1) {
                throw GatewayException.of(
                        ErrorCode.UNSUPPORTED_QUERY,
                        "A field reached through '%s' can be compared with values only, not with other fields.",
                        shorten(path.get()));
            }
            int slash = path.get().indexOf('/');
            String first = slash < 0 ? path.get() : path.get().substring(0, slash);
            Optional<String> rest =
                    slash < 0 ? Optional.empty() : Optional.of(path.get().substring(slash + 1));
            Optional<Navigation> step = catalog.navigation(entity, first);
            if (step.isEmpty()) {
                return Optional.empty(); // neither joined nor a navigation property: named() says so
            }
            Navigation navigation = step.get();
            requireNavigable(navigation);
            if (navigation.collection()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "'%s' is collection-valued; use any or all, as in %s/any(x: x/field eq 1).",
                        first,
                        first);
            }
            Subquery sub = subquery(navigation.target());
            Condition correlation = correlation(navigation, sub);
            Condition inner = relativeTo(leaf, rest);
            String subAlias = sub.resolver().alias;
            if (inner instanceof IsNull isNull && !isNull.negated()) {
                // nav/field is null when there is no related record, or its field is null
                return Optional.of(new Not(new Exists(
                        navigation.target(),
                        subAlias,
                        Condition.and(List.of(
                                correlation,
                                sub.rowScope(),
                                sub.resolver().condition(new IsNull(isNull.operand(), true)))))));
            }
            return Optional.of(new Exists(
                    navigation.target(),
                    subAlias,
                    Condition.and(
                            List.of(correlation, sub.rowScope(), sub.resolver().condition(inner)))));
        }

        /** Whether an attribute of {@code leaf} names a relation (a link alias or a navigation path). */
        private boolean readsAnotherRelation(Condition leaf) {
            if (leaf instanceof Comparison comparison) {
                return readsAnotherRelation(comparison.left()) || readsAnotherRelation(comparison.right());
            }
            if (leaf instanceof IsNull isNull) {
                return readsAnotherRelation(isNull.operand());
            }
            if (leaf instanceof Like like) {
                return readsAnotherRelation(like.operand());
            }
            if (leaf instanceof In in) {
                return readsAnotherRelation(in.operand());
            }
            if (leaf instanceof Condition.ContainValues contain) {
                return readsAnotherRelation(contain.operand());
            }
            if (leaf instanceof Between between) {
                return readsAnotherRelation(between.operand());
            }
            return false;
        }

        private boolean readsAnotherRelation(Operand operand) {
            if (operand instanceof AttributeRef attribute) {
                return attribute.relation().isPresent();
            }
            if (operand instanceof FunctionCall call) {
                return call.arguments().stream().anyMatch(this::readsAnotherRelation);
            }
            return false;
        }

        private void collectRelations(Condition leaf, Set<Optional<String>> relations) {
            if (leaf instanceof Comparison comparison) {
                collectRelations(comparison.left(), relations);
                collectRelations(comparison.right(), relations);
            } else if (leaf instanceof IsNull isNull) {
                collectRelations(isNull.operand(), relations);
            } else if (leaf instanceof Like like) {
                collectRelations(like.operand(), relations);
            } else if (leaf instanceof In in) {
                collectRelations(in.operand(), relations);
            } else if (leaf instanceof Condition.ContainValues contain) {
                collectRelations(contain.operand(), relations);
            } else if (leaf instanceof Between between) {
                collectRelations(between.operand(), relations);
            }
        }

        private void collectRelations(Operand operand, Set<Optional<String>> relations) {
            if (operand instanceof AttributeRef attribute) {
                relations.add(attribute.relation());
            } else if (operand instanceof FunctionCall call) {
                call.arguments().forEach(argument -> collectRelations(argument, relations));
            }
        }

        /** The leaf with every attribute's navigation path cut to {@code rest}. */
        private Condition relativeTo(Condition leaf, Optional<String> rest) {
            if (leaf instanceof Comparison comparison) {
                return new Comparison(
                        relativeTo(comparison.left(), rest),
                        comparison.operator(),
                        relativeTo(comparison.right(), rest));
            }
            if (leaf instanceof IsNull isNull) {
                return new IsNull(relativeTo(isNull.operand(), rest), isNull.negated());
            }
            if (leaf instanceof Like like) {
                return new Like(relativeTo(like.operand(), rest), like.kind(), like.text(), like.negated());
            }
            if (leaf instanceof In in) {
                return new In(relativeTo(in.operand(), rest), in.values(), in.negated());
            }
            if (leaf instanceof Condition.ContainValues contain) {
                return new Condition.ContainValues(
                        relativeTo(contain.operand(), rest), contain.values(), contain.negated());
            }
            Between between = (Between) leaf;
            return new Between(relativeTo(between.operand(), rest), between.low(), between.high(), between.negated());
        }

        private Operand relativeTo(Operand operand, Optional<String> rest) {
            if (operand instanceof AttributeRef attribute) {
                return new AttributeRef(rest, attribute.name());
            }
            if (operand instanceof FunctionCall call) {
                return new FunctionCall(
                        call.function(),
                        call.arguments().stream()
                                .map(argument -> relativeTo(argument, rest))
                                .toList());
            }
            return operand;
        }

        ColumnRef column(FieldDefinition field) {
            return new ColumnRef(alias, field);
        }

        /** This resolver, or the one of the joined relation the client named. */
        Resolver named(Optional<String> relation) {
            if (relation.isEmpty()) {
                return this;
            }
            Resolver other = named.get(relation.get());
            if (other == null) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The query has no link-entity or navigation property named '%s' (an EntityAlias, or the"
                                + " entity name of a link without one).",
                        shorten(relation.get()));
            }
            return other;
        }

        FieldDefinition readableField(String name, String use) {
            FieldDefinition field = entity.field(name).orElseThrow(() -> unknownProperty(entity, name));
            if (unreadable.contains(name)) {
                throw GatewayException.of(
                        ErrorCode.MISSING_PRIVILEGE,
                        "The caller may not read field '%s' of entity '%s', so it cannot %s it.",
                        name,
                        entity.logicalName(),
                        use);
            }
            return field;
        }

        Condition condition(Condition condition) {
            if (condition instanceof Constant constant) {
                return constant;
            }
            if (condition instanceof And and) {
                return new And(and.conditions().stream().map(this::condition).toList());
            }
            if (condition instanceof Or or) {
                return new Or(or.conditions().stream().map(this::condition).toList());
            }
            if (condition instanceof Not not) {
                return new Not(condition(not.condition()));
            }
            if (condition instanceof Condition.Lambda lambda) {
                return lambda(lambda);
            }
            if (condition instanceof Exists) {
                throw new IllegalStateException("a planned semi-join reached the planner");
            }
            if (condition instanceof Condition.RelativeDate relative) {
                return relativeDate(relative);
            }
            if (condition instanceof Comparison comparison
                    && (comparison.left() instanceof Placeholder || comparison.right() instanceof Placeholder)) {
                // EqualUserId and its kin: the caller's own values (a row filter's are bound before it gets here)
                CallerValues values = caller.orElseThrow(
                        () -> new IllegalStateException("a placeholder reached the planner unbound"));
                if (comparison.right().equals(Placeholder.USER_LANGUAGE)) {
                    Typed subject = operand(comparison.left());
                    if (subject.type() != ValueType.INTEGER) {
                        throw GatewayException.of(
                                ErrorCode.QUERY_SYNTAX,
                                "Condition operator EqualUserLanguage (eq-userlanguage) compares a whole-number"
                                        + " attribute (a language code such as 1033) with the caller's language;"
                                        + " '%s' is not a whole number.",
                                subject.description());
                    }
                }
                return PlaceholderBinder.bind(comparison, values)
                        .map(this::condition)
                        .orElse(Condition.FALSE);
            }
            if (condition instanceof Condition.Hierarchy hierarchy) {
                return hierarchy(hierarchy);
            }
            if (condition instanceof Condition.HierarchyWalk) {
                throw new IllegalStateException("a planned hierarchy walk reached the planner");
            }
            Optional<Condition> navigated = throughNavigation(condition);
            if (navigated.isPresent()) {
                return navigated.get();
            }
            if (condition instanceof IsNull isNull) {
                return new IsNull(operand(isNull.operand()).operand(), isNull.negated());
            }
            if (condition instanceof Like like) {
                return like(like);
            }
            if (condition instanceof Comparison comparison) {
                return comparison(comparison);
            }
            if (condition instanceof In in) {
                return in(in);
            }
            if (condition instanceof Condition.ContainValues contain) {
                return containValues(contain);
            }
            if (condition instanceof Between between) {
                return between(between);
            }
            throw new IllegalStateException("unknown condition " + condition.getClass());
        }

        /** {@code Today}, {@code LastXDays(3)}, …: the range they mean now, on a Date or DateTimeOffset attribute. */
        private Condition relativeDate(Condition.RelativeDate relative) {
            Typed subject = operand(relative.operand());
            if (subject.type() != ValueType.DATE && subject.type() != ValueType.TIMESTAMP) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The date operator %s needs a Date or DateTimeOffset attribute; '%s' is neither.",
                        relative.operator().name(),
                        subject.description());
            }
            if (relative.operator() == Condition.DateOperator.IN_FISCAL_PERIOD) {
                FiscalCalendar calendar = fiscalCalendar(relative.operator());
                long period = relative.amount().getAsLong();
                requirePeriod(calendar, period, relative.operator());
                return condition(new Comparison(
                        new FunctionCall(
                                FunctionCall.Function.FISCAL_PERIOD,
                                List.of(
                                        relative.operand(),
                                        new Literal((long) calendar.yearStart().getDayOfMonth() - 1),
                                        new Literal((long) calendar.yearStart().getMonthValue() - 1),
                                        new Literal((long) calendar.period().months()))),
                        Condition.Operator.EQUAL,
                        new Literal(period)));
            }
            // Days begin in the caller's time zone (a user setting; UTC without one); a row filter has no caller.
            java.time.ZoneId zone =
                    caller.map(values -> values.profile().zone()).orElse(java.time.ZoneOffset.UTC);
            RelativeDates.Range range;
            if (relative.operator().fiscal()) {
                FiscalCalendar calendar = fiscalCalendar(relative.operator());
                if (relative.second().isPresent()) {
                    requirePeriod(calendar, relative.amount().getAsLong(), relative.operator());
                }
                range = RelativeDates.fiscalRange(
                        relative.operator(),
                        relative.amount().orElse(0),
                        relative.second().orElse(0),
                        calendar,
                        clock.instant(),
                        zone);
            } else {
                range = RelativeDates.range(
                        relative.operator(), relative.amount().orElse(0), clock.instant(), zone);
            }
            boolean date = subject.type() == ValueType.DATE;
            List<Condition> bounds = new ArrayList<>();
            range.from()
                    .ifPresent(from -> bounds.add(new Comparison(
                            relative.operand(),
                            Condition.Operator.GREATER_EQUAL,
                            new Literal(date ? from.toLocalDate() : utc(from)))));
            range.to()
                    .ifPresent(to -> bounds.add(new Comparison(
                            relative.operand(),
                            Condition.Operator.LESS_THAN,
                            new Literal(date ? ceilingDay(to, zone) : utc(to)))));
            return condition(Condition.and(bounds));
        }

        /**
         * {@code Under}, {@code AboveOrEqual}, …: on the key of an entity with a hierarchical relation, a
         * walk of the hierarchy from the record given, through rows the caller may read (the start
         * included), so that it never reveals a row, or a link between rows, the caller could not read.
         */
        private Condition hierarchy(Condition.Hierarchy hierarchy) {
            String name = dev.vegateway.adapter.operators.ConditionOperator.valueOf(
                            hierarchy.operator().name())
                    .describe();
            if (!(hierarchy.operand() instanceof AttributeRef attribute)) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "The hierarchy operator %s applies to an attribute.", name);
            }
            if (attribute.relation().isPresent()) {
                return named(attribute.relation())
                        .hierarchy(new Condition.Hierarchy(
                                new AttributeRef(attribute.name()), hierarchy.operator(), hierarchy.value()));
            }
            dev.vegateway.catalog.RelationDefinition relation = entity.hierarchy()
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.UNSUPPORTED_QUERY,
                            "The hierarchy operator %s needs a hierarchical relation on entity '%s', and the catalog"
                                    + " declares none (a relation with hierarchical: true).",
                            name,
                            entity.logicalName()));
            FieldDefinition keyField = readableField(attribute.name(), "filter on");
            if (!keyField.logicalName().equals(relation.targetField())) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The hierarchy operator %s applies to '%s' (the field the hierarchy of '%s' refers to), not"
                                + " to '%s'.",
                        name,
                        relation.targetField(),
                        entity.logicalName(),
                        keyField.logicalName());
            }
            FieldDefinition parent = readableField(relation.field(), "walk the hierarchy through");
            Literal start = LiteralCoercion.toField(
                    hierarchy.value(),
                    keyField.type(),
                    keyField.type().optionSet().flatMap(catalog::optionSet),
                    keyField.logicalName());
            Subquery walk = subquery(entity);
            Subquery startRow = subquery(entity);
            String cte = alias + SUBQUERY + (++subqueries);
            boolean down =
                    switch (hierarchy.operator()) {
                        case UNDER, UNDER_OR_EQUAL, NOT_UNDER -> true;
                        case ABOVE, ABOVE_OR_EQUAL -> false;
                    };
            Condition.HierarchyWalk planned = new Condition.HierarchyWalk(
                    column(keyField),
                    entity,
                    keyField,
                    parent,
                    start,
                    down,
                    walk.resolver().alias,
                    startRow.resolver().alias,
                    cte,
                    walk.rowScope(),
                    startRow.rowScope());
            return switch (hierarchy.operator()) {
                case UNDER, ABOVE -> planned;
                case UNDER_OR_EQUAL, ABOVE_OR_EQUAL -> new Or(
                        List.of(new Comparison(column(keyField), Condition.Operator.EQUAL, start), planned));
                case NOT_UNDER -> new Not(planned);
            };
        }

        private FiscalCalendar fiscalCalendar(Condition.DateOperator operator) {
            return QueryPlanner.this.fiscalCalendar.orElseThrow(() -> GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "The fiscal operator %s needs the fiscal calendar, and none is configured (query.fiscalYearStart"
                            + " and query.fiscalPeriod).",
                    dev.vegateway.adapter.operators.ConditionOperator.valueOf(operator.name())
                            .describe()));
        }

        private void requirePeriod(FiscalCalendar calendar, long period, Condition.DateOperator operator) {
            if (period < 1 || period > calendar.period().perYear()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The fiscal operator %s names period %d; a fiscal year of the configured calendar has periods"
                                + " 1 to %d.",
                        dev.vegateway.adapter.operators.ConditionOperator.valueOf(operator.name())
                                .describe(),
                        period,
                        calendar.period().perYear());
            }
        }

        private Condition like(Like like) {
            Typed typed = operand(like.operand());
            if (typed.type() != ValueType.TEXT) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "%s needs a text attribute; '%s' is not text.",
                        like.kind().name().toLowerCase(java.util.Locale.ROOT),
                        typed.description());
            }
            return new Like(typed.operand(), like.kind(), like.text(), like.negated());
        }

        private Condition comparison(Comparison comparison) {
            Typed left = operand(comparison.left());
            Typed right = operand(comparison.right());
            if (left.operand() instanceof Literal && !(right.operand() instanceof Literal)) {
                left = coerce(left, right);
            } else if (right.operand() instanceof Literal && !(left.operand() instanceof Literal)) {
                right = coerce(right, left);
            } else if (!left.type().comparableWith(right.type())) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Cannot compare '%s' with '%s': their types differ.",
                        left.description(),
                        right.description());
            }
            if ((left.type() == ValueType.BOOLEAN || left.type() == ValueType.GUID)
                    && isOrdering(comparison.operator())) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "'%s' supports only equality comparisons.", left.description());
            }
            Comparison planned = new Comparison(left.operand(), comparison.operator(), right.operand());
            if (right.operand() instanceof Literal) {
                return KeyConditions.rewrite(planned).orElse(planned);
            }
            if (left.operand() instanceof Literal) {
                Comparison swapped = new Comparison(right.operand(), comparison.operator(), left.operand());
                return KeyConditions.rewrite(swapped).orElse(planned);
            }
            return planned;
        }

        private boolean isOrdering(Condition.Operator operator) {
            return switch (operator) {
                case EQUAL, NOT_EQUAL -> false;
                case GREATER_THAN, GREATER_EQUAL, LESS_THAN, LESS_EQUAL -> true;
            };
        }

        private Condition in(In in) {
            Typed subject = operand(in.operand());
            List<Literal> values = in.values().stream()
                    .map(value ->
                            (Literal) coerce(new Typed(value, subject.type(), "literal", Optional.empty()), subject)
                                    .operand())
                    .toList();
            In planned = new In(subject.operand(), values, in.negated());
            return KeyConditions.rewrite(planned).orElse(planned);
        }

        /**
         * {@code ContainValues}/{@code DoesNotContainValues}: on a multi-select option set only, each value an
         * option of its set (the option's value, bound as the stored one).
         */
        private Condition containValues(Condition.ContainValues contain) {
            Typed subject = operand(contain.operand());
            String operator = (contain.negated()
                            ? dev.vegateway.adapter.operators.ConditionOperator.DOES_NOT_CONTAIN_VALUES
                            : dev.vegateway.adapter.operators.ConditionOperator.CONTAIN_VALUES)
                    .describe();
            if (subject.type() != ValueType.MULTI_ENUM || subject.field().isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Condition operator %s needs a multi-select option set attribute; '%s' is not one.",
                        operator,
                        subject.description());
            }
            FieldDefinition field = subject.field().get();
            dev.vegateway.catalog.OptionSet set = field.type()
                    .optionSet()
                    .flatMap(catalog::optionSet)
                    .orElseThrow(() -> new IllegalStateException("option set of " + field.logicalName() + " missing"));
            List<Literal> stored = contain.values().stream()
                    .map(value -> LiteralCoercion.multiSelectMember(value, set, field.logicalName()))
                    .distinct()
                    .toList();
            return new Condition.ContainValues(subject.operand(), stored, contain.negated());
        }

        private Condition between(Between between) {
            Typed subject = operand(between.operand());
            if (subject.type() == ValueType.BOOLEAN || subject.type() == ValueType.GUID) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "'%s' supports only equality comparisons, not Between.",
                        subject.description());
            }
            Literal low =
                    (Literal) coerce(new Typed(between.low(), subject.type(), "literal", Optional.empty()), subject)
                            .operand();
            Literal high =
                    (Literal) coerce(new Typed(between.high(), subject.type(), "literal", Optional.empty()), subject)
                            .operand();
            return new Between(subject.operand(), low, high, between.negated());
        }

        private Typed coerce(Typed literal, Typed target) {
            Literal value = (Literal) literal.operand();
            if (target.field().isPresent()) {
                FieldType type = target.field().get().type();
                Literal coerced = LiteralCoercion.toField(
                        value, type, type.optionSet().flatMap(catalog::optionSet), target.description());
                return new Typed(coerced, target.type(), "literal", Optional.empty());
            }
            return new Typed(
                    LiteralCoercion.toValueType(value, target.type(), target.description()),
                    target.type(),
                    "literal",
                    Optional.empty());
        }

        Typed operand(Operand operand) {
            if (operand instanceof AttributeRef attribute
                    && attribute.relation().isPresent()) {
                return named(attribute.relation()).operand(new AttributeRef(attribute.name()));
            }
            if (operand instanceof AttributeRef attribute) {
                FieldDefinition field = readableField(attribute.name(), "filter on");
                return new Typed(column(field), ValueType.of(field.type()), field.logicalName(), Optional.of(field));
            }
            if (operand instanceof ColumnRef column) {
                return new Typed(
                        column,
                        ValueType.of(column.field().type()),
                        column.field().logicalName(),
                        Optional.of(column.field()));
            }
            if (operand instanceof Literal literal) {
                return new Typed(literal, literalType(literal), "literal", Optional.empty());
            }
            if (operand instanceof Placeholder placeholder) {
                throw new IllegalStateException("placeholder " + placeholder + " reached the planner unbound");
            }
            return function((FunctionCall) operand);
        }

        private Typed function(FunctionCall call) {
            Typed argument = operand(call.arguments().get(0));
            if (call.function() == FunctionCall.Function.BIT_AND) {
                if (argument.type() != ValueType.INTEGER || argument.operand() instanceof Literal) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "The mask operators need a whole-number (Int32 or Int64) attribute; '%s' is not one.",
                            argument.description());
                }
                Literal mask = (Literal) call.arguments().get(1);
                return new Typed(
                        new FunctionCall(
                                call.function(),
                                List.of(
                                        argument.operand(),
                                        LiteralCoercion.toValueType(mask, ValueType.INTEGER, argument.description()))),
                        ValueType.INTEGER,
                        "bitand(" + argument.description() + ")",
                        Optional.empty());
            }
            if (call.function() == FunctionCall.Function.FISCAL_PERIOD) {
                if (argument.type() != ValueType.DATE && argument.type() != ValueType.TIMESTAMP) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "The fiscal operators need a Date or DateTimeOffset attribute; '%s' is neither.",
                            argument.description());
                }
                List<Operand> arguments = new ArrayList<>(call.arguments());
                arguments.set(0, argument.operand());
                return new Typed(
                        new FunctionCall(call.function(), arguments),
                        ValueType.INTEGER,
                        "fiscalperiod(" + argument.description() + ")",
                        Optional.empty());
            }
            String name =
                    call.function().name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
            String description = name + "(" + argument.description() + ")";
            ValueType result =
                    switch (call.function()) {
                        case TO_LOWER, TO_UPPER, TRIM -> requireArgument(
                                argument, ValueType.TEXT, name, ValueType.TEXT);
                        case LENGTH -> requireArgument(argument, ValueType.TEXT, name, ValueType.INTEGER);
                        case BIT_AND, FISCAL_PERIOD -> throw new IllegalStateException("handled above");
                        case YEAR, MONTH, DAY -> {
                            if (argument.type() != ValueType.DATE && argument.type() != ValueType.TIMESTAMP) {
                                throw GatewayException.of(
                                        ErrorCode.QUERY_SYNTAX,
                                        "%s needs a Date or DateTimeOffset argument; '%s' is neither.",
                                        name,
                                        argument.description());
                            }
                            yield ValueType.INTEGER;
                        }
                    };
            if (argument.operand() instanceof Literal) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "%s must be applied to an attribute, not a literal.", name);
            }
            return new Typed(
                    new FunctionCall(call.function(), List.of(argument.operand())),
                    result,
                    description,
                    Optional.empty());
        }

        private ValueType requireArgument(Typed argument, ValueType wanted, String name, ValueType result) {
            if (argument.type() != wanted) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "%s needs a text argument; '%s' is not text.",
                        name,
                        argument.description());
            }
            return result;
        }

        private ValueType literalType(Literal literal) {
            Object value = literal.value();
            if (value instanceof String) {
                return ValueType.TEXT;
            }
            if (value instanceof Long || value instanceof Integer) {
                return ValueType.INTEGER;
            }
            if (value instanceof java.math.BigDecimal) {
                return ValueType.DECIMAL;
            }
            if (value instanceof Double) {
                return ValueType.FLOATING;
            }
            if (value instanceof Boolean) {
                return ValueType.BOOLEAN;
            }
            if (value instanceof java.util.UUID) {
                return ValueType.GUID;
            }
            if (value instanceof java.time.LocalDate) {
                return ValueType.DATE;
            }
            if (value instanceof java.time.OffsetDateTime) {
                return ValueType.TIMESTAMP;
            }
            return ValueType.ENUM;
        }
    }

    /** The day an exclusive upper bound falls in, rounded up: a Date attribute is less than it when before the bound. */
    /** An instant as the gateway binds every DateTimeOffset: at offset zero. */
    private static java.time.OffsetDateTime utc(java.time.OffsetDateTime moment) {
        return moment.withOffsetSameInstant(java.time.ZoneOffset.UTC);
    }

    /** The first day in {@code zone} that begins at or after {@code to}: the day of {@code to} when it begins that day. */
    private static java.time.LocalDate ceilingDay(java.time.OffsetDateTime to, java.time.ZoneId zone) {
        java.time.LocalDate day = to.atZoneSameInstant(zone).toLocalDate();
        return to.toInstant().equals(day.atStartOfDay(zone).toInstant()) ? day : day.plusDays(1);
    }

    /**
     * The fields that order an entity's rows totally: its key; for a key derived from a natural key,
     * the natural key's fields (which an index serves, unlike the derived expression) unless the
     * caller may not read one of them (their values travel in continuation tokens).
     */
    private static List<FieldDefinition> tieBreakers(EntityDefinition entity, Set<String> unreadable) {
        Optional<dev.vegateway.catalog.DerivedKey> derived = entity.derivedKey();
        if (derived.isEmpty() || derived.get().fieldNames().stream().anyMatch(unreadable::contains)) {
            return List.of(entity.key());
        }
        return derived.get().fieldNames().stream()
                .map(name -> entity.field(name).orElseThrow())
                .toList();
    }

    /**
     * The unreadable fields with every field that shows their values: {@code mserp_primaryfield}
     * when a key part is unreadable, the lookup of a relation over several fields when one of its
     * fields is, and a field served from the same column as an unreadable one
     * (such as {@code mserp_dataareaid} for the company field).
     */
    static Set<String> withDependents(EntityDefinition entity, Set<String> unreadable) {
        if (unreadable.isEmpty()) {
            return unreadable;
        }
        Set<String> columns = new java.util.HashSet<>();
        entity.fields().stream()
                .filter(field -> unreadable.contains(field.logicalName()) && !field.computed())
                .forEach(field -> columns.add(field.column()));
        Set<String> hidden = new java.util.LinkedHashSet<>(unreadable);
        for (FieldDefinition field : entity.fields()) {
            boolean showsHiddenPart = field.derived()
                    .filter(derived -> derived.kind() == dev.vegateway.catalog.DerivedValue.Kind.PRIMARY_TEXT
                            // the lookup of a relation over several fields: the target's GUID made from them
                            || !derived.key().entityLogicalName().equals(entity.logicalName()))
                    .map(derived -> derived.key().fieldNames().stream().anyMatch(unreadable::contains))
                    .orElse(false);
            if (showsHiddenPart || (!field.computed() && columns.contains(field.column()))) {
                hidden.add(field.logicalName());
            }
        }
        return java.util.Collections.unmodifiableSet(hidden);
    }

    private static CallerValues callerValues(AccessScope scope) {
        return new CallerValues(
                scope.userId(),
                scope.businessUnit(),
                scope.companies(),
                scope.userAttributes(),
                scope.teams(),
                scope.profile());
    }

    /** A resolver of a subquery and the row security of its relation for the caller (TRUE in a row filter). */
    private record Subquery(Resolver resolver, Condition rowScope) {}

    /** An operand with its checked type; {@code field} when it is a plain column (literals are coerced to it). */
    private record Typed(Operand operand, ValueType type, String description, Optional<FieldDefinition> field) {}
}
