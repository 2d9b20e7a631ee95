package dev.vegateway.adapter.operators;

import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.DateOperator;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Placeholder;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * What each {@link ConditionOperator} means in the neutral condition model: the one place for it,
 * shared by QueryExpression's {@code ConditionExpression} and FetchXML's {@code <condition>}.
 * The values are read only for an operator that is supported, so that an unsupported one is
 * refused by name whatever values it carries.
 */
public final class ConditionBuilder {
    private ConditionBuilder() {}

    /** How the front end reports a problem, at its own place in the query (a JSON path, an XML element). */
    public interface Problems {
        /** The values do not fit the operator (their number or their kind). */
        GatewayException values(String message);

        /** The operator is not supported yet. */
        GatewayException unsupported(String message);
    }

    /**
     * @param name the operator as the client wrote it, for messages ({@code 'Equal' (0)}, {@code 'eq'})
     * @param values the condition's values as literals (text is typed later, against the attribute)
     */
    public static Condition build(
            ConditionOperator operator,
            String name,
            AttributeRef attribute,
            Supplier<List<Literal>> values,
            Problems problems) {
        Shape shape = new Shape(operator, name, attribute, values, problems);
        return switch (operator) {
            case EQUAL -> shape.comparison(Condition.Operator.EQUAL);
            case NOT_EQUAL -> shape.comparison(Condition.Operator.NOT_EQUAL);
            case GREATER_THAN -> shape.comparison(Condition.Operator.GREATER_THAN);
            case GREATER_EQUAL -> shape.comparison(Condition.Operator.GREATER_EQUAL);
            case LESS_THAN -> shape.comparison(Condition.Operator.LESS_THAN);
            case LESS_EQUAL -> shape.comparison(Condition.Operator.LESS_EQUAL);
            case LIKE -> shape.like(Condition.LikeKind.PATTERN, false);
            case NOT_LIKE -> shape.like(Condition.LikeKind.PATTERN, true);
            case BEGINS_WITH -> shape.like(Condition.LikeKind.STARTS_WITH, false);
            case DOES_NOT_BEGIN_WITH -> shape.like(Condition.LikeKind.STARTS_WITH, true);
            case ENDS_WITH -> shape.like(Condition.LikeKind.ENDS_WITH, false);
            case DOES_NOT_END_WITH -> shape.like(Condition.LikeKind.ENDS_WITH, true);
            case IN -> shape.in(false);
            case NOT_IN -> shape.in(true);
            case BETWEEN -> shape.between(false);
            case NOT_BETWEEN -> shape.between(true);
            case NULL -> shape.isNull(false);
            case NOT_NULL -> shape.isNull(true);
            case YESTERDAY -> shape.relative(DateOperator.YESTERDAY);
            case TODAY -> shape.relative(DateOperator.TODAY);
            case TOMORROW -> shape.relative(DateOperator.TOMORROW);
            case LAST_7_DAYS -> shape.relative(DateOperator.LAST_7_DAYS);
            case NEXT_7_DAYS -> shape.relative(DateOperator.NEXT_7_DAYS);
            case LAST_WEEK -> shape.relative(DateOperator.LAST_WEEK);
            case THIS_WEEK -> shape.relative(DateOperator.THIS_WEEK);
            case NEXT_WEEK -> shape.relative(DateOperator.NEXT_WEEK);
            case LAST_MONTH -> shape.relative(DateOperator.LAST_MONTH);
            case THIS_MONTH -> shape.relative(DateOperator.THIS_MONTH);
            case NEXT_MONTH -> shape.relative(DateOperator.NEXT_MONTH);
            case LAST_YEAR -> shape.relative(DateOperator.LAST_YEAR);
            case THIS_YEAR -> shape.relative(DateOperator.THIS_YEAR);
            case NEXT_YEAR -> shape.relative(DateOperator.NEXT_YEAR);
            case LAST_X_HOURS -> shape.relative(DateOperator.LAST_X_HOURS);
            case NEXT_X_HOURS -> shape.relative(DateOperator.NEXT_X_HOURS);
            case LAST_X_DAYS -> shape.relative(DateOperator.LAST_X_DAYS);
            case NEXT_X_DAYS -> shape.relative(DateOperator.NEXT_X_DAYS);
            case LAST_X_WEEKS -> shape.relative(DateOperator.LAST_X_WEEKS);
            case NEXT_X_WEEKS -> shape.relative(DateOperator.NEXT_X_WEEKS);
            case LAST_X_MONTHS -> shape.relative(DateOperator.LAST_X_MONTHS);
            case NEXT_X_MONTHS -> shape.relative(DateOperator.NEXT_X_MONTHS);
            case LAST_X_YEARS -> shape.relative(DateOperator.LAST_X_YEARS);
            case NEXT_X_YEARS -> shape.relative(DateOperator.NEXT_X_YEARS);
            case OLDER_THAN_X_MINUTES -> shape.relative(DateOperator.OLDER_THAN_X_MINUTES);
            case OLDER_THAN_X_HOURS -> shape.relative(DateOperator.OLDER_THAN_X_HOURS);
            case OLDER_THAN_X_DAYS -> shape.relative(DateOperator.OLDER_THAN_X_DAYS);
            case OLDER_THAN_X_WEEKS -> shape.relative(DateOperator.OLDER_THAN_X_WEEKS);
            case OLDER_THAN_X_MONTHS -> shape.relative(DateOperator.OLDER_THAN_X_MONTHS);
            case OLDER_THAN_X_YEARS -> shape.relative(DateOperator.OLDER_THAN_X_YEARS);
            case ON -> shape.on(true, true);
            case NOT_ON -> new Condition.Not(shape.on(true, true));
            case ON_OR_BEFORE -> shape.on(false, true);
            case ON_OR_AFTER -> shape.on(true, false);
            case EQUAL_USER_ID -> shape.caller(Condition.Operator.EQUAL, Placeholder.USER_ID);
            case NOT_EQUAL_USER_ID -> shape.caller(Condition.Operator.NOT_EQUAL, Placeholder.USER_ID);
            case EQUAL_BUSINESS_ID -> shape.caller(Condition.Operator.EQUAL, Placeholder.USER_BUSINESS_UNIT);
            case NOT_EQUAL_BUSINESS_ID -> shape.caller(Condition.Operator.NOT_EQUAL, Placeholder.USER_BUSINESS_UNIT);
            case MASK -> shape.mask(Condition.Operator.EQUAL, true);
            case NOT_MASK -> shape.mask(Condition.Operator.EQUAL, false);
            case MASKS_SELECT -> shape.mask(Condition.Operator.NOT_EQUAL, false);
            case THIS_FISCAL_YEAR -> shape.relative(DateOperator.THIS_FISCAL_YEAR);
            case THIS_FISCAL_PERIOD -> shape.relative(DateOperator.THIS_FISCAL_PERIOD);
            case NEXT_FISCAL_YEAR -> shape.relative(DateOperator.NEXT_FISCAL_YEAR);
            case NEXT_FISCAL_PERIOD -> shape.relative(DateOperator.NEXT_FISCAL_PERIOD);
            case LAST_FISCAL_YEAR -> shape.relative(DateOperator.LAST_FISCAL_YEAR);
            case LAST_FISCAL_PERIOD -> shape.relative(DateOperator.LAST_FISCAL_PERIOD);
            case LAST_X_FISCAL_YEARS -> shape.relative(DateOperator.LAST_X_FISCAL_YEARS);
            case LAST_X_FISCAL_PERIODS -> shape.relative(DateOperator.LAST_X_FISCAL_PERIODS);
            case NEXT_X_FISCAL_YEARS -> shape.relative(DateOperator.NEXT_X_FISCAL_YEARS);
            case NEXT_X_FISCAL_PERIODS -> shape.relative(DateOperator.NEXT_X_FISCAL_PERIODS);
            case IN_FISCAL_YEAR -> shape.relative(DateOperator.IN_FISCAL_YEAR);
            case IN_FISCAL_PERIOD -> shape.relative(DateOperator.IN_FISCAL_PERIOD);
            case IN_FISCAL_PERIOD_AND_YEAR -> shape.relative(DateOperator.IN_FISCAL_PERIOD_AND_YEAR);
            case IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR -> shape.relative(
                    DateOperator.IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR);
            case IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR -> shape.relative(DateOperator.IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR);
            case CONTAIN_VALUES -> new Condition.ContainValues(attribute, shape.values(1, Integer.MAX_VALUE), false);
            case DOES_NOT_CONTAIN_VALUES -> new Condition.ContainValues(
                    attribute, shape.values(1, Integer.MAX_VALUE), true);
            case EQUAL_USER_TEAMS -> shape.caller(Condition.Operator.EQUAL, Placeholder.USER_TEAMS);
            case EQUAL_USER_OR_USER_TEAMS -> shape.caller(Condition.Operator.EQUAL, Placeholder.USER_OR_USER_TEAMS);
            case UNDER -> shape.hierarchy(Condition.HierarchyOperator.UNDER);
            case UNDER_OR_EQUAL -> shape.hierarchy(Condition.HierarchyOperator.UNDER_OR_EQUAL);
            case NOT_UNDER -> shape.hierarchy(Condition.HierarchyOperator.NOT_UNDER);
            case ABOVE -> shape.hierarchy(Condition.HierarchyOperator.ABOVE);
            case ABOVE_OR_EQUAL -> shape.hierarchy(Condition.HierarchyOperator.ABOVE_OR_EQUAL);
            case EQUAL_USER_OR_USER_HIERARCHY -> shape.caller(
                    Condition.Operator.EQUAL, Placeholder.USER_OR_USER_HIERARCHY);
            case EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS -> shape.caller(
                    Condition.Operator.EQUAL, Placeholder.USER_OR_USER_HIERARCHY_AND_TEAMS);
                // ChildOf is marked internal in the SDK, with no meaning of its own: it is read as Under
            case CHILD_OF -> shape.hierarchy(Condition.HierarchyOperator.UNDER);
                // Dataverse's full-text search, read as a case-insensitive substring match (no full-text index)
            case CONTAINS -> shape.like(Condition.LikeKind.CONTAINS, false);
            case DOES_NOT_CONTAIN -> shape.like(Condition.LikeKind.CONTAINS, true);
            case EQUAL_USER_LANGUAGE -> shape.caller(Condition.Operator.EQUAL, Placeholder.USER_LANGUAGE);
        };
    }

    /**
     * A column comparison (QueryExpression {@code CompareColumns}, FetchXML {@code valueof}):
     * {@code attribute} compared with {@code other}, both attributes of the query; only the six
     * comparisons apply.
     */
    public static Condition compareColumns(
            ConditionOperator operator, String name, AttributeRef attribute, AttributeRef other, Problems problems) {
        Condition.Operator comparison =
                switch (operator) {
                    case EQUAL -> Condition.Operator.EQUAL;
                    case NOT_EQUAL -> Condition.Operator.NOT_EQUAL;
                    case GREATER_THAN -> Condition.Operator.GREATER_THAN;
                    case GREATER_EQUAL -> Condition.Operator.GREATER_EQUAL;
                    case LESS_THAN -> Condition.Operator.LESS_THAN;
                    case LESS_EQUAL -> Condition.Operator.LESS_EQUAL;
                    default -> throw problems.values(String.format(
                            "Condition operator %s cannot compare two columns ('%s' and '%s'); use eq, ne, gt, ge, lt"
                                    + " or le",
                            name, attribute.name(), other.name()));
                };
        return new Condition.Comparison(attribute, comparison, other);
    }

    /** {@code alias.attribute} or {@code attribute}, as a column comparison names the other column. */
    public static AttributeRef column(String text) {
        int dot = text.indexOf('.');
        return dot < 0
                ? new AttributeRef(text.strip())
                : new AttributeRef(
                        java.util.Optional.of(text.substring(0, dot).strip()),
                        text.substring(dot + 1).strip());
    }

    private record Shape(
            ConditionOperator operator,
            String name,
            AttributeRef attribute,
            Supplier<List<Literal>> values,
            Problems problems) {

        Condition comparison(Condition.Operator comparison) {
            return new Condition.Comparison(attribute, comparison, values(1, 1).get(0));
        }

        Condition like(Condition.LikeKind kind, boolean negated) {
            Literal value = values(1, 1).get(0);
            if (!(value.value() instanceof String text)) {
                throw problems.values(String.format(
                        "Condition operator %s on attribute '%s' needs a string value", name, attribute.name()));
            }
            return new Condition.Like(attribute, kind, text, negated);
        }

        Condition in(boolean negated) {
            return new Condition.In(attribute, values(1, Integer.MAX_VALUE), negated);
        }

        Condition between(boolean negated) {
            List<Literal> both = values(2, 2);
            return new Condition.Between(attribute, both.get(0), both.get(1), negated);
        }

        /**
         * {@code Mask}: every bit of the value is set ({@code attribute & v = v}); {@code NotMask}: none is
         * ({@code = 0}); {@code MasksSelect}: at least one is ({@code <> 0}).
         */
        Condition mask(Condition.Operator comparison, boolean all) {
            long bits = wholeNumber(values(1, 1).get(0).value(), Long.MAX_VALUE);
            return new Condition.Comparison(
                    new dev.vegateway.adapter.query.FunctionCall(
                            dev.vegateway.adapter.query.FunctionCall.Function.BIT_AND,
                            List.of(attribute, new Literal(bits))),
                    comparison,
                    new Literal(all ? bits : 0L));
        }

        /**
         * A relative date or fiscal period: {@code Today} takes no value, {@code LastXDays} one whole
         * number, {@code InFiscalPeriodAndYear} two (the period, then the year).
         */
        Condition relative(DateOperator date) {
            if (!date.takesAmount()) {
                values(0, 0);
                return new Condition.RelativeDate(attribute, date, OptionalLong.empty());
            }
            if (date.valueCount() == 2) {
                List<Literal> both = values(2, 2);
                return new Condition.RelativeDate(
                        attribute,
                        date,
                        OptionalLong.of(wholeNumber(both.get(0).value(), 100_000)),
                        OptionalLong.of(wholeNumber(both.get(1).value(), 100_000)));
            }
            return new Condition.RelativeDate(
                    attribute,
                    date,
                    OptionalLong.of(wholeNumber(values(1, 1).get(0).value(), 100_000)));
        }

        /** A whole number from 0 to {@code maximum}, given as a number or as text. */
        private long wholeNumber(Object value, long maximum) {
            long amount;
            try {
                amount = value instanceof Number number
                        ? number.longValue()
                        : Long.parseLong(value.toString().strip());
            } catch (NumberFormatException e) {
                amount = -1;
            }
            if (amount < 0 || amount > maximum || (value instanceof Number number && number.doubleValue() != amount)) {
                throw problems.values(String.format(
                        "Condition operator %s on attribute '%s' needs a whole number from 0 to %d, got '%s'",
                        name, attribute.name(), maximum, value));
            }
            return amount;
        }

        /** {@code On}/{@code OnOrAfter}/{@code OnOrBefore} a date: from its midnight, and/or before the next one. */
        Condition on(boolean from, boolean through) {
            Object value = values(1, 1).get(0).value();
            LocalDate day;
            try {
                day = value instanceof LocalDate date
                        ? date
                        : value instanceof java.time.OffsetDateTime timestamp
                                ? timestamp.toLocalDate()
                                : LocalDate.parse(value.toString()
                                        .strip()
                                        .substring(
                                                0,
                                                Math.min(
                                                        10,
                                                        value.toString().strip().length())));
            } catch (java.time.format.DateTimeParseException e) {
                throw problems.values(String.format(
                        "Condition operator %s on attribute '%s' needs a date such as 2024-01-31, got '%s'",
                        name, attribute.name(), value));
            }
            Condition after = new Condition.Comparison(attribute, Condition.Operator.GREATER_EQUAL, new Literal(day));
            Condition before =
                    new Condition.Comparison(attribute, Condition.Operator.LESS_THAN, new Literal(day.plusDays(1)));
            if (from && through) {
                return new Condition.And(List.of(after, before));
            }
            return from ? after : before;
        }

        /** A place in the hierarchy relative to the record whose key is the one value. */
        Condition hierarchy(Condition.HierarchyOperator hierarchy) {
            return new Condition.Hierarchy(attribute, hierarchy, values(1, 1).get(0));
        }

        /** A comparison with the caller's own id or business unit, bound when the query is planned. */
        Condition caller(Condition.Operator comparison, Placeholder value) {
            values(0, 0);
            return new Condition.Comparison(attribute, comparison, value);
        }

        Condition isNull(boolean negated) {
            values(0, 0);
            return new Condition.IsNull(attribute, negated);
        }

        List<Literal> values(int minimum, int maximum) {
            List<Literal> read = values.get();
            if (read.size() < minimum || read.size() > maximum) {
                String expected = minimum == maximum
                        ? (minimum == 0 ? "no values" : "exactly " + minimum + (minimum == 1 ? " value" : " values"))
                        : "at least " + minimum + (minimum == 1 ? " value" : " values");
                throw problems.values(String.format(
                        "Condition operator %s on attribute '%s' expects %s, got %d",
                        name, attribute.name(), expected, read.size()));
            }
            return read;
        }
    }
}
