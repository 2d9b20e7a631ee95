package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements each request has running, so that a gateway that stops can cancel at the
 * database the work that outlives its shutdown grace period. A request thread {@link #enter}s
 * with its owner (the gateway serving it) and request id; every statement made through
 * {@link Statements#prepare} on that thread is then registered until the request {@link #exit}s.
 */
public final class InFlightStatements {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightStatements.class);
    private static final ConcurrentMap<Thread, Work> WORK = new ConcurrentHashMap<>();

    private record Work(Object owner, String requestId, List<Statement> statements) {}

    private InFlightStatements() {}

    /** The current thread starts serving request {@code requestId} for {@code owner}. */
    public static void enter(Object owner, String requestId) {
        requireNonNull(owner, "owner is null");
        requireNonNull(requestId, "requestId is null");
        WORK.put(Thread.currentThread(), new Work(owner, requestId, new CopyOnWriteArrayList<>()));
    }

    /** The current thread is done with its request. */
    public static void exit() {
        WORK.remove(Thread.currentThread());
    }

    static void register(Statement statement) {
        Work work = WORK.get(Thread.currentThread());
        if (work != null) {
            work.statements().add(statement);
        }
    }

    /** How many requests of {@code owner} are being served. */
    public static int requests(Object owner) {
        return (int)
                WORK.values().stream().filter(work -> work.owner() == owner).count();
    }

    /**
     * Cancels at the database every open statement of {@code owner}'s requests, logging each at
     * WARN with its request id; returns the ids of the requests that had one.
     */
    public static List<String> cancel(Object owner) {
        List<String> cancelled = new ArrayList<>();
        for (Work work : WORK.values()) {
            if (work.owner() != owner) {
                continue;
            }
            for (Statement statement : work.statements()) {
                try {
                    if (!statement.isClosed()) {
                        statement.cancel();
                        LOG.warn(
                                "request {} was still running at the end of the shutdown grace period; its statement"
                                        + " was cancelled at the database",
                                work.requestId());
                        cancelled.add(work.requestId());
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("request {}: cancelling its statement failed: {}", work.requestId(), e.getMessage());
                }
            }
        }
        return cancelled;
    }
}
