package dev.vegateway.adapter.rowfilter;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The caller's values that row-filter placeholders stand for.
 *
 * @param userId {@code @user.id}
 * @param businessUnit {@code @user.businessUnit}; empty for a user without a unit
 * @param companies {@code @user.companies}, kept sorted so that plans are deterministic
 * @param attributes {@code @user.attributes.<name>}
 * @param teams the teams the caller is a member of (EqualUserTeams), kept sorted
 * @param profile the caller's reports, their teams and its language (EqualUserOrUserHierarchy…, EqualUserLanguage)
 */
public record CallerValues(
        UUID userId,
        Optional<UUID> businessUnit,
        Set<String> companies,
        Map<String, String> attributes,
        Set<UUID> teams,
        CallerProfile profile) {
    public CallerValues {
        requireNonNull(userId, "userId is null");
        requireNonNull(businessUnit, "businessUnit is null");
        companies = Collections.unmodifiableSet(new TreeSet<>(requireNonNull(companies, "companies is null")));
        attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
        teams = Collections.unmodifiableSet(new TreeSet<>(requireNonNull(teams, "teams is null")));
        requireNonNull(profile, "profile is null");
    }

    /** A caller of no team. */
    public CallerValues(
            UUID userId, Optional<UUID> businessUnit, Set<String> companies, Map<String, String> attributes) {
        this(userId, businessUnit, companies, attributes, Set.of(), CallerProfile.NONE);
    }
}
