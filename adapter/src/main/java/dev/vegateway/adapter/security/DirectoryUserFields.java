package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * What a directory says of a user: {@code externalId} is its directory object id (the Entra
 * object id a caller sends as {@code CallerObjectId}), {@code active} whether the directory
 * lets it sign in.
 */
public record DirectoryUserFields(
        String userName,
        Optional<UUID> externalId,
        boolean active,
        Optional<String> displayName,
        Optional<String> givenName,
        Optional<String> familyName) {
    public DirectoryUserFields {
        requireNonNull(userName, "userName is null");
        requireNonNull(externalId, "externalId is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(givenName, "givenName is null");
        requireNonNull(familyName, "familyName is null");
    }

    /** The backend user's name: the display name, else given and family name, else the user name. */
    public String backendName() {
        if (displayName.isPresent()) {
            return displayName.get();
        }
        String joined = (givenName.orElse("") + " " + familyName.orElse("")).trim();
        return joined.isEmpty() ? userName : joined;
    }

    public DirectoryUserFields withActive(boolean value) {
        return new DirectoryUserFields(userName, externalId, value, displayName, givenName, familyName);
    }
}
