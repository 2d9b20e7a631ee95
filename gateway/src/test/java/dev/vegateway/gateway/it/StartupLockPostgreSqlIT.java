package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.jdbc.StartupLock;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.config.Secret;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up lock on PostgreSQL: while one node holds it, another waits (here: gives up after its
 * patience, with PostgreSQL's lock timeout); once released, the next node gets it at once; on H2 it
 * holds nothing.
 */
class StartupLockPostgreSqlIT {
    @Test
    void oneNodeAtATimeOnPostgreSql() throws Exception {
        GatewayConfig.Backend backend = backend(TestBackend.shared(BackendKind.POSTGRESQL, "startuplock"));
        try (StartupLock first = StartupLock.acquire(backend, Duration.ofSeconds(5))) {
            assertThat(first).isNotNull();
            assertThatThrownBy(() -> StartupLock.acquire(backend, Duration.ofMillis(300)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("lock timeout");
        }
        try (StartupLock again = StartupLock.acquire(backend, Duration.ofMillis(300))) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void nothingToHoldOnH2() throws Exception {
        GatewayConfig.Backend backend = backend(TestBackend.empty(BackendKind.H2));
        try (StartupLock first = StartupLock.acquire(backend, Duration.ofMillis(300));
                StartupLock second = StartupLock.acquire(backend, Duration.ofMillis(300))) {
            assertThat(second).isNotSameAs(first);
        }
    }

    private static GatewayConfig.Backend backend(TestBackend test) {
        return new GatewayConfig.Backend(
                test.kind(),
                test.url(),
                test.username(),
                Secret.of(test.password()),
                2,
                "vegateway",
                Duration.ofSeconds(30),
                GatewayConfig.Backend.DEFAULT_ACQUIRE_TIMEOUT,
                GatewayConfig.Backend.DEFAULT_PROBE_INTERVAL,
                List.of());
    }
}
