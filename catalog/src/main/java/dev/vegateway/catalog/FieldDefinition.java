package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** A field of an entity: its logical (OData) name, its backend column and its type. */
public record FieldDefinition(String logicalName, String column, FieldType type, boolean required, boolean readOnly, Map<String, String> labels) {
    public FieldDefinition {
        requireNonNull(logicalName, "logicalName is null");
        requireNonNull(column, "column is null");
        requireNonNull(type, "type is null");
        labels = Map.copyOf(labels);
    }
}
