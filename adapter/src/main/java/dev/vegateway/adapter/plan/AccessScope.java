package dev.vegateway.adapter.plan;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.rowfilter.CallerProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the caller may read of one entity, as the planner needs it: the caller's identity for
 * Basic/Local/Deep depth, one {@link Grant} per role assignment that grants Read, and the
 * fields no granting role lets them read. Built from the security model; the planner never
 * looks at the store.
 *
 * @param unrestricted System administrator: every row and field
 * @param userAttributes the caller's custom attributes, for {@code @user.attributes.<name>} in row filters
 * @param companies the companies the caller holds a role in, for {@code @user.companies} in row filters
 * @param teams the teams the caller is a member of, for {@code EqualUserTeams} and {@code EqualUserOrUserTeams}
 * @param profile the caller's reports, their teams and its language, for {@code EqualUserOrUserHierarchy…} and
 *     {@code EqualUserLanguage}
 */
public record AccessScope(
        UUID userId,
        String userName,
        boolean unrestricted,
        List<Grant> grants,
        Set<String> unreadableFields,
        Optional<UUID> businessUnit,
        Set<UUID> businessUnitAndDescendants,
        Map<String, String> userAttributes,
        Set<String> companies,
        Set<UUID> teams,
        CallerProfile profile) {

    public AccessScope {
        requireNonNull(userId, "userId is null");
        requireNonNull(userName, "userName is null");
        grants = List.copyOf(grants);
        unreadableFields = Set.copyOf(unreadableFields);
        requireNonNull(businessUnit, "businessUnit is null");
        businessUnitAndDescendants = Set.copyOf(businessUnitAndDescendants);
        userAttributes = Map.copyOf(userAttributes);
        companies = Set.copyOf(companies);
        teams = Set.copyOf(teams);
        requireNonNull(profile, "profile is null");
    }

    /** A caller of no team. */
    public AccessScope(
            UUID userId,
            String userName,
            boolean unrestricted,
            List<Grant> grants,
            Set<String> unreadableFields,
            Optional<UUID> businessUnit,
            Set<UUID> businessUnitAndDescendants,
            Map<String, String> userAttributes,
            Set<String> companies) {
        this(
                userId,
                userName,
                unrestricted,
                grants,
                unreadableFields,
                businessUnit,
                businessUnitAndDescendants,
                userAttributes,
                companies,
                Set.of(),
                CallerProfile.NONE);
    }

    /** A caller without custom attributes or companies (row-filter placeholders for them have no value). */
    public AccessScope(
            UUID userId,
            String userName,
            boolean unrestricted,
            List<Grant> grants,
            Set<String> unreadableFields,
            Optional<UUID> businessUnit,
            Set<UUID> businessUnitAndDescendants) {
        this(
                userId,
                userName,
                unrestricted,
                grants,
                unreadableFields,
                businessUnit,
                businessUnitAndDescendants,
                Map.of(),
                Set.of());
    }

    public enum Depth {
        NONE,
        BASIC,
        LOCAL,
        DEEP,
        GLOBAL
    }

    /**
     * One granting role assignment: its depth, the companies it is restricted to (empty = all),
     * its row filter (OData {@code $filter} text with {@code @user.*} placeholders) and where its
     * depth reaches (empty: the caller's own rows for Basic, the caller's unit for Local and Deep).
     */
    public record Grant(
            String role,
            Depth depth,
            Optional<Set<String>> companies,
            Optional<String> rowFilter,
            Optional<Reach> reach) {
        public Grant {
            requireNonNull(role, "role is null");
            requireNonNull(depth, "depth is null");
            companies = companies.map(Set::copyOf);
            requireNonNull(rowFilter, "rowFilter is null");
            requireNonNull(reach, "reach is null");
        }
    }

    /**
     * Where a grant's depth reaches: Basic opens the rows whose owner is one of {@code owners} (the
     * caller, and a team it holds the role through), Local the rows of {@code businessUnit}, Deep those
     * of {@code businessUnitAndDescendants}.
     */
    public record Reach(Set<UUID> owners, Optional<UUID> businessUnit, Set<UUID> businessUnitAndDescendants) {
        public Reach {
            owners = Set.copyOf(owners);
            requireNonNull(businessUnit, "businessUnit is null");
            businessUnitAndDescendants = Set.copyOf(businessUnitAndDescendants);
        }
    }
}
