package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.sql.Connection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One write as a hook sees it: the entity, the key, who writes, the values being written (by
 * field logical name, as their catalog Java types) and, for updates and deletes, the record as it
 * was. The transaction's connection is available for hooks that need to read or write more.
 */
public final class WriteEvent {
    private final EntityDefinition entity;
    private final UUID key;
    private final WriteContext context;
    private final Map<FieldDefinition, Object> values;
    private final Map<String, Object> before;
    private final Connection connection;
    private final PayloadBinder binder;
    private final boolean mutable;

    WriteEvent(
            EntityDefinition entity,
            UUID key,
            WriteContext context,
            Map<FieldDefinition, Object> values,
            Map<FieldDefinition, Object> before,
            Connection connection,
            PayloadBinder binder,
            boolean mutable) {
        this.entity = requireNonNull(entity, "entity is null");
        this.key = requireNonNull(key, "key is null");
        this.context = requireNonNull(context, "context is null");
        this.values = values;
        Map<String, Object> previous = new LinkedHashMap<>();
        before.forEach((field, value) -> previous.put(field.logicalName(), value));
        this.before = Collections.unmodifiableMap(previous);
        this.connection = requireNonNull(connection, "connection is null");
        this.binder = requireNonNull(binder, "binder is null");
        this.mutable = mutable;
    }

    public String entityLogicalName() {
        return entity.logicalName();
    }

    public UUID key() {
        return key;
    }

    public UUID userId() {
        return context.userId();
    }

    public String applicationId() {
        return context.applicationId();
    }

    /** The value being written to {@code field}, if this write sets it. */
    public Optional<Object> value(String field) {
        for (Map.Entry<FieldDefinition, Object> entry : values.entrySet()) {
            if (entry.getKey().logicalName().equals(field)) {
                return Optional.ofNullable(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** The record's values before the write (empty on create). */
    public Map<String, Object> before() {
        return before;
    }

    /** Sets a field (before-hooks only); the value is checked like a client's (a JSON-like value: text, number, boolean). */
    public void set(String field, Object value) {
        if (!mutable) {
            throw new IllegalStateException("fields can only be set in a before-hook");
        }
        FieldDefinition definition = entity.field(field)
                .orElseThrow(() -> new IllegalArgumentException("no field " + field + " in " + entity.logicalName()));
        values.put(definition, value == null ? null : binder.convert(definition, value));
    }

    public Connection connection() {
        return connection;
    }
}
