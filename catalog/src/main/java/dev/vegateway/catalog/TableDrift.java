package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How an entity's table in the backend differs from what the catalog declares of it, read when an
 * administrator asks for a refresh: columns the table has that no field maps ({@code added}),
 * columns a field maps that the table lacks ({@code removed}), and columns whose type no longer
 * fits their field's type ({@code retyped}).
 *
 * @param table the table as the catalog names it
 * @param found whether the table (or view) exists; when it does not, every mapped column is removed
 */
public record TableDrift(
        String entity,
        String table,
        boolean found,
        List<Column> added,
        List<MappedColumn> removed,
        List<Retyped> retyped) {
    public TableDrift {
        requireNonNull(entity, "entity is null");
        requireNonNull(table, "table is null");
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        retyped = List.copyOf(retyped);
    }

    /** A column of the table as the database describes it ({@code VARCHAR(40)}, {@code INTEGER}). */
    public record Column(String column, String type) {
        public Column {
            requireNonNull(column, "column is null");
            requireNonNull(type, "type is null");
        }
    }

    /** A field and the column it maps. */
    public record MappedColumn(String field, String column) {
        public MappedColumn {
            requireNonNull(field, "field is null");
            requireNonNull(column, "column is null");
        }
    }

    /** A field whose column's type no longer fits the field's declared type. */
    public record Retyped(String field, String column, String catalogType, String backendType) {
        public Retyped {
            requireNonNull(field, "field is null");
            requireNonNull(column, "column is null");
            requireNonNull(catalogType, "catalogType is null");
            requireNonNull(backendType, "backendType is null");
        }
    }

    /** Whether the table matches the catalog: nothing added, removed or retyped. */
    public boolean unchanged() {
        return found && added.isEmpty() && removed.isEmpty() && retyped.isEmpty();
    }
}
