package dev.vegateway.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.invalidation.InvalidationListener;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SecurityInvalidationListenerTest} on embedded PostgreSQL: {@code LISTEN/NOTIFY}, the connection ended with {@code pg_terminate_backend}. */
class SecurityInvalidationListenerPostgreSqlTest extends SecurityInvalidationListenerTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("timezone", "UTC").start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DataSource newDatabase() throws SQLException {
        String name = "invalidation" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    @Override
    InvalidationListener.Mode mode() {
        return InvalidationListener.Mode.LISTEN;
    }

    @Override
    Connection connect(DataSource database) throws SQLException {
        return database.getConnection();
    }

    @Override
    void kill(Connection listenerConnection) throws SQLException {
        int pid;
        try (Statement statement = listenerConnection.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            pid = result.getInt(1);
        }
        try (Connection administrator = postgres.getPostgresDatabase().getConnection();
                PreparedStatement terminate = administrator.prepareStatement("SELECT pg_terminate_backend(?)")) {
            terminate.setInt(1, pid);
            try (ResultSet result = terminate.executeQuery()) {
                result.next();
                assertThat(result.getBoolean(1)).as("terminated").isTrue();
            }
        }
    }
}
