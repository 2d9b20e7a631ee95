package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The pool as every service and the security store see it: while {@link BackendHealth} says the
 * backend is down, a connection is refused at once (503 for the client) instead of after the
 * pool's acquire timeout; a connection-class failure to get one wakes the probe.
 */
final class FailFastDataSource extends PoolView {
    private final BackendHealth health;

    FailFastDataSource(DataSource pool, BackendHealth health) {
        super(pool);
        this.health = requireNonNull(health, "health is null");
    }

    @Override
    public Connection getConnection() throws SQLException {
        Optional<SQLTransientConnectionException> refusal = health.refusal();
        if (refusal.isPresent()) {
            throw refusal.get();
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            health.connectionFailed(e);
            throw e;
        }
    }
}
