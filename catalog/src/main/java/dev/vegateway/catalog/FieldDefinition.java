package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A field of an entity: its logical (OData) name, its backend column and its type, and for the
 * write path an optional default and validation. {@code defaultValue} is the typed value a create
 * uses when the payload leaves the field out: {@code String}, {@code Integer} (Int32),
 * {@code Long} (Int64), {@code BigDecimal} (Decimal, at the type's scale), {@code Double},
 * {@code Boolean}, {@code LocalDate}, {@code OffsetDateTime} (UTC), {@code UUID}, or the member's
 * {@code Integer} value for an Enum.
 */
public record FieldDefinition(
        String logicalName,
        String column,
        FieldType type,
        boolean required,
        boolean readOnly,
        Map<String, String> labels,
        Optional<Object> defaultValue,
        FieldValidation validation,
        Optional<DerivedValue> derived) {

    public FieldDefinition {
        requireNonNull(logicalName, "logicalName is null");
        requireNonNull(column, "column is null");
        requireNonNull(type, "type is null");
        labels = Map.copyOf(labels);
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(validation, "validation is null");
        requireNonNull(derived, "derived is null");
    }

    /** A field the backend stores in {@code column}. */
    public FieldDefinition(
            String logicalName,
            String column,
            FieldType type,
            boolean required,
            boolean readOnly,
            Map<String, String> labels,
            Optional<Object> defaultValue,
            FieldValidation validation) {
        this(logicalName, column, type, required, readOnly, labels, defaultValue, validation, Optional.empty());
    }

    /** A read-only field computed from the entity's natural key; {@code column} is its stored column or its own name. */
    public static FieldDefinition derived(
            String logicalName, String column, FieldType type, Map<String, String> labels, DerivedValue derived) {
        // the derived GUID is never null (its key fields are required); the primary field's text neither
        return new FieldDefinition(
                logicalName,
                column,
                type,
                true,
                true,
                labels,
                Optional.empty(),
                FieldValidation.NONE,
                Optional.of(derived));
    }

    /** Whether the backend has no column of this name: the renderer writes an expression for it. */
    public boolean computed() {
        return derived.isPresent() && !derived.get().stored();
    }

    /** A field without default or validation. */
    public FieldDefinition(
            String logicalName,
            String column,
            FieldType type,
            boolean required,
            boolean readOnly,
            Map<String, String> labels) {
        this(logicalName, column, type, required, readOnly, labels, Optional.empty(), FieldValidation.NONE);
    }

    /** This field, read-only for clients. */
    FieldDefinition asReadOnly() {
        return readOnly
                ? this
                : new FieldDefinition(
                        logicalName, column, type, required, true, labels, defaultValue, validation, derived);
    }
}
