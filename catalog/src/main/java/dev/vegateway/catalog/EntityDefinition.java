package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An entity of the catalog: a backend table or view exposed as an OData entity set.
 * {@code keyField} names the {@code Edm.Guid} key field (by convention {@code <logicalName>id});
 * {@code keyStrategy} says who chooses the key of a new row. The optional company, owner,
 * business-unit and row-version fields, and the created-by/modified-by (Guid, stamped with the
 * caller's user id) and created-on/modified-on (DateTimeOffset, stamped with the time of the
 * write) fields, name fields of this entity. {@code relations} are its lookups. {@code origin}
 * says whose the entity is: the catalog's (business data, read under the caller's roles) or the
 * gateway's own (its data audit, portal mappings, the catalog set: administrators only).
 * {@code changeTracking} (Dataverse's "Track changes") lets clients ask for a delta link; it
 * needs a row-version field, which the gateway then sets from a per-entity change counter.
 * {@code primaryName} is the String field that names a row (Dataverse's {@code PrimaryNameAttribute}):
 * a lookup to the entity is formatted with it.
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
        Optional<String> rowVersionField,
        KeyStrategy keyStrategy,
        Optional<String> createdByField,
        Optional<String> modifiedByField,
        Optional<String> createdOnField,
        Optional<String> modifiedOnField,
        List<RelationDefinition> relations,
        Origin origin,
        List<AlternateKey> alternateKeys,
        boolean changeTracking,
        Optional<String> primaryName) {

    /** Whose an entity is. */
    public enum Origin {
        /** Declared in the catalog: the backend's business data. */
        CATALOG,
        /** One of the gateway's own sets; only System and Security administrators read it. */
        GATEWAY
    }

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
        requireNonNull(keyStrategy, "keyStrategy is null");
        requireNonNull(createdByField, "createdByField is null");
        requireNonNull(modifiedByField, "modifiedByField is null");
        requireNonNull(createdOnField, "createdOnField is null");
        requireNonNull(modifiedOnField, "modifiedOnField is null");
        relations = List.copyOf(relations);
        requireNonNull(origin, "origin is null");
        alternateKeys = List.copyOf(alternateKeys);
        requireNonNull(primaryName, "primaryName is null");
    }

    /**
     * A new entity: its logical name, entity-set name, table and key field; everything else has the
     * builder's defaults (no labels, visible, no fields, generated keys, no optional fields, no
     * relations or alternate keys, the catalog's, no change tracking, no primary name).
     */
    public static Builder builder(String logicalName, String entitySetName, TableName table, String keyField) {
        return new Builder(logicalName, entitySetName, table, keyField);
    }

    /** A builder holding everything of this entity, to change some of it. */
    public Builder toBuilder() {
        return new Builder(logicalName, entitySetName, table, keyField)
                .labels(labels)
                .visible(visible)
                .fields(fields)
                .companyField(companyField)
                .ownerField(ownerField)
                .businessUnitField(businessUnitField)
                .rowVersionField(rowVersionField)
                .keyStrategy(keyStrategy)
                .createdByField(createdByField)
                .modifiedByField(modifiedByField)
                .createdOnField(createdOnField)
                .modifiedOnField(modifiedOnField)
                .relations(relations)
                .origin(origin)
                .alternateKeys(alternateKeys)
                .changeTracking(changeTracking)
                .primaryName(primaryName);
    }

    /** This entity with these relations (and everything else unchanged). */
    public EntityDefinition withRelations(List<RelationDefinition> newRelations) {
        return toBuilder().relations(newRelations).build();
    }

    /** This entity shown in or hidden from {@code $metadata} (and everything else unchanged). */
    public EntityDefinition withVisible(boolean newVisible) {
        return toBuilder().visible(newVisible).build();
    }

    /** This entity as one of the gateway's own sets. */
    public EntityDefinition ownedByTheGateway() {
        return toBuilder().origin(Origin.GATEWAY).build();
    }

    /** The natural key the entity's GUID key is derived from, when its table has no GUID column. */
    public Optional<DerivedKey> derivedKey() {
        return field(keyField).flatMap(FieldDefinition::derived).map(DerivedValue::key);
    }

    /** The alternate key whose fields are exactly these (in any order). */
    public Optional<AlternateKey> alternateKey(Set<String> fieldNames) {
        return alternateKeys.stream()
                .filter(key -> Set.copyOf(key.fields()).equals(fieldNames))
                .findFirst();
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
        return field(keyField)
                .orElseThrow(() -> new IllegalStateException("key field " + keyField + " missing from " + logicalName));
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

    /** The entity's hierarchy: its hierarchical (self-referencing) relation, if the catalog declares one. */
    public Optional<RelationDefinition> hierarchy() {
        return relations.stream().filter(RelationDefinition::hierarchical).findFirst();
    }

    /** The relation (navigation property) with this name (exact, case-sensitive like OData). */
    public Optional<RelationDefinition> relation(String name) {
        return relations.stream()
                .filter(relation -> relation.name().equals(name))
                .findFirst();
    }

    /** Whether a PATCH of a missing row may create it with the key from the URL: only when the client may choose keys. */
    public boolean allowsUpsert() {
        return keyStrategy.clientMayChooseKey();
    }

    /** The created-by, modified-by, created-on and modified-on fields that are declared: the gateway sets them, clients never do. */
    public Set<String> stampedFields() {
        Set<String> stamped = new LinkedHashSet<>();
        createdByField.ifPresent(stamped::add);
        modifiedByField.ifPresent(stamped::add);
        createdOnField.ifPresent(stamped::add);
        modifiedOnField.ifPresent(stamped::add);
        return Collections.unmodifiableSet(stamped);
    }

    /** Builds an {@link EntityDefinition}; see {@link EntityDefinition#builder} for the defaults. */
    public static final class Builder {
        private final String logicalName;
        private final String entitySetName;
        private final TableName table;
        private final String keyField;
        private Map<String, String> labels = Map.of();
        private boolean visible = true;
        private List<FieldDefinition> fields = List.of();
        private Optional<String> companyField = Optional.empty();
        private Optional<String> ownerField = Optional.empty();
        private Optional<String> businessUnitField = Optional.empty();
        private Optional<String> rowVersionField = Optional.empty();
        private KeyStrategy keyStrategy = KeyStrategy.GENERATED;
        private Optional<String> createdByField = Optional.empty();
        private Optional<String> modifiedByField = Optional.empty();
        private Optional<String> createdOnField = Optional.empty();
        private Optional<String> modifiedOnField = Optional.empty();
        private List<RelationDefinition> relations = List.of();
        private Origin origin = Origin.CATALOG;
        private List<AlternateKey> alternateKeys = List.of();
        private boolean changeTracking;
        private Optional<String> primaryName = Optional.empty();

        private Builder(String logicalName, String entitySetName, TableName table, String keyField) {
            this.logicalName = logicalName;
            this.entitySetName = entitySetName;
            this.table = table;
            this.keyField = keyField;
        }

        public Builder labels(Map<String, String> value) {
            labels = value;
            return this;
        }

        public Builder visible(boolean value) {
            visible = value;
            return this;
        }

        public Builder fields(List<FieldDefinition> value) {
            fields = value;
            return this;
        }

        public Builder companyField(Optional<String> value) {
            companyField = value;
            return this;
        }

        public Builder ownerField(Optional<String> value) {
            ownerField = value;
            return this;
        }

        public Builder businessUnitField(Optional<String> value) {
            businessUnitField = value;
            return this;
        }

        public Builder rowVersionField(Optional<String> value) {
            rowVersionField = value;
            return this;
        }

        public Builder keyStrategy(KeyStrategy value) {
            keyStrategy = value;
            return this;
        }

        public Builder createdByField(Optional<String> value) {
            createdByField = value;
            return this;
        }

        public Builder modifiedByField(Optional<String> value) {
            modifiedByField = value;
            return this;
        }

        public Builder createdOnField(Optional<String> value) {
            createdOnField = value;
            return this;
        }

        public Builder modifiedOnField(Optional<String> value) {
            modifiedOnField = value;
            return this;
        }

        public Builder relations(List<RelationDefinition> value) {
            relations = value;
            return this;
        }

        public Builder origin(Origin value) {
            origin = value;
            return this;
        }

        public Builder alternateKeys(List<AlternateKey> value) {
            alternateKeys = value;
            return this;
        }

        public Builder changeTracking(boolean value) {
            changeTracking = value;
            return this;
        }

        public Builder primaryName(Optional<String> value) {
            primaryName = value;
            return this;
        }

        public EntityDefinition build() {
            return new EntityDefinition(
                    logicalName,
                    entitySetName,
                    table,
                    labels,
                    visible,
                    fields,
                    keyField,
                    companyField,
                    ownerField,
                    businessUnitField,
                    rowVersionField,
                    keyStrategy,
                    createdByField,
                    modifiedByField,
                    createdOnField,
                    modifiedOnField,
                    relations,
                    origin,
                    alternateKeys,
                    changeTracking,
                    primaryName);
        }
    }
}
