package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Between;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.Constant;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.rowfilter.RowFilterCache;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
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

    private final Catalog catalog;
    private final ContinuationTokens tokens;
    private final int maxPageSize;
    private final RowFilterCache rowFilters = new RowFilterCache(1_000);

    public QueryPlanner(Catalog catalog, ContinuationTokens tokens, int maxPageSize) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        if (maxPageSize < 1) {
            throw new IllegalArgumentException("maxPageSize must be positive, was " + maxPageSize);
        }
        this.maxPageSize = maxPageSize;
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
        return RowScope.of(
                entity,
                scope,
                ROOT_ALIAS,
                rowFilters,
                rowFilter -> new Resolver(entity, Set.of()).condition(rowFilter),
                privilege);
    }

    public QueryPlan plan(Query query, AccessScope scope) {
        EntityDefinition entity = catalog.byLogicalName(query.entityLogicalName())
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Entity '%s' does not exist.", query.entityLogicalName()));
        Condition rowScope =
                RowScope.of(entity, scope, ROOT_ALIAS, rowFilters, rowFilter -> new Resolver(entity, Set.of())
                        .condition(rowFilter));
        Set<String> unreadable = scope.unrestricted() ? Set.of() : scope.unreadableFields();
        Resolver resolver = new Resolver(entity, unreadable);

        Condition filter = resolver.condition(query.criteria());
        List<FieldDefinition> requested = requestedFields(entity, query.columns());

        List<SortKey> sortKeys = new ArrayList<>();
        Set<String> sorted = new LinkedHashSet<>();
        for (Order order : query.orders()) {
            FieldDefinition field = resolver.readableField(order.attribute(), "sort by");
            if (sorted.add(field.logicalName())) {
                sortKeys.add(new SortKey(resolver.column(field), order.descending()));
            }
        }

        Map<String, Integer> selectIndex = new LinkedHashMap<>();
        List<ColumnRef> selected = new ArrayList<>();
        List<OutputField> output = new ArrayList<>();
        OptionalInt keyIndex = OptionalInt.empty();
        OptionalInt etagIndex = OptionalInt.empty();
        if (query.distinct()) {
            for (FieldDefinition field : requested) {
                if (unreadable.contains(field.logicalName())) {
                    output.add(new OutputField(field, -1));
                } else {
                    output.add(new OutputField(field, select(field, resolver, selected, selectIndex)));
                }
            }
            if (selected.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.MISSING_PRIVILEGE,
                        "The caller may read none of the selected fields of entity '%s', so a Distinct query over them has no answer.",
                        entity.logicalName());
            }
            for (SortKey key : sortKeys) {
                if (!selectIndex.containsKey(key.column().field().logicalName())) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "With Distinct, the sort attribute '%s' must also be one of the selected columns.",
                            key.column().field().logicalName());
                }
            }
            for (OutputField field : output) {
                if (!field.masked() && sorted.add(field.field().logicalName())) {
                    sortKeys.add(new SortKey(resolver.column(field.field()), false));
                }
            }
        } else {
            FieldDefinition key = entity.key();
            keyIndex = OptionalInt.of(select(key, resolver, selected, selectIndex));
            for (FieldDefinition field : requested) {
                if (unreadable.contains(field.logicalName())) {
                    output.add(new OutputField(field, -1));
                } else {
                    output.add(new OutputField(field, select(field, resolver, selected, selectIndex)));
                }
            }
            if (entity.rowVersionField().isPresent()) {
                FieldDefinition version =
                        entity.field(entity.rowVersionField().get()).orElseThrow();
                etagIndex = OptionalInt.of(select(version, resolver, selected, selectIndex));
            }
            if (sorted.add(key.logicalName())) {
                sortKeys.add(new SortKey(resolver.column(key), false));
            }
        }
        List<Integer> sortKeyIndexes = new ArrayList<>();
        for (SortKey key : sortKeys) {
            sortKeyIndexes.add(select(key.column().field(), resolver, selected, selectIndex));
        }

        String fingerprint = ContinuationTokens.fingerprint(String.join(
                "\u0001",
                entity.logicalName(),
                scope.userId().toString(),
                query.columns().toString(),
                query.criteria().toString(),
                query.orders().toString(),
                query.top().toString(),
                query.skip().toString(),
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
                selected,
                output,
                keyIndex,
                etagIndex,
                rowScope,
                filter,
                seek,
                sortKeys,
                sortKeyIndexes,
                query.distinct(),
                limit,
                offset,
                paging,
                query.includeCount(),
                fingerprint);
    }

    private static int select(
            FieldDefinition field, Resolver resolver, List<ColumnRef> selected, Map<String, Integer> selectIndex) {
        Integer existing = selectIndex.get(field.logicalName());
        if (existing != null) {
            return existing;
        }
        selected.add(resolver.column(field));
        selectIndex.put(field.logicalName(), selected.size() - 1);
        return selected.size() - 1;
    }

    private static List<FieldDefinition> requestedFields(EntityDefinition entity, List<String> columns) {
        if (columns.isEmpty()) {
            return entity.fields();
        }
        Set<String> seen = new LinkedHashSet<>();
        List<FieldDefinition> fields = new ArrayList<>();
        for (String name : columns) {
            FieldDefinition field = entity.field(name).orElseThrow(() -> unknownProperty(entity, name));
            if (seen.add(name)) {
                fields.add(field);
            }
        }
        return fields;
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

        Resolver(EntityDefinition entity, Set<String> unreadable) {
            this.entity = entity;
            this.unreadable = unreadable;
        }

        ColumnRef column(FieldDefinition field) {
            return new ColumnRef(ROOT_ALIAS, field);
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
            if (condition instanceof Between between) {
                return between(between);
            }
            throw new IllegalStateException("unknown condition " + condition.getClass());
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
            return new Comparison(left.operand(), comparison.operator(), right.operand());
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
            return new In(subject.operand(), values, in.negated());
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
            String name =
                    call.function().name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
            String description = name + "(" + argument.description() + ")";
            ValueType result =
                    switch (call.function()) {
                        case TO_LOWER, TO_UPPER, TRIM -> requireArgument(
                                argument, ValueType.TEXT, name, ValueType.TEXT);
                        case LENGTH -> requireArgument(argument, ValueType.TEXT, name, ValueType.INTEGER);
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

    /** An operand with its checked type; {@code field} when it is a plain column (literals are coerced to it). */
    private record Typed(Operand operand, ValueType type, String description, Optional<FieldDefinition> field) {}
}
