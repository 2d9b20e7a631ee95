package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.adapter.jdbc.Statements;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.EntityDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The change counter of each change-tracked entity, in table {@code change_version} of the
 * security schema of the business database (beside {@code data_audit}).
 *
 * <p>A write to a change-tracked entity first takes the entity's next version: it raises the
 * counter in the write's own transaction, which keeps the counter's row locked until the write
 * commits or rolls back. The write stores that version in the row's row-version field (a delete,
 * in its audit row). So versions are committed in the order they are given, and every write
 * with a version up to the counter's committed value has committed: a delta link that remembers
 * the counter read before its query misses no change. The price is that the writes of one
 * change-tracked entity commit one at a time.
 */
public final class ChangeTracking {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** SQLSTATE of a unique-constraint violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource primary;
    private final WriteSqlRenderer renderer;
    private final String table;
    private final String auditTable;
    private final int timeoutSeconds;
    /** Entities whose counter row exists. */
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    /**
     * @param primary the business database's primary, for the counter's own statements (never a replica:
     *     a delta link read on a replica could name changes the replica has not seen)
     */
    public ChangeTracking(DataSource primary, WriteSqlRenderer renderer, String schema, int timeoutSeconds) {
        this.primary = requireNonNull(primary, "primary is null");
        this.renderer = requireNonNull(renderer, "renderer is null");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("invalid schema name " + schema);
        }
        this.table = '"' + schema + "\".\"change_version\"";
        this.auditTable = '"' + schema + "\".\"data_audit\"";
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Creates the counter table (the schema exists: the audit made it). */
    public void createIfMissing() throws SQLException {
        try (Connection connection = primary.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (entity VARCHAR(128) PRIMARY KEY, version BIGINT NOT NULL)");
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    /**
     * The next version of {@code entity}, taken in the transaction of {@code connection}: the
     * counter's row stays locked until that transaction ends. Take it before locking any row of
     * the entity, so that writes wait for each other in one order.
     */
    long next(Connection connection, EntityDefinition entity) throws SQLException {
        ensure(entity);
        if (raise(connection, entity) == 0) {
            // The counter row went away (the table was emptied by hand): make it again, once.
            ready.remove(entity.logicalName());
            ensure(entity);
            if (raise(connection, entity) == 0) {
                throw new SQLException("the change counter of " + entity.logicalName() + " cannot be raised");
            }
        }
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT version FROM " + table + " WHERE entity = ?")) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setString(1, entity.logicalName());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private int raise(Connection connection, EntityDefinition entity) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE " + table + " SET version = version + 1 WHERE entity = ?")) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setString(1, entity.logicalName());
            return statement.executeUpdate();
        }
    }

    /**
     * The entity's committed version: every write of it with a version up to this one has
     * committed. Read on the primary, outside any transaction of the caller.
     */
    public long current(EntityDefinition entity) {
        try {
            ensure(entity);
            return read(entity);
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the change counter");
        }
    }

    private long read(EntityDefinition entity) throws SQLException {
        try (Connection connection = primary.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT version FROM " + table + " WHERE entity = ?")) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setString(1, entity.logicalName());
            try (ResultSet result = statement.executeQuery()) {
                long version = result.next() ? result.getLong(1) : 0L;
                finish(connection);
                return version;
            }
        }
    }

    /** The keys of the entity's rows deleted with a version above {@code after} and up to {@code upTo}, oldest first. */
    public List<UUID> deleted(EntityDefinition entity, long after, long upTo) {
        try {
            return deletions(entity, after, upTo);
        } catch (SQLException e) {
            throw SqlErrors.classify(e, "the deletions since the delta token");
        }
    }

    private List<UUID> deletions(EntityDefinition entity, long after, long upTo) throws SQLException {
        List<UUID> keys = new ArrayList<>();
        try (Connection connection = primary.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT record_key FROM " + auditTable
                        + " WHERE entity = ? AND operation = 'delete' AND change_version > ? AND change_version <= ?"
                        + " ORDER BY change_version")) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setString(1, entity.logicalName());
            statement.setLong(2, after);
            statement.setLong(3, upTo);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    keys.add(result.getObject(1, UUID.class));
                }
            }
            finish(connection);
        }
        return keys;
    }

    /**
     * Makes the entity's counter row if it has none, starting above the highest row version its
     * table holds (so the first tracked write is newer than every row already there).
     */
    private void ensure(EntityDefinition entity) throws SQLException {
        if (!entity.changeTracking()) {
            throw new IllegalArgumentException(entity.logicalName() + " is not change-tracked");
        }
        if (ready.contains(entity.logicalName())) {
            return;
        }
        try (Connection connection = primary.getConnection()) {
            boolean exists;
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT 1 FROM " + table + " WHERE entity = ?")) {
                statement.setQueryTimeout(timeoutSeconds);
                statement.setString(1, entity.logicalName());
                try (ResultSet result = statement.executeQuery()) {
                    exists = result.next();
                }
            }
            if (!exists) {
                long highest;
                PreparedSql max = renderer.maxRowVersion(entity);
                try (PreparedStatement statement = Statements.prepare(connection, max, timeoutSeconds);
                        ResultSet result = statement.executeQuery()) {
                    highest = result.next() ? result.getLong(1) : 0L;
                }
                try (PreparedStatement statement =
                        connection.prepareStatement("INSERT INTO " + table + " (entity, version) VALUES (?, ?)")) {
                    statement.setQueryTimeout(timeoutSeconds);
                    statement.setString(1, entity.logicalName());
                    statement.setLong(2, highest);
                    statement.executeUpdate();
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    // another node (or thread) made it first: use theirs
                    if (!connection.getAutoCommit()) {
                        connection.rollback();
                    }
                }
            }
            finish(connection);
        }
        ready.add(entity.logicalName());
    }

    private static void finish(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }
}
