package dev.vegateway.gateway.cli;

import dev.vegateway.adapter.sql.DerivedSql;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * The index statements that make a read by a derived GUID an index seek, for every entity whose
 * GUID hashes a composite natural key (a RecId-style key is decoded and needs none): what
 * {@code catalog discover} appends to the catalog it writes and {@code check} prints.
 */
final class KeyIndexAdvice {
    private KeyIndexAdvice() {}

    /** One line per statement, each prefixed with {@code prefix}; empty when no entity needs one. */
    static List<String> lines(Catalog catalog, Dialect dialect, String prefix) {
        List<String> lines = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            List<String> statements = DerivedSql.keyIndexStatements(dialect, entity);
            if (statements.isEmpty()) {
                continue;
            }
            lines.add(prefix + entity.logicalName() + " (" + entity.table() + "), for reads by " + entity.keyField()
                    + ":");
            statements.forEach(statement -> lines.add(prefix + "  " + statement));
        }
        return lines;
    }
}
