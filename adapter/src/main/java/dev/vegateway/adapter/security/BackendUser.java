package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A backend user: {@code id} is the {@code MSCRMCallerID}, {@code entraObjectId} the
 * {@code CallerObjectId}. Person users always have a business unit; application users never do.
 */
public record BackendUser(
        UUID id,
        String name,
        Optional<UUID> entraObjectId,
        boolean enabled,
        AccessMode accessMode,
        UserKind kind,
        Optional<UUID> businessUnitId,
        Map<String, String> attributes) {

    public BackendUser {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(entraObjectId, "entraObjectId is null");
        requireNonNull(accessMode, "accessMode is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(businessUnitId, "businessUnitId is null");
        attributes = Ordered.map(requireNonNull(attributes, "attributes is null"));
    }
}
