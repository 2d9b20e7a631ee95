package dev.vegateway.adapter.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.config.GatewayConfig;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the connection pool for the configured backend. */
public final class Backends {
    /** The invalidation listener's connection, as {@code pg_stat_activity.application_name} shows it. */
    public static final String LISTENER_APPLICATION_NAME = "vegateway-invalidation";

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {}

    public static HikariDataSource dataSource(GatewayConfig.Backend backend) {
        return dataSource(backend, "vegateway-backend");
    }

    /** The pool for {@code backend}, named {@code poolName} (threads, logs, metrics: {@code vegateway-replica-1}, …). */
    public static HikariDataSource dataSource(GatewayConfig.Backend backend, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(backend.url());
        config.setUsername(backend.username());
        config.setPassword(backend.password().reveal());
        config.setMaximumPoolSize(backend.poolSize());
        // No idle connections kept by force: while Hikari is below its minimum it retries connecting through an outage
        // with a backoff growing to 5 s, and a backend that is back would then wait for the end of that sleep. Without
        // a minimum it stops retrying once no request waits (BackendHealth refuses them), and the probe's first
        // getConnection after the outage connects at once. Connections in use stay pooled for idleTimeout (10 min).
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        // Short, so that a request waiting for a connection of a backend that has just gone away answers 503 quickly
        // (BackendHealth refuses at once once its probe has noticed).
        config.setConnectionTimeout(backend.acquireTimeout().toMillis());
        config.setValidationTimeout(backend.acquireTimeout().toMillis());
        config.setInitializationFailTimeout(-1);
        config.setDriverClassName(driverClassName(backend.kind()));
        if (backend.kind() == GatewayConfig.BackendKind.POSTGRESQL) {
            config.setConnectionInitSql("SET TIME ZONE 'UTC'");
            // Commit the init statement: without auto-commit it would leave a new connection inside a transaction, and
            // its first borrower could not set an isolation level (PostgreSQL: "Cannot change transaction isolation
            // level in the middle of a transaction"), as the security store's reads do.
            config.setIsolateInternalQueries(true);
        }
        return new HikariDataSource(config);
    }

    /**
     * The first connection of a starting node. The pool gives up after {@code backend.acquireTimeout}
     * (short, for requests); a start waits up to {@code patience} for the backend instead, so that a
     * slow first connect (a busy machine, a database still starting) does not fail it.
     */
    public static Connection awaitConnection(HikariDataSource dataSource, Duration patience) throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean logged = false;
        while (true) {
            try {
                return dataSource.getConnection();
            } catch (java.sql.SQLTransientConnectionException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                if (!logged) {
                    LOG.info(
                            "waiting up to {} s for a first connection to the backend: {}",
                            patience.toSeconds(),
                            e.getMessage());
                    logged = true;
                }
            }
        }
    }

    /**
     * Opens connections to the backend outside the pool, for {@link BackendHealth}: PostgreSQL
     * connection attempts give up after {@code timeout} and show as {@code vegateway-health-probe}
     * in {@code pg_stat_activity}.
     */
    public static BackendHealth.Connector probeConnector(GatewayConfig.Backend backend, Duration timeout) {
        Properties properties = new Properties();
        properties.setProperty("user", backend.username());
        properties.setProperty("password", backend.password().reveal());
        if (backend.kind() == GatewayConfig.BackendKind.POSTGRESQL) {
            String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
            properties.setProperty("connectTimeout", seconds);
            properties.setProperty("loginTimeout", seconds);
            properties.setProperty("socketTimeout", Long.toString(Math.max(1, timeout.toSeconds()) * 2));
            properties.setProperty("ApplicationName", "vegateway-health-probe");
        }
        Driver driver = driver(backend.kind());
        return () -> {
            Connection connection = driver.connect(backend.url(), properties);
            if (connection == null) {
                throw new SQLException(
                        "the driver " + driver.getClass().getName() + " does not accept the backend URL");
            }
            return connection;
        };
    }

    /**
     * Opens the invalidation listener's own connection to {@code backend}, outside the pool: it
     * shows as {@code vegateway-invalidation} in {@code pg_stat_activity}, with TCP keep-alive, and
     * gives up connecting after {@code timeout}; a statement on it (the listener's checks) gives up
     * after {@code statementTimeout}.
     */
    public static InvalidationListener.Connector listenerConnector(
            GatewayConfig.Backend backend, Duration timeout, Duration statementTimeout) {
        Properties properties = new Properties();
        properties.setProperty("user", backend.username());
        properties.setProperty("password", backend.password().reveal());
        if (backend.kind() == GatewayConfig.BackendKind.POSTGRESQL) {
            String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
            properties.setProperty("connectTimeout", seconds);
            properties.setProperty("loginTimeout", seconds);
            properties.setProperty("socketTimeout", Long.toString(Math.max(1, statementTimeout.toSeconds())));
            properties.setProperty("tcpKeepAlive", "true");
            properties.setProperty("ApplicationName", LISTENER_APPLICATION_NAME);
        }
        Driver driver = driver(backend.kind());
        return () -> {
            Connection connection = driver.connect(backend.url(), properties);
            if (connection == null) {
                throw new SQLException(
                        "the driver " + driver.getClass().getName() + " does not accept the backend URL");
            }
            return connection;
        };
    }

    private static String driverClassName(GatewayConfig.BackendKind kind) {
        return switch (kind) {
            case H2 -> "org.h2.Driver";
            case POSTGRESQL -> "org.postgresql.Driver";
        };
    }

    private static Driver driver(GatewayConfig.BackendKind kind) {
        try {
            return (Driver) Class.forName(driverClassName(kind))
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "the JDBC driver " + driverClassName(kind) + " is not on the class path", e);
        }
    }
}
