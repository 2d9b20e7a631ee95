package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * One change of the portal mapping table made through the API: who (backend user and
 * application), when, what, and the mapping before and after as JSON objects with the API's
 * property names ({@code before} is empty on create, {@code after} on delete).
 */
public record PortalMappingAuditEntry(
        UUID id,
        OffsetDateTime changedAt,
        UUID changedBy,
        String applicationId,
        Operation operation,
        UUID contactId,
        Optional<String> before,
        Optional<String> after) {

    public enum Operation {
        CREATE,
        UPDATE,
        DELETE
    }

    public PortalMappingAuditEntry {
        requireNonNull(id, "id is null");
        requireNonNull(changedAt, "changedAt is null");
        requireNonNull(changedBy, "changedBy is null");
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(contactId, "contactId is null");
        requireNonNull(before, "before is null");
        requireNonNull(after, "after is null");
    }
}
