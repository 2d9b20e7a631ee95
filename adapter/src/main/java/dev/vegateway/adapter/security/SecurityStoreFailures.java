package dev.vegateway.adapter.security;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.PoolBusyException;
import dev.vegateway.adapter.jdbc.SqlErrors;
import java.sql.SQLException;

/**
 * Turns a failure of the security database into a {@link GatewayException} by SQLSTATE class
 * (STYLE 5): a lost or unreachable backend ({@link SqlErrors#isConnectionFailure}) → backend
 * unavailable, 57014 → backend timeout, anything else → internal. The message says what the store
 * was doing, never the SQL or the database's text; the cause is kept for the log.
 */
final class SecurityStoreFailures {
    private SecurityStoreFailures() {}

    static GatewayException failure(String doing, SQLException e) {
        if (e instanceof PoolBusyException) {
            return SqlErrors.classify(e, "the security store's attempt to " + doing);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (SqlErrors.isConnectionFailure(e)) {
            return new GatewayException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    "the security store is unavailable (while trying to " + doing + ")",
                    e);
        }
        if (state.equals("57014")) {
            return new GatewayException(
                    ErrorCode.BACKEND_TIMEOUT,
                    "the security store did not answer in time (while trying to " + doing + ")",
                    e);
        }
        return new GatewayException(ErrorCode.INTERNAL, "the security store failed to " + doing, e);
    }
}
