package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes audit rows older than the retention, in small batches: each batch is one short
 * auto-committed {@code DELETE … WHERE id IN (SELECT id … ORDER BY changed_at LIMIT n)}, the
 * oldest rows first, with a pause between batches, so a purge never holds many row locks nor
 * holds them long and the audit set stays readable throughout (readers never wait for it on
 * PostgreSQL; on H2 they wait at most one batch). The cutoff is taken once per run from the
 * injected clock, so rows written during a run are never its business.
 */
public final class AuditPurge {
    private static final Logger LOG = LoggerFactory.getLogger(AuditPurge.class);

    /**
     * How a purge proceeds.
     *
     * @param retention rows older than this are removed
     * @param batchSize at most this many rows per statement (1..{@value #MAXIMUM_BATCH_SIZE})
     * @param pause the wait between two batches (0..{@link #MAXIMUM_PAUSE})
     * @param statementTimeout the longest one batch may run before the database cancels it
     */
    public record Settings(Duration retention, int batchSize, Duration pause, Duration statementTimeout) {
        public static final int DEFAULT_BATCH_SIZE = 1000;
        public static final int MAXIMUM_BATCH_SIZE = 10_000;
        public static final Duration DEFAULT_PAUSE = Duration.ofMillis(100);
        public static final Duration MAXIMUM_PAUSE = Duration.ofSeconds(10);

        public Settings {
            requireNonNull(retention, "retention is null");
            requireNonNull(pause, "pause is null");
            requireNonNull(statementTimeout, "statementTimeout is null");
            if (retention.isZero() || retention.isNegative()) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            if (batchSize < 1 || batchSize > MAXIMUM_BATCH_SIZE) {
                throw new IllegalArgumentException(
                        "batchSize must be between 1 and " + MAXIMUM_BATCH_SIZE + ", was " + batchSize);
            }
            if (pause.isNegative() || pause.compareTo(MAXIMUM_PAUSE) > 0) {
                throw new IllegalArgumentException("pause must be between 0 and " + MAXIMUM_PAUSE + ", was " + pause);
            }
            if (statementTimeout.isNegative()) {
                throw new IllegalArgumentException("statementTimeout must not be negative, was " + statementTimeout);
            }
        }

        /** Batches of {@value #DEFAULT_BATCH_SIZE} rows, {@link #DEFAULT_PAUSE} apart. */
        public static Settings of(Duration retention, Duration statementTimeout) {
            return new Settings(retention, DEFAULT_BATCH_SIZE, DEFAULT_PAUSE, statementTimeout);
        }
    }

    /** What one run did: the rows it removed (those older than {@code cutoff}) in how many statements. */
    public record Result(long rowsRemoved, int batches, Instant cutoff) {
        public Result {
            requireNonNull(cutoff, "cutoff is null");
        }
    }

    /** Waits between batches; tests pass one that records the pauses instead of sleeping. */
    @FunctionalInterface
    public interface Pauser {
        Pauser SLEEP = duration -> Thread.sleep(duration.toMillis());

        void pause(Duration duration) throws InterruptedException;
    }

    private final DataSource dataSource;
    private final String deleteSql;
    private final Settings settings;
    private final Clock clock;
    private final Pauser pauser;

    public AuditPurge(DataSource dataSource, AuditLog audit, Settings settings, Clock clock, Pauser pauser) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        requireNonNull(audit, "audit is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pauser = requireNonNull(pauser, "pauser is null");
        // Both H2 and PostgreSQL accept LIMIT in a subquery; the oldest rows go first.
        this.deleteSql = "DELETE FROM " + audit.table() + " WHERE id IN (SELECT id FROM " + audit.table()
                + " WHERE changed_at < ? ORDER BY changed_at LIMIT ?)";
    }

    public Settings settings() {
        return settings;
    }

    /**
     * One run: batches until one removes fewer rows than the batch size. Stops early, keeping what
     * it removed, when the thread is interrupted (the gateway is stopping).
     *
     * @throws SQLException when a batch fails; the batches before it stay removed
     */
    public Result purge() throws SQLException {
        Instant cutoff = clock.instant().minus(settings.retention());
        OffsetDateTime cutoffTime = cutoff.atOffset(ZoneOffset.UTC);
        long removed = 0;
        int batches = 0;
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try (PreparedStatement statement = connection.prepareStatement(deleteSql)) {
                statement.setObject(1, cutoffTime);
                statement.setInt(2, settings.batchSize());
                statement.setQueryTimeout((int)
                        Math.min(Integer.MAX_VALUE, settings.statementTimeout().toSeconds()));
                while (true) {
                    int count;
                    try {
                        count = statement.executeUpdate();
                    } catch (SQLException e) {
                        e.addSuppressed(new IllegalStateException(
                                "the purge had removed " + removed + " row(s) in " + batches + " batch(es) before"));
                        throw e;
                    }
                    batches++;
                    removed += count;
                    if (count < settings.batchSize()) {
                        break;
                    }
                    try {
                        pauser.pause(settings.pause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
            }
        }
        return new Result(removed, batches, cutoff);
    }

    /**
     * {@link #purge} for a background thread: logs at INFO how many rows it removed, and a failure
     * at WARN (the next run retries); never throws.
     */
    public Optional<Result> run() {
        try {
            Result result = purge();
            LOG.info(
                    "audit retention: removed {} audit row(s) changed before {} in {} batch(es)",
                    result.rowsRemoved(),
                    result.cutoff(),
                    result.batches());
            return Optional.of(result);
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "audit retention: the purge failed, the next run retries: {}{}",
                    e.getMessage(),
                    e.getSuppressed().length > 0 ? " (" + e.getSuppressed()[0].getMessage() + ")" : "");
            return Optional.empty();
        }
    }
}
