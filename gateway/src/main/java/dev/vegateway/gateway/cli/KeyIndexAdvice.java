package dev.vegateway.gateway.cli;

import dev.vegateway.adapter.sql.DerivedSql;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index statements that make a read by a derived GUID an index seek, for every entity whose
 * GUID hashes a composite natural key (a RecId-style key is decoded and needs none): what
 * {@code catalog discover} appends to the catalog it writes and {@code check} prints. With a
 * connection, an entity whose lookup the backend already answers from an index (PostgreSQL's
 * plan, with sequential scans discouraged, uses one) gets a line saying so instead.
 */
final class KeyIndexAdvice {
    private KeyIndexAdvice() {}

    /** One line per statement, each prefixed with {@code prefix}; empty when no entity needs one. */
    static List<String> lines(Catalog catalog, Dialect dialect, String prefix) {
        try {
            return lines(catalog, dialect, prefix, Optional.empty());
        } catch (SQLException e) {
            throw new IllegalStateException("no backend was asked", e);
        }
    }

    /** As {@link #lines(Catalog, Dialect, String)}, leaving out the entities {@code backend} already has an index for. */
    static List<String> lines(Catalog catalog, Dialect dialect, String prefix, Optional<Connection> backend)
            throws SQLException {
        List<String> lines = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            List<String> statements = DerivedSql.keyIndexStatements(dialect, entity);
            if (statements.isEmpty()) {
                continue;
            }
            Optional<String> probe = DerivedSql.keyLookupProbe(dialect, entity);
            if (backend.isPresent() && probe.isPresent() && usesAnIndex(backend.get(), probe.get())) {
                lines.add(prefix + entity.logicalName() + " (" + entity.table() + "): reads by " + entity.keyField()
                        + " use an index already");
                continue;
            }
            lines.add(prefix + entity.logicalName() + " (" + entity.table() + "), for reads by " + entity.keyField()
                    + ":");
            statements.forEach(statement -> lines.add(prefix + "  " + statement));
        }
        return lines;
    }

    /** Whether PostgreSQL plans {@code query} with an index when it may avoid a sequential scan. */
    private static boolean usesAnIndex(Connection connection, String query) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            // a seek has an index condition; a full index scan with the key test as a filter is no better than a table
            // scan
            return plan.toString().contains("Index Cond");
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }
}
