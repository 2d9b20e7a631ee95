package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A user provisioned from a directory (SCIM): {@code id} is the backend user id ({@code MSCRMCallerID}),
 * {@code fields} what the directory says; {@code enabled} whether the gateway lets the user call
 * (active in the directory and, when {@code provisioning.securityGroup} is set, a direct member of
 * that group).
 */
public record DirectoryUser(
        UUID id, DirectoryUserFields fields, boolean enabled, OffsetDateTime created, OffsetDateTime lastModified) {
    public DirectoryUser {
        requireNonNull(id, "id is null");
        requireNonNull(fields, "fields is null");
        requireNonNull(created, "created is null");
        requireNonNull(lastModified, "lastModified is null");
    }
}
