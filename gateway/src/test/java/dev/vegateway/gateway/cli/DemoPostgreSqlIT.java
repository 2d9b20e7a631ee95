package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoData;
import dev.vegateway.gateway.demo.DemoDatabase;
import dev.vegateway.gateway.it.TestBackend;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vegateway demo} on PostgreSQL: an embedded server for the session (started, answering an
 * authenticated request, stopped, also by SIGTERM), and an existing database, refused while it
 * holds the demo's schema unless {@code --reset}, which drops that schema only.
 */
class DemoPostgreSqlIT {
    /** What the demo's /$count line answers: the sales orders, up to 5,000 (a count stops there, as Dataverse's). */
    private static final long DEMO_SALES_ORDERS =
            Math.min(DemoData.Scale.DEMO.counts().salesOrders(), 5000);

    @TempDir
    Path dataDir;

    @Test
    void embeddedPostgresqlStartsSeedsAnswersAndStopsWithTheDemo() throws Exception {
        assumeTrue(onPath("curl") && onPath("bash"), "curl and bash are needed to run the printed commands");
        DemoDatabase.Settings settings = new DemoDatabase.Settings(
                DemoDatabase.Backend.EMBEDDED_POSTGRESQL, Optional.empty(), "postgres", "", false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int port;
        try (PrintStream out = new PrintStream(output, true, UTF_8);
                DemoCommand.Session session = DemoCommand.start(settings, dataDir, 0, 0, out)) {
            String printed = output.toString(UTF_8);
            assertThat(printed)
                    .contains("Starting an embedded PostgreSQL in "
                            + dataDir.toAbsolutePath().normalize().resolve("postgresql"))
                    .contains("Seeded " + DemoData.Scale.DEMO.counts().total() + " rows.")
                    .contains("VE Gateway demo is running at https://127.0.0.1:"
                            + session.gateway().port());
            assertThat(session.gateway().config().backend().kind()).isEqualTo(BackendKind.POSTGRESQL);
            port = session.database().embeddedPort().orElseThrow();
            assertThat(runCountCommand(printed)).isEqualTo(Long.toString(DEMO_SALES_ORDERS));
        }
        assertThat(dataDir.resolve("postgresql").resolve("PG_VERSION")).exists();
        assertThat(dataDir.resolve("postgresql").resolve("postmaster.pid"))
                .as("the server stopped with the demo")
                .doesNotExist();
        assertThatThrownBy(() -> DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres")
                        .close())
                .isInstanceOf(SQLException.class);
    }

    @Test
    void anExistingDatabaseIsRefusedWhileItHoldsTheDemoSchemaAndResetDropsThatSchemaOnly() throws Exception {
        assumeTrue(onPath("curl") && onPath("bash"), "curl and bash are needed to run the printed commands");
        // A PostgreSQL database holding the demo schema at TEST scale, and a table of someone else's.
        TestBackend backend = TestBackend.fresh(BackendKind.POSTGRESQL);
        long testCustomers = DemoData.Scale.TEST.counts().customers();
        backend.execute("CREATE TABLE public.keep_me (id INTEGER)");
        backend.execute("INSERT INTO public.keep_me VALUES (1)");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, UTF_8);
        assertThatThrownBy(() -> DemoCommand.start(settings(backend, false), dataDir, 0, 0, out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds the demo's schema erp (customer: " + testCustomers + " rows")
                .hasMessageContaining("pass --reset to drop and recreate schema erp (nothing else is touched)");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer")).isEqualTo(testCustomers);

        // Something that is not the demo's, inside the schema or depending on it: the reset drops nothing.
        for (String foreign : List.of(
                "CREATE VIEW erp.report AS SELECT 1 AS one",
                "CREATE VIEW public.names AS SELECT name FROM erp.customer")) {
            backend.execute(foreign);
            assertThatThrownBy(() -> DemoCommand.start(settings(backend, true), dataDir, 0, 0, out))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--reset drops only the demo's tables and schema erp")
                    .hasMessageContaining("nothing was dropped");
            assertThat(backend.count("SELECT COUNT(*) FROM erp.customer")).isEqualTo(testCustomers);
            backend.execute(foreign.startsWith("CREATE VIEW erp.") ? "DROP VIEW erp.report" : "DROP VIEW public.names");
        }

        try (DemoCommand.Session session = DemoCommand.start(settings(backend, true), dataDir, 0, 0, out)) {
            String printed = output.toString(UTF_8);
            assertThat(printed)
                    .contains("Dropping the demo's schema erp (")
                    .contains("Seeding the demo schema erp in " + backend.url())
                    .contains("Seeded " + DemoData.Scale.DEMO.counts().total() + " rows.");
            assertThat(runCountCommand(printed)).isEqualTo(Long.toString(DEMO_SALES_ORDERS));
        }
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer"))
                .isEqualTo(DemoData.Scale.DEMO.counts().customers());
        assertThat(backend.count("SELECT COUNT(*) FROM public.keep_me")).isEqualTo(1);
        // The password never lands in the data folder.
        assertThat(Files.readString(dataDir.resolve("vegateway.yaml"), UTF_8))
                .contains("kind: postgresql")
                .doesNotContain("password");

        // A database without the demo schema is seeded without --reset.
        backend.execute("DROP SCHEMA erp CASCADE");
        output.reset();
        try (DemoCommand.Session session = DemoCommand.start(settings(backend, false), dataDir, 0, 0, out)) {
            assertThat(output.toString(UTF_8)).doesNotContain("Dropping").contains("Seeding the demo schema erp");
            assertThat(runCountCommand(output.toString(UTF_8))).isEqualTo(Long.toString(DEMO_SALES_ORDERS));
        }
    }

    @Test
    void badBackendOptionsAreUsageErrors() {
        assertUsageError(
                "'oracle' is not a demo backend: use h2, postgresql or embedded-postgresql", "--backend", "oracle");
        assertUsageError("--backend postgresql needs --jdbc-url", "--backend", "postgresql");
        assertUsageError(
                "--jdbc-url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:, was jdbc:h2:mem:x",
                "--backend",
                "postgresql",
                "--jdbc-url",
                "jdbc:h2:mem:x");
        assertUsageError("--jdbc-url and --reset apply to the PostgreSQL backends", "--reset");
        assertUsageError(
                "--jdbc-url applies to --backend postgresql",
                "--backend",
                "embedded-postgresql",
                "--jdbc-url",
                "jdbc:postgresql://h/d");
    }

    private static synchronized void assertUsageError(String message, String... options) {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, UTF_8));
            String[] args = new String[options.length + 1];
            args[0] = "demo";
            System.arraycopy(options, 0, args, 1, options.length);
            code = Main.run(args);
        } finally {
            System.setErr(originalErr);
        }
        assertThat(code).as(err.toString(UTF_8)).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains(message).contains("Usage: vegateway demo");
    }

    @Test
    void sigtermStopsTheGatewayAndTheEmbeddedPostgresqlOfThePackagedJar() throws Exception {
        Path jar = Path.of("target", "vegateway.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path folder = dataDir.resolve("signal");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "demo",
                        "--backend=embedded-postgresql",
                        "--data-dir=" + folder,
                        "--port=0",
                        "--admin-port=0")
                .redirectErrorStream(true)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (lines.stream().noneMatch(line -> line.startsWith("# Stop with Ctrl+C"))) {
                assertThat(process.isAlive()).as(String.join("\n", lines)).isTrue();
                assertThat(System.nanoTime()).as("the demo starts").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(folder.resolve("postgresql").resolve("postmaster.pid")).exists();
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
            assertThat(lines).anyMatch(line -> line.contains("SIGTERM received: stopping gracefully"));
            assertThat(folder.resolve("postgresql").resolve("postmaster.pid"))
                    .as("the embedded PostgreSQL stopped:%n%s", String.join("\n", lines))
                    .doesNotExist();
        } finally {
            process.destroyForcibly();
        }
    }

    private static DemoDatabase.Settings settings(TestBackend backend, boolean reset) {
        return new DemoDatabase.Settings(
                DemoDatabase.Backend.POSTGRESQL,
                Optional.of(backend.url()),
                backend.username(),
                backend.password(),
                reset);
    }

    /** Runs the printed {@code $count} curl command with bash; returns its body. */
    private static String runCountCommand(String printed) throws Exception {
        String command = printed.lines()
                .filter(line -> line.startsWith("curl ") && line.contains("/$count'"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no $count command in:\n" + printed));
        Process process = new ProcessBuilder("bash", "-c", command + " --max-time 60 --fail").start();
        String body = new String(process.getInputStream().readAllBytes(), UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("curl: %s", errors).isZero();
        return body.trim();
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
    }
}
