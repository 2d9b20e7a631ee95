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
        DAY
    }

    public FunctionCall {
        requireNonNull(function, "function is null");
        arguments = List.copyOf(arguments);
        if (arguments.size() != 1) {
            throw new IllegalArgumentException(function + " takes one argument, got " + arguments.size());
        }
    }
}
