package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A scalar function applied to operands ({@code tolower(name)}, {@code year(orderdate)}). */
public record FunctionCall(Function function, List<Operand> arguments) implements Operand {
    public enum Function {
        TO_LOWER,
        TO_UPPER,
        TRIM,
        LENGTH,
        YEAR,
        MONTH,
        DAY,
        /** {@code BIT_AND(attribute, mask)}: the bits of an integer attribute a whole-number literal keeps (Mask operators). */
        BIT_AND,
        /**
         * {@code FISCAL_PERIOD(date, shiftDays, shiftMonths, monthsPerPeriod)}: the fiscal period a date
         * falls in; the planner makes it from the fiscal calendar (its three integer literals), never a client.
         */
        FISCAL_PERIOD;

        /** How many arguments the function takes. */
        public int arity() {
            return switch (this) {
                case TO_LOWER, TO_UPPER, TRIM, LENGTH, YEAR, MONTH, DAY -> 1;
                case BIT_AND -> 2;
                case FISCAL_PERIOD -> 4;
            };
        }
    }

    public FunctionCall {
        requireNonNull(function, "function is null");
        arguments = List.copyOf(arguments);
        if (arguments.size() != function.arity()) {
            throw new IllegalArgumentException(
                    function + " takes " + function.arity() + " arguments, got " + arguments.size());
        }
    }
}
