package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.EntityDefinition;
import java.util.List;

/**
 * The neutral condition model every front end ($filter, QueryExpression, FetchXML, row
 * filters) produces. {@code And}/{@code Or} hold lists, so nesting is natural.
 */
public sealed interface Condition {

    enum Operator {
        EQUAL,
        NOT_EQUAL,
        GREATER_THAN,
        GREATER_EQUAL,
        LESS_THAN,
        LESS_EQUAL
    }

    enum LikeKind {
        CONTAINS,
        STARTS_WITH,
        ENDS_WITH,
        PATTERN
    }

    record Comparison(Operand left, Operator operator, Operand right) implements Condition {
        public Comparison {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(right, "right is null");
        }
    }

    record IsNull(Operand operand, boolean negated) implements Condition {
        public IsNull {
            requireNonNull(operand, "operand is null");
        }
    }

    /**
     * Case-insensitive text match (as Dataverse). For CONTAINS/STARTS_WITH/ENDS_WITH {@code text}
     * is plain text (wildcards in it match themselves); for PATTERN it is a SQL LIKE pattern
     * with {@code %} and {@code _} (QueryExpression Like).
     */
    record Like(Operand operand, LikeKind kind, String text, boolean negated) implements Condition {
        public Like {
            requireNonNull(operand, "operand is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(text, "text is null");
        }
    }

    record In(Operand operand, List<Literal> values, boolean negated) implements Condition {
        public In {
            requireNonNull(operand, "operand is null");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("In needs at least one value");
            }
        }
    }

    /**
     * {@code ContainValues} ({@code DoesNotContainValues} when negated) on a multi-select option set:
     * the field holds any (none) of {@code values}, each matched as a whole item of the field's list.
     * A null field holds none.
     */
    record ContainValues(Operand operand, List<Literal> values, boolean negated) implements Condition {
        public ContainValues {
            requireNonNull(operand, "operand is null");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("ContainValues needs at least one value");
            }
        }
    }

    record Between(Operand operand, Literal low, Literal high, boolean negated) implements Condition {
        public Between {
            requireNonNull(operand, "operand is null");
            requireNonNull(low, "low is null");
            requireNonNull(high, "high is null");
        }
    }

    record And(List<Condition> conditions) implements Condition {
        public And {
            conditions = List.copyOf(conditions);
        }
    }

    record Or(List<Condition> conditions) implements Condition {
        public Or {
            conditions = List.copyOf(conditions);
        }
    }

    record Not(Condition condition) implements Condition {
        public Not {
            requireNonNull(condition, "condition is null");
        }
    }

    /**
     * An OData lambda over the records reached through a navigation property of the relation it
     * stands in: {@code nav/any(x: <predicate>)} holds when some related record satisfies the
     * predicate ({@code nav/any()}: when there is one), {@code nav/all(x: <predicate>)} when none
     * fails it. The predicate's attributes are the related entity's; the planner resolves the
     * navigation against the catalog and the related records under their own row security.
     */
    record Lambda(String navigation, Quantifier quantifier, Condition predicate) implements Condition {
        public Lambda {
            requireNonNull(navigation, "navigation is null");
            requireNonNull(quantifier, "quantifier is null");
            requireNonNull(predicate, "predicate is null");
        }

        public enum Quantifier {
            ANY,
            ALL
        }
    }

    /**
     * A planned semi-join: whether a row of {@code entity} (under {@code alias}) satisfies
     * {@code where}, which correlates it with the enclosing query through its columns. Only the
     * planner makes these, from lambdas, filtering link-entities and navigation paths of row
     * filters.
     */
    record Exists(EntityDefinition entity, String alias, Condition where) implements Condition {
        public Exists {
            requireNonNull(entity, "entity is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(where, "where is null");
        }
    }

    /**
     * A date or time relative to the moment the query runs ({@code Today}, {@code LastXDays(3)},
     * {@code OlderThanXMonths(6)}, …) or a period of the fiscal calendar ({@code ThisFiscalYear},
     * {@code InFiscalPeriodAndYear(3, 2024)}): the planner turns it into a range of the operand with
     * the clock and the fiscal calendar it is given, so the parsed query does not depend on when it
     * was parsed.
     *
     * @param amount the X of the {@code …X…} operators, the year of {@code InFiscalYear}, the period
     *     of {@code InFiscalPeriod…}; empty for the others
     * @param second the year of {@code InFiscalPeriodAndYear} and its kin; empty for the others
     */
    record RelativeDate(
            Operand operand, DateOperator operator, java.util.OptionalLong amount, java.util.OptionalLong second)
            implements Condition {
        public RelativeDate {
            requireNonNull(operand, "operand is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(amount, "amount is null");
            requireNonNull(second, "second is null");
            int given = (amount.isPresent() ? 1 : 0) + (second.isPresent() ? 1 : 0);
            if (operator.valueCount() != given || (second.isPresent() && amount.isEmpty())) {
                throw new IllegalArgumentException(
                        operator + " takes " + operator.valueCount() + " values, not " + given);
            }
        }

        /** An operator of at most one value. */
        public RelativeDate(Operand operand, DateOperator operator, java.util.OptionalLong amount) {
            this(operand, operator, amount, java.util.OptionalLong.empty());
        }
    }

    /** The relative date and fiscal operators of Dataverse's ConditionOperator. */
    enum DateOperator {
        YESTERDAY(0),
        TODAY(0),
        TOMORROW(0),
        LAST_7_DAYS(0),
        NEXT_7_DAYS(0),
        LAST_WEEK(0),
        THIS_WEEK(0),
        NEXT_WEEK(0),
        LAST_MONTH(0),
        THIS_MONTH(0),
        NEXT_MONTH(0),
        LAST_YEAR(0),
        THIS_YEAR(0),
        NEXT_YEAR(0),
        LAST_X_HOURS(1),
        NEXT_X_HOURS(1),
        LAST_X_DAYS(1),
        NEXT_X_DAYS(1),
        LAST_X_WEEKS(1),
        NEXT_X_WEEKS(1),
        LAST_X_MONTHS(1),
        NEXT_X_MONTHS(1),
        LAST_X_YEARS(1),
        NEXT_X_YEARS(1),
        OLDER_THAN_X_MINUTES(1),
        OLDER_THAN_X_HOURS(1),
        OLDER_THAN_X_DAYS(1),
        OLDER_THAN_X_WEEKS(1),
        OLDER_THAN_X_MONTHS(1),
        OLDER_THAN_X_YEARS(1),
        THIS_FISCAL_YEAR(0),
        THIS_FISCAL_PERIOD(0),
        NEXT_FISCAL_YEAR(0),
        NEXT_FISCAL_PERIOD(0),
        LAST_FISCAL_YEAR(0),
        LAST_FISCAL_PERIOD(0),
        LAST_X_FISCAL_YEARS(1),
        LAST_X_FISCAL_PERIODS(1),
        NEXT_X_FISCAL_YEARS(1),
        NEXT_X_FISCAL_PERIODS(1),
        /** The fiscal year given. */
        IN_FISCAL_YEAR(1),
        /** The fiscal period given, of any fiscal year. */
        IN_FISCAL_PERIOD(1),
        /** The period and the year given, in that order. */
        IN_FISCAL_PERIOD_AND_YEAR(2),
        IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR(2),
        IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR(2);

        private final int values;

        DateOperator(int values) {
            this.values = values;
        }

        /** Whether the operator counts units ({@code LastXDays 3}) rather than naming one period ({@code Today}). */
        public boolean takesAmount() {
            return values > 0;
        }

        /** How many values the operator takes: none, one ({@code LastXDays 3}), or a period and a year. */
        public int valueCount() {
            return values;
        }

        /** Whether the operator reads the fiscal calendar. */
        public boolean fiscal() {
            return ordinal() >= THIS_FISCAL_YEAR.ordinal();
        }
    }

    /**
     * A place in the entity's hierarchy (its hierarchical relation in the catalog), relative to the
     * record whose key is {@code value} ({@code Under}, {@code AboveOrEqual}, …): the planner walks
     * the hierarchy, through the rows the caller may read, into a {@link HierarchyWalk}.
     *
     * @param operand the entity's key, as the client names it
     */
    record Hierarchy(Operand operand, HierarchyOperator operator, Literal value) implements Condition {
        public Hierarchy {
            requireNonNull(operand, "operand is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(value, "value is null");
        }
    }

    /** The hierarchy operators of Dataverse's ConditionOperator. */
    enum HierarchyOperator {
        /** The records below the one given (its children, their children, …). */
        UNDER,
        /** The record given and the records below it. */
        UNDER_OR_EQUAL,
        /** Every record that is not below the one given. */
        NOT_UNDER,
        /** The records above the one given (its parent, its parent's parent, …). */
        ABOVE,
        /** The record given and the records above it. */
        ABOVE_OR_EQUAL
    }

    /**
     * A planned hierarchy walk: {@code key} is one of the keys reached from the row whose key is
     * {@code start}, going down ({@code down}: its children, their children …) or up (its parent, …)
     * through {@code parent}, at most {@link #MAX_DEPTH} steps, every row on the way (the start
     * included) satisfying {@code scope} (the caller's row security under {@code alias}). Only the
     * planner makes these; the renderer writes a recursive common table expression.
     *
     * @param cte the name of the recursive table expression
     */
    record HierarchyWalk(
            ColumnRef key,
            EntityDefinition entity,
            dev.vegateway.catalog.FieldDefinition keyField,
            dev.vegateway.catalog.FieldDefinition parent,
            Literal start,
            boolean down,
            String alias,
            String startAlias,
            String cte,
            Condition scope,
            Condition startScope)
            implements Condition {
        /** Dataverse walks a hierarchy at most this deep. */
        public static final int MAX_DEPTH = 100;

        public HierarchyWalk {
            requireNonNull(key, "key is null");
            requireNonNull(entity, "entity is null");
            requireNonNull(keyField, "keyField is null");
            requireNonNull(parent, "parent is null");
            requireNonNull(start, "start is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(startAlias, "startAlias is null");
            requireNonNull(cte, "cte is null");
            requireNonNull(scope, "scope is null");
            requireNonNull(startScope, "startScope is null");
        }
    }

    /** {@code true} or {@code false}: the empty And / Or, or a boolean literal in a filter. */
    record Constant(boolean value) implements Condition {}

    Constant TRUE = new Constant(true);
    Constant FALSE = new Constant(false);

    static Condition and(List<Condition> conditions) {
        List<Condition> kept =
                conditions.stream().filter(condition -> !TRUE.equals(condition)).toList();
        return kept.isEmpty() ? TRUE : kept.size() == 1 ? kept.get(0) : new And(kept);
    }
}
