package dev.vegateway.adapter.sql;

import dev.vegateway.catalog.DerivedKey;
import dev.vegateway.catalog.DerivedValue;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL expressions of fields computed from a natural key ({@link DerivedValue}): the derived
 * GUID and {@code mserp_primaryfield}. Identifiers come from the catalog and the only constants are
 * the entity's logical name (a catalog name: letters, digits, '_') and its entity number (hex), so
 * the text is safe to write without parameters, and it is the same text every time, which a
 * PostgreSQL expression index needs to match it.
 */
public final class DerivedSql {
    private DerivedSql() {}

    /** The expression of {@code field} over the columns of the relation {@code alias} (unqualified when empty). */
    static String expression(Dialect dialect, String alias, FieldDefinition field) {
        DerivedValue derived = field.derived()
                .orElseThrow(() -> new IllegalArgumentException(field.logicalName() + " is not derived"));
        return switch (derived.kind()) {
            case GUID -> guid(dialect, alias, derived.key());
            case PRIMARY_TEXT -> primaryText(dialect, alias, derived.key());
        };
    }

    /** The derived GUID of a row. */
    static String guid(Dialect dialect, String alias, DerivedKey key) {
        return switch (key.scheme()) {
            case RECORD_ID -> dialect.recordIdUuid(
                    key.entityNumberHex(), column(dialect, alias, key.parts().get(0)));
            case NAME_HASH -> {
                StringBuilder name =
                        new StringBuilder("'").append(key.entityLogicalName()).append("'");
                for (FieldDefinition part : key.parts()) {
                    name.append(" || '|' || ").append(hashText(dialect, column(dialect, alias, part), part));
                }
                yield dialect.sha256Uuid(name.toString());
            }
        };
    }

    private static String primaryText(Dialect dialect, String alias, DerivedKey key) {
        List<String> parts = new ArrayList<>();
        for (FieldDefinition part : key.parts()) {
            String column = column(dialect, alias, part);
            parts.add(
                    switch (part.type().kind()) {
                        case BOOLEAN -> "CASE WHEN " + column + " THEN 'true' ELSE 'false' END";
                        default -> "CAST(" + column + " AS VARCHAR)";
                    });
        }
        return "SUBSTRING(" + String.join(" || '|' || ", parts) + " FROM 1 FOR " + DerivedKey.PRIMARY_FIELD_LENGTH
                + ")";
    }

    private static String hashText(Dialect dialect, String column, FieldDefinition part) {
        return switch (part.type().kind()) {
            case STRING -> "REPLACE(REPLACE(" + column + ", '\\', '\\\\'), '|', '\\|')";
            case INT32, INT64, GUID -> "CAST(" + column + " AS VARCHAR)";
            case DATE -> "CAST(" + dialect.dayNumber(column) + " AS VARCHAR)";
            case BOOLEAN -> "CASE WHEN " + column + " THEN 'true' ELSE 'false' END";
            case DECIMAL, DOUBLE, DATE_TIME_OFFSET, ENUM, MULTI_ENUM -> throw new IllegalStateException(
                    "a key part may not be " + part.type());
        };
    }

    private static String column(Dialect dialect, String alias, FieldDefinition field) {
        String quoted = dialect.quoteIdentifier(field.column());
        return alias.isEmpty() ? quoted : alias + "." + quoted;
    }

    /**
     * A query that looks a row of {@code entity} up by its derived GUID exactly as the gateway does,
     * for {@code EXPLAIN}: whether the backend has an index for it (PostgreSQL, composite keys only:
     * what {@link #keyIndexStatements} would create); empty where there is nothing to look for.
     */
    public static Optional<String> keyLookupProbe(Dialect dialect, EntityDefinition entity) {
        Optional<DerivedKey> key = entity.derivedKey();
        if (!(dialect instanceof PostgreSqlDialect)
                || key.isEmpty()
                || key.get().scheme() != DerivedKey.Scheme.NAME_HASH
                || key.get().storedColumn().isPresent()) {
            return Optional.empty();
        }
        String table = entity.table()
                        .schema()
                        .map(schema -> dialect.quoteIdentifier(schema) + ".")
                        .orElse("")
                + dialect.quoteIdentifier(entity.table().name());
        return Optional.of("SELECT 1 FROM " + table + " WHERE " + guid(dialect, "", key.get())
                + " = CAST('00000000-0000-0000-0000-000000000000' AS UUID)");
    }

    /**
     * The statements that make looking a row up by its derived GUID an index seek, for an entity
     * whose GUID is a hash of a composite key: on PostgreSQL an expression index; on H2 (which has
     * no expression indexes) a generated column with an index, which the catalog then names as
     * {@code keyColumn}. Empty for keys that need none (a RecId key is decoded; a stored key column
     * is the operator's to index).
     */
    public static List<String> keyIndexStatements(Dialect dialect, EntityDefinition entity) {
        Optional<DerivedKey> key = entity.derivedKey();
        if (key.isEmpty()
                || key.get().scheme() != DerivedKey.Scheme.NAME_HASH
                || key.get().storedColumn().isPresent()) {
            return List.of();
        }
        String table = entity.table()
                        .schema()
                        .map(schema -> dialect.quoteIdentifier(schema) + ".")
                        .orElse("")
                + dialect.quoteIdentifier(entity.table().name());
        String index = dialect.quoteIdentifier(entity.table().name() + "_" + entity.keyField());
        String expression = guid(dialect, "", key.get());
        if (dialect instanceof PostgreSqlDialect) {
            return List.of("CREATE INDEX " + index + " ON " + table + " ((" + expression + "));");
        }
        String column = dialect.quoteIdentifier(entity.keyField());
        return List.of(
                "ALTER TABLE " + table + " ADD COLUMN " + column + " UUID GENERATED ALWAYS AS (" + expression + ");",
                "CREATE INDEX " + index + " ON " + table + " (" + column + ");",
                "-- and in the catalog entity: keyColumn: " + entity.keyField());
    }
}
