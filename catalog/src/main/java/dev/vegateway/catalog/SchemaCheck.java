package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import dev.vegateway.config.yaml.Problem;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a catalog against a live database through JDBC {@link DatabaseMetaData}: every
 * entity's table or view exists, every field's column exists with a compatible type, and every
 * action's SQL prepares (it is never run). Works
 * for H2 and PostgreSQL. Identifiers are looked up as written, then in upper case, then in lower
 * case, because the backends fold unquoted identifiers differently (H2 up, PostgreSQL down).
 * Each problem names the catalog file and line of the entity or field.
 */
public final class SchemaCheck {
    /** Schemas never searched for an unqualified table: a catalog entity is never a system table. */
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "pg_catalog", "pg_toast");

    private final Catalog catalog;
    private final DatabaseMetaData metaData;
    private final String searchStringEscape;
    private final List<Problem> problems = new ArrayList<>();

    private SchemaCheck(Catalog catalog, DatabaseMetaData metaData, String searchStringEscape) {
        this.catalog = catalog;
        this.metaData = metaData;
        this.searchStringEscape = searchStringEscape;
    }

    /** Every mismatch between {@code catalog} and the database behind {@code connection}; empty when they fit. */
    public static List<Problem> check(Catalog catalog, Connection connection) {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(connection, "connection is null");
        DatabaseMetaData metaData;
        Optional<String> currentSchema;
        String searchStringEscape;
        try {
            metaData = connection.getMetaData();
            currentSchema = Optional.ofNullable(connection.getSchema());
            searchStringEscape =
                    Optional.ofNullable(metaData.getSearchStringEscape()).orElse("");
        } catch (SQLException e) {
            return List.of(new Problem("database", 0, "", "cannot read the database metadata: " + e.getMessage()));
        }
        SchemaCheck check = new SchemaCheck(catalog, metaData, searchStringEscape);
        for (EntityDefinition entity : catalog.entities()) {
            try {
                check.checkEntity(entity, currentSchema);
            } catch (SQLException e) {
                check.report(
                        entity,
                        Optional.empty(),
                        "cannot read the metadata of " + entity.table() + ": " + e.getMessage());
            }
        }
        for (ActionDefinition action : catalog.actions()) {
            check.prepareAction(action, connection);
        }
        return List.copyOf(check.problems);
    }

    /**
     * The catalog's columns that the database behind {@code connection} declares {@code NOT NULL}
     * (a table or column it cannot find is left out: it may hold null).
     */
    public static NotNullColumns notNullColumns(Catalog catalog, Connection connection) throws SQLException {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(connection, "connection is null");
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = Optional.ofNullable(metaData.getSearchStringEscape()).orElse("");
        Optional<String> currentSchema = Optional.ofNullable(connection.getSchema());
        SchemaCheck check = new SchemaCheck(catalog, metaData, escape);
        Map<TableName, Set<String>> notNull = new LinkedHashMap<>();
        for (EntityDefinition entity : catalog.entities()) {
            Optional<ResolvedTable> table = check.findTable(entity.table(), currentSchema);
            if (table.isEmpty()) {
                continue;
            }
            Map<String, Column> columns = check.columns(table.get());
            for (FieldDefinition field : entity.fields()) {
                if (field.computed()) {
                    continue;
                }
                caseVariants(field.column()).stream()
                        .map(columns::get)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .filter(Column::notNull)
                        .ifPresent(column -> notNull.computeIfAbsent(entity.table(), name -> new LinkedHashSet<>())
                                .add(field.column()));
            }
        }
        return new NotNullColumns(notNull);
    }

    /**
     * Re-reads the table of {@code entity} and compares its columns with the entity's fields (a
     * refresh asked through the catalog set). Fields computed from the natural key map no column.
     */
    public static TableDrift drift(EntityDefinition entity, Connection connection) throws SQLException {
        requireNonNull(entity, "entity is null");
        requireNonNull(connection, "connection is null");
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = Optional.ofNullable(metaData.getSearchStringEscape()).orElse("");
        SchemaCheck check = new SchemaCheck(new Catalog(List.of(entity), List.of()), metaData, escape);
        Optional<ResolvedTable> table = check.findTable(entity.table(), Optional.ofNullable(connection.getSchema()));
        List<TableDrift.MappedColumn> removed = new ArrayList<>();
        if (table.isEmpty()) {
            for (FieldDefinition field : entity.fields()) {
                if (!field.computed()) {
                    removed.add(new TableDrift.MappedColumn(field.logicalName(), field.column()));
                }
            }
            return new TableDrift(
                    entity.logicalName(), entity.table().toString(), false, List.of(), removed, List.of());
        }
        Map<String, Column> columns = check.columns(table.get());
        Set<String> mapped = new java.util.HashSet<>();
        List<TableDrift.Retyped> retyped = new ArrayList<>();
        for (FieldDefinition field : entity.fields()) {
            if (field.computed()) {
                continue;
            }
            Optional<String> name = caseVariants(field.column()).stream()
                    .filter(columns::containsKey)
                    .findFirst();
            if (name.isEmpty()) {
                removed.add(new TableDrift.MappedColumn(field.logicalName(), field.column()));
                continue;
            }
            mapped.add(name.get());
            Column column = columns.get(name.get());
            boolean shorter = field.type().kind() == FieldType.Kind.STRING
                    && field.type().maxLength().isPresent()
                    && column.size() > 0
                    && field.type().maxLength().getAsInt() > column.size();
            if (!compatible(field.type(), column) || shorter) {
                retyped.add(new TableDrift.Retyped(
                        field.logicalName(), column.name(), field.type().toString(), column.describeWithSize()));
            }
        }
        List<TableDrift.Column> added = new ArrayList<>();
        for (Column column : columns.values()) {
            if (!mapped.contains(column.name())) {
                added.add(new TableDrift.Column(column.name(), column.describeWithSize()));
            }
        }
        return new TableDrift(entity.logicalName(), entity.table().toString(), true, added, removed, retyped);
    }

    /**
     * Prepares (never runs) an action's SQL, so that a statement the backend cannot parse, or one
     * naming a missing table or column, is found before a caller invokes it. PostgreSQL parses a
     * statement only when asked to describe it, hence the parameter metadata.
     */
    private void prepareAction(ActionDefinition action, Connection connection) {
        Optional<NamedParameterSql> statement = action.statement();
        if (statement.isEmpty()) {
            return; // a handler action: Java code, nothing to prepare
        }
        try (PreparedStatement prepared =
                connection.prepareStatement(statement.get().jdbcSql())) {
            prepared.getParameterMetaData();
        } catch (SQLException e) {
            // The driver's first line says what is wrong (H2 goes on with the statement, which the file shows).
            String reason = Optional.ofNullable(e.getMessage())
                    .flatMap(text -> text.lines().findFirst())
                    .map(line -> line.replaceFirst(";\\s*SQL statement:\\s*$", ""))
                    .orElse("SQLSTATE " + e.getSQLState());
            String message = "the action's SQL does not prepare against the backend: " + reason;
            problems.add(catalog.actionLocation(action.name())
                    .map(where -> new Problem(where.source(), where.line(), where.path() + ".sql", message))
                    .orElseGet(() -> new Problem("catalog", 0, "actions." + action.name() + ".sql", message)));
        }
    }

    private void checkEntity(EntityDefinition entity, Optional<String> currentSchema) throws SQLException {
        Optional<ResolvedTable> table = findTable(entity.table(), currentSchema);
        if (table.isEmpty()) {
            report(
                    entity,
                    Optional.empty(),
                    "table or view " + entity.table()
                            + " not found (looked up as written, in upper and in lower case)");
            return;
        }
        Map<String, Column> columns = columns(table.get());
        for (FieldDefinition field : entity.fields()) {
            if (field.computed()) {
                continue; // computed from the natural key's columns, which are fields of their own
            }
            String columnName = entity.table() + "." + field.column();
            Optional<Column> column = caseVariants(field.column()).stream()
                    .map(columns::get)
                    .filter(Objects::nonNull)
                    .findFirst();
            if (column.isEmpty()) {
                report(entity, Optional.of(field.logicalName()), "column " + columnName + " not found");
                continue;
            }
            if (!compatible(field.type(), column.get())) {
                report(
                        entity,
                        Optional.of(field.logicalName()),
                        "column " + columnName + " has type " + column.get().describe() + ", which does not fit "
                                + field.type() + " (expected "
                                + expected(field.type().kind()) + ")");
                continue;
            }
            if (field.type().kind() == FieldType.Kind.STRING
                    && field.type().maxLength().isPresent()
                    && column.get().size() > 0
                    && field.type().maxLength().getAsInt() > column.get().size()) {
                report(
                        entity,
                        Optional.of(field.logicalName()),
                        "column " + columnName + " holds at most "
                                + column.get().size() + " characters, but the field is declared " + field.type());
            }
        }
    }

    // ---- type compatibility ----

    private static boolean compatible(FieldType type, Column column) {
        int jdbcType = column.jdbcType();
        return switch (type.kind()) {
            case STRING -> jdbcType == Types.CHAR
                    || jdbcType == Types.VARCHAR
                    || jdbcType == Types.LONGVARCHAR
                    || jdbcType == Types.CLOB
                    || jdbcType == Types.NCHAR
                    || jdbcType == Types.NVARCHAR
                    || jdbcType == Types.LONGNVARCHAR
                    || jdbcType == Types.NCLOB;
            case INT32 -> jdbcType == Types.INTEGER || jdbcType == Types.SMALLINT || jdbcType == Types.TINYINT;
            case INT64 -> jdbcType == Types.BIGINT || jdbcType == Types.INTEGER;
            case DECIMAL -> jdbcType == Types.NUMERIC || jdbcType == Types.DECIMAL;
            case DOUBLE -> jdbcType == Types.DOUBLE || jdbcType == Types.FLOAT || jdbcType == Types.REAL;
            case BOOLEAN -> jdbcType == Types.BOOLEAN || jdbcType == Types.BIT;
            case DATE -> jdbcType == Types.DATE;
                // PostgreSQL reports timestamptz as TIMESTAMP with type name "timestamptz".
            case DATE_TIME_OFFSET -> jdbcType == Types.TIMESTAMP_WITH_TIMEZONE || jdbcType == Types.TIMESTAMP;
                // PostgreSQL: OTHER "uuid"; H2: BINARY "UUID".
            case GUID -> column.typeName().equalsIgnoreCase("uuid")
                    && (jdbcType == Types.OTHER || jdbcType == Types.BINARY);
            case ENUM -> jdbcType == Types.INTEGER || jdbcType == Types.SMALLINT;
                // the chosen members as comma-separated integers
            case MULTI_ENUM -> jdbcType == Types.CHAR
                    || jdbcType == Types.VARCHAR
                    || jdbcType == Types.LONGVARCHAR
                    || jdbcType == Types.CLOB
                    || jdbcType == Types.NVARCHAR
                    || jdbcType == Types.LONGNVARCHAR
                    || jdbcType == Types.NCLOB;
        };
    }

    private static String expected(FieldType.Kind kind) {
        return switch (kind) {
            case STRING -> "CHAR, VARCHAR, LONGVARCHAR or CLOB";
            case INT32 -> "INTEGER, SMALLINT or TINYINT";
            case INT64 -> "BIGINT or INTEGER";
            case DECIMAL -> "NUMERIC or DECIMAL";
            case DOUBLE -> "DOUBLE, FLOAT or REAL";
            case BOOLEAN -> "BOOLEAN or BIT";
            case DATE -> "DATE";
            case DATE_TIME_OFFSET -> "TIMESTAMP WITH TIME ZONE or TIMESTAMP";
            case GUID -> "UUID";
            case ENUM -> "INTEGER or SMALLINT";
            case MULTI_ENUM -> "VARCHAR, LONGVARCHAR or CLOB (comma-separated integers)";
        };
    }

    // ---- metadata lookups ----

    private record ResolvedTable(String catalog, String schema, String name) {}

    private record Column(String name, int jdbcType, String typeName, int size, boolean notNull) {
        String describe() {
            return typeName.isEmpty() ? "JDBC type " + jdbcType : typeName;
        }

        /** The type with its length or precision where it has one: {@code VARCHAR(40)}. */
        String describeWithSize() {
            boolean sized = jdbcType == Types.CHAR
                    || jdbcType == Types.VARCHAR
                    || jdbcType == Types.NCHAR
                    || jdbcType == Types.NVARCHAR
                    || jdbcType == Types.NUMERIC
                    || jdbcType == Types.DECIMAL;
            return sized && size > 0 && size < Integer.MAX_VALUE ? describe() + "(" + size + ")" : describe();
        }
    }

    private Optional<ResolvedTable> findTable(TableName table, Optional<String> currentSchema) throws SQLException {
        for (String name : caseVariants(table.name())) {
            if (table.schema().isPresent()) {
                for (String schema : caseVariants(table.schema().get())) {
                    Optional<ResolvedTable> found = lookupTable(Optional.of(schema), name);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (currentSchema.isPresent()) {
                Optional<ResolvedTable> found = lookupTable(currentSchema, name);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (table.schema().isPresent()) {
            return Optional.empty();
        }
        // Unqualified and not in the current schema: it may still be on the search path.
        for (String name : caseVariants(table.name())) {
            Optional<ResolvedTable> found = lookupTable(Optional.empty(), name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The table with exactly this name (and schema, when given); metadata patterns are escaped, so '_' is no wildcard. */
    private Optional<ResolvedTable> lookupTable(Optional<String> schema, String name) throws SQLException {
        try (ResultSet tables =
                metaData.getTables(null, schema.map(this::escape).orElse(null), escape(name), null)) {
            while (tables.next()) {
                String foundSchema = tables.getString("TABLE_SCHEM");
                String foundName = tables.getString("TABLE_NAME");
                if (!name.equals(foundName)) {
                    continue;
                }
                if (schema.isPresent()
                        ? schema.get().equals(foundSchema)
                        : foundSchema == null || !SYSTEM_SCHEMAS.contains(foundSchema.toLowerCase(Locale.ROOT))) {
                    return Optional.of(new ResolvedTable(tables.getString("TABLE_CAT"), foundSchema, foundName));
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, Column> columns(ResolvedTable table) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (ResultSet result = metaData.getColumns(
                table.catalog(), table.schema() == null ? null : escape(table.schema()), escape(table.name()), "%")) {
            while (result.next()) {
                if ((table.schema() != null && !table.schema().equals(result.getString("TABLE_SCHEM")))
                        || !table.name().equals(result.getString("TABLE_NAME"))) {
                    continue;
                }
                String name = result.getString("COLUMN_NAME");
                String typeName = result.getString("TYPE_NAME");
                columns.put(
                        name,
                        new Column(
                                name,
                                result.getInt("DATA_TYPE"),
                                typeName == null ? "" : typeName,
                                result.getInt("COLUMN_SIZE"),
                                result.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls));
            }
        }
        return columns;
    }

    private String escape(String identifier) {
        if (searchStringEscape.isEmpty()) {
            return identifier;
        }
        String escape = searchStringEscape;
        return identifier
                .replace(escape, escape + escape)
                .replace("_", escape + "_")
                .replace("%", escape + "%");
    }

    /** As written, upper case, lower case; without repeats. */
    private static List<String> caseVariants(String identifier) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(identifier);
        variants.add(identifier.toUpperCase(Locale.ROOT));
        variants.add(identifier.toLowerCase(Locale.ROOT));
        return List.copyOf(variants);
    }

    private void report(EntityDefinition entity, Optional<String> field, String message) {
        Optional<SourceLocation> location = catalog.sourceLocation(entity.logicalName(), field);
        problems.add(location.map(where -> new Problem(where.source(), where.line(), where.path(), message))
                .orElseGet(() -> new Problem(
                        "catalog",
                        0,
                        entity.logicalName() + field.map(name -> "." + name).orElse(""),
                        message)));
    }
}
