package dev.vegateway.adapter.query;

/**
 * A value a condition compares: a request attribute name (as the client wrote it), a column
 * resolved against the catalog by the planner, a literal, or a function of operands.
 */
public sealed interface Operand permits AttributeRef, ColumnRef, Literal, FunctionCall {}
