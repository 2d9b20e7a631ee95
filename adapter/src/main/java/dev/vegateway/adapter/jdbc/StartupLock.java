package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import dev.vegateway.config.GatewayConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Makes the start-up schema work of gateways that start at the same time on one PostgreSQL database
 * (the {@code CREATE … IF NOT EXISTS} of the gateway's own tables, an import on start) run one node
 * after the other. {@code IF NOT EXISTS} does not protect against a concurrent creation: two sessions
 * may both find a table missing, and the second then fails on a unique index of the system catalog
 * ({@code pg_type_typname_nsp_index}), so one of two nodes started together would refuse to start.
 * A session-level advisory lock taken on a connection of its own, outside the pool (so a pool of one
 * connection cannot deadlock), and released by {@link #close()}; should the node die holding it,
 * PostgreSQL releases it with the session. On H2 it does nothing (an in-memory database is one
 * process's own).
 */
public final class StartupLock implements AutoCloseable {
    /** The advisory lock's key: an arbitrary constant of this gateway (the bytes of "VEGATEWY"). */
    static final long KEY = 0x5645_4741_5445_5759L;

    static final String APPLICATION_NAME = "vegateway-startup";

    private final Optional<Connection> connection;

    private StartupLock(Optional<Connection> connection) {
        this.connection = connection;
    }

    /** Waits (up to {@code patience}) until no other node does its start-up schema work on {@code backend}, then holds the lock. */
    public static StartupLock acquire(GatewayConfig.Backend backend, Duration patience) throws SQLException {
        requireNonNull(backend, "backend is null");
        requireNonNull(patience, "patience is null");
        if (backend.kind() != GatewayConfig.BackendKind.POSTGRESQL) {
            return new StartupLock(Optional.empty());
        }
        Properties properties = new Properties();
        properties.setProperty("user", backend.username());
        properties.setProperty("password", backend.password().reveal());
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        Connection connection = DriverManager.getConnection(backend.url(), properties);
        try {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET lock_timeout = " + Math.max(1, patience.toMillis()));
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, KEY);
                lock.execute();
            }
            return new StartupLock(Optional.of(connection));
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Releases the lock (ending its session releases it too). */
    @Override
    public void close() throws SQLException {
        if (connection.isEmpty()) {
            return;
        }
        try (Connection held = connection.get();
                PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, KEY);
            unlock.execute();
        }
    }
}
