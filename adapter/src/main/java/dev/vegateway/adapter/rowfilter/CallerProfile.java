package dev.vegateway.adapter.rowfilter;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the user condition operators know of the caller beyond its own id and teams: the users
 * under it in the manager hierarchy (EqualUserOrUserHierarchy), the teams of those users
 * (…AndTeams), and its language setting (EqualUserLanguage).
 *
 * @param hierarchy the ids of every user whose manager is the caller, or whose manager is one of those, …
 *     (the caller itself not included); kept sorted so that plans are deterministic
 * @param hierarchyTeams the teams the users of {@code hierarchy} are members of, kept sorted
 * @param language the caller's language setting, a Windows LCID such as 1033; empty when it has none
 */
public record CallerProfile(Set<UUID> hierarchy, Set<UUID> hierarchyTeams, OptionalInt language) {
    /** A caller without reports and without a language setting. */
    public static final CallerProfile NONE = new CallerProfile(Set.of(), Set.of(), OptionalInt.empty());

    public CallerProfile {
        hierarchy = Collections.unmodifiableSet(new TreeSet<>(requireNonNull(hierarchy, "hierarchy is null")));
        hierarchyTeams =
                Collections.unmodifiableSet(new TreeSet<>(requireNonNull(hierarchyTeams, "hierarchyTeams is null")));
        requireNonNull(language, "language is null");
    }
}
