package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.Condition;
import java.util.Optional;
import java.util.UUID;

/**
 * Who writes, on behalf of which application, and the rows each write privilege lets them
 * touch. {@link Scopes} gives the row-security condition of a privilege for the entity (the
 * same per-relation conjunct reads use), or throws 403 when the caller lacks the privilege.
 */
public record WriteContext(
        UUID userId, String userName, Optional<UUID> businessUnit, String applicationId, Scopes scopes) {
    public WriteContext {
        requireNonNull(userId, "userId is null");
        requireNonNull(userName, "userName is null");
        requireNonNull(businessUnit, "businessUnit is null");
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(scopes, "scopes is null");
    }

    public enum Operation {
        CREATE,
        WRITE,
        DELETE
    }

    /** The row-scope condition (alias {@code t0}) of a write privilege on the entity being written. */
    @FunctionalInterface
    public interface Scopes {
        Condition of(Operation operation);
    }
}
