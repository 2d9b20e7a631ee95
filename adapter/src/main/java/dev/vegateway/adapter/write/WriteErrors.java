package dev.vegateway.adapter.write;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Classifies a failed write by SQLSTATE: integrity violations become a 4xx that names what the
 * client can act on (the duplicate key, the dependent records, the constraint's field), never
 * the backend's own text.
 */
final class WriteErrors {
    private WriteErrors() {}

    static GatewayException classify(SQLException exception, EntityDefinition entity, Catalog catalog) {
        String state = exception.getSQLState() == null ? "" : exception.getSQLState();
        String message =
                exception.getMessage() == null ? "" : exception.getMessage().toLowerCase(Locale.ROOT);
        switch (state) {
            case "23505" -> {
                return new GatewayException(
                        ErrorCode.DUPLICATE_RECORD,
                        "A record with the same key already exists in entity '" + entity.logicalName() + "'"
                                + constraintField(entity, message) + ".",
                        exception);
            }
            case "23503" -> {
                String dependent = catalog.entities().stream()
                        .filter(other -> message.contains(other.table().name().toLowerCase(Locale.ROOT))
                                && !other.equals(entity))
                        .map(EntityDefinition::logicalName)
                        .findFirst()
                        .orElse("another entity");
                return new GatewayException(
                        ErrorCode.DUPLICATE_RECORD,
                        "The record is referenced by records of " + dependent
                                + " (or refers to a record that does not exist); delete or change those first.",
                        exception);
            }
            case "23502" -> {
                return new GatewayException(
                        ErrorCode.VALIDATION,
                        "A required value is missing" + constraintField(entity, message) + ".",
                        exception);
            }
            default -> {
                if (state.startsWith("23") || state.startsWith("22")) {
                    return new GatewayException(
                            ErrorCode.VALIDATION,
                            "The backend refused the values" + constraintField(entity, message) + ".",
                            exception);
                }
                return SqlErrors.classify(exception, "the write");
            }
        }
    }

    /** " (field 'x')" when the backend's message names one of the entity's columns. */
    private static String constraintField(EntityDefinition entity, String message) {
        return entity.fields().stream()
                .filter(field -> message.contains("\"" + field.column().toLowerCase(Locale.ROOT) + "\"")
                        || message.contains("(" + field.column().toLowerCase(Locale.ROOT) + ")")
                        || message.contains(" " + field.column().toLowerCase(Locale.ROOT) + " "))
                .map(field -> " (field '" + field.logicalName() + "')")
                .findFirst()
                .orElse("");
    }
}
