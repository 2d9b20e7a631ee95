package dev.vegateway.adapter.sql;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.SortKey;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.ColumnRef;
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
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link QueryPlan} to SQL for one dialect. Pure: it sees only the plan. Every group
 * is parenthesised, the empty AND is {@code 1=1} and the empty OR {@code 1=0}, null is syntax,
 * values are parameters, identifiers come from the catalog through {@link ColumnRef}.
 */
public final class SqlRenderer {
    private final Dialect dialect;
    /** The keys of hierarchy walks read beforehand, by walk (the plan's own instances). */
    private final Map<Condition.HierarchyWalk, List<Object>> resolvedWalks;
    /** When collecting: the walks met while rendering; else null. */
    private final List<Condition.HierarchyWalk> walksMet;

    public SqlRenderer(Dialect dialect) {
        this(dialect, Map.of(), null);
    }

    private SqlRenderer(
            Dialect dialect,
            Map<Condition.HierarchyWalk, List<Object>> resolvedWalks,
            List<Condition.HierarchyWalk> walksMet) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.resolvedWalks = resolvedWalks;
        this.walksMet = walksMet;
    }

    /**
     * The hierarchy walks of {@code plan}'s page and count statements that are not resolved yet, in
     * the order they are met: each is read with {@link #hierarchyWalk} and handed back with
     * {@link #withResolvedWalks}, when the dialect {@linkplain Dialect#precomputesHierarchyWalks
     * precomputes} them.
     */
    public List<Condition.HierarchyWalk> hierarchyWalks(QueryPlan plan) {
        SqlRenderer collecting = new SqlRenderer(dialect, resolvedWalks, new ArrayList<>());
        collecting.select(plan);
        if (plan.includeCount() || plan.aggregation().isPresent()) {
            collecting.count(plan);
        }
        Map<Condition.HierarchyWalk, Boolean> distinct = new IdentityHashMap<>();
        List<Condition.HierarchyWalk> walks = new ArrayList<>();
        for (Condition.HierarchyWalk walk : collecting.walksMet) {
            if (distinct.put(walk, Boolean.TRUE) == null) {
                walks.add(walk);
            }
        }
        return walks;
    }

    /** The keys {@code walk} reaches, one per row: {@code WITH RECURSIVE … SELECT DISTINCT k FROM h}. */
    public PreparedSql hierarchyWalk(Condition.HierarchyWalk walk) {
        SqlBuilder sql = new SqlBuilder(dialect);
        walkExpression(sql, walk, "DISTINCT ");
        return sql.build();
    }

    /**
     * This renderer, writing each of {@code walks} (by identity: the plan's own instances) as
     * {@code key IN (…the keys read…)} instead of a recursive table expression.
     */
    public SqlRenderer withResolvedWalks(Map<Condition.HierarchyWalk, List<Object>> walks) {
        Map<Condition.HierarchyWalk, List<Object>> resolved = new IdentityHashMap<>(resolvedWalks);
        resolved.putAll(walks);
        return new SqlRenderer(dialect, Collections.unmodifiableMap(resolved), null);
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * The page query: SELECT … FROM root [JOIN …] WHERE (row security) AND (filter) [AND (seek)]
     * ORDER BY … LIMIT … OFFSET …. When the plan allows, the root's page is cut first in a derived
     * table and only its rows are joined.
     */
    public PreparedSql select(QueryPlan plan) {
        if (plan.aggregation().isPresent()) {
            return aggregated(plan, plan.aggregation().get());
        }
        SqlBuilder sql = new SqlBuilder(dialect);
        sql.keyword(plan.distinct() ? "SELECT DISTINCT " : "SELECT ");
        List<ColumnRef> selected = plan.selected();
        for (int i = 0; i < selected.size(); i++) {
            if (i > 0) {
                sql.keyword(", ");
            }
            sql.identifier(selected.get(i));
        }
        for (QueryPlan.ChildCount count : plan.childCounts()) {
            sql.keyword(", (SELECT COUNT(*) FROM ").table(count.entity().table(), count.alias());
            sql.keyword(" WHERE (");
            condition(sql, count.where());
            sql.keyword("))");
        }
        if (plan.pageRootFirst()) {
            sql.keyword(" FROM (SELECT ").keyword(plan.alias()).keyword(".*");
            sql.keyword(" FROM ").table(plan.entity().table(), plan.alias());
            where(sql, plan, true);
            orderAndLimit(sql, plan);
            sql.keyword(") ").keyword(plan.alias());
            joins(sql, plan);
            orderBy(sql, plan);
            return sql.build();
        }
        from(sql, plan);
        where(sql, plan, true);
        orderAndLimit(sql, plan);
        return sql.build();
    }

    /**
     * SELECT group columns, aggregates FROM … WHERE (row security) AND (filter) GROUP BY group
     * columns ORDER BY the plan's positions [LIMIT … OFFSET …]. An average is taken over DOUBLE
     * PRECISION (over DECIMAL for decimals), so integer columns average alike on every backend. A
     * part of a date is an integer, taken in UTC.
     */
    private PreparedSql aggregated(QueryPlan plan, QueryPlan.Aggregated aggregated) {
        SqlBuilder sql = new SqlBuilder(dialect);
        sql.keyword("SELECT ");
        boolean first = true;
        for (QueryPlan.GroupColumn group : aggregated.groupBy()) {
            if (!first) {
                sql.keyword(", ");
            }
            group(sql, group);
            first = false;
        }
        for (QueryPlan.AggregateColumn aggregate : aggregated.aggregates()) {
            if (!first) {
                sql.keyword(", ");
            }
            first = false;
            if (aggregate.column().isEmpty()) {
                sql.keyword("COUNT(*)");
                continue;
            }
            ColumnRef column = aggregate.column().get();
            sql.keyword(
                    switch (aggregate.function()) {
                        case COUNT_ROWS, COUNT -> "COUNT(";
                        case SUM -> "SUM(";
                        case AVERAGE -> "AVG(";
                        case MIN -> "MIN(";
                        case MAX -> "MAX(";
                    });
            if (aggregate.distinct()) {
                sql.keyword("DISTINCT ");
            }
            boolean toDouble = aggregate.function() == dev.vegateway.adapter.query.Aggregation.Function.AVERAGE
                    && aggregate.type().kind() == dev.vegateway.catalog.FieldType.Kind.DOUBLE;
            if (toDouble) {
                sql.keyword("CAST(");
            }
            sql.identifier(column);
            if (toDouble) {
                sql.keyword(" AS DOUBLE PRECISION)");
            }
            sql.keyword(")");
        }
        from(sql, plan);
        where(sql, plan, false);
        if (!aggregated.groupBy().isEmpty()) {
            sql.keyword(" GROUP BY ");
            for (int i = 0; i < aggregated.groupBy().size(); i++) {
                if (i > 0) {
                    sql.keyword(", ");
                }
                group(sql, aggregated.groupBy().get(i));
            }
        }
        if (!aggregated.orders().isEmpty()) {
            sql.keyword(" ORDER BY ");
            for (int i = 0; i < aggregated.orders().size(); i++) {
                QueryPlan.SelectOrder order = aggregated.orders().get(i);
                if (i > 0) {
                    sql.keyword(", ");
                }
                sql.keyword(Integer.toString(order.index() + 1))
                        .keyword(order.descending() ? " DESC NULLS LAST" : " ASC NULLS FIRST");
            }
        }
        if (plan.limit().isPresent()) {
            sql.keyword(" LIMIT ").parameter(plan.limit().getAsInt());
        }
        if (plan.offset().isPresent()) {
            sql.keyword(" OFFSET ").parameter(plan.offset().getAsInt());
        }
        return sql.build();
    }

    /**
     * A group column, or its part of a date as an integer: {@code CAST(EXTRACT(MONTH FROM c) AS
     * INTEGER)}; a timestamp is taken in UTC, a fiscal part from the date shifted back by the start
     * of the fiscal year (the plan's constant days and months).
     */
    private void group(SqlBuilder sql, QueryPlan.GroupColumn group) {
        if (group.datePart().isEmpty()) {
            sql.identifier(group.column());
            return;
        }
        datePart(sql, group.column(), group.datePart().get());
    }

    /** A planner-made integer constant (a fiscal shift), written as SQL text: never a client's value. */
    private static int constant(Operand operand) {
        if (!(operand instanceof Literal literal)
                || !(literal.value() instanceof Long value)
                || value < 0
                || value > 12) {
            throw new IllegalStateException("a fiscal constant is a small whole number, not " + operand);
        }
        return (int) (long) value;
    }

    private void datePart(SqlBuilder sql, ColumnRef column, QueryPlan.DatePart part) {
        boolean timestamp = column.field().type().kind() == dev.vegateway.catalog.FieldType.Kind.DATE_TIME_OFFSET;
        sql.keyword("CAST(");
        boolean periodOfMonths = part.grouping() == dev.vegateway.adapter.query.Aggregation.DateGrouping.FISCAL_PERIOD
                && part.monthsPerPeriod() > 1;
        if (periodOfMonths) {
            sql.keyword("FLOOR((");
        }
        sql.keyword("EXTRACT(")
                .keyword(
                        switch (part.grouping()) {
                            case DAY -> "DAY";
                            case WEEK -> dialect.isoWeekField();
                            case MONTH, FISCAL_PERIOD -> "MONTH";
                            case QUARTER -> "QUARTER";
                            case YEAR, FISCAL_YEAR -> "YEAR";
                        })
                .keyword(" FROM ");
        boolean shifted = part.grouping().fiscal() && (part.shiftDays() > 0 || part.shiftMonths() > 0);
        if (shifted) {
            sql.keyword("(");
        }
        if (timestamp) {
            sql.keyword("(").identifier(column).keyword(" AT TIME ZONE 'UTC')");
        } else {
            sql.identifier(column);
        }
        if (shifted) {
            sql.keyword(" - INTERVAL '")
                    .keyword(Integer.toString(part.shiftDays()))
                    .keyword("' DAY - INTERVAL '")
                    .keyword(Integer.toString(part.shiftMonths()))
                    .keyword("' MONTH)");
        }
        sql.keyword(")");
        if (periodOfMonths) {
            sql.keyword(" - 1) / ")
                    .keyword(Integer.toString(part.monthsPerPeriod()))
                    .keyword(") + 1");
        }
        sql.keyword(" AS INTEGER)");
    }

    private void orderAndLimit(SqlBuilder sql, QueryPlan plan) {
        orderBy(sql, plan);
        if (plan.limit().isPresent()) {
            sql.keyword(" LIMIT ").parameter(plan.limit().getAsInt());
        }
        if (plan.offset().isPresent()) {
            sql.keyword(" OFFSET ").parameter(plan.offset().getAsInt());
        }
    }

    private void orderBy(SqlBuilder sql, QueryPlan plan) {
        sql.keyword(" ORDER BY ");
        List<SortKey> keys = plan.sortKeys();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                sql.keyword(", ");
            }
            SortKey key = keys.get(i);
            sql.identifier(key.column());
            if (key.nullable()) {
                sql.keyword(key.descending() ? " DESC NULLS LAST" : " ASC NULLS FIRST");
            } else {
                // never null: the order is the same without the null ordering, which would keep the backend from
                // reading it off an index (PostgreSQL's indexes hold ASC NULLS LAST)
                sql.keyword(key.descending() ? " DESC" : " ASC");
            }
        }
    }

    /** The count of every row the caller may see that matches the filter ($count ignores $top, $skip and paging). */
    public PreparedSql count(QueryPlan plan) {
        SqlBuilder sql = new SqlBuilder(dialect);
        if (plan.distinct()) {
            sql.keyword("SELECT COUNT(*) FROM (SELECT DISTINCT ");
            boolean first = true;
            for (var output : plan.output()) {
                if (!output.masked()) {
                    if (!first) {
                        sql.keyword(", ");
                    }
                    sql.identifier(plan.selected().get(output.selectIndex()));
                    first = false;
                }
            }
            from(sql, plan);
            where(sql, plan, false);
            return sql.keyword(") d").build();
        }
        sql.keyword("SELECT COUNT(*)");
        from(sql, plan);
        where(sql, plan, false);
        return sql.build();
    }

    /**
     * The number of rows an aggregate plan answers (its groups; one without groups), ignoring its
     * order, limit and offset: {@code SELECT COUNT(*) FROM (SELECT <groups> … GROUP BY <groups>) g}.
     */
    public PreparedSql countGroups(QueryPlan plan) {
        QueryPlan.Aggregated aggregated =
                plan.aggregation().orElseThrow(() -> new IllegalArgumentException("the plan does not aggregate"));
        SqlBuilder sql = new SqlBuilder(dialect);
        if (aggregated.groupBy().isEmpty()) {
            return sql.keyword("SELECT 1").build();
        }
        sql.keyword("SELECT COUNT(*) FROM (SELECT ");
        for (int i = 0; i < aggregated.groupBy().size(); i++) {
            if (i > 0) {
                sql.keyword(", ");
            }
            group(sql, aggregated.groupBy().get(i));
            sql.keyword(" AS g").keyword(Integer.toString(i + 1));
        }
        from(sql, plan);
        where(sql, plan, false);
        sql.keyword(" GROUP BY ");
        for (int i = 0; i < aggregated.groupBy().size(); i++) {
            if (i > 0) {
                sql.keyword(", ");
            }
            group(sql, aggregated.groupBy().get(i));
        }
        return sql.keyword(") g").build();
    }

    /**
     * The related rows of many parents in one statement, at most {@code perParent} per parent:
     * every selected column numbered {@code c1…cn}, and {@code ROW_NUMBER() OVER (PARTITION BY
     * <the selected column partitionIndex> ORDER BY <the plan's sort keys>)} kept up to
     * {@code perParent}; ordered by parent, then by that row number. The plan's limit, offset and
     * seek do not apply.
     */
    public PreparedSql selectPerParent(QueryPlan plan, int partitionIndex, int perParent) {
        List<ColumnRef> selected = plan.selected();
        if (partitionIndex < 0 || partitionIndex >= selected.size()) {
            throw new IllegalArgumentException("partitionIndex " + partitionIndex + " is outside the SELECT list");
        }
        if (perParent < 1) {
            throw new IllegalArgumentException("perParent must be positive, was " + perParent);
        }
        SqlBuilder sql = new SqlBuilder(dialect);
        sql.keyword("SELECT ");
        for (int i = 0; i < selected.size(); i++) {
            sql.keyword(i > 0 ? ", p.c" : "p.c").keyword(Integer.toString(i + 1));
        }
        sql.keyword(" FROM (SELECT ");
        for (int i = 0; i < selected.size(); i++) {
            sql.identifier(selected.get(i))
                    .keyword(" AS c")
                    .keyword(Integer.toString(i + 1))
                    .keyword(", ");
        }
        sql.keyword("ROW_NUMBER() OVER (PARTITION BY ").identifier(selected.get(partitionIndex));
        orderBy(sql, plan);
        sql.keyword(") AS rn");
        from(sql, plan);
        where(sql, plan, false);
        sql.keyword(") p WHERE p.rn <= ").parameter(perParent);
        sql.keyword(" ORDER BY p.c")
                .keyword(Integer.toString(partitionIndex + 1))
                .keyword(", p.rn");
        return sql.build();
    }

    /** FROM the root, then each joined relation with its join condition (join columns, row security, link criteria). */
    private void from(SqlBuilder sql, QueryPlan plan) {
        sql.keyword(" FROM ").table(plan.entity().table(), plan.alias());
        joins(sql, plan);
    }

    private void joins(SqlBuilder sql, QueryPlan plan) {
        for (QueryPlan.Join join : plan.joins()) {
            sql.keyword(
                    switch (join.kind()) {
                        case INNER -> " INNER JOIN ";
                        case LEFT_OUTER -> " LEFT OUTER JOIN ";
                        case EXISTS, IN, ANY, NOT_ALL, NOT_ANY, ALL -> throw new IllegalStateException(
                                "a filtering link reached the renderer as a join");
                    });
            sql.table(join.entity().table(), join.alias()).keyword(" ON (");
            condition(sql, join.on());
            sql.keyword(")");
        }
    }

    private void where(SqlBuilder sql, QueryPlan plan, boolean withSeek) {
        sql.keyword(" WHERE (");
        condition(sql, plan.rowScope());
        sql.keyword(") AND (");
        condition(sql, plan.filter());
        sql.keyword(")");
        if (withSeek && plan.seek().isPresent()) {
            sql.keyword(" AND (");
            condition(sql, plan.seek().get());
            sql.keyword(")");
        }
    }

    void condition(SqlBuilder sql, Condition condition) {
        if (condition instanceof Constant constant) {
            sql.keyword(constant.value() ? "1=1" : "1=0");
        } else if (condition instanceof And and) {
            junction(sql, and.conditions(), " AND ", "1=1");
        } else if (condition instanceof Or or) {
            junction(sql, or.conditions(), " OR ", "1=0");
        } else if (condition instanceof Not not) {
            sql.keyword("NOT (");
            condition(sql, not.condition());
            sql.keyword(")");
        } else if (condition instanceof Comparison comparison) {
            operand(sql, comparison.left());
            sql.keyword(
                    switch (comparison.operator()) {
                        case EQUAL -> " = ";
                        case NOT_EQUAL -> " <> ";
                        case GREATER_THAN -> " > ";
                        case GREATER_EQUAL -> " >= ";
                        case LESS_THAN -> " < ";
                        case LESS_EQUAL -> " <= ";
                    });
            operand(sql, comparison.right());
        } else if (condition instanceof IsNull isNull) {
            operand(sql, isNull.operand());
            sql.keyword(isNull.negated() ? " IS NOT NULL" : " IS NULL");
        } else if (condition instanceof Like like) {
            operand(sql, like.operand());
            sql.keyword(like.negated() ? " NOT " : " ")
                    .keyword(dialect.caseInsensitiveLike())
                    .keyword(" ");
            sql.parameter(pattern(like)).keyword(" ESCAPE '\\'");
        } else if (condition instanceof In in) {
            operand(sql, in.operand());
            sql.keyword(in.negated() ? " NOT IN (" : " IN (");
            for (int i = 0; i < in.values().size(); i++) {
                if (i > 0) {
                    sql.keyword(", ");
                }
                sql.parameter(in.values().get(i).value());
            }
            sql.keyword(")");
        } else if (condition instanceof Condition.ContainValues contain) {
            containValues(sql, contain);
        } else if (condition instanceof Between between) {
            operand(sql, between.operand());
            sql.keyword(between.negated() ? " NOT BETWEEN " : " BETWEEN ");
            sql.parameter(between.low().value())
                    .keyword(" AND ")
                    .parameter(between.high().value());
        } else if (condition instanceof Exists exists) {
            sql.keyword("EXISTS (SELECT 1 FROM ")
                    .table(exists.entity().table(), exists.alias())
                    .keyword(" WHERE ");
            condition(sql, exists.where());
            sql.keyword(")");
        } else if (condition instanceof Condition.HierarchyWalk walk) {
            hierarchy(sql, walk);
        } else {
            throw new IllegalStateException("unknown condition " + condition.getClass());
        }
    }

    /**
     * A multi-select list ({@code "1,3"}) holds a value when {@code ',' || list || ','} contains
     * {@code ,value,}: whole items only, so 1 never matches 11. ContainValues is any of the values;
     * DoesNotContainValues none of them, a null list included ({@code COALESCE} makes it empty). The
     * patterns are bound parameters made of digits, commas and {@code %} only.
     */
    private void containValues(SqlBuilder sql, Condition.ContainValues contain) {
        sql.keyword(contain.negated() ? "NOT (" : "(");
        for (int i = 0; i < contain.values().size(); i++) {
            if (i > 0) {
                sql.keyword(" OR ");
            }
            sql.keyword("COALESCE(',' || ");
            operand(sql, contain.operand());
            sql.keyword(" || ',', ',') LIKE ");
            sql.parameter("%," + ((Number) contain.values().get(i).value()).intValue() + ",%");
        }
        sql.keyword(")");
    }

    /**
     * {@code key IN (WITH RECURSIVE h(k, d) AS (anchor UNION ALL step) SELECT h.k FROM h)}: down, the
     * anchor is the start row's children and each step the children of the rows reached; up, the
     * start row's parent and each step the parent of the row reached. Every row reached, and the
     * start, satisfies the caller's row security; the depth stops at {@link Condition.HierarchyWalk#MAX_DEPTH}.
     */
    private void hierarchy(SqlBuilder sql, Condition.HierarchyWalk walk) {
        if (walksMet != null) {
            walksMet.add(walk);
        }
        List<Object> resolved = resolvedWalks.isEmpty() ? null : resolvedWalks.get(walk);
        if (resolved != null) {
            if (resolved.isEmpty()) {
                sql.keyword("1=0");
                return;
            }
            sql.identifier(walk.key()).keyword(" IN (");
            for (int i = 0; i < resolved.size(); i++) {
                if (i > 0) {
                    sql.keyword(", ");
                }
                sql.parameter(resolved.get(i));
            }
            sql.keyword(")");
            return;
        }
        sql.identifier(walk.key()).keyword(" IN (");
        walkExpression(sql, walk, "");
        sql.keyword(")");
    }

    /** {@code WITH RECURSIVE h(k, d) AS (anchor UNION ALL step) SELECT [DISTINCT] h.k FROM h}. */
    private void walkExpression(SqlBuilder sql, Condition.HierarchyWalk walk, String distinct) {
        ColumnRef key = new ColumnRef(walk.alias(), walk.keyField());
        ColumnRef parent = new ColumnRef(walk.alias(), walk.parent());
        ColumnRef startKey = new ColumnRef(walk.startAlias(), walk.keyField());
        ColumnRef startParent = new ColumnRef(walk.startAlias(), walk.parent());
        String cte = walk.cte();
        sql.keyword("WITH RECURSIVE ").keyword(cte).keyword("(k, d) AS (SELECT ");
        sql.identifier(key).keyword(", 1 FROM ").table(walk.entity().table(), walk.startAlias());
        sql.keyword(" INNER JOIN ").table(walk.entity().table(), walk.alias()).keyword(" ON ");
        if (walk.down()) {
            sql.identifier(parent).keyword(" = ").identifier(startKey);
        } else {
            sql.identifier(key).keyword(" = ").identifier(startParent);
        }
        sql.keyword(" WHERE ")
                .identifier(startKey)
                .keyword(" = ")
                .parameter(walk.start().value());
        sql.keyword(" AND (");
        condition(sql, walk.startScope());
        sql.keyword(") AND (");
        condition(sql, walk.scope());
        sql.keyword(") UNION ALL SELECT ")
                .identifier(key)
                .keyword(", ")
                .keyword(cte)
                .keyword(".d + 1 FROM ");
        if (walk.down()) {
            sql.table(walk.entity().table(), walk.alias())
                    .keyword(" INNER JOIN ")
                    .keyword(cte)
                    .keyword(" ON ")
                    .identifier(parent)
                    .keyword(" = ")
                    .keyword(cte)
                    .keyword(".k");
        } else {
            sql.keyword(cte)
                    .keyword(" INNER JOIN ")
                    .table(walk.entity().table(), walk.startAlias())
                    .keyword(" ON ")
                    .identifier(startKey)
                    .keyword(" = ")
                    .keyword(cte)
                    .keyword(".k INNER JOIN ")
                    .table(walk.entity().table(), walk.alias())
                    .keyword(" ON ")
                    .identifier(key)
                    .keyword(" = ")
                    .identifier(startParent);
        }
        sql.keyword(" WHERE ")
                .keyword(cte)
                .keyword(".d < ")
                .keyword(Integer.toString(Condition.HierarchyWalk.MAX_DEPTH))
                .keyword(" AND (");
        condition(sql, walk.scope());
        sql.keyword(")) SELECT ")
                .keyword(distinct)
                .keyword(cte)
                .keyword(".k FROM ")
                .keyword(cte);
    }

    private void junction(SqlBuilder sql, List<Condition> conditions, String separator, String empty) {
        if (conditions.isEmpty()) {
            sql.keyword(empty);
            return;
        }
        for (int i = 0; i < conditions.size(); i++) {
            if (i > 0) {
                sql.keyword(separator);
            }
            sql.keyword("(");
            condition(sql, conditions.get(i));
            sql.keyword(")");
        }
    }

    private void operand(SqlBuilder sql, Operand operand) {
        if (operand instanceof ColumnRef column) {
            sql.identifier(column);
        } else if (operand instanceof Literal literal) {
            sql.parameter(literal.value());
        } else if (operand instanceof FunctionCall call && call.function() == FunctionCall.Function.BIT_AND) {
            sql.keyword(dialect.bitAndOpen());
            operand(sql, call.arguments().get(0));
            sql.keyword(dialect.bitAndSeparator()).keyword("CAST(");
            operand(sql, call.arguments().get(1));
            sql.keyword(" AS BIGINT))");
        } else if (operand instanceof FunctionCall call && call.function() == FunctionCall.Function.FISCAL_PERIOD) {
            if (!(call.arguments().get(0) instanceof ColumnRef column)) {
                throw new IllegalStateException("the fiscal period of something other than a column");
            }
            datePart(
                    sql,
                    column,
                    new QueryPlan.DatePart(
                            dev.vegateway.adapter.query.Aggregation.DateGrouping.FISCAL_PERIOD,
                            constant(call.arguments().get(1)),
                            constant(call.arguments().get(2)),
                            constant(call.arguments().get(3))));
        } else if (operand instanceof FunctionCall call) {
            String open =
                    switch (call.function()) {
                        case TO_LOWER -> "LOWER(";
                        case TO_UPPER -> "UPPER(";
                        case TRIM -> "TRIM(";
                        case LENGTH -> "CHAR_LENGTH(";
                        case YEAR -> "EXTRACT(YEAR FROM ";
                        case MONTH -> "EXTRACT(MONTH FROM ";
                        case DAY -> "EXTRACT(DAY FROM ";
                        case BIT_AND, FISCAL_PERIOD -> throw new IllegalStateException("rendered above");
                    };
            sql.keyword(open);
            operand(sql, call.arguments().get(0));
            sql.keyword(")");
        } else if (operand instanceof AttributeRef attribute) {
            throw new IllegalStateException("attribute '" + attribute.name() + "' reached the renderer unresolved");
        }
    }

    /**
     * The LIKE pattern: plain text has {@code \ % _} escaped; a QueryExpression pattern keeps its
     * wildcards {@code %} and {@code _}, and a backslash in it is an ordinary character.
     */
    static String pattern(Like like) {
        return switch (like.kind()) {
            case CONTAINS -> "%" + escape(like.text()) + "%";
            case STARTS_WITH -> escape(like.text()) + "%";
            case ENDS_WITH -> "%" + escape(like.text());
            case PATTERN -> like.text().replace("\\", "\\\\");
        };
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '%' || c == '_') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
