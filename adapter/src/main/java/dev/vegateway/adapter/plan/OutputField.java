package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.FieldDefinition;

/**
 * A field of the response. {@code selectIndex} is its position in the SELECT list, or -1 when
 * field security hides it (the response then carries null, as Dataverse does).
 */
public record OutputField(FieldDefinition field, int selectIndex) {
    public OutputField {
        requireNonNull(field, "field is null");
    }

    public boolean masked() {
        return selectIndex < 0;
    }
}
