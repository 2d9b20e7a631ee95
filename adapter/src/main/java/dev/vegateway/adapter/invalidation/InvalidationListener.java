package dev.vegateway.adapter.invalidation;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.invalidation.Announcements.Announcement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this node's caches of changes made by any node or process, on a background daemon
 * thread that holds its own connection, outside the pool; the request path never waits for it.
 *
 * <p>In {@link Mode#LISTEN} (PostgreSQL) it listens on {@link Announcements#CHANNEL} and hands
 * each announcement to the subscribers of its topic as it arrives; when it heard nothing for
 * {@link Settings#heartbeatInterval} it lets every subscriber {@link Subscriber#check check} on
 * its connection, which proves the connection alive. In {@link Mode#POLL} (H2, which has no
 * notifications) every subscriber checks every {@link Settings#pollInterval}.
 *
 * <p>After every connect, the first one included, every subscriber checks before the listener
 * waits for announcements, so that a change committed while it was not listening is not lost. A
 * lost connection is reconnected with a backoff from {@link Settings#minimumBackoff} doubling up
 * to {@link Settings#maximumBackoff}; the outage is logged once at WARN and its end once at INFO.
 */
public final class InvalidationListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvalidationListener.class);
    /** How long {@link #close} waits for the thread beyond one wait or poll. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** {@link Mode#LISTEN}: the longest one wait for announcements lasts, so also how long {@link #close} may take. */
    static final Duration LONGEST_LISTEN_WAIT = Duration.ofMillis(500);

    public enum Mode {
        /** PostgreSQL: {@code LISTEN} on {@link Announcements#CHANNEL}. */
        LISTEN,
        /** Databases without notifications: every subscriber checks every poll interval. */
        POLL
    }

    /** Opens the listener's own connection to the database, outside the pool. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    /** Something whose caches depend on data that other nodes and processes change. */
    public interface Subscriber {
        /** The topic whose announcements it receives, one word (see {@link Announcements#announce}). */
        String topic();

        /** A change of its topic was announced; runs on the listener's thread. */
        void announced(String detail);

        /**
         * Reads the current state on {@code connection} (auto-commit) and drops whatever moved;
         * runs on the listener's thread after every connect, every poll and every heartbeat.
         */
        void check(Connection connection) throws SQLException;
    }

    /**
     * How the listener waits, checks and reconnects.
     *
     * @param pollInterval {@link Mode#POLL}: how often the subscribers check; {@link Mode#LISTEN}:
     *     the longest one wait for announcements lasts, at most {@link #LONGEST_LISTEN_WAIT} (it
     *     bounds how long {@link #close} takes)
     * @param heartbeatInterval {@link Mode#LISTEN}: after this long without an announcement the
     *     subscribers check on the connection, which finds a connection that died silently
     */
    public record Settings(
            Mode mode,
            Duration pollInterval,
            Duration heartbeatInterval,
            Duration minimumBackoff,
            Duration maximumBackoff) {
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
        public static final Duration DEFAULT_MINIMUM_BACKOFF = Duration.ofMillis(100);
        public static final Duration DEFAULT_MAXIMUM_BACKOFF = Duration.ofSeconds(5);

        public Settings {
            requireNonNull(mode, "mode is null");
            positive(pollInterval, "pollInterval");
            positive(heartbeatInterval, "heartbeatInterval");
            positive(minimumBackoff, "minimumBackoff");
            positive(maximumBackoff, "maximumBackoff");
            if (maximumBackoff.compareTo(minimumBackoff) < 0) {
                throw new IllegalArgumentException("maximumBackoff " + maximumBackoff
                        + " must not be shorter than minimumBackoff " + minimumBackoff);
            }
            if (pollInterval.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pollInterval is too long: " + pollInterval);
            }
        }

        /** With the default heartbeat and backoff. */
        public static Settings of(Mode mode, Duration pollInterval) {
            return new Settings(
                    mode, pollInterval, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_MINIMUM_BACKOFF, DEFAULT_MAXIMUM_BACKOFF);
        }

        private static void positive(Duration duration, String name) {
            requireNonNull(duration, name + " is null");
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + duration);
            }
        }
    }

    private final Connector connector;
    private final Settings settings;
    private final List<Subscriber> subscribers;
    private final Thread thread;
    private final Object signal = new Object();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();

    /** Guarded by {@link #signal}. */
    private boolean closed;

    private volatile boolean connected;

    private InvalidationListener(Connector connector, Settings settings, List<Subscriber> subscribers) {
        this.connector = requireNonNull(connector, "connector is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.subscribers = List.copyOf(requireNonNull(subscribers, "subscribers is null"));
        this.subscribers.forEach(subscriber -> Announcements.checkTopic(subscriber.topic()));
        this.thread = new Thread(this::run, "vegateway-invalidation");
        this.thread.setDaemon(true);
    }

    /** Starts listening (or polling) on a daemon thread until {@link #close}. */
    public static InvalidationListener start(Connector connector, Settings settings, List<Subscriber> subscribers) {
        InvalidationListener listener = new InvalidationListener(connector, settings, subscribers);
        listener.thread.start();
        return listener;
    }

    public Settings settings() {
        return settings;
    }

    /** Whether it holds a working connection now (it is listening or polling). */
    public boolean connected() {
        return connected;
    }

    /** How many times it connected, the first time included. */
    public long connects() {
        return connects.get();
    }

    /** How many rounds of checks ran (after each connect, each poll and each heartbeat). */
    public long checks() {
        return checks.get();
    }

    private void run() {
        Duration backoff = settings.minimumBackoff();
        long outageSince = 0;
        boolean outage = false;
        while (!isClosed()) {
            Connection connection = null;
            try {
                connection = connector.connect();
                connection.setAutoCommit(true);
                if (settings.mode() == Mode.LISTEN) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("LISTEN " + Announcements.CHANNEL);
                    }
                }
                // Changes committed before LISTEN took effect (while starting, or while disconnected) were announced to
                // nobody here: read the state once now that every later change will be heard.
                checkAll(connection);
                connected = true;
                connects.incrementAndGet();
                if (outage) {
                    LOG.info(
                            "The invalidation listener is connected again, after {} ms; changes made meanwhile were checked",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSince));
                    outage = false;
                }
                backoff = settings.minimumBackoff();
                serve(connection);
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (isClosed()) {
                    break;
                }
                if (!outage) {
                    outage = true;
                    outageSince = System.nanoTime();
                    LOG.warn(
                            "The invalidation listener lost its connection ({}); it reconnects with a backoff of up to {}"
                                    + " ms, and caches changed elsewhere meanwhile are dropped once it is back",
                            e.toString(),
                            settings.maximumBackoff().toMillis());
                } else {
                    LOG.debug("The invalidation listener could not reconnect yet", e);
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maximumBackoff()) > 0
                        ? settings.maximumBackoff()
                        : backoff.multipliedBy(2);
            } finally {
                connected = false;
                close(connection);
            }
        }
    }

    /** Until closed or the connection fails (thrown). */
    private void serve(Connection connection) throws SQLException {
        switch (settings.mode()) {
            case LISTEN -> listen(connection);
            case POLL -> poll(connection);
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        int waitMillis = (int) Math.min(settings.pollInterval().toMillis(), LONGEST_LISTEN_WAIT.toMillis());
        long lastHeard = System.nanoTime();
        while (!isClosed()) {
            PGNotification[] notifications = postgres.getNotifications(waitMillis);
            if (notifications != null && notifications.length > 0) {
                lastHeard = System.nanoTime();
                for (PGNotification notification : notifications) {
                    dispatch(notification.getName(), notification.getParameter());
                }
            } else if (System.nanoTime() - lastHeard
                    >= settings.heartbeatInterval().toNanos()) {
                checkAll(connection);
                lastHeard = System.nanoTime();
            }
        }
    }

    private void poll(Connection connection) throws SQLException {
        while (!isClosed()) {
            pause(settings.pollInterval());
            if (isClosed()) {
                return;
            }
            checkAll(connection);
        }
    }

    private void dispatch(String channel, String payload) {
        if (!Announcements.CHANNEL.equals(channel)) {
            return;
        }
        Optional<Announcement> announcement = Announcements.parse(payload);
        if (announcement.isEmpty()) {
            LOG.warn("Ignored an announcement that is not '<topic> <detail>': '{}'", payload);
            return;
        }
        for (Subscriber subscriber : subscribers) {
            if (subscriber.topic().equals(announcement.get().topic())) {
                try {
                    subscriber.announced(announcement.get().detail());
                } catch (RuntimeException e) {
                    LOG.warn("A subscriber of {} failed on an announcement", subscriber.topic(), e);
                }
            }
        }
    }

    private void checkAll(Connection connection) throws SQLException {
        for (Subscriber subscriber : subscribers) {
            subscriber.check(connection);
        }
        checks.incrementAndGet();
    }

    private boolean isClosed() {
        synchronized (signal) {
            return closed;
        }
    }

    /** Waits {@code duration}, or less when closed. */
    private void pause(Duration duration) {
        synchronized (signal) {
            long deadline = System.nanoTime() + duration.toNanos();
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // It is broken already; nothing else to do.
            }
        }
    }

    /** Stops the thread (within about one poll interval) and closes its connection. */
    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        try {
            thread.join(settings.pollInterval().plus(CLOSE_WAIT).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn(
                    "The invalidation listener did not stop within {}",
                    settings.pollInterval().plus(CLOSE_WAIT));
        }
    }
}
