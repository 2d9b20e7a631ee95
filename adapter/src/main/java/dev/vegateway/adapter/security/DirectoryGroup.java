package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A directory group (SCIM), bound to the team {@code teamId} whose members it decides. */
public record DirectoryGroup(
        UUID id, DirectoryGroupFields fields, UUID teamId, OffsetDateTime created, OffsetDateTime lastModified) {
    public DirectoryGroup {
        requireNonNull(id, "id is null");
        requireNonNull(fields, "fields is null");
        requireNonNull(teamId, "teamId is null");
        requireNonNull(created, "created is null");
        requireNonNull(lastModified, "lastModified is null");
    }
}
