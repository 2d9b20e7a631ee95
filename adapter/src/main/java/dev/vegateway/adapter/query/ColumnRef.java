package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.FieldDefinition;

/**
 * A column of a relation in the plan. It can only be made from a catalog {@link FieldDefinition},
 * so every identifier that reaches SQL comes from the catalog, never from the request.
 */
public record ColumnRef(String relationAlias, FieldDefinition field) implements Operand {
    public ColumnRef {
        requireNonNull(relationAlias, "relationAlias is null");
        requireNonNull(field, "field is null");
    }
}
