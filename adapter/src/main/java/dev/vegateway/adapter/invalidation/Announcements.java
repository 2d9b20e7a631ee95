package dev.vegateway.adapter.invalidation;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Changes announced to every gateway node. On PostgreSQL an announcement is a {@code NOTIFY} on
 * {@link #CHANNEL}, sent inside the changing transaction, so that it is delivered when, and only
 * if, the change commits; its payload is {@code <topic> <detail>}. Other databases have no
 * notifications: there the nodes poll ({@link InvalidationListener.Mode#POLL}), and announcing
 * does nothing.
 */
public final class Announcements {
    /** The one channel every node listens on; the topic in the payload says what changed. */
    public static final String CHANNEL = "vegateway_invalidation";

    private Announcements() {}

    /**
     * Announces a change of {@code topic} when the transaction of {@code connection} commits, if
     * the database is PostgreSQL; on any other database it does nothing.
     *
     * @param topic what changed, without spaces (for example {@code security:vegateway_security})
     * @param detail what the subscribers of the topic need to know (for example the new version)
     */
    public static void announce(Connection connection, String topic, String detail) throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(detail, "detail is null");
        checkTopic(topic);
        if (!isPostgreSql(connection)) {
            return;
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, topic + " " + detail);
            notify.execute();
        }
    }

    /** Whether {@code connection} is to PostgreSQL, which delivers announcements; other databases are polled. */
    public static boolean isPostgreSql(Connection connection) throws SQLException {
        return connection
                .getMetaData()
                .getDatabaseProductName()
                .toLowerCase(Locale.ROOT)
                .contains("postgresql");
    }

    /** One announcement as received: what changed, and what its subscribers need to know. */
    record Announcement(String topic, String detail) {
        Announcement {
            requireNonNull(topic, "topic is null");
            requireNonNull(detail, "detail is null");
        }
    }

    /** The announcement a payload carries, or empty if it is not {@code <topic> <detail>}. */
    static Optional<Announcement> parse(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        int space = payload.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Announcement(payload.substring(0, space), payload.substring(space + 1)));
    }

    static String checkTopic(String topic) {
        requireNonNull(topic, "topic is null");
        if (topic.isEmpty() || topic.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a topic is one word without spaces, was '" + topic + "'");
        }
        return topic;
    }
}
