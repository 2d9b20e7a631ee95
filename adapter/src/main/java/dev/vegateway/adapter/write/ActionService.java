package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ColumnReader;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.adapter.jdbc.Statements;
import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.ActionDefinition;
import dev.vegateway.catalog.ActionParameter;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.NamedParameterSql;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * PerformAction: runs one catalog action in one transaction. In order: the caller's action
 * privilege (403), the bound row's visibility under the caller's Read scope (404), the
 * parameters against their declared types (400 naming the parameter), the SQL statement with its
 * named parameters bound or the Java {@link ActionHandler} (a {@link WriteRejected} becomes 400
 * 0x80040265), and the audit record ({@code action:<name>}, the parameters as new values).
 */
public final class ActionService {
    /** The audit key of an unbound action, which has no row. */
    public static final UUID NO_KEY = new UUID(0, 0);

    private final Catalog catalog;
    private final DataSource dataSource;
    private final WriteSqlRenderer renderer;
    private final QueryPlanner planner;
    private final PayloadBinder binder;
    private final AuditLog audit;
    private final ChangeTracking changeTracking;
    private final Clock clock;
    private final int timeoutSeconds;
    private final Map<String, ActionHandler> handlers;

    /** With the action handlers the {@link ServiceLoader} finds on the class path. */
    public ActionService(
            Catalog catalog,
            DataSource dataSource,
            WriteSqlRenderer renderer,
            QueryPlanner planner,
            AuditLog audit,
            ChangeTracking changeTracking,
            Clock clock,
            Duration timeout) {
        this(
                catalog,
                dataSource,
                renderer,
                planner,
                audit,
                changeTracking,
                clock,
                timeout,
                ServiceLoader.load(ActionHandler.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .toList());
    }

    public ActionService(
            Catalog catalog,
            DataSource dataSource,
            WriteSqlRenderer renderer,
            QueryPlanner planner,
            AuditLog audit,
            ChangeTracking changeTracking,
            Clock clock,
            Duration timeout,
            List<ActionHandler> handlers) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.renderer = requireNonNull(renderer, "renderer is null");
        this.planner = requireNonNull(planner, "planner is null");
        this.binder = new PayloadBinder(catalog);
        this.audit = requireNonNull(audit, "audit is null");
        this.changeTracking = requireNonNull(changeTracking, "changeTracking is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        Map<String, ActionHandler> byName = new LinkedHashMap<>();
        for (ActionHandler handler : handlers) {
            if (byName.putIfAbsent(handler.name(), handler) != null) {
                throw new IllegalStateException("two action handlers for action " + handler.name() + ": "
                        + byName.get(handler.name()).getClass().getName() + " and "
                        + handler.getClass().getName());
            }
        }
        this.handlers = byName;
        for (ActionDefinition action : catalog.actions()) {
            if (action.handlerClass().isPresent()) {
                ActionHandler handler = byName.get(action.name());
                if (handler == null
                        || !handler.getClass()
                                .getName()
                                .equals(action.handlerClass().get())) {
                    throw new IllegalStateException("catalog action " + action.name() + " names the handler "
                            + action.handlerClass().get()
                            + ", but no such ActionHandler for it was found with ServiceLoader (list it in META-INF/services/"
                            + ActionHandler.class.getName() + ")");
                }
            }
        }
    }

    /**
     * Runs {@code action} (bound: on the row {@code key} of its entity) with the JSON parameter
     * values {@code parameters} (String, Long, BigInteger, BigDecimal, Boolean or null) for the
     * caller; returns the action's value when it declares {@code returns} and produced one.
     */
    public Optional<Object> run(
            ActionDefinition action,
            Optional<UUID> key,
            Map<String, Object> parameters,
            EffectivePermissions permissions,
            String applicationId) {
        requireNonNull(action, "action is null");
        requireNonNull(parameters, "parameters is null");
        if (!permissions.isSystemAdministrator() && !permissions.actionAllowed(action.name())) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE,
                    "Principal user %s is missing the privilege to perform the action '%s'.",
                    permissions.user().name(),
                    action.name());
        }
        Optional<EntityDefinition> entity =
                action.boundEntity().map(name -> catalog.byLogicalName(name).orElseThrow());
        if (entity.isPresent() != key.isPresent()) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    action.isBound()
                            ? "The action '%s' is bound: call it on a record, POST <set>(<id>)/Microsoft.Dynamics.CRM.%1$s."
                            : "The action '%s' is unbound: call it on the service root, POST %1$s.",
                    action.name());
        }
        Optional<Condition> readScope =
                entity.map(bound -> planner.rowScope(bound, AccessScopes.read(permissions, bound), "Read"));
        Map<FieldDefinition, Object> values = bind(action, parameters);
        WriteContext context = context(permissions, applicationId, entity);
        String auditEntity = entity.map(EntityDefinition::logicalName).orElse(action.name());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (entity.isPresent() && !visible(connection, entity.get(), key.get(), readScope.get())) {
                    throw GatewayException.of(
                            ErrorCode.RECORD_NOT_FOUND,
                            "%s With Id = %s Does Not Exist",
                            entity.get().logicalName(),
                            key.get());
                }
                Optional<Object> result = action.statement().isPresent()
                        ? runSql(connection, action, action.statement().get(), entity, key, values, context)
                        : runHandler(connection, action, key, values, context);
                audit.record(
                        connection,
                        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                        context,
                        "action:" + action.name(),
                        auditEntity,
                        key.orElse(NO_KEY),
                        Map.of(),
                        values,
                        null);
                connection.commit();
                return action.returns().isPresent()
                        ? result.map(value -> returned(action.returns().get(), value))
                        : Optional.empty();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            if (entity.isPresent()) {
                throw WriteErrors.classify(e, entity.get(), catalog);
            }
            throw SqlErrors.classify(e, "the action " + action.name());
        }
    }

    /** The declared parameters, typed; unknown, missing required and mistyped ones are 400 0x80044331 naming the parameter. */
    private Map<FieldDefinition, Object> bind(ActionDefinition action, Map<String, Object> parameters) {
        for (String name : parameters.keySet()) {
            if (action.parameter(name).isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The parameter '%s' is not a parameter of the action '%s'.",
                        name.length() > 80 ? name.substring(0, 80) + "…" : name,
                        action.name());
            }
        }
        Map<FieldDefinition, Object> values = new LinkedHashMap<>();
        for (ActionParameter parameter : action.parameters()) {
            FieldDefinition field = new FieldDefinition(
                    parameter.name(), parameter.name(), parameter.type(), parameter.required(), false, Map.of());
            Object value = parameters.get(parameter.name());
            if (value == null) {
                if (parameter.required()) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION,
                            "The parameter '%s' of the action '%s' is required.",
                            parameter.name(),
                            action.name());
                }
                if (parameters.containsKey(parameter.name())) {
                    values.put(field, null);
                }
                continue;
            }
            try {
                values.put(field, binder.convert(field, value));
            } catch (GatewayException e) {
                throw e.errorCode() == ErrorCode.VALIDATION
                        ? e
                        : new GatewayException(ErrorCode.VALIDATION, e.getMessage());
            }
        }
        return values;
    }

    private Optional<Object> runSql(
            Connection connection,
            ActionDefinition action,
            NamedParameterSql sql,
            Optional<EntityDefinition> entity,
            Optional<UUID> key,
            Map<FieldDefinition, Object> values,
            WriteContext context)
            throws SQLException {
        List<String> names = sql.parameterNames();
        // taken before the statement runs, as a write takes it before it locks the row (see ChangeTracking)
        Optional<Long> changeVersion = names.contains(ActionDefinition.CHANGE_VERSION_PARAMETER)
                ? Optional.of(changeTracking.next(connection, entity.orElseThrow()))
                : Optional.empty();
        Map<String, Object> keyParts =
                names.stream().anyMatch(name -> name.startsWith(ActionDefinition.KEY_PART_PREFIX))
                        ? keyParts(connection, entity.orElseThrow(), key.orElseThrow())
                        : Map.of();
        try (PreparedStatement statement = Statements.prepare(connection, sql.jdbcSql(), timeoutSeconds)) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (name.equals(ActionDefinition.CHANGE_VERSION_PARAMETER)) {
                    statement.setLong(i + 1, changeVersion.orElseThrow());
                } else if (keyParts.containsKey(name)) {
                    statement.setObject(i + 1, keyParts.get(name));
                } else {
                    bindParameter(statement, i + 1, name, action, key, values, context);
                }
            }
            if (!statement.execute()) {
                return Optional.empty();
            }
            try (ResultSet result = statement.getResultSet()) {
                if (action.returns().isEmpty() || !result.next()) {
                    return Optional.empty();
                }
                return Optional.ofNullable(
                        ColumnReader.read(result, 1, action.returns().get()));
            }
        }
    }

    /**
     * The value {@code :key} binds: the record's GUID, or for an entity whose GUID encodes a RecId,
     * that RecId (so the statement can say {@code WHERE recid = :key}).
     */
    private Object keyValue(ActionDefinition action, UUID key) {
        return action.boundEntity()
                .flatMap(catalog::byLogicalName)
                .flatMap(EntityDefinition::derivedKey)
                .filter(derived -> derived.scheme() == dev.vegateway.catalog.DerivedKey.Scheme.RECORD_ID)
                .<Object>flatMap(derived -> derived.decode(key))
                .orElse(key);
    }

    private void bindParameter(
            PreparedStatement statement,
            int index,
            String name,
            ActionDefinition action,
            Optional<UUID> key,
            Map<FieldDefinition, Object> values,
            WriteContext context)
            throws SQLException {
        switch (name) {
            case ActionDefinition.KEY_PARAMETER -> statement.setObject(index, keyValue(action, key.orElseThrow()));
            case ActionDefinition.USER_ID_PARAMETER -> statement.setObject(index, context.userId());
            case ActionDefinition.USER_BUSINESS_UNIT_PARAMETER -> {
                if (context.businessUnit().isPresent()) {
                    statement.setObject(index, context.businessUnit().get());
                } else {
                    statement.setNull(index, Types.OTHER);
                }
            }
            default -> {
                ActionParameter parameter = action.parameter(name)
                        .orElseThrow(() -> new IllegalStateException(
                                "action " + action.name() + " uses :" + name + ", which it does not declare"));
                Object value = values.entrySet().stream()
                        .filter(entry -> entry.getKey().logicalName().equals(name))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null);
                if (value == null) {
                    statement.setNull(index, sqlType(parameter.type()));
                } else {
                    statement.setObject(index, value);
                }
            }
        }
    }

    private static int sqlType(FieldType type) {
        return switch (type.kind()) {
            case STRING, MULTI_ENUM -> Types.VARCHAR;
            case INT32, ENUM -> Types.INTEGER;
            case INT64 -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case DOUBLE -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case DATE -> Types.DATE;
            case DATE_TIME_OFFSET -> Types.TIMESTAMP_WITH_TIMEZONE;
            case GUID -> Types.OTHER;
        };
    }

    private Optional<Object> runHandler(
            Connection connection,
            ActionDefinition action,
            Optional<UUID> key,
            Map<FieldDefinition, Object> values,
            WriteContext context)
            throws SQLException {
        ActionHandler handler = handlers.get(action.name());
        if (handler == null) {
            throw new IllegalStateException("no ActionHandler named " + action.name() + " ("
                    + action.handlerClass().orElse("?") + ") is registered in META-INF/services/"
                    + ActionHandler.class.getName());
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        values.forEach((field, value) -> parameters.put(field.logicalName(), value));
        try {
            return handler.run(new ActionCall(
                    connection, action, key, parameters, context, () -> changeVersion(connection, action)));
        } catch (WriteRejected rejected) {
            throw new GatewayException(ErrorCode.BUSINESS_RULE, rejected.getMessage());
        }
    }

    /** The value as the declared return type (a Decimal with its scale). */
    private static Object returned(FieldType type, Object value) {
        if (type.kind() == FieldType.Kind.DECIMAL && value instanceof Number number) {
            BigDecimal decimal = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
            return type.scale().isPresent()
                    ? decimal.setScale(type.scale().getAsInt(), RoundingMode.HALF_EVEN)
                    : decimal;
        }
        if (type.kind() == FieldType.Kind.INT64 && value instanceof Number number) {
            return number.longValue();
        }
        if (type.kind() == FieldType.Kind.INT32 && value instanceof Number number) {
            return number.intValue();
        }
        return value;
    }

    /** The next change version of the action's bound entity (for a handler); 500 for an entity without change tracking. */
    private long changeVersion(Connection connection, ActionDefinition action) {
        EntityDefinition entity = action.boundEntity()
                .flatMap(catalog::byLogicalName)
                .filter(EntityDefinition::changeTracking)
                .orElseThrow(() -> new IllegalStateException("action " + action.name()
                        + " asked for a change version, but is not bound to a" + " change-tracked entity"));
        try {
            return changeTracking.next(connection, entity);
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the change counter");
        }
    }

    /**
     * The bound row's natural-key values as {@code key_<field>} (read, and locked, by its derived
     * GUID: a composite key's GUID is a hash and cannot be decoded).
     */
    private Map<String, Object> keyParts(Connection connection, EntityDefinition entity, UUID key) throws SQLException {
        List<FieldDefinition> fields = entity.derivedKey().orElseThrow().fieldNames().stream()
                .map(name -> entity.field(name).orElseThrow())
                .toList();
        Map<String, Object> parts = new LinkedHashMap<>();
        try (PreparedStatement statement = Statements.prepare(
                        connection,
                        renderer.selectForUpdate(entity, WriteService.ALIAS, fields, key, Condition.TRUE),
                        timeoutSeconds);
                ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                throw GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", entity.logicalName(), key);
            }
            for (int index = 0; index < fields.size(); index++) {
                parts.put(
                        ActionDefinition.KEY_PART_PREFIX + fields.get(index).logicalName(),
                        ColumnReader.read(result, index + 1, fields.get(index).type()));
            }
        }
        return parts;
    }

    private boolean visible(Connection connection, EntityDefinition entity, UUID key, Condition scope)
            throws SQLException {
        return Statements.anyRow(connection, renderer.inScope(entity, WriteService.ALIAS, key, scope), timeoutSeconds);
    }

    /** The caller as a write context; its scopes are those of the bound entity (handlers that write it may use them). */
    private WriteContext context(
            EffectivePermissions permissions, String applicationId, Optional<EntityDefinition> entity) {
        return new WriteContext(
                permissions.user().id(),
                permissions.user().name(),
                permissions.user().businessUnitId(),
                applicationId,
                operation -> WriteScopes.of(
                                planner,
                                permissions,
                                entity.orElseThrow(
                                        () -> new IllegalStateException("an unbound action has no entity scope")))
                        .of(operation));
    }
}
