package dev.vegateway.gateway.demo;

import static java.util.Objects.requireNonNull;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database a demo runs on, seeded with the demo data: an H2 file in the data folder (the
 * default), an existing PostgreSQL database, or an embedded PostgreSQL whose data directory lives
 * in the data folder and which runs as long as the demo. The security schema goes to the same
 * database. Closing stops the embedded server, if any.
 *
 * <p>An existing PostgreSQL database is seeded only when it holds nothing of the demo's schema
 * {@value #SCHEMA}; otherwise the demo refuses, unless asked to reset, which drops the demo's
 * tables and schema {@value #SCHEMA} — with PostgreSQL's {@code RESTRICT}, in one transaction, so
 * an object that is not the demo's (in the schema, or elsewhere and depending on it) makes the
 * reset fail and nothing is dropped.
 */
public final class DemoDatabase implements AutoCloseable {
    /** The schema of the demo's tables (demo/schema.sql). */
    public static final String SCHEMA = "erp";

    public static final String POSTGRESQL_DATA_DIRECTORY = "postgresql";
    public static final String POSTGRESQL_LOG = "postgresql.log";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)CREATE TABLE " + SCHEMA + "\\.(\\w+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(60);

    /** Where the demo's data lives. */
    public enum Backend {
        H2("h2"),
        POSTGRESQL("postgresql"),
        EMBEDDED_POSTGRESQL("embedded-postgresql");

        private final String optionValue;

        Backend(String optionValue) {
            this.optionValue = optionValue;
        }

        /** The name on the command line. */
        public String optionValue() {
            return optionValue;
        }

        public static Optional<Backend> byOptionValue(String value) {
            for (Backend backend : values()) {
                if (backend.optionValue.equalsIgnoreCase(value.trim())) {
                    return Optional.of(backend);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * What the demo was asked for.
     *
     * @param jdbcUrl the database of {@link Backend#POSTGRESQL} (required there, absent otherwise)
     * @param reset drop and recreate the demo's schema first (PostgreSQL backends only)
     */
    public record Settings(Backend backend, Optional<String> jdbcUrl, String username, String password, boolean reset) {
        public Settings {
            requireNonNull(backend, "backend is null");
            requireNonNull(jdbcUrl, "jdbcUrl is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            switch (backend) {
                case H2 -> {
                    if (jdbcUrl.isPresent() || reset) {
                        throw new IllegalArgumentException("--jdbc-url and --reset apply to the PostgreSQL backends;"
                                + " to start the H2 demo afresh, remove its data folder");
                    }
                }
                case POSTGRESQL -> {
                    if (jdbcUrl.isEmpty()) {
                        throw new IllegalArgumentException(
                                "--backend postgresql needs --jdbc-url, such as jdbc:postgresql://127.0.0.1:5432/demo");
                    }
                    if (!jdbcUrl.get().startsWith("jdbc:postgresql:")) {
                        throw new IllegalArgumentException("--jdbc-url must be a PostgreSQL JDBC URL starting with"
                                + " jdbc:postgresql:, was " + redact(jdbcUrl.get()));
                    }
                }
                case EMBEDDED_POSTGRESQL -> {
                    if (jdbcUrl.isPresent()) {
                        throw new IllegalArgumentException(
                                "--jdbc-url applies to --backend postgresql; the embedded PostgreSQL has its own");
                    }
                }
            }
        }

        /** The default: the H2 demo. */
        public static Settings h2() {
            return new Settings(Backend.H2, Optional.empty(), "sa", "", false);
        }
    }

    private final BackendKind kind;
    private final String url;
    private final String username;
    private final String password;
    private final Optional<EmbeddedPostgres> server;

    private DemoDatabase(
            BackendKind kind, String url, String username, String password, Optional<EmbeddedPostgres> server) {
        this.kind = kind;
        this.url = url;
        this.username = username;
        this.password = password;
        this.server = server;
    }

    /**
     * Makes the database ready: starts it (embedded PostgreSQL), checks it and seeds it when it
     * holds no demo data yet, saying what it does on {@code out}.
     *
     * @throws IllegalStateException when an existing PostgreSQL database already holds the demo's
     *     schema and no reset was asked for, or the reset is refused
     */
    public static DemoDatabase prepare(Settings settings, Path folder, PrintStream out) throws IOException {
        requireNonNull(settings, "settings is null");
        requireNonNull(folder, "folder is null");
        requireNonNull(out, "out is null");
        return switch (settings.backend()) {
            case H2 -> h2(folder, out);
            case POSTGRESQL -> external(settings, out);
            case EMBEDDED_POSTGRESQL -> embedded(settings, folder, out);
        };
    }

    private static DemoDatabase h2(Path folder, PrintStream out) {
        String url = "jdbc:h2:file:" + folder.resolve("demo") + ";DATABASE_TO_LOWER=TRUE";
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            if (!DemoData.exists(connection)) {
                out.println("Seeding the demo database in " + folder + " (first start only)...");
                seed(connection, out);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not open the demo database: " + e.getMessage(), e);
        }
        return new DemoDatabase(BackendKind.H2, url, "sa", "", Optional.empty());
    }

    /** An existing database: seeded only when it holds nothing of the demo's schema, or after a reset. */
    private static DemoDatabase external(Settings settings, PrintStream out) {
        String url = settings.jdbcUrl().orElseThrow();
        try (Connection connection = DriverManager.getConnection(url, settings.username(), settings.password())) {
            Map<String, Long> tables = tablesOfTheSchema(connection);
            if (!tables.isEmpty()) {
                if (!settings.reset()) {
                    throw new IllegalStateException("The database " + redact(url) + " already holds the demo's schema "
                            + SCHEMA + " (" + describe(tables) + "). Use an empty database, or pass --reset to drop"
                            + " and recreate schema " + SCHEMA + " (nothing else is touched).");
                }
                reset(connection, url, tables, out);
            }
            out.println("Seeding the demo schema " + SCHEMA + " in " + redact(url) + "...");
            seed(connection, out);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not prepare the PostgreSQL database " + redact(url) + ": " + e.getMessage(), e);
        }
        return new DemoDatabase(
                BackendKind.POSTGRESQL, url, settings.username(), settings.password(), Optional.empty());
    }

    /** A server of the demo's own, started for the session; its data stays in the data folder between sessions. */
    private static DemoDatabase embedded(Settings settings, Path folder, PrintStream out) throws IOException {
        Path dataDirectory = folder.resolve(POSTGRESQL_DATA_DIRECTORY);
        boolean first = !Files.exists(dataDirectory.resolve("postgresql.conf"));
        out.println("Starting an embedded PostgreSQL in " + dataDirectory
                + (first ? " (first start: creating the cluster)" : "") + "...");
        ProcessBuilder.Redirect log =
                ProcessBuilder.Redirect.appendTo(folder.resolve(POSTGRESQL_LOG).toFile());
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("timezone", "UTC")
                    .setPGStartupWait(EMBEDDED_STARTUP_WAIT)
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .start();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "Could not start the embedded PostgreSQL (its binaries in this jar are for Linux x86-64; elsewhere"
                            + " use --backend postgresql with a server of your own): " + e.getMessage(),
                    e);
        }
        String url = server.getJdbcUrl("postgres", "postgres");
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres")) {
            out.println("Embedded PostgreSQL listening on 127.0.0.1:" + server.getPort() + " (log: "
                    + folder.resolve(POSTGRESQL_LOG) + ")");
            Map<String, Long> tables = tablesOfTheSchema(connection);
            if (settings.reset() && !tables.isEmpty()) {
                reset(connection, url, tables, out);
            }
            if (!DemoData.exists(connection)) {
                out.println("Seeding the demo schema " + SCHEMA + " in the embedded PostgreSQL...");
                seed(connection, out);
            }
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("Could not prepare the embedded PostgreSQL: " + e.getMessage(), e);
        }
        return new DemoDatabase(BackendKind.POSTGRESQL, url, "postgres", "postgres", Optional.of(server));
    }

    private static void seed(Connection connection, PrintStream out) {
        DemoData.Counts counts = DemoData.create(connection, DemoData.Scale.DEMO);
        out.println("Seeded " + counts.total() + " rows.");
    }

    /** The demo's tables, in creation order (demo/schema.sql). */
    static List<String> demoTables() {
        List<String> tables = new ArrayList<>();
        for (String statement : DemoData.schemaStatements()) {
            // A statement may begin with comment lines (the table's description in schema.sql).
            String code = statement
                    .lines()
                    .dropWhile(line -> line.isBlank() || line.strip().startsWith("--"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            Matcher matcher = CREATE_TABLE.matcher(code);
            if (matcher.lookingAt()) {
                tables.add(matcher.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(tables);
    }

    /** Every table and view of schema {@value #SCHEMA}, with its row count, in name order; empty when there are none. */
    static Map<String, Long> tablesOfTheSchema(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name")) {
            statement.setString(1, SCHEMA);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    names.add(result.getString(1));
                }
            }
        }
        Map<String, Long> tables = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement()) {
            for (String name : names) {
                try (ResultSet result =
                        statement.executeQuery("SELECT COUNT(*) FROM " + quote(SCHEMA) + "." + quote(name))) {
                    result.next();
                    tables.put(name, result.getLong(1));
                }
            }
        }
        return tables;
    }

    /**
     * Drops the demo's tables and then schema {@value #SCHEMA}, without CASCADE, in one
     * transaction: anything else in the schema, or depending on it, makes it fail and roll back.
     */
    private static void reset(Connection connection, String url, Map<String, Long> tables, PrintStream out)
            throws SQLException {
        out.println("Dropping the demo's schema " + SCHEMA + " (" + describe(tables) + ") in " + redact(url)
                + " (--reset)...");
        List<String> demoTables = new ArrayList<>(demoTables());
        java.util.Collections.reverse(demoTables);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String table : demoTables) {
                statement.execute("DROP TABLE IF EXISTS " + quote(SCHEMA) + "." + quote(table) + " RESTRICT");
            }
            statement.execute("DROP SCHEMA " + quote(SCHEMA) + " RESTRICT");
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw new IllegalStateException(
                    "--reset drops only the demo's tables and schema " + SCHEMA + ", and PostgreSQL refused: "
                            + e.getMessage().lines().findFirst().orElse("")
                            + ". Schema " + SCHEMA + " holds objects that are not the demo's, or objects elsewhere"
                            + " depend on it; nothing was dropped.",
                    e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String describe(Map<String, Long> tables) {
        List<String> parts = new ArrayList<>();
        tables.forEach((name, rows) -> parts.add(name + ": " + rows + (rows == 1 ? " row" : " rows")));
        return String.join(", ", parts);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The URL without a password parameter. */
    public static String redact(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1******");
    }

    public BackendKind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** The embedded server's port, if the demo runs one. */
    public Optional<Integer> embeddedPort() {
        return server.map(EmbeddedPostgres::getPort);
    }

    /** Stops the embedded PostgreSQL, if any (a fast shutdown: open sessions end, data is kept). */
    @Override
    public void close() throws IOException {
        if (server.isPresent()) {
            server.get().close();
        }
    }
}
