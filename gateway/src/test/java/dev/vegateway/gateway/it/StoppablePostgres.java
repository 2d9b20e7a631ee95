package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL of one test class's own, which the test may stop and start again on the
 * same port and data directory (an outage): one database seeded with the demo data set of the
 * tests. The shared backends of the other classes must never stop, hence this one.
 */
final class StoppablePostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private final TestBackend backend;
    private EmbeddedPostgres postgres;

    private StoppablePostgres(Path dataDirectory, EmbeddedPostgres postgres, String database) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.backend = new TestBackend(
                BackendKind.POSTGRESQL, postgres.getJdbcUrl("postgres", database), "postgres", "postgres");
    }

    /** A server on a free port with the database {@code database} seeded with the test data set. */
    static StoppablePostgres start(String database) throws IOException, SQLException {
        Path dataDirectory = Files.createTempDirectory("vegateway-" + database + "-pg");
        EmbeddedPostgres postgres = server(dataDirectory, 0);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        StoppablePostgres started = new StoppablePostgres(dataDirectory, postgres, database);
        try (Connection connection = started.backend.connect()) {
            DemoData.create(connection, DemoData.Scale.TEST);
        }
        return started;
    }

    private static EmbeddedPostgres server(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("timezone", "UTC")
                .setServerConfig("max_connections", "200")
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    TestBackend backend() {
        return backend;
    }

    /** Stops the server (a fast shutdown: sessions are ended, as in an outage). */
    void stop() throws IOException {
        postgres.close();
    }

    /** Starts it again, on the same port with the same data. */
    void restart() throws IOException {
        postgres = server(dataDirectory, port);
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            try (Stream<Path> paths = Files.walk(dataDirectory)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
