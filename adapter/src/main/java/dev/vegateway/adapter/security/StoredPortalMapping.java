package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A portal mapping as stored, with its last change through the API: when, and the name of the
 * user who made it. Both are empty for a mapping that comes from an import and was not changed
 * since.
 */
public record StoredPortalMapping(
        PortalMapping mapping, Optional<OffsetDateTime> modifiedOn, Optional<String> modifiedBy) {
    public StoredPortalMapping {
        requireNonNull(mapping, "mapping is null");
        requireNonNull(modifiedOn, "modifiedOn is null");
        requireNonNull(modifiedBy, "modifiedBy is null");
    }
}
