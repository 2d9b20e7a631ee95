package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** Who changes security data through the API: the backend user, and the application it called through. */
public record ChangeAuthor(UUID userId, String userName, String applicationId) {
    public ChangeAuthor {
        requireNonNull(userId, "userId is null");
        requireNonNull(userName, "userName is null");
        requireNonNull(applicationId, "applicationId is null");
    }
}
