package dev.vegateway.gateway.server;

import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.NotNullColumns;
import dev.vegateway.catalog.SchemaCheck;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, for each catalog snapshot, which of its columns the backend declares NOT NULL, so that the
 * planner leaves the null ordering off their sort keys. When the metadata cannot be read, nothing
 * is known and every sort keeps its null ordering (the same rows in the same order, only slower).
 */
final class NotNullColumnsReader {
    private static final Logger LOG = LoggerFactory.getLogger(NotNullColumnsReader.class);

    private NotNullColumnsReader() {}

    static NotNullColumns read(Catalog catalog, DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            NotNullColumns notNull = SchemaCheck.notNullColumns(catalog, connection);
            Transactions.endWithoutCommit(connection);
            return notNull;
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "could not read which columns are NOT NULL ({}); every sort keeps NULLS FIRST/LAST",
                    e.getMessage());
            return NotNullColumns.NONE;
        }
    }
}
