package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ColumnReader;
import dev.vegateway.adapter.jdbc.Statements;
import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Create, Update and Delete of one row, each in one transaction with its audit record: payload
 * checked against the catalog, owner and business unit stamped, the row version bumped by the
 * write itself, {@code If-Match}/{@code If-None-Match} honoured, and the caller's scope enforced
 * before (the row must be visible, else 404) and after the change (it must stay inside the
 * scope, else 403 and nothing is written).
 */
public final class WriteService {
    static final String ALIAS = "t0";

    private final Catalog catalog;
    private final DataSource dataSource;
    private final WriteSqlRenderer renderer;
    private final PayloadBinder binder;
    private final AuditLog audit;
    private final ChangeTracking changeTracking;
    private final Clock clock;
    private final int timeoutSeconds;
    private final List<WriteHook> hooks;

    /** With the write hooks the {@link java.util.ServiceLoader} finds on the class path. */
    public WriteService(
            Catalog catalog,
            DataSource dataSource,
            WriteSqlRenderer renderer,
            AuditLog audit,
            ChangeTracking changes,
            Clock clock,
            Duration timeout) {
        this(
                catalog,
                dataSource,
                renderer,
                audit,
                changes,
                clock,
                timeout,
                java.util.ServiceLoader.load(WriteHook.class).stream()
                        .map(java.util.ServiceLoader.Provider::get)
                        .toList());
    }

    public WriteService(
            Catalog catalog,
            DataSource dataSource,
            WriteSqlRenderer renderer,
            AuditLog audit,
            ChangeTracking changes,
            Clock clock,
            Duration timeout,
            List<WriteHook> hooks) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.renderer = requireNonNull(renderer, "renderer is null");
        this.binder = new PayloadBinder(catalog);
        this.audit = requireNonNull(audit, "audit is null");
        this.changeTracking = requireNonNull(changes, "changes is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        this.hooks = List.copyOf(hooks);
    }

    public List<WriteHook> hooks() {
        return hooks;
    }

    private interface HookCall {
        void call(WriteHook hook, WriteEvent event);
    }

    /** Runs every hook; a {@link WriteRejected} becomes the client's 400 with the hook's message. */
    private void runHooks(HookCall call, WriteEvent event) {
        for (WriteHook hook : hooks) {
            try {
                call.call(hook, event);
            } catch (WriteRejected rejected) {
                throw new GatewayException(ErrorCode.BUSINESS_RULE, rejected.getMessage());
            }
        }
    }

    /** The key passed to an insert of an entity whose GUID the backend derives when the row exists. */
    private static final UUID DERIVED_LATER = new UUID(0, 0);

    /** 400 when a create sends the GUID the gateway derives from the natural key. */
    private static void rejectDerivedKey(EntityDefinition entity, Map<String, Object> payload) {
        Optional<dev.vegateway.catalog.DerivedKey> derived = entity.derivedKey();
        if (derived.isPresent() && payload.containsKey(entity.keyField())) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The property '%s' is derived from the key (%s) of entity '%s' and cannot be set; send %s instead.",
                    entity.keyField(),
                    String.join(", ", derived.get().fieldNames()),
                    entity.logicalName(),
                    String.join(" and ", derived.get().fieldNames()));
        }
    }

    /** The outcome of a write: the key, and whether it created the row (an upsert may). */
    public record Result(UUID key, boolean created) {}

    /** {@code POST {set}}. The key comes from the payload when given, else it is generated. */
    public Result create(EntityDefinition entity, Map<String, Object> payload, WriteContext context) {
        WriteContext.Allowed allowed = context.scopes().of(WriteContext.Operation.CREATE);
        rejectDerivedKey(entity, payload);
        Map<FieldDefinition, Object> values =
                binder.bind(entity, payload, field -> clientWritable(entity, field, true));
        requireSettable(entity, values.keySet(), allowed, "create", context);
        if (entity.derivedKey().isPresent()) {
            return insert(entity, DERIVED_LATER, values, allowed.rows(), context);
        }
        UUID key = (UUID) values.getOrDefault(entity.key(), null);
        if (key == null && entity.keyStrategy().clientMustChooseKey()) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The property '%s' is required: entity '%s' takes its key from the client.",
                    entity.keyField(),
                    entity.logicalName());
        }
        return insert(entity, key == null ? UUID.randomUUID() : key, values, allowed.rows(), context);
    }

    /** {@code PATCH {set}({key})}: the sent fields only; an upsert when the row is missing and no {@code If-Match} was sent. */
    public Result update(
            EntityDefinition entity,
            UUID key,
            Map<String, Object> payload,
            Preconditions preconditions,
            WriteContext context) {
        WriteContext.Allowed allowed = context.scopes().of(WriteContext.Operation.WRITE);
        Condition scope = allowed.rows();
        // A natural key's fields are accepted here for an upsert, and refused below when the row exists.
        Map<FieldDefinition, Object> values = binder.bind(
                entity, payload, field -> clientWritable(entity, field, false) || naturalKeyPart(entity, field));
        Optional<Long> expected = preconditions.expectedVersion();
        try (Connection connection = transaction()) {
            try {
                Optional<Long> version = changeVersion(connection, entity);
                Optional<Map<FieldDefinition, Object>> before =
                        lockedRow(connection, entity, key, scope, values.keySet());
                if (before.isEmpty()) {
                    connection.rollback();
                    if (preconditions.ifMatch().isPresent()) {
                        throw notFound(entity, key);
                    }
                    if (!entity.allowsUpsert() || exists(connection, entity, key)) {
                        throw notFound(entity, key);
                    }
                    WriteContext.Allowed creating = context.scopes().of(WriteContext.Operation.CREATE);
                    rejectDerivedKey(entity, payload);
                    Map<FieldDefinition, Object> created =
                            binder.bind(entity, payload, field -> clientWritable(entity, field, true));
                    requireSettable(entity, created.keySet(), creating, "create", context);
                    if (entity.derivedKey().isPresent()) {
                        decodedKeyValue(entity, key)
                                .ifPresent(entry -> created.putIfAbsent(entry.getKey(), entry.getValue()));
                    }
                    // addressed by an alternate key: its values are the new record's (the body may repeat them)
                    AddressedRecord.values(entity.logicalName(), key)
                            .ifPresent(addressed -> addressed.forEach((name, value) ->
                                    entity.field(name).ifPresent(field -> created.putIfAbsent(field, value))));
                    return insertIn(connection, entity, key, created, creating.rows(), context);
                }
                for (FieldDefinition field : values.keySet()) {
                    if (naturalKeyPart(entity, field)) {
                        throw GatewayException.of(
                                ErrorCode.VALIDATION,
                                "The property '%s' is read-only and cannot be set: it is part of the key of entity"
                                        + " '%s', which makes the record's id.",
                                field.logicalName(),
                                entity.logicalName());
                    }
                }
                requireSettable(entity, values.keySet(), allowed, "update", context);
                if (preconditions.ifNoneMatchAny()) {
                    throw GatewayException.of(
                            ErrorCode.RECORD_EXISTS, "A record with id %s already exists (If-None-Match: *).", key);
                }
                checkVersion(entity, before.get(), expected);
                Map<FieldDefinition, Object> changes = new LinkedHashMap<>(values);
                runHooks(
                        WriteHook::beforeUpdate,
                        new WriteEvent(entity, key, context, changes, before.get(), connection, binder, true));
                stampModification(entity, changes, context);
                version.ifPresent(taken -> putRowVersion(entity, changes, taken));
                if (!changes.isEmpty() || entity.rowVersionField().isPresent()) {
                    int updated = execute(connection, renderer.update(entity, ALIAS, changes, key, expected));
                    if (updated == 0) {
                        throw GatewayException.of(
                                ErrorCode.ETAG_MISMATCH,
                                "The record was changed by someone else; read it again and retry.");
                    }
                }
                if (!inScope(connection, entity, key, scope)) {
                    throw GatewayException.of(
                            ErrorCode.MISSING_PRIVILEGE,
                            "The change would move the record out of what %s may write in entity '%s'; nothing was changed.",
                            context.userName(),
                            entity.logicalName());
                }
                runHooks(
                        WriteHook::afterUpdate,
                        new WriteEvent(
                                entity,
                                key,
                                context,
                                Collections.unmodifiableMap(changes),
                                before.get(),
                                connection,
                                binder,
                                false));
                audit.record(
                        connection,
                        now(),
                        context,
                        "update",
                        entity.logicalName(),
                        key,
                        before.get(),
                        audited(entity, before.get(), changes),
                        version.orElse(null));
                connection.commit();
                return new Result(key, false);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw WriteErrors.classify(e, entity, catalog);
        }
    }

    /** {@code DELETE {set}({key})}. */
    public void delete(EntityDefinition entity, UUID key, Preconditions preconditions, WriteContext context) {
        Condition scope = context.scopes().of(WriteContext.Operation.DELETE).rows();
        Optional<Long> expected = preconditions.expectedVersion();
        try (Connection connection = transaction()) {
            try {
                Optional<Long> version = changeVersion(connection, entity);
                Optional<Map<FieldDefinition, Object>> before =
                        lockedRow(connection, entity, key, scope, Set.copyOf(entity.fields()));
                if (before.isEmpty()) {
                    throw notFound(entity, key);
                }
                checkVersion(entity, before.get(), expected);
                runHooks(
                        WriteHook::beforeDelete,
                        new WriteEvent(
                                entity, key, context, new LinkedHashMap<>(), before.get(), connection, binder, false));
                if (execute(connection, renderer.delete(entity, ALIAS, key, expected)) == 0) {
                    throw GatewayException.of(
                            ErrorCode.ETAG_MISMATCH,
                            "The record was changed by someone else; read it again and retry.");
                }
                runHooks(
                        WriteHook::afterDelete,
                        new WriteEvent(entity, key, context, Map.of(), before.get(), connection, binder, false));
                audit.record(
                        connection,
                        now(),
                        context,
                        "delete",
                        entity.logicalName(),
                        key,
                        before.get(),
                        Map.of(),
                        version.orElse(null));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw WriteErrors.classify(e, entity, catalog);
        }
    }

    private Result insert(
            EntityDefinition entity,
            UUID key,
            Map<FieldDefinition, Object> values,
            Condition scope,
            WriteContext context) {
        try (Connection connection = transaction()) {
            return insertIn(connection, entity, key, values, scope, context);
        } catch (SQLException e) {
            throw WriteErrors.classify(e, entity, catalog);
        }
    }

    /** A connection in a fresh transaction (whatever the pool's auto-commit setting). */
    private Connection transaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            // A connection that died in the pool: give it back, or the pool never sees it again.
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return connection;
    }

    private Result insertIn(
            Connection connection,
            EntityDefinition entity,
            UUID key,
            Map<FieldDefinition, Object> sent,
            Condition scope,
            WriteContext context)
            throws SQLException {
        try {
            boolean derived = entity.derivedKey().isPresent();
            Map<FieldDefinition, Object> values = new LinkedHashMap<>();
            if (!derived) {
                values.put(entity.key(), key);
            }
            sent.forEach((field, value) -> {
                if (!field.equals(entity.key())) {
                    values.put(field, value);
                }
            });
            for (FieldDefinition field : entity.fields()) {
                if (!values.containsKey(field) && field.defaultValue().isPresent()) {
                    values.put(field, field.defaultValue().get());
                }
            }
            stampCreation(entity, values, context);
            entity.ownerField().flatMap(entity::field).ifPresent(owner -> values.put(owner, context.userId()));
            entity.businessUnitField()
                    .flatMap(entity::field)
                    .ifPresent(unit -> values.put(unit, context.businessUnit().orElse(null)));
            Optional<Long> version = changeVersion(connection, entity);
            putRowVersion(entity, values, version.orElse(1L));
            runHooks(
                    WriteHook::beforeCreate,
                    new WriteEvent(entity, key, context, values, Map.of(), connection, binder, true));
            if (!derived) {
                values.put(entity.key(), key);
            }
            for (FieldDefinition field : entity.fields()) {
                if (field.required() && field.derived().isEmpty() && values.get(field) == null) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION, "The property '%s' is required.", field.logicalName());
                }
            }
            if (derived) {
                UUID made = insertReturningKey(connection, entity, values);
                if (!key.equals(DERIVED_LATER) && !key.equals(made)) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION,
                            "The key values in the body (%s) make the id %s, not the id %s in the URL.",
                            String.join(", ", entity.derivedKey().orElseThrow().fieldNames()),
                            made,
                            key);
                }
                key = made;
            } else {
                execute(connection, renderer.insert(entity, values));
            }
            if (!inScope(connection, entity, key, scope)) {
                throw GatewayException.of(
                        ErrorCode.MISSING_PRIVILEGE,
                        "%s may not create this record in entity '%s' (outside the companies or units the Create privilege covers); nothing was created.",
                        context.userName(),
                        entity.logicalName());
            }
            runHooks(
                    WriteHook::afterCreate,
                    new WriteEvent(
                            entity,
                            key,
                            context,
                            Collections.unmodifiableMap(values),
                            Map.of(),
                            connection,
                            binder,
                            false));
            audit.record(
                    connection,
                    now(),
                    context,
                    "create",
                    entity.logicalName(),
                    key,
                    Map.of(),
                    values,
                    version.orElse(null));
            connection.commit();
            return new Result(key, true);
        } catch (SQLException | RuntimeException e) {
            Transactions.rollback(connection, e);
            throw e;
        }
    }

    /** Runs an insert that answers the new row's derived GUID. */
    private UUID insertReturningKey(Connection connection, EntityDefinition entity, Map<FieldDefinition, Object> values)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, renderer.insertReturningKey(entity, ALIAS, values));
                ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                throw new IllegalStateException("the insert of " + entity.logicalName() + " answered no key");
            }
            return (UUID) ColumnReader.read(result, 1, entity.key().type());
        }
    }

    /** The RecId a GUID of a RecId-style key decodes to, as the value of the key field (for an upsert by GUID). */
    private static Optional<Map.Entry<FieldDefinition, Object>> decodedKeyValue(EntityDefinition entity, UUID key) {
        dev.vegateway.catalog.DerivedKey derived = entity.derivedKey().orElseThrow();
        if (derived.scheme() != dev.vegateway.catalog.DerivedKey.Scheme.RECORD_ID) {
            return Optional.empty();
        }
        FieldDefinition part = entity.field(derived.fieldNames().get(0)).orElseThrow();
        return derived.decode(key).map(value -> Map.entry(part, value));
    }

    /** 403 naming the first field the payload sets that field security forbids setting; checked before anything is written. */
    private static void requireSettable(
            EntityDefinition entity,
            Set<FieldDefinition> sent,
            WriteContext.Allowed allowed,
            String operation,
            WriteContext context) {
        for (FieldDefinition field : sent) {
            if (allowed.protectedFields().contains(field.logicalName())) {
                throw AccessDenied.field(context.userName(), operation, field.logicalName(), entity.logicalName());
            }
        }
    }

    /** The changes as the audit records them: with the row version the update statement bumped by one. */
    private static Map<FieldDefinition, Object> audited(
            EntityDefinition entity, Map<FieldDefinition, Object> before, Map<FieldDefinition, Object> changes) {
        Optional<FieldDefinition> version = entity.rowVersionField().flatMap(entity::field);
        if (version.isEmpty() || !(before.get(version.get()) instanceof Number old)) {
            return changes;
        }
        Map<FieldDefinition, Object> audited = new LinkedHashMap<>(changes);
        audited.put(
                version.get(), old instanceof Integer ? (Object) (old.intValue() + 1) : (Object) (old.longValue() + 1));
        return audited;
    }

    /** Whether {@code field} is part of the natural key the entity's GUID is derived from. */
    private static boolean naturalKeyPart(EntityDefinition entity, FieldDefinition field) {
        return entity.derivedKey()
                .filter(key -> key.fieldNames().contains(field.logicalName()))
                .isPresent();
    }

    /** Fields a client may send: not read-only, not the row version, owner or unit (stamped); the key only on create. */
    private static boolean clientWritable(EntityDefinition entity, FieldDefinition field, boolean creating) {
        String name = field.logicalName();
        if (field.derived().isPresent()) {
            return false;
        }
        if (name.equals(entity.keyField())) {
            return creating && entity.keyStrategy().clientMayChooseKey();
        }
        if (entity.derivedKey().filter(key -> key.fieldNames().contains(name)).isPresent()) {
            // the row's id is made from these: set once, on create (a database-filled RecId never)
            return creating && !field.readOnly();
        }
        if (entity.stampedFields().contains(name)) {
            return false;
        }
        if (field.readOnly()
                || entity.rowVersionField().filter(name::equals).isPresent()
                || entity.ownerField().filter(name::equals).isPresent()
                || entity.businessUnitField().filter(name::equals).isPresent()) {
            return false;
        }
        return true;
    }

    private void stampModification(
            EntityDefinition entity, Map<FieldDefinition, Object> changes, WriteContext context) {
        entity.modifiedByField().flatMap(entity::field).ifPresent(field -> changes.put(field, context.userId()));
        entity.modifiedOnField().flatMap(entity::field).ifPresent(field -> changes.put(field, now()));
    }

    private void stampCreation(EntityDefinition entity, Map<FieldDefinition, Object> values, WriteContext context) {
        entity.createdByField().flatMap(entity::field).ifPresent(field -> values.put(field, context.userId()));
        entity.createdOnField().flatMap(entity::field).ifPresent(field -> values.put(field, now()));
        stampModification(entity, values, context);
    }

    private Optional<Map<FieldDefinition, Object>> lockedRow(
            Connection connection, EntityDefinition entity, UUID key, Condition scope, Set<FieldDefinition> wanted)
            throws SQLException {
        List<FieldDefinition> columns = new java.util.ArrayList<>(wanted);
        entity.rowVersionField()
                .flatMap(entity::field)
                .filter(version -> !columns.contains(version))
                .ifPresent(columns::add);
        PreparedSql sql = renderer.selectForUpdate(entity, ALIAS, columns, key, scope);
        try (PreparedStatement statement = prepare(connection, sql);
                ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                return Optional.empty();
            }
            Map<FieldDefinition, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(
                        columns.get(i),
                        ColumnReader.read(result, i + 1, columns.get(i).type()));
            }
            return Optional.of(row);
        }
    }

    private boolean exists(Connection connection, EntityDefinition entity, UUID key) throws SQLException {
        return inScope(connection, entity, key, Condition.TRUE);
    }

    private boolean inScope(Connection connection, EntityDefinition entity, UUID key, Condition scope)
            throws SQLException {
        return Statements.anyRow(connection, renderer.inScope(entity, ALIAS, key, scope), timeoutSeconds);
    }

    private static void checkVersion(
            EntityDefinition entity, Map<FieldDefinition, Object> row, Optional<Long> expected) {
        if (expected.isEmpty()) {
            return;
        }
        Optional<FieldDefinition> version = entity.rowVersionField().flatMap(entity::field);
        if (version.isPresent() && !String.valueOf(expected.get()).equals(String.valueOf(row.get(version.get())))) {
            throw GatewayException.of(
                    ErrorCode.ETAG_MISMATCH,
                    "The ETag does not match the record's current version; read it again and retry.");
        }
    }

    /**
     * The version this write gives a change-tracked entity's row, taken first in the transaction (see {@link
     * ChangeTracking}); empty for any other entity.
     */
    private Optional<Long> changeVersion(Connection connection, EntityDefinition entity) throws SQLException {
        return entity.changeTracking() ? Optional.of(changeTracking.next(connection, entity)) : Optional.empty();
    }

    /** Sets the row-version field, if the entity has one, to {@code version} in the field's type. */
    private static void putRowVersion(EntityDefinition entity, Map<FieldDefinition, Object> values, long version) {
        entity.rowVersionField()
                .flatMap(entity::field)
                .ifPresent(field -> values.put(
                        field,
                        field.type().kind() == dev.vegateway.catalog.FieldType.Kind.INT32
                                ? (Object) Math.toIntExact(version)
                                : (Object) version));
    }

    private int execute(Connection connection, PreparedSql sql) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql)) {
            return statement.executeUpdate();
        }
    }

    private PreparedStatement prepare(Connection connection, PreparedSql sql) throws SQLException {
        return Statements.prepare(connection, sql, timeoutSeconds);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static GatewayException notFound(EntityDefinition entity, UUID key) {
        return GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", entity.logicalName(), key);
    }
}
