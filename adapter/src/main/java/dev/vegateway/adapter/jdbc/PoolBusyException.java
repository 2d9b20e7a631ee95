package dev.vegateway.adapter.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;

/**
 * No pool connection became free within the acquire timeout while the backend was reachable (the
 * pool's timeout carried no connection failure): the node is saturated, the backend is not down.
 * Deliberately not a connection-class exception, so that it neither wakes the health probe nor
 * reads as an outage; {@link SqlErrors} answers it with 503 {@code BACKEND_BUSY} and a short
 * {@code Retry-After}.
 */
public final class PoolBusyException extends SQLTransientException {
    private static final long serialVersionUID = 1L;

    private final Duration waited;

    PoolBusyException(Duration waited, SQLException cause) {
        super("no pool connection became free within " + waited.toMillis() + " ms", null, cause);
        this.waited = waited;
    }

    /** How long the request waited before giving up. */
    public Duration waited() {
        return waited;
    }
}
