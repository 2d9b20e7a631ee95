package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What a directory says of a group: its name (also its team's), its directory id, and its direct members (user ids). */
public record DirectoryGroupFields(String displayName, Optional<String> externalId, List<UUID> members) {
    public DirectoryGroupFields {
        requireNonNull(displayName, "displayName is null");
        requireNonNull(externalId, "externalId is null");
        members = List.copyOf(new java.util.LinkedHashSet<>(requireNonNull(members, "members is null")));
    }

    public DirectoryGroupFields withMembers(List<UUID> value) {
        return new DirectoryGroupFields(displayName, externalId, value);
    }
}
