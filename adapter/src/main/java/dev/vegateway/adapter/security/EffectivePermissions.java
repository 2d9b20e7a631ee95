package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.SecurityDocument.FieldSecurity;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What one user may do, from the roles it holds directly and through its teams (SPEC 5). Roles
 * are cumulative: the greatest depth of any role prevails, and {@link #grants} lists every
 * granting assignment with its company restriction and row filter so that the planner can
 * build the union of the rows they allow. Immutable; computed once per user and cached by
 * {@link SecurityStore}.
 */
public final class EffectivePermissions {
    /**
     * One role held, directly ({@code team} empty) or through a team, optionally restricted to
     * companies, with where its depths reach.
     */
    record Assignment(String role, Optional<Set<String>> companies, Optional<String> team, Reach reach) {
        Assignment {
            requireNonNull(role, "role is null");
            companies = requireNonNull(companies, "companies is null").map(Ordered::set);
            requireNonNull(team, "team is null");
            requireNonNull(reach, "reach is null");
        }
    }

    private final BackendUser user;
    private final List<Assignment> assignments;
    private final Map<String, Role> roleDefinitions;
    private final Set<String> allCompanies;
    private final Set<UUID> businessUnitAndDescendants;
    private final Set<String> roles;
    private final Set<UUID> teams;
    private final Hierarchy hierarchy;

    /**
     * @param roleDefinitions the definitions of (at least) the roles the assignments name
     * @param allCompanies every company of the security data, for unrestricted assignments
     * @param businessUnitAndDescendants the user's unit and the units below it (empty without a unit)
     */
    EffectivePermissions(
            BackendUser user,
            List<Assignment> assignments,
            Map<String, Role> roleDefinitions,
            Set<String> allCompanies,
            Set<UUID> businessUnitAndDescendants) {
        this(user, assignments, roleDefinitions, allCompanies, businessUnitAndDescendants, Set.of());
    }

    /** @param teams the teams the user is a member of (whether or not they hold roles) */
    EffectivePermissions(
            BackendUser user,
            List<Assignment> assignments,
            Map<String, Role> roleDefinitions,
            Set<String> allCompanies,
            Set<UUID> businessUnitAndDescendants,
            Set<UUID> teams) {
        this(user, assignments, roleDefinitions, allCompanies, businessUnitAndDescendants, teams, Hierarchy.NONE);
    }

    /**
     * The users under one user in the manager hierarchy, the teams they are members of, and the
     * user's language (a Windows LCID) and time zone settings.
     */
    public record Hierarchy(
            Set<UUID> reports,
            Set<UUID> reportsTeams,
            java.util.OptionalInt language,
            java.util.Optional<java.time.ZoneId> timeZone) {
        static final Hierarchy NONE =
                new Hierarchy(Set.of(), Set.of(), java.util.OptionalInt.empty(), java.util.Optional.empty());

        public Hierarchy {
            reports = Ordered.set(requireNonNull(reports, "reports is null"));
            reportsTeams = Ordered.set(requireNonNull(reportsTeams, "reportsTeams is null"));
            requireNonNull(language, "language is null");
            requireNonNull(timeZone, "timeZone is null");
        }
    }

    /** @param hierarchy the users under this one, their teams, and this one's language */
    EffectivePermissions(
            BackendUser user,
            List<Assignment> assignments,
            Map<String, Role> roleDefinitions,
            Set<String> allCompanies,
            Set<UUID> businessUnitAndDescendants,
            Set<UUID> teams,
            Hierarchy hierarchy) {
        this.hierarchy = requireNonNull(hierarchy, "hierarchy is null");
        this.teams = Ordered.set(requireNonNull(teams, "teams is null"));
        this.user = requireNonNull(user, "user is null");
        this.assignments = List.copyOf(requireNonNull(assignments, "assignments is null"));
        this.roleDefinitions = Ordered.map(requireNonNull(roleDefinitions, "roleDefinitions is null"));
        this.allCompanies = Ordered.set(requireNonNull(allCompanies, "allCompanies is null"));
        this.businessUnitAndDescendants =
                Ordered.set(requireNonNull(businessUnitAndDescendants, "businessUnitAndDescendants is null"));
        List<String> names = new ArrayList<>();
        this.assignments.forEach(assignment -> names.add(assignment.role()));
        this.roles = Ordered.set(names);
    }

    public BackendUser user() {
        return user;
    }

    /** The ids of the teams the user is a member of. */
    public Set<UUID> teams() {
        return teams;
    }

    /** The users under this one in the manager hierarchy, their teams, and this user's language. */
    public Hierarchy hierarchy() {
        return hierarchy;
    }

    /** Every role held, directly or through a team. */
    public Set<String> roles() {
        return roles;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public boolean isSystemAdministrator() {
        return hasRole(BuiltInRoles.SYSTEM_ADMINISTRATOR);
    }

    public boolean isSecurityAdministrator() {
        return hasRole(BuiltInRoles.SECURITY_ADMINISTRATOR);
    }

    /** The greatest depth any held role grants; Global everywhere for a System administrator. */
    public Depth depth(String entityLogicalName, Privilege privilege) {
        Depth depth = Depth.NONE;
        for (String role : roles) {
            depth = depth.max(role(role).depth(entityLogicalName, privilege));
        }
        return depth;
    }

    /** One grant per role assignment whose role grants {@code privilege} on the entity at a depth above None. */
    public List<RoleGrant> grants(String entityLogicalName, Privilege privilege) {
        Set<RoleGrant> grants = new LinkedHashSet<>();
        for (Assignment assignment : assignments) {
            Role role = role(assignment.role());
            Depth depth = role.depth(entityLogicalName, privilege);
            if (depth.grantsAccess()) {
                grants.add(new RoleGrant(
                        role.name(),
                        depth,
                        assignment.companies(),
                        role.rowFilter(entityLogicalName),
                        assignment.reach()));
            }
        }
        return List.copyOf(grants);
    }

    public boolean actionAllowed(String action) {
        return roles.stream().anyMatch(role -> role(role).allowsAction(action));
    }

    /** Fields of the entity no role lets the user read: a field is unreadable only if every role granting Read denies it. */
    public Set<String> unreadableFields(String entityLogicalName) {
        return deniedByEveryGrantingRole(entityLogicalName, Privilege.READ, field -> !field.read());
    }

    /** Fields of the entity the user may not update: a field is protected only if every role granting Write denies it. */
    public Set<String> unupdatableFields(String entityLogicalName) {
        return deniedByEveryGrantingRole(entityLogicalName, Privilege.WRITE, field -> !field.update());
    }

    /** Fields of the entity the user may not set on create: protected only if every role granting Create denies it. */
    public Set<String> uncreatableFields(String entityLogicalName) {
        return deniedByEveryGrantingRole(entityLogicalName, Privilege.CREATE, field -> !field.create());
    }

    private Set<String> deniedByEveryGrantingRole(String entity, Privilege privilege, Predicate<FieldSecurity> denies) {
        Set<String> denied = null;
        for (String name : roles) {
            Role role = role(name);
            if (!role.depth(entity, privilege).grantsAccess()) {
                continue;
            }
            Set<String> deniedByRole = new LinkedHashSet<>();
            role.fieldSecurity().stream()
                    .filter(field -> field.entity().equals(entity) && denies.test(field))
                    .forEach(field -> deniedByRole.add(field.field()));
            if (denied == null) {
                denied = deniedByRole;
            } else {
                denied.retainAll(deniedByRole);
            }
        }
        return denied == null ? Set.of() : Ordered.set(denied);
    }

    /** The user's business unit, for depth Local. */
    public UUID businessUnit() {
        return user.businessUnitId()
                .orElseThrow(() -> new IllegalStateException("user " + user.name() + " has no business unit"));
    }

    /** The user's business unit and every unit below it, for depth Deep. */
    public Set<UUID> businessUnitAndDescendants() {
        return businessUnitAndDescendants;
    }

    /** The companies the user holds any role in: all companies as soon as one assignment is unrestricted. */
    public Set<String> companies() {
        Set<String> companies = new LinkedHashSet<>();
        for (Assignment assignment : assignments) {
            if (assignment.companies().isEmpty()) {
                return allCompanies;
            }
            companies.addAll(assignment.companies().get());
        }
        return Ordered.set(companies);
    }

    /**
     * These permissions narrowed to one company, as for a portal contact mapped in that company:
     * every assignment is restricted to the company, assignments restricted to other companies
     * are dropped.
     */
    public EffectivePermissions restrictedToCompany(String company) {
        // the user's teams, manager hierarchy, language and time zone stay: only the assignments narrow
        requireNonNull(company, "company is null");
        List<Assignment> restricted = new ArrayList<>();
        for (Assignment assignment : assignments) {
            if (assignment
                    .companies()
                    .map(companies -> companies.contains(company))
                    .orElse(true)) {
                restricted.add(new Assignment(
                        assignment.role(), Optional.of(Set.of(company)), assignment.team(), assignment.reach()));
            }
        }
        return new EffectivePermissions(
                user, restricted, roleDefinitions, allCompanies, businessUnitAndDescendants, teams, hierarchy);
    }

    private Role role(String name) {
        return roleDefinitions.getOrDefault(name, Role.empty(name));
    }

    @Override
    public String toString() {
        return "EffectivePermissions[user=" + user.name() + " (" + user.id() + "), roles=" + roles + "]";
    }
}
