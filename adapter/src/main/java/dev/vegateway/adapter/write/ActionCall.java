package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.ActionDefinition;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One invocation of an action handed to an {@link ActionHandler}: the connection of the action's
 * transaction, the bound row's key (bound actions only, already checked visible to the caller),
 * the declared parameters converted to their Java types (absent optional ones are missing), and
 * the caller.
 */
public record ActionCall(
        Connection connection,
        ActionDefinition action,
        Optional<UUID> key,
        Map<String, Object> parameters,
        WriteContext user) {
    public ActionCall {
        requireNonNull(connection, "connection is null");
        requireNonNull(action, "action is null");
        requireNonNull(key, "key is null");
        parameters = java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        requireNonNull(user, "user is null");
    }
}
