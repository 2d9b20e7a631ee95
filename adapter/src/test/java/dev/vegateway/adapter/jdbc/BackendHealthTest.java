package dev.vegateway.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probe's view of the backend, checked one probe at a time (no thread, no sleeping) with a clock the test moves. */
class BackendHealthTest {
    private final MovableClock clock = new MovableClock();
    private final Backend backend = new Backend();
    private BackendHealth health;

    @BeforeEach
    void probeOnce() {
        health = new BackendHealth(backend, backend.pool, Duration.ofMillis(250), Duration.ofSeconds(1), clock);
        health.probe();
    }

    @AfterEach
    void close() {
        health.close();
    }

    @Test
    void isUpWhileTheBackendAnswers() throws SQLException {
        assertThat(health.isUp()).isTrue();
        assertThat(health.refusal()).isEmpty();
        try (Connection connection = health.failFast(backend.pool).getConnection()) {
            assertThat(connection.isValid(1)).isTrue();
        }
        health.probe();
        assertThat(backend.connects).as("the probe keeps its connection").hasValue(1);
    }

    @Test
    void refusesAtOnceWhileTheBackendIsDownWithoutAskingThePool() {
        clock.advance(Duration.ofSeconds(5));
        backend.goAway();

        health.probe();

        assertThat(health.isUp()).isFalse();
        assertThat(health.since()).isEqualTo(clock.instant());
        CountingDataSource pool = new CountingDataSource(backend.pool);
        assertThatThrownBy(() -> health.failFast(pool.dataSource).getConnection())
                .isInstanceOfSatisfying(SQLTransientConnectionException.class, refused -> {
                    assertThat(refused.getSQLState()).isEqualTo(BackendHealth.DOWN_STATE);
                    assertThat(SqlErrors.classify(refused, "the query").errorCode())
                            .isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
                });
        assertThat(pool.requests).as("no wait for the pool's acquire timeout").hasValue(0);
    }

    @Test
    void isUpAgainOnTheFirstCheckAfterTheBackendReturns() throws SQLException {
        backend.goAway();
        health.probe();
        health.probe();
        assertThat(health.isUp()).isFalse();

        backend.comeBack();
        clock.advance(Duration.ofMillis(250));
        health.probe();

        assertThat(health.isUp()).isTrue();
        assertThat(health.since()).isEqualTo(clock.instant());
        try (Connection connection = health.failFast(backend.pool).getConnection()) {
            assertThat(connection.isValid(1)).isTrue();
        }
    }

    @Test
    void staysDownUntilThePoolServesAgain() {
        CountingDataSource reconnecting = new CountingDataSource(null);
        BackendHealth waiting = new BackendHealth(
                backend, reconnecting.dataSource, Duration.ofMillis(250), Duration.ofSeconds(1), clock);
        waiting.probe();
        backend.goAway();
        waiting.probe();
        backend.comeBack();

        waiting.probe();

        assertThat(waiting.isUp())
                .as("the probe's connection answers, the pool does not yet")
                .isFalse();
        assertThat(reconnecting.requests).hasValue(1);
        waiting.close();
    }

    @Test
    void aSessionEndedByTheServerIsNoOutage() {
        backend.endProbeSession();

        health.probe();

        assertThat(health.isUp()).isTrue();
        assertThat(backend.connects).as("a new connection answered").hasValue(2);
    }

    @Test
    void onlyAConnectionFailureOfARequestAsksForACheck() {
        health.connectionFailed(new SQLException("duplicate key", "23505"));
        health.connectionFailed(new SQLException("division by zero", "22012"));
        assertThat(health.checkRequested()).isFalse();
        assertThat(health.isUp())
                .as("a request's failure never marks the backend down")
                .isTrue();

        health.connectionFailed(new SQLTransientConnectionException("Connection is not available, request timed out"));
        assertThat(health.checkRequested()).isTrue();
        assertThat(health.isUp()).as("only the probe decides").isTrue();
    }

    @Test
    void aFailureToGetAConnectionAsksForACheck() {
        CountingDataSource failing = new CountingDataSource(null);
        assertThatThrownBy(() -> health.failFast(failing.dataSource).getConnection())
                .isInstanceOf(SQLTransientConnectionException.class);
        assertThat(health.checkRequested()).isTrue();
    }

    /** A clock that moves when the test says so. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** An H2 database that can go away (new connections refused, open ones closed) and come back. */
    private static final class Backend implements BackendHealth.Connector {
        final JdbcDataSource pool = new JdbcDataSource();
        final AtomicInteger connects = new AtomicInteger();
        private boolean away;
        private Connection last;

        Backend() {
            pool.setURL("jdbc:h2:mem:health-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        }

        @Override
        public Connection connect() throws SQLException {
            if (away) {
                throw new SQLException("Connection to 127.0.0.1:5432 refused.", "08001");
            }
            connects.incrementAndGet();
            last = pool.getConnection();
            return last;
        }

        void goAway() {
            away = true;
            endProbeSession();
        }

        void comeBack() {
            away = false;
        }

        void endProbeSession() {
            if (last != null) {
                try {
                    last.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Counts the connections asked for; with no database, every request times out as Hikari's does. */
    private static final class CountingDataSource {
        final AtomicInteger requests = new AtomicInteger();
        final DataSource dataSource;

        CountingDataSource(DataSource database) {
            dataSource = (DataSource) Proxy.newProxyInstance(
                    DataSource.class.getClassLoader(),
                    new Class<?>[] {DataSource.class},
                    (proxy, method, arguments) -> {
                        if (!method.getName().equals("getConnection")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        requests.incrementAndGet();
                        if (database == null) {
                            throw new SQLTransientConnectionException(
                                    "vegateway-backend - Connection is not available, request timed out after 500ms.");
                        }
                        return database.getConnection();
                    });
        }
    }
}
