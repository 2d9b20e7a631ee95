package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the tables and views of one database schema through JDBC {@link DatabaseMetaData} and
 * writes a catalog YAML that {@link CatalogLoader} reads, as a starting point to edit (H2 and
 * PostgreSQL).
 *
 * <p>Naming rules (documented in the README): an entity's logical name is the prefix, the table
 * name in lower case without '_', and {@code entity} (not repeated when the name already ends with
 * it); its entity set name replaces the final {@code y} with {@code ies}; a field is the prefix
 * and the column name in lower case without '_'; the key field is {@code <logicalName>id}; a
 * relation is the prefix and the foreign-key column in PascalCase without its trailing {@code id}.
 * A name taken already (compared ignoring case) gets the next free number appended.
 *
 * <p>Only a table (or view) whose primary key is one UUID column becomes an entity; a view without
 * a primary key uses a UUID column named {@code id} when it has one. Any other table is written
 * commented out, with the reason. Guesses (company, owner, business unit and row-version columns,
 * keys of views) carry the comment {@code guessed from the column name}. The output depends only
 * on the schema and the options (tables sorted by name, columns in table order, no date).
 */
public final class SchemaDiscovery {
    /** The default prefix of every generated name, as Finance and Operations virtual entities have it. */
    public static final String DEFAULT_PREFIX = "mserp_";

    private static final Set<String> TABLE_TYPES =
            Set.of("TABLE", "BASE TABLE", "VIEW", "MATERIALIZED VIEW", "PARTITIONED TABLE", "FOREIGN TABLE");
    /** Plain scalars YAML 1.1 would read as a boolean or null: written quoted. */
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

    private static final Set<String> COMPANY_COLUMNS = Set.of("dataareaid", "company", "companyid");
    private static final Set<String> OWNER_COLUMNS = Set.of("ownerid", "owninguser");
    private static final Set<String> BUSINESS_UNIT_COLUMNS = Set.of("businessunitid", "owningbusinessunit");
    private static final Set<String> ROW_VERSION_COLUMNS = Set.of("versionnumber", "rowversion", "recversion");
    private static final String GUESSED = "guessed from the column name";

    /**
     * What to discover.
     *
     * @param schema the schema to read; empty: the connection's current schema. Matched as
     *     written, else ignoring case.
     * @param tablePatterns globs ({@code *} any characters, {@code ?} one) matched ignoring case
     *     against table and view names; empty: every table and view of the schema
     * @param prefix the prefix of every generated name
     * @param commandLine written into the header comment
     */
    public record Options(Optional<String> schema, List<String> tablePatterns, String prefix, String commandLine) {
        public Options {
            requireNonNull(schema, "schema is null");
            tablePatterns = List.copyOf(requireNonNull(tablePatterns, "tablePatterns is null"));
            requireNonNull(prefix, "prefix is null");
            requireNonNull(commandLine, "commandLine is null");
            if (!prefix.isEmpty() && !CatalogLoader.NAME.matcher(prefix).matches()) {
                throw new IllegalArgumentException(
                        "the prefix must be letters, digits and '_', not starting with a digit, was '" + prefix + "'");
            }
            for (String pattern : tablePatterns) {
                if (pattern.isBlank()) {
                    throw new IllegalArgumentException("a table pattern must not be empty");
                }
            }
        }
    }

    /**
     * The catalog YAML and what became of each table: {@code entities} are served, {@code
     * leftOut} are written commented out (with the reason in the file).
     */
    public record Result(String yaml, String schema, List<String> entities, List<String> leftOut) {
        public Result {
            requireNonNull(yaml, "yaml is null");
            requireNonNull(schema, "schema is null");
            entities = List.copyOf(entities);
            leftOut = List.copyOf(leftOut);
        }
    }

    private final DatabaseMetaData metaData;
    private final Options options;
    private final String searchStringEscape;

    private SchemaDiscovery(DatabaseMetaData metaData, Options options, String searchStringEscape) {
        this.metaData = metaData;
        this.options = options;
        this.searchStringEscape = searchStringEscape;
    }

    /**
     * Reads the schema behind {@code connection} and writes the catalog.
     *
     * @throws IllegalArgumentException when the schema does not exist
     * @throws SQLException when the metadata cannot be read
     */
    public static Result discover(Connection connection, Options options) throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(options, "options is null");
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = Optional.ofNullable(metaData.getSearchStringEscape()).orElse("");
        SchemaDiscovery discovery = new SchemaDiscovery(metaData, options, escape);
        Optional<String> wanted = options.schema().or(() -> {
            try {
                return Optional.ofNullable(connection.getSchema());
            } catch (SQLException e) {
                return Optional.empty();
            }
        });
        String schema = discovery.resolveSchema(wanted.orElseThrow(
                () -> new IllegalArgumentException("the connection has no current schema: pass --schema")));
        List<Table> tables = discovery.tables(schema);
        return new Writer(options, schema, tables).write();
    }

    // ---- reading the metadata ----

    private String resolveSchema(String wanted) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (ResultSet result = metaData.getSchemas()) {
            while (result.next()) {
                schemas.add(result.getString("TABLE_SCHEM"));
            }
        }
        if (schemas.contains(wanted)) {
            return wanted;
        }
        return schemas.stream()
                .filter(name -> name.equalsIgnoreCase(wanted))
                .sorted()
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("schema '" + wanted + "' not found (the database has "
                        + String.join(", ", schemas.stream().sorted().toList()) + ")"));
    }

    private List<Table> tables(String schema) throws SQLException {
        List<Pattern> patterns =
                options.tablePatterns().stream().map(SchemaDiscovery::glob).toList();
        Map<String, Table> tables = new TreeMap<>();
        try (ResultSet result = metaData.getTables(null, escape(schema), "%", null)) {
            while (result.next()) {
                String type = Optional.ofNullable(result.getString("TABLE_TYPE"))
                        .orElse("")
                        .toUpperCase(Locale.ROOT);
                String name = result.getString("TABLE_NAME");
                if (!schema.equals(result.getString("TABLE_SCHEM")) || !TABLE_TYPES.contains(type)) {
                    continue;
                }
                if (!patterns.isEmpty()
                        && patterns.stream()
                                .noneMatch(pattern -> pattern.matcher(name).matches())) {
                    continue;
                }
                tables.put(
                        name,
                        new Table(
                                result.getString("TABLE_CAT"),
                                schema,
                                name,
                                type.contains("VIEW"),
                                Optional.ofNullable(result.getString("REMARKS"))
                                        .map(String::strip)
                                        .filter(text -> !text.isEmpty()),
                                new ArrayList<>(),
                                new ArrayList<>(),
                                new TreeMap<>(),
                                new TreeMap<>()));
            }
        }
        for (Table table : tables.values()) {
            readColumns(table);
            readPrimaryKey(table);
            readUniqueIndexes(table);
            readForeignKeys(table);
        }
        return List.copyOf(tables.values());
    }

    private void readColumns(Table table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet result =
                metaData.getColumns(table.catalog(), escape(table.schema()), escape(table.name()), "%")) {
            while (result.next()) {
                if (!table.schema().equals(result.getString("TABLE_SCHEM"))
                        || !table.name().equals(result.getString("TABLE_NAME"))) {
                    continue;
                }
                int decimalDigits = result.getInt("DECIMAL_DIGITS");
                boolean decimalDigitsKnown = !result.wasNull();
                columns.add(new Column(
                        result.getString("COLUMN_NAME"),
                        result.getInt("ORDINAL_POSITION"),
                        result.getInt("DATA_TYPE"),
                        Optional.ofNullable(result.getString("TYPE_NAME")).orElse(""),
                        result.getInt("COLUMN_SIZE"),
                        decimalDigitsKnown ? decimalDigits : -1,
                        result.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls,
                        Optional.ofNullable(result.getString("REMARKS"))
                                .map(String::strip)
                                .filter(text -> !text.isEmpty()),
                        result.getString("COLUMN_DEF") != null
                                || "YES".equalsIgnoreCase(result.getString("IS_AUTOINCREMENT")),
                        "YES".equalsIgnoreCase(generated(result))));
            }
        }
        columns.sort(Comparator.comparingInt(Column::position));
        table.columns().addAll(columns);
    }

    private static String generated(ResultSet result) {
        try {
            return result.getString("IS_GENERATEDCOLUMN");
        } catch (SQLException e) {
            return "NO"; // a JDBC 4.0 driver without the column
        }
    }

    private void readPrimaryKey(Table table) throws SQLException {
        Map<Integer, String> columns = new TreeMap<>();
        try (ResultSet result = metaData.getPrimaryKeys(table.catalog(), table.schema(), table.name())) {
            while (result.next()) {
                columns.put(result.getInt("KEY_SEQ"), result.getString("COLUMN_NAME"));
            }
        }
        table.primaryKey().addAll(columns.values());
    }

    private void readUniqueIndexes(Table table) throws SQLException {
        Map<String, Map<Integer, String>> indexes = new TreeMap<>();
        try (ResultSet result = metaData.getIndexInfo(table.catalog(), table.schema(), table.name(), true, true)) {
            while (result.next()) {
                String index = result.getString("INDEX_NAME");
                String column = result.getString("COLUMN_NAME");
                if (index == null
                        || column == null
                        || result.getBoolean("NON_UNIQUE")
                        || result.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                indexes.computeIfAbsent(index, name -> new TreeMap<>()).put(result.getInt("ORDINAL_POSITION"), column);
            }
        } catch (SQLException e) {
            return; // views have no indexes; some drivers refuse to list them
        }
        Set<List<String>> seen = new HashSet<>();
        seen.add(table.primaryKey());
        indexes.forEach((name, columns) -> {
            List<String> list = List.copyOf(columns.values());
            if (seen.add(list)) {
                table.uniqueKeys().put(name, list);
            }
        });
    }

    private void readForeignKeys(Table table) throws SQLException {
        Map<String, ForeignKey> keys = new TreeMap<>();
        try (ResultSet result = metaData.getImportedKeys(table.catalog(), table.schema(), table.name())) {
            while (result.next()) {
                String targetSchema = result.getString("PKTABLE_SCHEM");
                String targetTable = result.getString("PKTABLE_NAME");
                String name =
                        Optional.ofNullable(result.getString("FK_NAME")).orElse("(unnamed, to " + targetTable + ")");
                ForeignKey key = keys.computeIfAbsent(
                        name,
                        ignored -> new ForeignKey(
                                name,
                                Optional.ofNullable(targetSchema),
                                targetTable,
                                new TreeMap<>(),
                                new TreeMap<>()));
                int sequence = result.getInt("KEY_SEQ");
                key.columns().put(sequence, result.getString("FKCOLUMN_NAME"));
                key.targetColumns().put(sequence, result.getString("PKCOLUMN_NAME"));
            }
        } catch (SQLException e) {
            return; // views have no foreign keys; some drivers refuse to list them
        }
        table.foreignKeys().putAll(keys);
    }

    private String escape(String identifier) {
        if (searchStringEscape.isEmpty()) {
            return identifier;
        }
        return identifier
                .replace(searchStringEscape, searchStringEscape + searchStringEscape)
                .replace("_", searchStringEscape + "_")
                .replace("%", searchStringEscape + "%");
    }

    /** A glob ({@code *}, {@code ?}) as a case-insensitive regular expression. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char character : glob.strip().toCharArray()) {
            switch (character) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(character)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    // ---- the model ----

    record Table(
            String catalog,
            String schema,
            String name,
            boolean view,
            Optional<String> remarks,
            List<Column> columns,
            List<String> primaryKey,
            Map<String, List<String>> uniqueKeys,
            Map<String, ForeignKey> foreignKeys) {
        String qualifiedName() {
            return schema + "." + name;
        }

        Optional<Column> column(String columnName) {
            return columns.stream()
                    .filter(column -> column.name().equals(columnName))
                    .findFirst();
        }
    }

    record Column(
            String name,
            int position,
            int jdbcType,
            String typeName,
            int size,
            int decimalDigits,
            boolean notNull,
            Optional<String> remarks,
            boolean hasDefault,
            boolean generated) {
        boolean isUuid() {
            return typeName.equalsIgnoreCase("uuid") && (jdbcType == Types.OTHER || jdbcType == Types.BINARY);
        }

        String describe() {
            return typeName.isEmpty() ? "JDBC type " + jdbcType : typeName;
        }
    }

    record ForeignKey(
            String name,
            Optional<String> targetSchema,
            String targetTable,
            Map<Integer, String> columns,
            Map<Integer, String> targetColumns) {}

    /** A column's catalog type, or why it has none; {@code note} is a comment to write next to it. */
    record MappedType(Optional<FieldType> type, Optional<String> note) {}

    /** The catalog type of a column (see {@link SchemaCheck} for the types each accepts). */
    static MappedType map(Column column) {
        int size = column.size();
        String typeName = column.typeName().toLowerCase(Locale.ROOT);
        switch (column.jdbcType()) {
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR -> {
                return size >= 1 && size <= CatalogLoader.MAXIMUM_STRING_LENGTH
                        ? type(FieldType.string(size))
                        : type(FieldType.of(FieldType.Kind.STRING));
            }
            case Types.CLOB, Types.NCLOB -> {
                return type(FieldType.of(FieldType.Kind.STRING));
            }
            case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                return type(FieldType.of(FieldType.Kind.INT32));
            }
            case Types.BIGINT -> {
                return type(FieldType.of(FieldType.Kind.INT64));
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                int scale = column.decimalDigits();
                if (size >= 1 && size <= CatalogLoader.MAXIMUM_DECIMAL_PRECISION && scale >= 0 && scale <= size) {
                    return type(FieldType.decimal(size, scale));
                }
                return new MappedType(
                        Optional.of(FieldType.decimal(CatalogLoader.MAXIMUM_DECIMAL_PRECISION, 10)),
                        Optional.of(column.describe() + " without a precision the catalog can hold (at most "
                                + CatalogLoader.MAXIMUM_DECIMAL_PRECISION + " digits): Decimal(38,10) guessed"));
            }
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> {
                return type(FieldType.of(FieldType.Kind.DOUBLE));
            }
            case Types.BOOLEAN -> {
                return type(FieldType.of(FieldType.Kind.BOOLEAN));
            }
            case Types.BIT -> {
                // PostgreSQL reports boolean as BIT "bool"; bit(n) strings are no booleans.
                return typeName.startsWith("bool") || size <= 1
                        ? type(FieldType.of(FieldType.Kind.BOOLEAN))
                        : unmapped(column);
            }
            case Types.DATE -> {
                return type(FieldType.of(FieldType.Kind.DATE));
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> {
                return type(FieldType.of(FieldType.Kind.DATE_TIME_OFFSET));
            }
            case Types.TIMESTAMP -> {
                // PostgreSQL reports timestamptz as TIMESTAMP "timestamptz".
                return typeName.equals("timestamptz")
                        ? type(FieldType.of(FieldType.Kind.DATE_TIME_OFFSET))
                        : new MappedType(
                                Optional.of(FieldType.of(FieldType.Kind.DATE_TIME_OFFSET)),
                                Optional.of(column.describe()
                                        + " has no time zone: check that the backend reads its values in UTC"));
            }
            case Types.OTHER, Types.BINARY -> {
                return column.isUuid() ? type(FieldType.of(FieldType.Kind.GUID)) : unmapped(column);
            }
            default -> {
                return unmapped(column);
            }
        }
    }

    private static MappedType type(FieldType type) {
        return new MappedType(Optional.of(type), Optional.empty());
    }

    private static MappedType unmapped(Column column) {
        return new MappedType(
                Optional.empty(),
                Optional.of("column " + column.name() + " (" + column.describe()
                        + ") left out: no catalog type holds it (String, Int32, Int64, Decimal, Double, Boolean, Date,"
                        + " DateTimeOffset, Guid)"));
    }

    // ---- writing the catalog ----

    /** Chooses the names, decides which tables become entities and writes the YAML. */
    private static final class Writer {
        private final Options options;
        private final String schema;
        private final List<Table> tables;
        private final Map<String, String> logicalNames = new LinkedHashMap<>();
        /** The key column of each table that becomes an entity, by table name. */
        private final Map<String, String> keyColumns = new LinkedHashMap<>();

        private final Map<String, Boolean> keyGuessed = new LinkedHashMap<>();
        /** The primary-key columns of each table served with a natural key (and a derived GUID), by table name. */
        private final Map<String, List<String>> naturalKeys = new LinkedHashMap<>();

        private final Map<String, String> leftOutReasons = new LinkedHashMap<>();
        private final StringBuilder out = new StringBuilder();

        Writer(Options options, String schema, List<Table> tables) {
            this.options = options;
            this.schema = schema;
            this.tables = tables;
        }

        Result write() {
            UniqueNames entityNames = new UniqueNames();
            entityNames.reserve(CatalogLoader.RESERVED_LOGICAL_NAME);
            for (Table table : tables) {
                if (!CatalogLoader.NAME.matcher(table.name()).matches()
                        || !CatalogLoader.NAME.matcher(table.schema()).matches()) {
                    leftOutReasons.put(
                            table.name(),
                            "its name (or its schema's) is not a catalog name (letters, digits and '_', not starting"
                                    + " with a digit, at most 128 characters); rename it or serve it through a view");
                    continue;
                }
                String compact = compact(table.name());
                String stem = options.prefix() + compact;
                boolean endsWithEntity = compact.endsWith("entity");
                String logicalName = entityNames.claim(
                        endsWithEntity ? stem.substring(0, stem.length() - "entity".length()) : stem, "entity");
                logicalNames.put(table.name(), logicalName);
                if (logicalName.length() + "id".length() > 128) {
                    leftOutReasons.put(table.name(), "the name " + logicalName + "id would exceed 128 characters");
                    continue;
                }
                chooseKey(table);
            }
            header();
            List<String> entities = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            out.append("entities:\n");
            for (Table table : tables) {
                if (!logicalNames.containsKey(table.name())) {
                    out.append("  # ")
                            .append(table.qualifiedName())
                            .append(" left out: ")
                            .append(leftOutReasons.get(table.name()))
                            .append('\n');
                    leftOut.add(table.qualifiedName());
                    continue;
                }
                String entity = entity(table);
                if (keyColumns.containsKey(table.name()) || naturalKeys.containsKey(table.name())) {
                    out.append(entity);
                    entities.add(table.qualifiedName());
                } else {
                    out.append("  # ")
                            .append(table.qualifiedName())
                            .append(" left out: ")
                            .append(leftOutReasons.get(table.name()))
                            .append(". The entity it would be:\n");
                    entity.lines().filter(line -> !line.isBlank()).forEach(line -> out.append("  # ")
                            .append(line.substring(2))
                            .append('\n'));
                    out.append('\n');
                    leftOut.add(table.qualifiedName());
                }
            }
            if (entities.isEmpty()) {
                out.append(
                        "  # no table or view has a key the gateway serves; the catalog needs at least one entity\n");
            }
            return new Result(out.toString(), schema, entities, leftOut);
        }

        private void header() {
            out.append("# Catalog discovered by: ")
                    .append(options.commandLine())
                    .append('\n');
            out.append("# Schema ")
                    .append(schema)
                    .append(": ")
                    .append(tables.size())
                    .append(" table(s) and view(s)");
            if (!options.tablePatterns().isEmpty()) {
                out.append(" matching ").append(String.join(", ", options.tablePatterns()));
            }
            out.append(".\n");
            out.append(
                    """
                    # A starting point to edit: review the names and labels, turn code columns into option sets
                    # (Enum), and check every line marked "guessed from the column name".
                    # Names: entity <prefix><table, lower case, without '_'>entity, entity set ...entities,
                    # field <prefix><column, lower case, without '_'>, key <entity>id, relation <prefix><FK column
                    # in PascalCase without its trailing id>.
                    """);
        }

        /** A single UUID primary key column; for a view without one, a UUID column named id (guessed). */
        private void chooseKey(Table table) {
            List<String> primaryKey = table.primaryKey();
            if (primaryKey.size() == 1) {
                Column column = table.column(primaryKey.get(0)).orElseThrow();
                if (column.isUuid() && CatalogLoader.NAME.matcher(column.name()).matches()) {
                    keyColumns.put(table.name(), column.name());
                    keyGuessed.put(table.name(), false);
                    return;
                }
            }
            if (!primaryKey.isEmpty()) {
                naturalKey(table, primaryKey);
                return;
            }
            Optional<Column> id = table.columns().stream()
                    .filter(column -> column.name().equalsIgnoreCase("id") && column.isUuid())
                    .findFirst();
            if (id.isPresent()) {
                keyColumns.put(table.name(), id.get().name());
                keyGuessed.put(table.name(), true);
                return;
            }
            leftOutReasons.put(
                    table.name(),
                    (table.view() ? "the view" : "the table")
                            + " has no primary key and no UUID column named id; the gateway needs a Guid key");
        }

        /**
         * A primary key that is not one UUID column becomes a natural key ({@code key: [...]}) when
         * each of its columns maps to a type a key part may have; the gateway derives the GUID.
         */
        private void naturalKey(Table table, List<String> primaryKey) {
            for (String name : primaryKey) {
                Column column = table.column(name).orElseThrow();
                Optional<FieldType> type = map(column).type();
                if (!CatalogLoader.NAME.matcher(column.name()).matches()
                        || type.isEmpty()
                        || !DerivedKey.allowedPart(type.get())) {
                    leftOutReasons.put(
                            table.name(),
                            "its primary key column " + column.name() + " is " + column.describe()
                                    + ", which a natural key cannot hold (String, Int32, Int64, Guid, Date or Boolean)");
                    return;
                }
            }
            naturalKeys.put(table.name(), List.copyOf(primaryKey));
        }

        private String entity(Table table) {
            String logicalName = logicalNames.get(table.name());
            Optional<String> keyColumn = Optional.ofNullable(keyColumns.get(table.name()));
            StringBuilder entity = new StringBuilder();
            entity.append("  - logicalName: ").append(name(logicalName)).append('\n');
            entity.append("    entitySetName: ")
                    .append(name(logicalName.substring(0, logicalName.length() - 1) + "ies"))
                    .append('\n');
            entity.append("    table: ")
                    .append(name(table.qualifiedName()))
                    .append(table.view() ? "  # a view" : "")
                    .append('\n');
            table.remarks().ifPresent(text -> entity.append("    labels: { en-US: ")
                    .append(quoted(text))
                    .append(" }\n"));

            // Fields: the key first claims its name, then every column in table order.
            UniqueNames fieldNames = new UniqueNames();
            String keyField = logicalName + "id";
            fieldNames.reserve(keyField);
            Map<String, String> fieldByColumn = new LinkedHashMap<>();
            Map<String, FieldType> typeByColumn = new LinkedHashMap<>();
            List<String> fieldLines = new ArrayList<>();
            Optional<String> companyField = Optional.empty();
            Optional<String> ownerField = Optional.empty();
            Optional<String> businessUnitField = Optional.empty();
            Optional<String> rowVersionField = Optional.empty();
            List<String> roleNotes = new ArrayList<>();
            for (Column column : table.columns()) {
                if (!CatalogLoader.NAME.matcher(column.name()).matches()) {
                    fieldLines.add("      # column " + column.name()
                            + " left out: its name is not a catalog name (letters, digits and '_')\n");
                    continue;
                }
                MappedType mapped = map(column);
                if (mapped.type().isEmpty()) {
                    fieldLines.add("      # " + mapped.note().orElseThrow() + "\n");
                    continue;
                }
                FieldType type = mapped.type().get();
                boolean isKey = keyColumn.isPresent() && keyColumn.get().equals(column.name());
                String field = isKey ? keyField : fieldNames.claim(options.prefix() + compact(column.name()), "");
                fieldByColumn.put(column.name(), field);
                typeByColumn.put(column.name(), type);
                String compactColumn = compact(column.name());
                boolean rowVersion = false;
                if (COMPANY_COLUMNS.contains(compactColumn) && companyField.isEmpty()) {
                    if (type.kind() == FieldType.Kind.STRING) {
                        companyField = Optional.of(field);
                    } else {
                        roleNotes.add("column " + column.name() + " looks like a company column but is " + type
                                + "; companyField needs a String");
                    }
                }
                if (OWNER_COLUMNS.contains(compactColumn) && ownerField.isEmpty() && !isKey) {
                    if (type.kind() == FieldType.Kind.GUID) {
                        ownerField = Optional.of(field);
                    } else {
                        roleNotes.add("column " + column.name() + " looks like an owner column but is " + type
                                + "; ownerField needs a Guid");
                    }
                }
                if (BUSINESS_UNIT_COLUMNS.contains(compactColumn) && businessUnitField.isEmpty() && !isKey) {
                    if (type.kind() == FieldType.Kind.GUID) {
                        businessUnitField = Optional.of(field);
                    } else {
                        roleNotes.add("column " + column.name() + " looks like a business-unit column but is " + type
                                + "; businessUnitField needs a Guid");
                    }
                }
                if (ROW_VERSION_COLUMNS.contains(compactColumn) && rowVersionField.isEmpty()) {
                    if (type.kind() == FieldType.Kind.INT64 || type.kind() == FieldType.Kind.INT32) {
                        rowVersionField = Optional.of(field);
                        rowVersion = true;
                    } else {
                        roleNotes.add("column " + column.name() + " looks like a row-version column but is " + type
                                + "; rowVersionField needs an Int64 or Int32");
                    }
                }
                StringBuilder line = new StringBuilder("      - { name: ")
                        .append(name(field))
                        .append(", column: ")
                        .append(name(column.name()))
                        .append(", type: ")
                        .append(type.kind() == FieldType.Kind.DECIMAL ? "\"" + type + "\"" : type.toString());
                boolean readOnly = rowVersion || column.generated();
                if (!isKey && !readOnly && column.notNull() && !column.hasDefault()) {
                    line.append(", required: true");
                }
                if (!isKey && readOnly) {
                    line.append(", readOnly: true");
                }
                column.remarks().ifPresent(text -> line.append(", labels: { en-US: ")
                        .append(quoted(text))
                        .append(" }"));
                line.append(" }");
                List<String> notes = new ArrayList<>();
                mapped.note().ifPresent(notes::add);
                if (column.generated() && !rowVersion) {
                    notes.add("generated column: read-only");
                }
                if (isKey && keyGuessed.getOrDefault(table.name(), false)) {
                    notes.add("the key: " + GUESSED + " (the view declares no primary key)");
                }
                if (!notes.isEmpty()) {
                    line.append("  # ").append(String.join("; ", notes));
                }
                fieldLines.add(line.append('\n').toString());
            }

            List<String> naturalKey = naturalKeys.getOrDefault(table.name(), List.of());
            if (keyColumn.isPresent()) {
                entity.append("    key: ").append(name(keyField)).append('\n');
            } else if (!naturalKey.isEmpty()) {
                entity.append("    key: [")
                        .append(naturalKey.stream()
                                .map(column -> name(fieldByColumn.get(column)))
                                .collect(java.util.stream.Collectors.joining(", ")))
                        .append("]  # the primary key (")
                        .append(String.join(", ", naturalKey))
                        .append("): the gateway derives the Guid ")
                        .append(keyField)
                        .append(" from it\n");
                entity.append("    # a read by ")
                        .append(keyField)
                        .append(" is an index seek with the index 'vegateway catalog discover' and 'vegateway check'"
                                + " print for it\n");
            } else {
                entity.append("    # key: none the gateway serves (see above)\n");
            }
            companyField.ifPresent(field -> role(entity, "companyField", field));
            ownerField.ifPresent(field -> role(entity, "ownerField", field));
            businessUnitField.ifPresent(field -> role(entity, "businessUnitField", field));
            rowVersionField.ifPresent(field -> role(entity, "rowVersionField", field));
            roleNotes.forEach(note -> entity.append("    # ").append(note).append('\n'));
            table.uniqueKeys().forEach((name, columns) -> entity.append("    # unique key ")
                    .append(name)
                    .append(" (")
                    .append(String.join(", ", columns))
                    .append("): not declared, the catalog has no alternate keys yet\n"));

            relations(table, fieldByColumn, typeByColumn, fieldNames, entity);
            entity.append("    fields:\n");
            fieldLines.forEach(entity::append);
            entity.append('\n');
            return entity.toString();
        }

        private static void role(StringBuilder entity, String key, String field) {
            entity.append("    ")
                    .append(key)
                    .append(": ")
                    .append(name(field))
                    .append("  # ")
                    .append(GUESSED)
                    .append('\n');
        }

        /** Foreign keys of one UUID column to the key of a table that becomes an entity; the others as comments. */
        private void relations(
                Table table,
                Map<String, String> fieldByColumn,
                Map<String, FieldType> typeByColumn,
                UniqueNames fieldNames,
                StringBuilder entity) {
            List<String> lines = new ArrayList<>();
            UniqueNames relationNames = fieldNames.copy();
            for (ForeignKey key : table.foreignKeys().values()) {
                List<String> columns = List.copyOf(key.columns().values());
                List<String> targetColumns = List.copyOf(key.targetColumns().values());
                String described = "foreign key " + key.name() + " (" + String.join(", ", columns) + ") -> "
                        + key.targetSchema().map(name -> name + ".").orElse("") + key.targetTable() + " ("
                        + String.join(", ", targetColumns) + ")";
                Optional<String> reason = Optional.empty();
                boolean sameSchema = key.targetSchema().map(schema::equals).orElse(true);
                if (columns.size() > 1) {
                    Optional<String> composite = compositeRelation(
                            key, columns, targetColumns, sameSchema, fieldByColumn, typeByColumn, relationNames);
                    if (composite.isPresent()) {
                        lines.add(composite.get() + "  # " + described + "\n");
                        continue;
                    }
                    reason = Optional.of(
                            "its columns refer to no natural key of a discovered table (a relation over several fields"
                                    + " refers to the target's primary key)");
                } else if (!sameSchema || !logicalNames.containsKey(key.targetTable())) {
                    reason = Optional.of("its table is not discovered (give it to --schema/--tables)");
                } else if (naturalKeys.containsKey(key.targetTable())) {
                    reason = Optional.of("its table has a natural key; relate to it with a targetField by hand");
                } else if (!keyColumns.containsKey(key.targetTable())) {
                    reason = Optional.of("its table is left out");
                } else if (!keyColumns.get(key.targetTable()).equals(targetColumns.get(0))) {
                    reason = Optional.of("it does not refer to the target's key");
                } else if (!fieldByColumn.containsKey(columns.get(0))
                        || typeByColumn.get(columns.get(0)).kind() != FieldType.Kind.GUID) {
                    reason = Optional.of("column " + columns.get(0) + " is not a Guid field");
                }
                if (reason.isPresent()) {
                    lines.add("      # " + described + " is no relation: " + reason.get() + "\n");
                    continue;
                }
                String column = columns.get(0);
                String stem = pascal(column);
                if (stem.isEmpty()) {
                    stem = pascal(key.targetTable());
                }
                String relation = relationNames.claim(options.prefix() + stem, "");
                lines.add("      - { name: " + name(relation) + ", field: " + name(fieldByColumn.get(column))
                        + ", target: " + name(logicalNames.get(key.targetTable())) + " }  # " + described + "\n");
            }
            if (lines.isEmpty()) {
                return;
            }
            boolean any = lines.stream().anyMatch(line -> line.startsWith("      - "));
            entity.append(any ? "    relations:\n" : "");
            lines.forEach(line -> entity.append(any ? line : line.replaceFirst("^      ", "    ")));
        }

        /**
         * A relation over several fields for a foreign key whose columns refer to the primary key of a
         * table served with a natural key, each column a field of the same kind as the one it refers to.
         */
        private Optional<String> compositeRelation(
                ForeignKey key,
                List<String> columns,
                List<String> targetColumns,
                boolean sameSchema,
                Map<String, String> fieldByColumn,
                Map<String, FieldType> typeByColumn,
                UniqueNames relationNames) {
            List<String> naturalKey = naturalKeys.get(key.targetTable());
            Optional<Table> target = tables.stream()
                    .filter(table -> table.name().equals(key.targetTable()))
                    .findFirst();
            if (!sameSchema
                    || naturalKey == null
                    || target.isEmpty()
                    || !java.util.Set.copyOf(targetColumns).equals(java.util.Set.copyOf(naturalKey))) {
                return Optional.empty();
            }
            Map<String, String> targetFields = new LinkedHashMap<>();
            Map<String, FieldType> targetTypes = new LinkedHashMap<>();
            fieldsOf(target.get(), targetFields, targetTypes);
            List<String> fields = new ArrayList<>();
            List<String> referred = new ArrayList<>();
            for (int index = 0; index < columns.size(); index++) {
                String column = columns.get(index);
                String targetColumn = targetColumns.get(index);
                if (!fieldByColumn.containsKey(column)
                        || !targetFields.containsKey(targetColumn)
                        || typeByColumn.get(column).kind()
                                != targetTypes.get(targetColumn).kind()) {
                    return Optional.empty();
                }
                fields.add(name(fieldByColumn.get(column)));
                referred.add(name(targetFields.get(targetColumn)));
            }
            String stem = columns.stream()
                    .filter(column -> !COMPANY_COLUMNS.contains(compact(column)))
                    .map(SchemaDiscovery::pascal)
                    .filter(text -> !text.isEmpty())
                    .findFirst()
                    .orElse(pascal(key.targetTable()));
            String relation = relationNames.claim(options.prefix() + stem, "");
            String lookup = relationNames.claim(relation.toLowerCase(Locale.ROOT) + "id", "");
            return Optional.of("      - { name: " + name(relation) + ", field: [" + String.join(", ", fields)
                    + "], target: " + name(logicalNames.get(key.targetTable())) + ", targetField: ["
                    + String.join(", ", referred) + "], lookupField: " + name(lookup) + " }");
        }

        /** The field name and type of each column of {@code table} that becomes a field, as {@link #entity} names them. */
        private void fieldsOf(Table table, Map<String, String> fieldByColumn, Map<String, FieldType> typeByColumn) {
            Optional<String> keyColumn = Optional.ofNullable(keyColumns.get(table.name()));
            UniqueNames fieldNames = new UniqueNames();
            String keyField = logicalNames.get(table.name()) + "id";
            fieldNames.reserve(keyField);
            for (Column column : table.columns()) {
                if (!CatalogLoader.NAME.matcher(column.name()).matches()) {
                    continue;
                }
                MappedType mapped = map(column);
                if (mapped.type().isEmpty()) {
                    continue;
                }
                boolean isKey = keyColumn.isPresent() && keyColumn.get().equals(column.name());
                fieldByColumn.put(
                        column.name(),
                        isKey ? keyField : fieldNames.claim(options.prefix() + compact(column.name()), ""));
                typeByColumn.put(column.name(), mapped.type().get());
            }
        }
    }

    // ---- names and text ----

    /** Lower case without '_': {@code sales_order_header} becomes {@code salesorderheader}. */
    static String compact(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "");
    }

    /** {@code customer_id} and {@code customerid} become {@code Customer}; {@code id} becomes empty. */
    static String pascal(String column) {
        String lower = column.toLowerCase(Locale.ROOT);
        if (lower.endsWith("_id")) {
            lower = lower.substring(0, lower.length() - 3);
        } else if (lower.endsWith("id")) {
            lower = lower.substring(0, lower.length() - 2);
        }
        StringBuilder pascal = new StringBuilder();
        for (String part : lower.split("_")) {
            if (!part.isEmpty()) {
                pascal.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return pascal.toString();
    }

    /** A name as a YAML scalar: plain unless YAML would read it as something else. */
    static String name(String text) {
        return YAML_WORDS.contains(text.toLowerCase(Locale.ROOT)) ? quoted(text) : text;
    }

    /** A double-quoted YAML scalar. */
    static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            switch (character) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (character < 0x20 || character == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) character));
                    } else {
                        quoted.append(character);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Names compared ignoring case (as the loader does); a taken name gets the next free number. */
    private static final class UniqueNames {
        private final Set<String> taken;

        UniqueNames() {
            this(new HashSet<>());
        }

        private UniqueNames(Set<String> taken) {
            this.taken = taken;
        }

        void reserve(String name) {
            taken.add(name.toLowerCase(Locale.ROOT));
        }

        /** {@code stem + suffix}, else {@code stem + 2 + suffix}, … */
        String claim(String stem, String suffix) {
            String candidate = stem + suffix;
            for (int number = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)); number++) {
                candidate = stem + number + suffix;
            }
            taken.add(candidate.toLowerCase(Locale.ROOT));
            return candidate;
        }

        UniqueNames copy() {
            return new UniqueNames(new HashSet<>(taken));
        }
    }
}
