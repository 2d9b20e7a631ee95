package dev.vegateway.adapter.query;

/**
 * A value a condition compares: a request attribute name (as the client wrote it), a column
 * resolved against the catalog by the planner, a literal, a function of operands, or a
 * placeholder for a property of the caller (row filters only; bound to a literal by the planner).
 */
public sealed interface Operand permits AttributeRef, ColumnRef, Literal, FunctionCall, Placeholder {}
