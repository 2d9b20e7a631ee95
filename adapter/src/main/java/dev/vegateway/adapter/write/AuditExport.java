package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.vegateway.adapter.jdbc.ColumnReader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the audit rows of a time range as JSON lines: one object per row, with the field names
 * and value forms the audit entity set serves ({@code vegateway_changedon} as an ISO-8601 UTC
 * timestamp, keys as GUID text, {@code vegateway_changes} as the JSON text it holds), oldest
 * first. Streams: rows are fetched in pages of {@value #FETCH_SIZE} inside one read-only
 * transaction and written as they arrive, so memory stays constant whatever the range holds.
 */
public final class AuditExport {
    static final int FETCH_SIZE = 500;
    private static final JsonFactory JSON = new JsonFactory();

    private final AuditLog audit;
    private final List<FieldDefinition> fields;

    public AuditExport(AuditLog audit) {
        this.audit = requireNonNull(audit, "audit is null");
        EntityDefinition entity = audit.entity();
        this.fields = entity.fields();
    }

    /**
     * Writes the rows with {@code since <= changed_at < until} to {@code out}, one line each, and
     * flushes it; the connection's auto-commit and read-only settings are restored.
     *
     * @return the number of rows written
     */
    public long write(Connection connection, Instant since, Instant until, Writer out)
            throws SQLException, IOException {
        requireNonNull(connection, "connection is null");
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        requireNonNull(out, "out is null");
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
        String columns = fields.stream().map(FieldDefinition::column).collect(Collectors.joining(", "));
        String sql = "SELECT " + columns + " FROM " + audit.table()
                + " WHERE changed_at >= ? AND changed_at < ? ORDER BY changed_at, id";
        boolean autoCommit = connection.getAutoCommit();
        boolean readOnly = connection.isReadOnly();
        // PostgreSQL honours the fetch size only inside a transaction; otherwise it reads the whole result.
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        long rows = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(FETCH_SIZE);
            statement.setObject(1, since.atOffset(ZoneOffset.UTC));
            statement.setObject(2, until.atOffset(ZoneOffset.UTC));
            try (ResultSet resultSet = statement.executeQuery();
                    JsonGenerator json = JSON.createGenerator(out)) {
                json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                json.setRootValueSeparator(new SerializedString("\n"));
                while (resultSet.next()) {
                    json.writeStartObject();
                    for (int index = 0; index < fields.size(); index++) {
                        FieldDefinition field = fields.get(index);
                        json.writeFieldName(field.logicalName());
                        writeValue(json, field, ColumnReader.read(resultSet, index + 1, field.type()));
                    }
                    json.writeEndObject();
                    rows++;
                }
                if (rows > 0) {
                    json.writeRaw('\n');
                }
                json.flush();
            }
            connection.commit();
        } finally {
            try {
                connection.rollback();
            } finally {
                connection.setReadOnly(readOnly);
                connection.setAutoCommit(autoCommit);
            }
        }
        out.flush();
        return rows;
    }

    /** The value in the form the OData answers give it. */
    private static void writeValue(JsonGenerator json, FieldDefinition field, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (field.type().kind()) {
            case STRING, GUID, MULTI_ENUM -> json.writeString(value.toString());
            case INT32, ENUM -> json.writeNumber((Integer) value);
            case INT64 -> json.writeNumber((Long) value);
            case DECIMAL -> json.writeNumber((BigDecimal) value);
            case DOUBLE -> json.writeNumber((Double) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case DATE -> json.writeString(((LocalDate) value).toString());
            case DATE_TIME_OFFSET -> json.writeString(
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) value));
        }
    }
}
