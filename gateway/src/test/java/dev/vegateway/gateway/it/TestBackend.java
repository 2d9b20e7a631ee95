package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend database for integration tests, seeded with the demo data set at TEST scale:
 * an in-memory H2 database, or a database in one embedded PostgreSQL server shared by every
 * test class of the JVM (started once, stopped at JVM exit).
 */
public record TestBackend(BackendKind kind, String url, String username, String password) {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Map<String, TestBackend> SEEDED = new ConcurrentHashMap<>();
    private static volatile EmbeddedPostgres postgres;

    /** A seeded backend shared by the tests that only read; {@code name} separates independent data sets. */
    public static TestBackend shared(BackendKind kind, String name) {
        return SEEDED.computeIfAbsent(kind + ":" + name, key -> fresh(kind));
    }

    /** A new, freshly seeded database. */
    public static TestBackend fresh(BackendKind kind) {
        TestBackend backend = empty(kind);
        try (Connection connection = backend.connect()) {
            DemoData.create(connection, DemoData.Scale.TEST);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed test database", e);
        }
        return backend;
    }

    /** A new database with nothing in it. */
    public static TestBackend empty(BackendKind kind) {
        String name =
                "vg" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
        return switch (kind) {
            case H2 -> new TestBackend(
                    kind, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE", "sa", "");
            case POSTGRESQL -> {
                EmbeddedPostgres server = postgres();
                try (Connection connection = server.getPostgresDatabase().getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot create test database", e);
                }
                yield new TestBackend(kind, server.getJdbcUrl("postgres", name), "postgres", "postgres");
            }
        };
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, username, password);
    }

    /** The first column of the first row {@code sql} (with bound {@code parameters}) answers, or null without rows; direct SQL. */
    public Object single(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect();
                java.sql.PreparedStatement statement = prepare(connection, sql, parameters);
                java.sql.ResultSet result = statement.executeQuery()) {
            return result.next() ? result.getObject(1) : null;
        }
    }

    /** The number a {@code SELECT COUNT(*) …} answers. */
    public long count(String sql, Object... parameters) throws SQLException {
        return ((Number) single(sql, parameters)).longValue();
    }

    /** Runs a data change with direct SQL (auto-commit); returns the rows changed. */
    public int execute(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect();
                java.sql.PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    private static java.sql.PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        java.sql.PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static EmbeddedPostgres postgres() {
        if (postgres == null) {
            synchronized (TestBackend.class) {
                if (postgres == null) {
                    try {
                        EmbeddedPostgres started = EmbeddedPostgres.builder()
                                .setServerConfig("timezone", "UTC")
                                .start();
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                            try {
                                started.close();
                            } catch (IOException e) {
                                // the JVM is exiting; nothing else to do
                            }
                        }));
                        postgres = started;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
                    }
                }
            }
        }
        return postgres;
    }
}
