package dev.vegateway.adapter.jdbc;

import dev.vegateway.catalog.FieldType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Reads one column as the Java type of its catalog field (null for SQL NULL). */
public final class ColumnReader {
    private ColumnReader() {}

    public static Object read(ResultSet resultSet, int column, FieldType type) throws SQLException {
        Object value =
                switch (type.kind()) {
                    case STRING, MULTI_ENUM -> resultSet.getString(column);
                    case INT32, ENUM -> {
                        int number = resultSet.getInt(column);
                        yield resultSet.wasNull() ? null : number;
                    }
                    case INT64 -> {
                        long number = resultSet.getLong(column);
                        yield resultSet.wasNull() ? null : number;
                    }
                    case DECIMAL -> resultSet.getBigDecimal(column);
                    case DOUBLE -> {
                        double number = resultSet.getDouble(column);
                        yield resultSet.wasNull() ? null : number;
                    }
                    case BOOLEAN -> {
                        boolean flag = resultSet.getBoolean(column);
                        yield resultSet.wasNull() ? null : flag;
                    }
                    case DATE -> resultSet.getObject(column, LocalDate.class);
                    case DATE_TIME_OFFSET -> {
                        OffsetDateTime timestamp = resultSet.getObject(column, OffsetDateTime.class);
                        yield timestamp == null ? null : timestamp.withOffsetSameInstant(ZoneOffset.UTC);
                    }
                    case GUID -> resultSet.getObject(column, UUID.class);
                };
        return value;
    }
}
