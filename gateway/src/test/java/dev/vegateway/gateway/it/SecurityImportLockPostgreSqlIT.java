package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.jdbc.StartupLock;
import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.cli.Main;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code vegateway security import} takes the start-up lock that starting nodes hold on PostgreSQL
 * while they create the gateway's tables and import on start: while a node holds it, the import
 * waits for it (seen in {@code pg_stat_activity} as a session of {@code vegateway-startup} waiting
 * on a lock), and once it is released the import runs.
 */
class SecurityImportLockPostgreSqlIT {
    @Test
    void anImportWaitsForAStartingNode() throws Exception {
        TestBackend backend = TestBackend.shared(BackendKind.POSTGRESQL, "importlock");
        try (TestGateway gateway = TestGateway.start(backend, null)) {
            Path config = gateway.folder().resolve("vegateway.yaml");
            GatewayConfig loaded = ConfigLoader.load(config, Map.of());
            Path security = Files.createTempFile(gateway.folder(), "security", ".yaml");
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("demo/security.yaml")) {
                Files.writeString(security, new String(in.readAllBytes(), UTF_8), UTF_8);
            }

            CompletableFuture<Integer> imported;
            try (StartupLock startingNode = StartupLock.acquire(loaded.backend(), Duration.ofSeconds(10))) {
                imported = CompletableFuture.supplyAsync(
                        () -> Main.run("security", "import", security.toString(), "--config", config.toString()));
                waitUntilAnImportWaitsForTheLock(backend);
                assertThat(imported)
                        .as("the import waits while the lock is held")
                        .isNotDone();
            }
            assertThat(imported.get(60, TimeUnit.SECONDS))
                    .as("exit code once the lock is free")
                    .isZero();
        }
    }

    private static void waitUntilAnImportWaitsForTheLock(TestBackend backend) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = backend.connect();
                    Statement statement = connection.createStatement();
                    ResultSet waiting = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE"
                            + " application_name = 'vegateway-startup' AND wait_event_type = 'Lock'")) {
                waiting.next();
                if (waiting.getInt(1) == 1) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no import session ever waited for the start-up lock");
    }
}
