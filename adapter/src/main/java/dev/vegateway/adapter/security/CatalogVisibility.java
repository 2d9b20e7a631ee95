package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.invalidation.Announcements;
import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.adapter.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog entities an administrator hid or showed through the catalog set, kept in the
 * security database (table {@code catalog_visibility}) so that the choice outlives a restart and
 * is the same on every node. Each change runs in one transaction with its audit row
 * ({@code catalog_audit}) and bumps {@code catalog_version}, which on PostgreSQL also announces it
 * ({@code NOTIFY}, topic {@code catalog:<schema>}); the {@link InvalidationListener} of every node
 * hands announced and polled versions to {@link #invalidationSubscriber()}, which re-reads the
 * choices and tells the {@linkplain #onChange listener} (the node's live catalog).
 */
public final class CatalogVisibility {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogVisibility.class);

    /** What a change did. */
    public record Change(String entity, boolean visibleBefore, boolean visibleAfter, long version) {
        public Change {
            requireNonNull(entity, "entity is null");
        }
    }

    private final DataSource dataSource;
    private final SecuritySchema schema;
    /** The version whose choices the listener was last given; -1 before the first read. */
    private final AtomicLong known = new AtomicLong(-1);

    private volatile Consumer<Map<String, Boolean>> listener = choices -> {};

    public CatalogVisibility(DataSource dataSource, SecuritySchema schema) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** The topic of catalog changes in {@code schema}. */
    static String topic(SecuritySchema schema) {
        return "catalog:" + schema.name();
    }

    /**
     * Who is told of every change of the choices, this node's own and other nodes' (on the
     * listener's thread): given every entity's choice, logical name to visible.
     */
    public void onChange(Consumer<Map<String, Boolean>> changed) {
        this.listener = requireNonNull(changed, "changed is null");
    }

    /** Every stored choice, logical name to visible, in name order. */
    public Map<String, Boolean> read() {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection);
        } catch (SQLException e) {
            throw SecurityStoreFailures.failure("read which catalog entities are hidden", e);
        }
    }

    private Map<String, Boolean> read(Connection connection) throws SQLException {
        Map<String, Boolean> choices = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT entity_name, visible FROM "
                        + schema.table("catalog_visibility") + " ORDER BY entity_name");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                choices.put(rows.getString(1), rows.getBoolean(2));
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        return Collections.unmodifiableMap(choices);
    }

    /**
     * Stores that {@code entity} is {@code visible}, with its audit row, in one transaction that
     * announces the change to every node; then tells this node's listener at once.
     *
     * @param visibleBefore what the entity was before, as this node served it (the audit keeps it)
     */
    public Change set(String entity, boolean visible, boolean visibleBefore, ChangeAuthor author, OffsetDateTime now) {
        requireNonNull(entity, "entity is null");
        requireNonNull(author, "author is null");
        requireNonNull(now, "now is null");
        Change change;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                // The counter's row lock makes changes from every node run one after the other.
                long version = bumpVersion(connection);
                Optional<Boolean> stored = stored(connection, entity);
                boolean before = stored.orElse(visibleBefore);
                if (stored.isPresent()) {
                    try (PreparedStatement update = connection.prepareStatement("UPDATE "
                            + schema.table("catalog_visibility")
                            + " SET visible = ?, changed_at = ?, changed_by = ? WHERE entity_name = ?")) {
                        update.setBoolean(1, visible);
                        update.setObject(2, now);
                        update.setObject(3, author.userId());
                        update.setString(4, entity);
                        update.executeUpdate();
                    }
                } else {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO "
                            + schema.table("catalog_visibility")
                            + " (entity_name, visible, changed_at, changed_by) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, entity);
                        insert.setBoolean(2, visible);
                        insert.setObject(3, now);
                        insert.setObject(4, author.userId());
                        insert.executeUpdate();
                    }
                }
                try (PreparedStatement audit = connection.prepareStatement("INSERT INTO "
                        + schema.table("catalog_audit")
                        + " (id, changed_at, changed_by, application_id, entity_name, operation, visible_before,"
                        + " visible_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    audit.setObject(1, UUID.randomUUID());
                    audit.setObject(2, now);
                    audit.setObject(3, author.userId());
                    audit.setString(4, author.applicationId());
                    audit.setString(5, entity);
                    audit.setString(6, visible ? "SHOW" : "HIDE");
                    audit.setBoolean(7, before);
                    audit.setBoolean(8, visible);
                    audit.executeUpdate();
                }
                connection.commit();
                change = new Change(entity, before, visible, version);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw SecurityStoreFailures.failure("store that catalog entity " + entity + " is hidden or shown", e);
        }
        LOG.info(
                "catalog entity {} {} by {} ({}, application {}); catalog version {}",
                entity,
                visible ? "shown" : "hidden",
                author.userName(),
                author.userId(),
                author.applicationId(),
                change.version());
        reload(change.version());
        return change;
    }

    private Optional<Boolean> stored(Connection connection, String entity) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT visible FROM " + schema.table("catalog_visibility") + " WHERE entity_name = ?")) {
            select.setString(1, entity);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private long bumpVersion(Connection connection) throws SQLException {
        long version;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + schema.table("catalog_version") + " SET version = version + 1 WHERE singleton = 1")) {
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + schema.table("catalog_version") + " (singleton, version) VALUES (1, 1)")) {
                    insert.executeUpdate();
                }
                version = 1;
            } else {
                version = version(connection);
            }
        }
        Announcements.announce(connection, topic(schema), Long.toString(version));
        return version;
    }

    private long version(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT version FROM " + schema.table("catalog_version") + " WHERE singleton = 1");
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /**
     * Re-reads the choices and tells the listener, unless a version at least as new was read
     * already. One at a time (this node's own change and the listener's thread may both reload),
     * so a read that saw less is never handed over after one that saw more.
     */
    private synchronized void reload(long version) {
        long before = known.getAndAccumulate(version, Math::max);
        if (before >= version) {
            return;
        }
        listener.accept(read());
    }

    /** The listener's check: the version read on its connection moved (or went back: the schema was recreated). */
    private synchronized void checked(long version, Connection connection) throws SQLException {
        if (version == known.get()) {
            return;
        }
        known.set(version);
        listener.accept(read(connection));
    }

    /** An announcement without a version: re-read whatever it was. */
    private synchronized void reread() {
        listener.accept(read());
    }

    /** Tells the invalidation listener's thread what to do with catalog announcements and polls. */
    public InvalidationListener.Subscriber invalidationSubscriber() {
        return new InvalidationListener.Subscriber() {
            @Override
            public String topic() {
                return CatalogVisibility.topic(schema);
            }

            @Override
            public void announced(String detail) {
                long version;
                try {
                    version = Long.parseLong(detail.trim());
                } catch (NumberFormatException e) {
                    LOG.warn(
                            "An announced catalog change has no version ('{}'); re-reading the catalog choices",
                            detail);
                    reread();
                    return;
                }
                reload(version);
            }

            @Override
            public void check(Connection connection) throws SQLException {
                long version = version(connection);
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                checked(version, connection);
            }
        };
    }
}
