package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * An action: bound to an entity ({@code POST {set}({key})/Microsoft.Dynamics.CRM.{name}}) or
 * unbound ({@code POST {name}}), run either as one SQL statement with named parameters or by a
 * Java handler. Parameter and return types are String, String(n), Int32, Int64, Decimal(p,s),
 * Boolean, Guid, Date and DateTimeOffset.
 *
 * <p>The SQL may use the declared parameters as {@code :name}, and {@code :key} (the bound row's
 * key, bound actions only), {@code :key_<field>} (a part of the bound row's natural key),
 * {@code :change_version} (the next change version of a change-tracked bound entity), {@code
 * :user_id} and {@code :user_businessunit} (the caller); see {@link #statement()}.
 */
public record ActionDefinition(
        String name,
        Optional<String> boundEntity,
        List<ActionParameter> parameters,
        Optional<FieldType> returns,
        Optional<String> sql,
        Optional<String> handlerClass) {
    /** The bound row's key, in the SQL of a bound action. */
    public static final String KEY_PARAMETER = "key";
    /** The caller's backend user id, in an action's SQL. */
    public static final String USER_ID_PARAMETER = "user_id";
    /** The caller's business unit, in an action's SQL. */
    public static final String USER_BUSINESS_UNIT_PARAMETER = "user_businessunit";
    /**
     * The bound entity's next change version, in the SQL of an action bound to a change-tracked
     * entity: the statement stores it in the row version so that delta links see the change.
     */
    public static final String CHANGE_VERSION_PARAMETER = "change_version";
    /** {@code :key_<field>}: one part of the bound row's natural key, in the SQL of an action bound to a natural-key entity. */
    public static final String KEY_PART_PREFIX = "key_";

    /**
     * @throws IllegalArgumentException if {@code sql} and {@code handlerClass} are both present or both absent,
     *     if the SQL cannot be parsed (see {@link NamedParameterSql#parse}), or if {@code returns} is no action type
     */
    public ActionDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(boundEntity, "boundEntity is null");
        parameters = List.copyOf(parameters);
        requireNonNull(returns, "returns is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(handlerClass, "handlerClass is null");
        if (sql.isPresent() == handlerClass.isPresent()) {
            throw new IllegalArgumentException(
                    "action " + name + " needs either sql or a handler class, not both or neither");
        }
        sql.ifPresent(NamedParameterSql::parse);
        returns.ifPresent(type -> {
            if (!isActionType(type)) {
                throw new IllegalArgumentException("action " + name + " cannot return " + type);
            }
        });
    }

    public boolean isBound() {
        return boundEntity.isPresent();
    }

    /** The parameter with this name (exact). */
    public Optional<ActionParameter> parameter(String parameterName) {
        return parameters.stream()
                .filter(parameter -> parameter.name().equals(parameterName))
                .findFirst();
    }

    /** The SQL with its named parameters replaced by {@code ?}, and their names in order; empty for a handler action. */
    public Optional<NamedParameterSql> statement() {
        return sql.map(NamedParameterSql::parse);
    }

    /** Whether values of {@code type} may be action parameters or results (not Double, not Enum). */
    public static boolean isActionType(FieldType type) {
        return switch (type.kind()) {
            case STRING, INT32, INT64, DECIMAL, BOOLEAN, GUID, DATE, DATE_TIME_OFFSET -> true;
            case DOUBLE, ENUM, MULTI_ENUM -> false;
        };
    }
}
