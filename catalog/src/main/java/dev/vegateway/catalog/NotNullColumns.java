package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * The catalog columns the database declares {@code NOT NULL}, as the catalog names them (its table
 * and column spelling). A sort on such a column needs no {@code NULLS FIRST/LAST}: without it,
 * PostgreSQL can walk an index in order and stop at the page's limit instead of sorting every
 * matching row. Read from the database's metadata ({@link SchemaCheck#notNullColumns}); a column
 * not in it may hold null.
 */
public record NotNullColumns(Map<TableName, Set<String>> byTable) {
    /** Nothing known: every column may hold null. */
    public static final NotNullColumns NONE = new NotNullColumns(Map.of());

    public NotNullColumns {
        Map<TableName, Set<String>> copy = new java.util.HashMap<>();
        requireNonNull(byTable, "byTable is null").forEach((table, columns) -> copy.put(table, Set.copyOf(columns)));
        byTable = Map.copyOf(copy);
    }

    /** Whether the database holds no null in {@code field} of {@code entity} (false when unknown or computed). */
    public boolean notNull(EntityDefinition entity, FieldDefinition field) {
        if (field.computed()) {
            return false;
        }
        Set<String> columns = byTable.get(entity.table());
        return columns != null && columns.contains(field.column());
    }
}
