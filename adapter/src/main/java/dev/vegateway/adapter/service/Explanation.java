package dev.vegateway.adapter.service;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Why a user can or cannot read, create, write or delete an entity's rows, one row and one field:
 * what {@link Explainer} answers, printed by {@code vegateway explain} and written as JSON by the
 * function {@code vegateway_Explain}.
 *
 * @param user the user, or empty when there is no such user ({@code refusal} says so)
 * @param refusal the gateway's own message refusing the user as a caller (disabled, Administrative,
 *     a stub, no role, unknown); it overrides everything else: the privileges, field rules and row
 *     verdicts of a user that exists but cannot call are what its roles would grant
 * @param privileges Read, Create, Write and Delete on the entity, in that order (empty for an unknown user)
 * @param field the field asked about, if any
 * @param row the row asked about, if any
 */
public record Explanation(
        UUID userId,
        String entity,
        Optional<Subject> user,
        Optional<String> refusal,
        List<PrivilegeVerdict> privileges,
        Optional<FieldRules> fieldSecurity,
        Optional<FieldVerdict> field,
        Optional<RowVerdict> row) {

    /** Whether the user may call at all (no refusal overrides the breakdown). */
    public boolean canCall() {
        return refusal.isEmpty();
    }

    public Explanation {
        requireNonNull(userId, "userId is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(user, "user is null");
        requireNonNull(refusal, "refusal is null");
        privileges = List.copyOf(privileges);
        requireNonNull(fieldSecurity, "fieldSecurity is null");
        requireNonNull(field, "field is null");
        requireNonNull(row, "row is null");
    }

    /** The user as a caller: its unit, every role it holds (directly or through a team), whether it is a System administrator. */
    public record Subject(
            String name,
            Optional<UUID> businessUnit,
            Optional<String> businessUnitName,
            List<String> roles,
            boolean systemAdministrator) {
        public Subject {
            requireNonNull(name, "name is null");
            requireNonNull(businessUnit, "businessUnit is null");
            requireNonNull(businessUnitName, "businessUnitName is null");
            roles = List.copyOf(roles);
        }
    }

    /**
     * One privilege on the entity: allowed or not, on every row (an administrator) or on the rows of
     * any of {@code grants}; {@code refusal} is the 403 message when no role grants it.
     */
    public record PrivilegeVerdict(
            String privilege, boolean allowed, boolean everyRow, List<Grant> grants, Optional<String> refusal) {
        public PrivilegeVerdict {
            requireNonNull(privilege, "privilege is null");
            grants = List.copyOf(grants);
            requireNonNull(refusal, "refusal is null");
        }
    }

    /**
     * One role assignment granting the privilege: the role, its depth, how it is held ({@code via}:
     * "directly", "through team 'X'", "through group team 'X' (TeamPrivilegesOnly)"), the owners Basic
     * opens, the business unit Local and Deep open (and whether the assignment names it: a role from
     * another unit), its company restriction and row filter; for a row, whether this assignment alone
     * opens it and whether its row filter holds for it.
     */
    public record Grant(
            String role,
            String depth,
            String via,
            Optional<UUID> team,
            Set<UUID> owners,
            Optional<UUID> businessUnit,
            Optional<String> businessUnitName,
            boolean businessUnitAssigned,
            Optional<Set<String>> companies,
            Optional<String> rowFilter,
            Optional<Boolean> opensRow,
            Optional<Boolean> rowFilterHolds) {
        public Grant {
            requireNonNull(role, "role is null");
            requireNonNull(depth, "depth is null");
            requireNonNull(via, "via is null");
            requireNonNull(team, "team is null");
            owners = Set.copyOf(owners);
            requireNonNull(businessUnit, "businessUnit is null");
            requireNonNull(businessUnitName, "businessUnitName is null");
            requireNonNull(companies, "companies is null");
            requireNonNull(rowFilter, "rowFilter is null");
            requireNonNull(opensRow, "opensRow is null");
            requireNonNull(rowFilterHolds, "rowFilterHolds is null");
        }
    }

    /** The entity's fields hidden from reads, not settable on create, not settable on update. */
    public record FieldRules(
            Set<String> hiddenFromReads, Set<String> notSettableOnCreate, Set<String> notSettableOnUpdate) {
        public FieldRules {
            hiddenFromReads = Set.copyOf(hiddenFromReads);
            notSettableOnCreate = Set.copyOf(notSettableOnCreate);
            notSettableOnUpdate = Set.copyOf(notSettableOnUpdate);
        }
    }

    /** One field: whether the user may read it, set it on create, set it on update. */
    public record FieldVerdict(String field, boolean read, boolean create, boolean update) {
        public FieldVerdict {
            requireNonNull(field, "field is null");
        }
    }

    /** One row: whether it exists, and for Read, Write and Delete whether it lies inside the rows granted. */
    public record RowVerdict(UUID key, boolean exists, List<RowPrivilege> privileges) {
        public RowVerdict {
            requireNonNull(key, "key is null");
            privileges = List.copyOf(privileges);
        }
    }

    /** One privilege on the row; {@code refusal} the 403 message when no role grants the privilege at all. */
    public record RowPrivilege(String privilege, boolean allowed, Optional<String> refusal) {
        public RowPrivilege {
            requireNonNull(privilege, "privilege is null");
            requireNonNull(refusal, "refusal is null");
        }
    }
}
