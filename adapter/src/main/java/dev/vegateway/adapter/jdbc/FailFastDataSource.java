package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as every service and the security store see it: while {@link BackendHealth} says the
 * backend is down, a connection is refused at once (503 for the client) instead of after the
 * pool's acquire timeout; a connection-class failure to get one wakes the probe.
 */
final class FailFastDataSource implements DataSource {
    private final DataSource pool;
    private final BackendHealth health;

    FailFastDataSource(DataSource pool, BackendHealth health) {
        this.pool = requireNonNull(pool, "pool is null");
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

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the gateway connects with the configured backend user only");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
