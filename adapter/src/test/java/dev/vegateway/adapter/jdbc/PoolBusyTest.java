package dev.vegateway.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool of one whose connection is held: the next request waits {@code acquireTimeout}, then is
 * refused as busy (503 {@code BACKEND_BUSY} with {@code Retry-After}), its wait is recorded, and the
 * health probe is not woken; a backend that cannot be reached still reads as unavailable.
 */
class PoolBusyTest {
    private static final Duration ACQUIRE_TIMEOUT = GatewayConfig.Backend.MINIMUM_ACQUIRE_TIMEOUT;

    private HikariDataSource pool;
    private BackendHealth health;

    private DataSource failFast(String url) {
        GatewayConfig.Backend backend = new GatewayConfig.Backend(
                GatewayConfig.BackendKind.H2,
                url,
                "sa",
                Secret.of(""),
                1,
                "vegateway_security",
                Duration.ofSeconds(30),
                ACQUIRE_TIMEOUT,
                Duration.ofMillis(250));
        pool = Backends.dataSource(backend);
        // Not started: the probe runs only when the test says, so a wake-up request stays visible.
        health = new BackendHealth(
                Backends.probeConnector(backend, Duration.ofSeconds(1)),
                pool,
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                Clock.systemUTC());
        return health.failFast(pool);
    }

    /** The pool's one connection, taken from the pool itself: opening it may take longer than the acquire timeout on a busy machine. */
    private Connection firstConnection() throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                last = e;
            }
        }
        throw last;
    }

    @AfterEach
    void close() {
        if (health != null) {
            health.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aRequestWaitingLongerThanTheAcquireTimeoutIsRefusedAsBusy() throws SQLException {
        DataSource dataSource = failFast("jdbc:h2:mem:pool-busy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        long busyBefore = PoolWaits.busy();
        try (Connection held = firstConnection()) {
            assertThat(held.isValid(1)).isTrue();
            PoolWaits.takeNanos();

            PoolBusyException busy = catchThrowableOfType(PoolBusyException.class, dataSource::getConnection);

            // Hikari gives up only once the acquire timeout has passed: the wait is at least that long.
            assertThat(busy.waited()).isGreaterThanOrEqualTo(ACQUIRE_TIMEOUT);
            assertThat(PoolWaits.takeNanos()).isGreaterThanOrEqualTo(ACQUIRE_TIMEOUT.toNanos());
            assertThat(PoolWaits.takeNanos()).as("taken once").isZero();
            assertThat(PoolWaits.busy()).isGreaterThan(busyBefore);
            assertThat(SqlErrors.isConnectionFailure(busy)).isFalse();
            assertThat(health.checkRequested()).as("a busy pool is no outage").isFalse();

            GatewayException answer = SqlErrors.classify(busy, "the query");
            assertThat(answer.errorCode()).isEqualTo(ErrorCode.BACKEND_BUSY);
            assertThat(answer.errorCode().httpStatus()).isEqualTo(503);
            assertThat(answer.errorCode().code()).isEqualTo("0x8ff00012");
            assertThat(answer.retryAfter()).contains(Duration.ofSeconds(1));
            assertThat(answer.getMessage())
                    .startsWith("Every backend connection stayed busy for ")
                    .endsWith(" ms (backend.acquireTimeout); retry later.");
        }
        long acquisitionsBefore = PoolWaits.acquisitions();
        try (Connection again = dataSource.getConnection()) {
            assertThat(again.isValid(1)).as("the connection is free again").isTrue();
        }
        assertThat(PoolWaits.acquisitions()).isEqualTo(acquisitionsBefore + 1);
    }

    @Test
    void aBackendThatCannotBeReachedIsUnavailableNotBusy() {
        // IFEXISTS: the in-memory database does not exist, so every connection attempt fails.
        DataSource dataSource = failFast("jdbc:h2:mem:pool-missing-" + UUID.randomUUID() + ";IFEXISTS=TRUE");

        SQLTransientConnectionException failure =
                catchThrowableOfType(SQLTransientConnectionException.class, dataSource::getConnection);

        assertThat((Throwable) failure).isNotInstanceOf(PoolBusyException.class);
        assertThat(health.checkRequested())
                .as("a connection failure wakes the probe")
                .isTrue();
        assertThat(SqlErrors.classify(failure, "the query").errorCode()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
        assertThat(SqlErrors.classify(failure, "the query").retryAfter()).isEmpty();
    }

    @Test
    void aGatewayExceptionRefusesANonPositiveRetryAfter() {
        IllegalArgumentException refused = catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new GatewayException(ErrorCode.BACKEND_BUSY, "busy", null, Optional.of(Duration.ZERO)));
        assertThat(refused).hasMessage("retryAfter must be positive, was PT0S");
    }
}
