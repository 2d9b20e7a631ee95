package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An entity of the catalog: a backend table or view exposed as an OData entity set.
 * {@code keyField} names the {@code Edm.Guid} key field (by convention {@code <logicalName>id}).
 * The optional company, owner, business-unit and row-version fields name fields of this entity.
 */
public record EntityDefinition(
        String logicalName,
        String entitySetName,
        TableName table,
        Map<String, String> labels,
        boolean visible,
        List<FieldDefinition> fields,
        String keyField,
        Optional<String> companyField,
        Optional<String> ownerField,
        Optional<String> businessUnitField,
        Optional<String> rowVersionField) {

    public EntityDefinition {
        requireNonNull(logicalName, "logicalName is null");
        requireNonNull(entitySetName, "entitySetName is null");
        requireNonNull(table, "table is null");
        labels = Map.copyOf(labels);
        fields = List.copyOf(fields);
        requireNonNull(keyField, "keyField is null");
        requireNonNull(companyField, "companyField is null");
        requireNonNull(ownerField, "ownerField is null");
        requireNonNull(businessUnitField, "businessUnitField is null");
        requireNonNull(rowVersionField, "rowVersionField is null");
    }

    /** The field with this logical name (exact, case-sensitive like OData). */
    public Optional<FieldDefinition> field(String name) {
        for (FieldDefinition field : fields) {
            if (field.logicalName().equals(name)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    public FieldDefinition key() {
        return field(keyField).orElseThrow(() -> new IllegalStateException("key field " + keyField + " missing from " + logicalName));
    }

    /** Fields by logical name in declaration order. */
    public Map<String, FieldDefinition> fieldsByName() {
        Map<String, FieldDefinition> byName = new LinkedHashMap<>();
        fields.forEach(field -> byName.put(field.logicalName(), field));
        return byName;
    }

    /** The label for a locale, else en-US, else the logical name. */
    public String label(String locale) {
        return labels.getOrDefault(locale, labels.getOrDefault("en-US", logicalName));
    }
}
