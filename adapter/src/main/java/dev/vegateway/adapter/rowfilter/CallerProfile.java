package dev.vegateway.adapter.rowfilter;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the user condition operators know of the caller beyond its own id and teams: the users
 * under it in the manager hierarchy (EqualUserOrUserHierarchy), the teams of those users
 * (…AndTeams), its language setting (EqualUserLanguage) and its time zone (the relative date
 * operators).
 *
 * @param hierarchy the ids of every user whose manager is the caller, or whose manager is one of those, …
 *     (the caller itself not included); kept sorted so that plans are deterministic
 * @param hierarchyTeams the teams the users of {@code hierarchy} are members of, kept sorted
 * @param language the caller's language setting, a Windows LCID such as 1033; empty when it has none
 * @param timeZone the caller's time zone setting; empty when it has none (UTC)
 */
public record CallerProfile(
        Set<UUID> hierarchy, Set<UUID> hierarchyTeams, OptionalInt language, Optional<ZoneId> timeZone) {
    /** A caller without reports, language or time zone setting. */
    public static final CallerProfile NONE =
            new CallerProfile(Set.of(), Set.of(), OptionalInt.empty(), Optional.empty());

    public CallerProfile {
        hierarchy = Collections.unmodifiableSet(new TreeSet<>(requireNonNull(hierarchy, "hierarchy is null")));
        hierarchyTeams =
                Collections.unmodifiableSet(new TreeSet<>(requireNonNull(hierarchyTeams, "hierarchyTeams is null")));
        requireNonNull(language, "language is null");
        requireNonNull(timeZone, "timeZone is null");
    }

    /** The zone in which this caller's days begin: its setting, else UTC. */
    public ZoneId zone() {
        return timeZone.orElse(ZoneOffset.UTC);
    }
}
