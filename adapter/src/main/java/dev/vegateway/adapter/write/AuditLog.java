package dev.vegateway.adapter.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The audit trail of data writes, in the security schema of the backend database: one row per
 * write, inserted in the write's own transaction (so there is never a write without its
 * record, nor a record of a write that rolled back). Never writable through the API.
 */
public final class AuditLog {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The entity set that exposes the audit, read-only, to System and Security administrators. */
    public static final String ENTITY = "vegateway_dataaudit";

    public static final String ENTITY_SET = "vegateway_dataaudits";

    private final String table;
    private final String schema;

    public AuditLog(String schema) {
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("invalid schema name " + schema);
        }
        this.schema = schema;
        this.table = '"' + schema + "\".\"data_audit\"";
    }

    /** The audit table as a catalog entity (served by the ordinary read path; never writable). */
    public EntityDefinition entity() {
        List<FieldDefinition> fields = List.of(
                field("vegateway_dataauditid", "id", FieldType.of(FieldType.Kind.GUID), true),
                field("vegateway_changedon", "changed_at", FieldType.of(FieldType.Kind.DATE_TIME_OFFSET), true),
                field("vegateway_userid", "user_id", FieldType.of(FieldType.Kind.GUID), true),
                field("vegateway_applicationid", "application_id", FieldType.string(100), true),
                field("vegateway_operation", "operation", FieldType.string(100), true),
                field("vegateway_entity", "entity", FieldType.string(128), true),
                field("vegateway_recordid", "record_key", FieldType.of(FieldType.Kind.GUID), true),
                field("vegateway_changes", "changes", FieldType.string(1_000_000), true));
        return EntityDefinition.builder(
                        ENTITY,
                        ENTITY_SET,
                        new TableName(java.util.Optional.of(schema), "data_audit"),
                        "vegateway_dataauditid")
                .labels(Map.of("en-US", "Data audit"))
                .fields(fields)
                .build()
                .ownedByTheGateway();
    }

    private static FieldDefinition field(String name, String column, FieldType type, boolean required) {
        return new FieldDefinition(name, column, type, required, true, Map.of());
    }

    public void createIfMissing(DataSource dataSource, String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (id UUID PRIMARY KEY, changed_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " user_id UUID NOT NULL, application_id VARCHAR(100) NOT NULL, operation VARCHAR(100) NOT NULL, entity VARCHAR(128) NOT NULL,"
                    + " record_key UUID NOT NULL, changes VARCHAR(1000000) NOT NULL)");
            widenOperation(statement);
            // The version a write to a change-tracked entity took (see ChangeTracking); null for any other.
            statement.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS change_version BIGINT");
            // The retention purge and the export select by time.
            statement.execute("CREATE INDEX IF NOT EXISTS \"data_audit_changed_at\" ON " + table + " (changed_at)");
            // A delta link finds the deletions since its version.
            statement.execute("CREATE INDEX IF NOT EXISTS \"data_audit_change_version\" ON " + table
                    + " (entity, change_version)");
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    /** Tables created before actions were audited ("action:<name>") had operation VARCHAR(20). */
    private void widenOperation(Statement statement) throws SQLException {
        int width;
        try (java.sql.ResultSet result = statement.executeQuery("SELECT operation FROM " + table + " WHERE 1 = 0")) {
            width = result.getMetaData().getPrecision(1);
        }
        if (width > 0 && width < 100) {
            statement.execute("ALTER TABLE " + table + " ALTER COLUMN operation SET DATA TYPE VARCHAR(100)");
        }
    }

    /**
     * Records a write; {@code before}/{@code after} hold the changed fields' old and new values (absent side = null),
     * {@code changeVersion} the version the write took when its entity is change-tracked (else null).
     */
    void record(
            Connection connection,
            OffsetDateTime at,
            WriteContext context,
            String operation,
            String entity,
            UUID key,
            Map<FieldDefinition, Object> before,
            Map<FieldDefinition, Object> after,
            Long changeVersion)
            throws SQLException {
        ObjectNode changes = JSON.createObjectNode();
        java.util.Set<FieldDefinition> fields = new java.util.LinkedHashSet<>(before.keySet());
        fields.addAll(after.keySet());
        for (FieldDefinition field : fields) {
            Object old = before.get(field);
            Object now = after.get(field);
            if (before.containsKey(field) && after.containsKey(field) && Objects.equals(normal(old), normal(now))) {
                continue;
            }
            ObjectNode change = changes.putObject(field.logicalName());
            put(change, "old", old);
            put(change, "new", now);
        }
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table
                + " (id, changed_at, user_id, application_id, operation, entity, record_key, changes,"
                + " change_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setObject(1, UUID.randomUUID());
            statement.setObject(2, at);
            statement.setObject(3, context.userId());
            statement.setString(4, context.applicationId());
            statement.setString(5, operation);
            statement.setString(6, entity);
            statement.setObject(7, key);
            statement.setString(8, changes.toString());
            if (changeVersion == null) {
                statement.setNull(9, java.sql.Types.BIGINT);
            } else {
                statement.setLong(9, changeVersion);
            }
            statement.executeUpdate();
        }
    }

    /** A value as JSON: numbers and booleans as such, everything else (keys, dates, text) as its text; null as null. */
    private static void put(ObjectNode node, String name, Object value) {
        if (value == null) {
            node.putNull(name);
        } else if (value instanceof Boolean flag) {
            node.put(name, flag);
        } else if (value instanceof Integer number) {
            node.put(name, number);
        } else if (value instanceof Long number) {
            node.put(name, number);
        } else if (value instanceof java.math.BigDecimal number) {
            node.put(name, number);
        } else if (value instanceof java.math.BigInteger number) {
            node.put(name, number);
        } else if (value instanceof Double number && Double.isFinite(number)) {
            node.put(name, number);
        } else {
            node.put(name, value.toString());
        }
    }

    private static Object normal(Object value) {
        return value instanceof BigDecimal decimal ? decimal.stripTrailingZeros() : value;
    }

    String table() {
        return table;
    }
}
