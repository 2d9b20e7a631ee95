package dev.vegateway.adapter.jdbc;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies a {@link SQLException} by SQLSTATE class into the error the client sees. The
 * backend's own message is logged, never returned: it can contain SQL text and data.
 */
public final class SqlErrors {
    private static final Logger LOG = LoggerFactory.getLogger(SqlErrors.class);

    private SqlErrors() {}

    /**
     * Whether {@code exception} says the connection to the backend failed or was lost (SQLSTATE
     * class 08, PostgreSQL's 57P01–57P05 for a server shutting down or ending the session, or the
     * pool's connection timeout), as opposed to a failing statement on a working connection.
     */
    public static boolean isConnectionFailure(SQLException exception) {
        String state = exception.getSQLState() == null ? "" : exception.getSQLState();
        return exception instanceof SQLTransientConnectionException
                || exception instanceof SQLNonTransientConnectionException
                || state.startsWith("08")
                || state.startsWith("57P");
    }

    /** How soon a client refused for a busy pool may try again. */
    public static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    public static GatewayException classify(SQLException exception, String operation) {
        if (exception instanceof PoolBusyException busy) {
            LOG.warn("backend busy during {}: {}", operation, busy.getMessage());
            return new GatewayException(
                    ErrorCode.BACKEND_BUSY,
                    "Every backend connection stayed busy for " + busy.waited().toMillis()
                            + " ms (backend.acquireTimeout); retry later.",
                    exception,
                    Optional.of(BUSY_RETRY_AFTER));
        }
        String state = exception.getSQLState() == null ? "" : exception.getSQLState();
        if (exception instanceof SQLTimeoutException || state.equals("57014")) {
            LOG.warn("backend timeout during {}: {}", operation, exception.getMessage());
            return new GatewayException(
                    ErrorCode.BACKEND_TIMEOUT, "The backend did not answer " + operation + " in time.", exception);
        }
        if (isConnectionFailure(exception)
                || state.startsWith("53")
                || state.equals("40001")
                || state.equals("40P01")
                || state.equals("HYT00")) {
            LOG.warn("backend unavailable during {}: {} (SQLSTATE {})", operation, exception.getMessage(), state);
            return new GatewayException(
                    ErrorCode.BACKEND_UNAVAILABLE, "The backend is unavailable; retry later.", exception);
        }
        LOG.error("backend error during {} (SQLSTATE {})", operation, state, exception);
        return new GatewayException(
                ErrorCode.INTERNAL, "The backend failed while running " + operation + ".", exception);
    }
}
