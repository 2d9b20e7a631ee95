package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where the depths of one role assignment reach, and how the user holds it:
 *
 * <ul>
 *   <li>Basic opens the rows whose owner column holds one of {@code owners}: the user's own id, and
 *       for a role held through a team the team's id too (team-owned rows count as the members'
 *       own); a group team with {@link TeamInheritance#TEAM_PRIVILEGES_ONLY} opens only the team's
 *       rows, never the member's;
 *   <li>Local opens the rows of {@code businessUnit}, Deep those of {@code businessUnitAndDescendants}:
 *       the user's unit, the team's unit for {@link TeamInheritance#TEAM_PRIVILEGES_ONLY}, or the
 *       unit the assignment names ({@code businessUnitAssigned}: a role from another business unit).
 * </ul>
 *
 * An empty {@code businessUnit} (a user without one) makes Local and Deep open no row.
 */
public record Reach(
        Via via,
        Set<UUID> owners,
        Optional<UUID> businessUnit,
        Set<UUID> businessUnitAndDescendants,
        boolean businessUnitAssigned) {

    public Reach {
        requireNonNull(via, "via is null");
        owners = Ordered.set(requireNonNull(owners, "owners is null"));
        requireNonNull(businessUnit, "businessUnit is null");
        businessUnitAndDescendants =
                Ordered.set(requireNonNull(businessUnitAndDescendants, "businessUnitAndDescendants is null"));
    }

    /** A role the user holds directly, in its own business unit. */
    public static Reach direct(UUID user, Optional<UUID> businessUnit, Set<UUID> businessUnitAndDescendants) {
        return new Reach(Via.DIRECTLY, Set.of(user), businessUnit, businessUnitAndDescendants, false);
    }

    /** How a role assignment is held: directly, or through a team (an owner team or a group team with its inheritance). */
    public record Via(Optional<UUID> team, Optional<String> teamName, Optional<TeamInheritance> groupTeam) {
        /** Held by the user itself. */
        public static final Via DIRECTLY = new Via(Optional.empty(), Optional.empty(), Optional.empty());

        public Via {
            requireNonNull(team, "team is null");
            requireNonNull(teamName, "teamName is null");
            requireNonNull(groupTeam, "groupTeam is null");
            if (team.isPresent() != teamName.isPresent()) {
                throw new IllegalArgumentException("a team needs both its id and its name");
            }
            if (groupTeam.isPresent() && team.isEmpty()) {
                throw new IllegalArgumentException("a group team's inheritance needs the team");
            }
        }

        /** Whether the team's roles open only the team's rows and unit. */
        public boolean teamPrivilegesOnly() {
            return groupTeam
                    .filter(TeamInheritance.TEAM_PRIVILEGES_ONLY::equals)
                    .isPresent();
        }

        /** As an administrator reads it: "directly", "through team 'X'", "through group team 'X' (TeamPrivilegesOnly)". */
        public String describe() {
            if (team.isEmpty()) {
                return "directly";
            }
            return groupTeam
                    .map(inheritance ->
                            "through group team '" + teamName.get() + "' (" + inheritance.documentName() + ")")
                    .orElse("through team '" + teamName.get() + "'");
        }
    }
}
