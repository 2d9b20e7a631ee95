package dev.vegateway.adapter.rowfilter;

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
import dev.vegateway.adapter.query.Placeholder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replaces the placeholders of a parsed row filter with the caller's values, as typed
 * {@link Literal}s (so they are bound as parameters once the planner resolved the filter).
 */
public final class PlaceholderBinder {
    private PlaceholderBinder() {}

    /**
     * The filter with every placeholder bound: {@code @user.id} and {@code @user.businessUnit}
     * become Guid literals, {@code @user.attributes.<name>} text literals, and
     * {@code x in @user.companies} an {@link In} over the caller's companies (in order), or
     * {@link Condition#FALSE} when the caller has none.
     *
     * @return empty when a placeholder has no value for this caller (an attribute the user does
     *     not have, no business unit): the filter then admits no row at all, whatever negations
     *     surround the placeholder
     */
    public static Optional<Condition> bind(Condition filter, CallerValues caller) {
        if (filter instanceof Constant) {
            return Optional.of(filter);
        }
        if (filter instanceof And and) {
            return all(and.conditions(), caller).map(And::new);
        }
        if (filter instanceof Or or) {
            return all(or.conditions(), caller).map(Or::new);
        }
        if (filter instanceof Not not) {
            return bind(not.condition(), caller).map(Not::new);
        }
        if (filter instanceof Condition.RelativeDate || filter instanceof Condition.Hierarchy) {
            return Optional.of(filter);
        }
        if (filter instanceof Condition.Lambda lambda) {
            return bind(lambda.predicate(), caller)
                    .map(predicate -> new Condition.Lambda(lambda.navigation(), lambda.quantifier(), predicate));
        }
        if (filter instanceof Comparison comparison) {
            if (comparison.right() instanceof Placeholder placeholder && placeholder.isList()) {
                return companies(comparison, caller);
            }
            Optional<Operand> left = operand(comparison.left(), caller);
            Optional<Operand> right = operand(comparison.right(), caller);
            if (left.isEmpty() || right.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Comparison(left.get(), comparison.operator(), right.get()));
        }
        if (filter instanceof IsNull isNull) {
            return operand(isNull.operand(), caller).map(operand -> new IsNull(operand, isNull.negated()));
        }
        if (filter instanceof Like like) {
            return operand(like.operand(), caller)
                    .map(operand -> new Like(operand, like.kind(), like.text(), like.negated()));
        }
        if (filter instanceof In in) {
            return operand(in.operand(), caller).map(operand -> in(operand, in.values(), in.negated()));
        }
        if (filter instanceof Condition.ContainValues contain) {
            return operand(contain.operand(), caller)
                    .map(operand -> new Condition.ContainValues(operand, contain.values(), contain.negated()));
        }
        if (filter instanceof Between between) {
            return operand(between.operand(), caller)
                    .map(operand -> new Between(operand, between.low(), between.high(), between.negated()));
        }
        throw new IllegalStateException("unknown condition " + filter.getClass());
    }

    /** {@code x in @user.companies}: the parser writes it as {@code Comparison(x, EQUAL, @user.companies)}. */
    private static Optional<Condition> companies(Comparison comparison, CallerValues caller) {
        Optional<Operand> subject = operand(comparison.left(), caller);
        if (subject.isEmpty() || comparison.operator() != Condition.Operator.EQUAL) {
            return Optional.empty();
        }
        List<Literal> values;
        if (comparison.right().equals(Placeholder.USER_COMPANIES)) {
            values = caller.companies().stream().map(Literal::new).toList();
        } else if (comparison.right().equals(Placeholder.USER_TEAMS)) {
            values = caller.teams().stream().map(Literal::new).toList();
        } else if (comparison.right().equals(Placeholder.USER_OR_USER_TEAMS)) {
            List<Literal> both = new java.util.ArrayList<>();
            both.add(new Literal(caller.userId()));
            caller.teams().forEach(team -> both.add(new Literal(team)));
            values = both;
        } else if (comparison.right().equals(Placeholder.USER_OR_USER_HIERARCHY)
                || comparison.right().equals(Placeholder.USER_OR_USER_HIERARCHY_AND_TEAMS)) {
            // the caller, every user under it, and with teams the teams of all of them
            java.util.Set<java.util.UUID> ids = new java.util.LinkedHashSet<>();
            ids.add(caller.userId());
            ids.addAll(caller.profile().hierarchy());
            if (comparison.right().equals(Placeholder.USER_OR_USER_HIERARCHY_AND_TEAMS)) {
                ids.addAll(caller.teams());
                ids.addAll(caller.profile().hierarchyTeams());
            }
            values = ids.stream().map(Literal::new).toList();
        } else {
            return Optional.empty();
        }
        if (values.isEmpty()) {
            return Optional.of(Condition.FALSE);
        }
        return Optional.of(in(subject.get(), values, false));
    }

    /**
     * {@code subject in (values)}; with a constant subject ({@code @user.attributes.region in
     * ('West', 'East')} once bound) it is the OR of equalities, which the planner type-checks
     * value by value as it does any comparison of two constants.
     */
    private static Condition in(Operand subject, List<Literal> values, boolean negated) {
        if (!(subject instanceof Literal)) {
            return new In(subject, values, negated);
        }
        Condition anyOf = new Or(values.stream()
                .<Condition>map(value -> new Comparison(subject, Condition.Operator.EQUAL, value))
                .toList());
        return negated ? new Not(anyOf) : anyOf;
    }

    private static Optional<List<Condition>> all(List<Condition> conditions, CallerValues caller) {
        List<Condition> bound = new ArrayList<>(conditions.size());
        for (Condition condition : conditions) {
            Optional<Condition> one = bind(condition, caller);
            if (one.isEmpty()) {
                return Optional.empty();
            }
            bound.add(one.get());
        }
        return Optional.of(bound);
    }

    private static Optional<Operand> operand(Operand operand, CallerValues caller) {
        if (operand instanceof Placeholder placeholder) {
            return value(placeholder, caller);
        }
        if (operand instanceof FunctionCall call) {
            List<Operand> arguments = new ArrayList<>(call.arguments().size());
            for (Operand argument : call.arguments()) {
                Optional<Operand> bound = operand(argument, caller);
                if (bound.isEmpty()) {
                    return Optional.empty();
                }
                arguments.add(bound.get());
            }
            return Optional.of(new FunctionCall(call.function(), arguments));
        }
        return Optional.of(operand);
    }

    /** A list placeholder outside {@code in}, or a name this version does not know, has no value: no row. */
    private static Optional<Operand> value(Placeholder placeholder, CallerValues caller) {
        if (placeholder.equals(Placeholder.USER_ID)) {
            return Optional.of(new Literal(caller.userId()));
        }
        if (placeholder.equals(Placeholder.USER_BUSINESS_UNIT)) {
            return caller.businessUnit().map(Literal::new);
        }
        if (placeholder.equals(Placeholder.USER_LANGUAGE)) {
            return caller.profile().language().isPresent()
                    ? Optional.of(new Literal(caller.profile().language().getAsInt()))
                    : Optional.empty();
        }
        return placeholder
                .userAttribute()
                .flatMap(name -> Optional.ofNullable(caller.attributes().get(name)))
                .map(Literal::new);
    }
}
