package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditPurgeTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90);

    private final AuditRows rows = new AuditRows();
    private final AuditRows.TestClock clock = new AuditRows.TestClock(START);
    private final List<Duration> pauses = new ArrayList<>();

    AuditPurgeTest() throws SQLException {}

    private AuditPurge purge(javax.sql.DataSource dataSource, int batchSize) {
        return new AuditPurge(
                dataSource,
                rows.audit,
                new AuditPurge.Settings(RETENTION, batchSize, Duration.ofMillis(20), Duration.ofSeconds(30)),
                clock,
                pauses::add);
    }

    @Test
    void removesOnlyRowsOlderThanTheRetentionInBatchesWithAPauseBetweenThem() throws SQLException {
        rows.insert(START, 2_500);
        rows.insert(START.plus(Duration.ofDays(10)), 7);
        AuditPurge purge = purge(rows.database, 1_000);

        clock.set(START.plus(RETENTION).minusSeconds(1));
        assertThat(purge.purge()).isEqualTo(new AuditPurge.Result(0, 1, START.minusSeconds(1)));
        assertThat(rows.count()).isEqualTo(2_507);

        clock.set(START.plus(RETENTION).plus(Duration.ofDays(1)));
        AuditPurge.Result result = purge.purge();
        assertThat(result.rowsRemoved()).isEqualTo(2_500);
        assertThat(result.batches()).isEqualTo(3);
        assertThat(result.cutoff()).isEqualTo(START.plus(Duration.ofDays(1)));
        assertThat(pauses).containsExactly(Duration.ofMillis(20), Duration.ofMillis(20));
        assertThat(rows.count()).isEqualTo(7);

        clock.set(START.plus(RETENTION).plus(Duration.ofDays(11)));
        assertThat(purge.run())
                .hasValueSatisfying(run -> assertThat(run.rowsRemoved()).isEqualTo(7));
        assertThat(rows.count()).isZero();
    }

    @Test
    void removesTheOldestRowsFirst() throws SQLException {
        rows.insert(START, 3);
        rows.insert(START.plus(Duration.ofDays(1)), 3);
        clock.set(START.plus(RETENTION).plus(Duration.ofDays(2)));
        // A thread interrupted (the gateway stopping) ends the run after the batch in progress.
        AuditPurge purge = new AuditPurge(
                rows.database,
                rows.audit,
                new AuditPurge.Settings(RETENTION, 2, Duration.ZERO, Duration.ZERO),
                clock,
                duration -> Thread.currentThread().interrupt());
        try {
            assertThat(purge.purge().rowsRemoved()).isEqualTo(2);
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
        try (Connection connection = rows.database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT MIN(changed_at) FROM " + rows.audit.table())) {
            result.next();
            assertThat(result.getObject(1, java.time.OffsetDateTime.class).toInstant())
                    .isEqualTo(START.plusMillis(2));
        }
    }

    @Test
    void aFailedRunIsReportedNotThrownAndTheNextRunRetries() throws SQLException {
        rows.insert(START, 5);
        AuditRows.FlakyDataSource flaky = new AuditRows.FlakyDataSource(rows.database);
        AuditPurge purge = purge(flaky, 1_000);
        clock.set(START.plus(RETENTION).plus(Duration.ofDays(1)));

        flaky.failing = true;
        assertThatThrownBy(purge::purge).isInstanceOf(SQLException.class).hasMessage("the backend is unavailable");
        assertThat(purge.run()).isEmpty();
        assertThat(rows.count()).isEqualTo(5);

        flaky.failing = false;
        assertThat(purge.run())
                .hasValueSatisfying(run -> assertThat(run.rowsRemoved()).isEqualTo(5));
        assertThat(rows.count()).isZero();
    }

    @Test
    void aFailingBatchKeepsTheBatchesBeforeIt() throws SQLException {
        rows.insert(START, 3);
        clock.set(START.plus(RETENTION).plus(Duration.ofDays(1)));
        AuditPurge purge = new AuditPurge(
                rows.database,
                rows.audit,
                new AuditPurge.Settings(RETENTION, 1, Duration.ZERO, Duration.ZERO),
                clock,
                duration -> {
                    try (Connection connection = rows.database.getConnection();
                            Statement statement = connection.createStatement()) {
                        statement.execute("DROP TABLE " + rows.audit.table());
                        statement.execute("CREATE TABLE " + rows.audit.table() + " (id UUID)");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThatThrownBy(purge::purge).isInstanceOf(SQLException.class).satisfies(thrown -> assertThat(
                        thrown.getSuppressed()[0])
                .hasMessage("the purge had removed 1 row(s) in 1 batch(es) before"));
    }

    @Test
    void settingsAreBounded() {
        assertThatThrownBy(() -> new AuditPurge.Settings(RETENTION, 0, Duration.ZERO, Duration.ZERO))
                .hasMessage("batchSize must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> new AuditPurge.Settings(RETENTION, 10_001, Duration.ZERO, Duration.ZERO))
                .hasMessage("batchSize must be between 1 and 10000, was 10001");
        assertThatThrownBy(() -> new AuditPurge.Settings(RETENTION, 1, Duration.ofSeconds(11), Duration.ZERO))
                .hasMessage("pause must be between 0 and PT10S, was PT11S");
        assertThatThrownBy(() -> new AuditPurge.Settings(Duration.ZERO, 1, Duration.ZERO, Duration.ZERO))
                .hasMessage("retention must be positive, was PT0S");
        assertThat(AuditPurge.Settings.of(RETENTION, Duration.ofSeconds(30)))
                .isEqualTo(new AuditPurge.Settings(RETENTION, 1_000, Duration.ofMillis(100), Duration.ofSeconds(30)));
    }
}
