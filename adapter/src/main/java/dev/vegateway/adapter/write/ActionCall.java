package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.ActionDefinition;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * One invocation of an action handed to an {@link ActionHandler}: the connection of the action's
 * transaction, the bound row's key (bound actions only, already checked visible to the caller),
 * the declared parameters converted to their Java types (absent optional ones are missing), the
 * caller, and the bound entity's next change version: a handler that writes a row of a
 * change-tracked entity stores {@code changeVersion().getAsLong()} in its row version (taken
 * before it locks a row), so that delta links see the change.
 */
public record ActionCall(
        Connection connection,
        ActionDefinition action,
        Optional<UUID> key,
        Map<String, Object> parameters,
        WriteContext user,
        LongSupplier changeVersion) {
    public ActionCall {
        requireNonNull(connection, "connection is null");
        requireNonNull(action, "action is null");
        requireNonNull(key, "key is null");
        parameters = java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        requireNonNull(user, "user is null");
        requireNonNull(changeVersion, "changeVersion is null");
    }
}
