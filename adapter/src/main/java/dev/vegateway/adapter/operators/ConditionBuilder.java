package dev.vegateway.adapter.operators;

import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import java.util.List;
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
            case YESTERDAY,
                    TODAY,
                    TOMORROW,
                    LAST_7_DAYS,
                    NEXT_7_DAYS,
                    LAST_WEEK,
                    THIS_WEEK,
                    NEXT_WEEK,
                    LAST_MONTH,
                    THIS_MONTH,
                    NEXT_MONTH,
                    ON,
                    ON_OR_BEFORE,
                    ON_OR_AFTER,
                    LAST_YEAR,
                    THIS_YEAR,
                    NEXT_YEAR,
                    LAST_X_HOURS,
                    NEXT_X_HOURS,
                    LAST_X_DAYS,
                    NEXT_X_DAYS,
                    LAST_X_WEEKS,
                    NEXT_X_WEEKS,
                    LAST_X_MONTHS,
                    NEXT_X_MONTHS,
                    LAST_X_YEARS,
                    NEXT_X_YEARS,
                    EQUAL_USER_ID,
                    NOT_EQUAL_USER_ID,
                    EQUAL_BUSINESS_ID,
                    NOT_EQUAL_BUSINESS_ID,
                    CHILD_OF,
                    MASK,
                    NOT_MASK,
                    MASKS_SELECT,
                    CONTAINS,
                    DOES_NOT_CONTAIN,
                    EQUAL_USER_LANGUAGE,
                    NOT_ON,
                    OLDER_THAN_X_MONTHS,
                    THIS_FISCAL_YEAR,
                    THIS_FISCAL_PERIOD,
                    NEXT_FISCAL_YEAR,
                    NEXT_FISCAL_PERIOD,
                    LAST_FISCAL_YEAR,
                    LAST_FISCAL_PERIOD,
                    LAST_X_FISCAL_YEARS,
                    LAST_X_FISCAL_PERIODS,
                    NEXT_X_FISCAL_YEARS,
                    NEXT_X_FISCAL_PERIODS,
                    IN_FISCAL_YEAR,
                    IN_FISCAL_PERIOD,
                    IN_FISCAL_PERIOD_AND_YEAR,
                    IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR,
                    IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR,
                    EQUAL_USER_TEAMS,
                    EQUAL_USER_OR_USER_TEAMS,
                    UNDER,
                    NOT_UNDER,
                    UNDER_OR_EQUAL,
                    ABOVE,
                    ABOVE_OR_EQUAL,
                    EQUAL_USER_OR_USER_HIERARCHY,
                    EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS,
                    OLDER_THAN_X_YEARS,
                    OLDER_THAN_X_WEEKS,
                    OLDER_THAN_X_DAYS,
                    OLDER_THAN_X_HOURS,
                    OLDER_THAN_X_MINUTES,
                    CONTAIN_VALUES,
                    DOES_NOT_CONTAIN_VALUES -> throw problems.unsupported(String.format(
                    "Condition operator %s on attribute '%s' is not supported yet", name, attribute.name()));
        };
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

        Condition isNull(boolean negated) {
            values(0, 0);
            return new Condition.IsNull(attribute, negated);
        }

        private List<Literal> values(int minimum, int maximum) {
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
