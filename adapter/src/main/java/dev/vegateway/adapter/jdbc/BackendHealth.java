package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the backend answers, as one background probe sees it. The probe holds its own
 * connection, outside the pool (a pool busy under load is no outage); after an outage, the
 * backend counts as back once the probe's connection and the pool both answer. It checks every
 * {@code interval} while the backend is down and every twice that while it is up; a request
 * that fails to get a connection for a connection-class reason wakes it at once. A check that
 * fails is retried on a new connection before the backend counts as down, so that one session
 * ended by the server (an idle timeout, an administrator) is no outage.
 *
 * <p>While the backend is down, {@link #failFast} data sources refuse at once with a
 * {@link SQLTransientConnectionException} (SQLSTATE 08001, which {@link SqlErrors} answers with
 * 503) instead of waiting for the pool's acquire timeout, and readiness reads {@link #isUp}. A
 * single failing request never marks the backend down: only the probe does.
 */
public final class BackendHealth implements AutoCloseable {
    /** SQLSTATE of the refusal while the backend is down: the client is unable to establish a connection. */
    public static final String DOWN_STATE = "08001";

    private static final Logger LOG = LoggerFactory.getLogger(BackendHealth.class);
    /** How long {@link #close} waits for a check in progress. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** Opens a connection to the backend outside the pool, for the probe. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final String name;
    private final Connector connector;
    private final DataSource pool;
    private final Duration interval;
    private final int timeoutSeconds;
    private final Clock clock;
    private final Object signal = new Object();
    private final Thread thread;

    /** The probe's connection; touched by the probing thread only. */
    private Connection connection;

    private volatile boolean up = true;
    private volatile Instant since;
    /** Guarded by {@link #signal}. */
    private boolean wakeRequested;
    /** Guarded by {@link #signal}. */
    private boolean closed;

    BackendHealth(Connector connector, DataSource pool, Duration interval, Duration timeout, Clock clock) {
        this("backend", connector, pool, interval, timeout, clock);
    }

    /** @param name what the probe checks, in its log lines and thread name ({@code backend}, {@code security database}) */
    BackendHealth(String name, Connector connector, DataSource pool, Duration interval, Duration timeout, Clock clock) {
        this.name = requireNonNull(name, "name is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.timeoutSeconds =
                (int) Math.max(1, requireNonNull(timeout, "timeout is null").toSeconds());
        this.clock = requireNonNull(clock, "clock is null");
        this.since = clock.instant();
        this.thread = new Thread(this::run, "vegateway-" + name.replace(' ', '-') + "-probe");
        this.thread.setDaemon(true);
    }

    /**
     * Checks the backend once, then keeps checking it on a daemon thread until {@link #close}.
     *
     * @param pool the pool that must hand out a connection again before the backend counts as back
     * @param interval how often to check while the backend is down (twice that while it is up)
     * @param timeout how long one check may take (whole seconds, at least one)
     */
    public static BackendHealth start(Connector connector, DataSource pool, Duration interval, Duration timeout) {
        return start("backend", connector, pool, interval, timeout);
    }

    /** As {@link #start(Connector, DataSource, Duration, Duration)}, for the database {@code name} says in the log. */
    public static BackendHealth start(
            String name, Connector connector, DataSource pool, Duration interval, Duration timeout) {
        BackendHealth health = new BackendHealth(name, connector, pool, interval, timeout, Clock.systemUTC());
        health.probe();
        health.thread.start();
        return health;
    }

    /** Whether the backend answered the last check. */
    public boolean isUp() {
        return up;
    }

    /** When the backend last went down or came back (or the probe started). */
    public Instant since() {
        return since;
    }

    /** The refusal while the backend is down; empty while it is up. */
    public Optional<SQLTransientConnectionException> refusal() {
        if (up) {
            return Optional.empty();
        }
        return Optional.of(new SQLTransientConnectionException(
                "the backend is down since " + since + " (the health probe cannot reach it)", DOWN_STATE));
    }

    /** {@code pool} as the services use it: refused at once while the backend is down. */
    public DataSource failFast(DataSource pool) {
        return new FailFastDataSource(pool, this);
    }

    /**
     * Tells the probe that a request could not get a connection. A connection-class failure (a
     * lost or refused connection, the pool's acquire timeout) wakes the probe to check now; any
     * other failure says nothing about the backend and is ignored.
     */
    public void connectionFailed(SQLException failure) {
        if (SqlErrors.isConnectionFailure(failure)) {
            synchronized (signal) {
                wakeRequested = true;
                signal.notifyAll();
            }
        }
    }

    /** Whether a request asked for a check that has not run yet. */
    boolean checkRequested() {
        synchronized (signal) {
            return wakeRequested;
        }
    }

    /** One check: the probe's connection answers, or a new one does. Package-private for tests. */
    void probe() {
        SQLException failure = null;
        boolean reachable = false;
        for (int attempt = 0; attempt < 2 && !reachable; attempt++) {
            try {
                if (connection == null) {
                    connection = connector.connect();
                }
                reachable = connection.isValid(timeoutSeconds);
                if (!reachable) {
                    failure = new SQLTransientConnectionException("the probe's connection is no longer valid", "08006");
                }
            } catch (SQLException | RuntimeException e) {
                failure = e instanceof SQLException sql ? sql : new SQLException(e);
            }
            if (!reachable) {
                discardConnection();
            }
        }
        if (reachable && !up) {
            // Back only once the pool serves again (it reconnects on its own schedule), so that readiness and the
            // requests it lets in agree.
            try (Connection pooled = pool.getConnection()) {
                reachable = pooled.isValid(timeoutSeconds);
            } catch (SQLException e) {
                failure = e;
                reachable = false;
            }
        }
        record(reachable, failure);
    }

    private void record(boolean reachable, SQLException failure) {
        if (reachable == up) {
            return;
        }
        Instant now = clock.instant();
        Duration lasted = Duration.between(since, now);
        up = reachable;
        since = now;
        if (reachable) {
            LOG.info("The {} answers again, after {} ms down; requests go to it again", name, lasted.toMillis());
        } else {
            LOG.warn(
                    "The {} does not answer ({}, SQLSTATE {}); requests are answered 503 until it does",
                    name,
                    failure == null ? "no answer" : failure.getMessage(),
                    failure == null ? "-" : failure.getSQLState());
        }
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // It is broken already; nothing else to do.
            }
            connection = null;
        }
    }

    private void run() {
        while (true) {
            synchronized (signal) {
                long deadline = System.nanoTime() + (up ? interval.multipliedBy(2) : interval).toNanos();
                while (!closed && !wakeRequested) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(signal, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
                if (closed) {
                    break;
                }
                wakeRequested = false;
            }
            try {
                probe();
            } catch (RuntimeException e) {
                LOG.error("the {} health probe failed", name, e);
            }
        }
        discardConnection();
    }

    /** Stops the probe and closes its connection. */
    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        if (!thread.isAlive()) {
            discardConnection();
            return;
        }
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
