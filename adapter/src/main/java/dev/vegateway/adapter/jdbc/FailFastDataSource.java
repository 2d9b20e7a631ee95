package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The pool as every service and the security store see it: while {@link BackendHealth} says the
 * backend is down, a connection is refused at once (503 for the client) instead of after the
 * pool's acquire timeout; a connection-class failure to get one wakes the probe. The wait for a
 * connection is recorded ({@link PoolWaits}); a wait that ends in the pool's timeout with no
 * connection failure behind it (every connection busy) becomes a {@link PoolBusyException}.
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
        long started = System.nanoTime();
        try {
            Connection connection = pool.getConnection();
            PoolWaits.record(System.nanoTime() - started, false);
            return connection;
        } catch (SQLException e) {
            long waited = System.nanoTime() - started;
            if (isPoolTimeoutWhileBusy(e)) {
                PoolWaits.record(waited, true);
                throw new PoolBusyException(Duration.ofNanos(waited), e);
            }
            PoolWaits.record(waited, false);
            health.connectionFailed(e);
            throw e;
        }
    }

    /**
     * HikariCP's acquire timeout is a {@link SQLTransientConnectionException}; it carries the last
     * failure to open a connection as its cause (and that failure's SQLSTATE) when there was one
     * since the last success. Without one, and with connections in the pool, every connection was
     * in use for the whole timeout. (Without connections in the pool and without a failure, the
     * backend is too slow to accept one: that is no busy pool.) Other pools are never "busy".
     */
    private boolean isPoolTimeoutWhileBusy(SQLException e) {
        if (!(e instanceof SQLTransientConnectionException)
                || e.getCause() != null
                || e.getSQLState() != null
                || !(pool instanceof HikariDataSource hikari)) {
            return false;
        }
        HikariPoolMXBean state = hikari.getHikariPoolMXBean();
        return state != null && state.getTotalConnections() > 0;
    }
}
