package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.Condition;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who writes, on behalf of which application, and what each write privilege lets them touch.
 * {@link Scopes} gives, per privilege, the row-security condition for the entity (the same
 * per-relation conjunct reads use) and the fields field security forbids setting, or throws 403
 * when the caller lacks the privilege. Build it with {@link WriteScopes}.
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

    /**
     * What one write privilege allows on the entity written.
     *
     * @param rows the row-security condition (alias {@code t0}) the record must meet before and after the write
     * @param protectedFields the fields the caller may not set with this privilege (always empty for Delete)
     */
    public record Allowed(Condition rows, Set<String> protectedFields) {
        public Allowed {
            requireNonNull(rows, "rows is null");
            protectedFields = Set.copyOf(requireNonNull(protectedFields, "protectedFields is null"));
        }

        /** Rows only: no field is protected. */
        public static Allowed rows(Condition rows) {
            return new Allowed(rows, Set.of());
        }
    }

    /** What each write privilege allows on the entity being written. */
    @FunctionalInterface
    public interface Scopes {
        Allowed of(Operation operation);
    }
}
