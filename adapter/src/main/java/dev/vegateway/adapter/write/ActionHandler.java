package dev.vegateway.adapter.write;

import java.util.Optional;

/**
 * The Java implementation of a catalog action declared with {@code handler:}, found with
 * {@link java.util.ServiceLoader} and matched by {@link #name()} to the action's name. It runs
 * inside the action's transaction (commit and rollback belong to the gateway); throwing
 * {@link WriteRejected} refuses the action with a message shown to the client (400 0x80040265).
 */
public interface ActionHandler {
    /** The name of the catalog action this handler implements. */
    String name();

    /** Runs the action; the value (for an action that declares {@code returns}) or empty. */
    Optional<Object> run(ActionCall call) throws java.sql.SQLException;
}
