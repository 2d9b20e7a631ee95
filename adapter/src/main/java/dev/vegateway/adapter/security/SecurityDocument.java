package dev.vegateway.adapter.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import dev.vegateway.config.yaml.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The whole security data set as written in a security YAML file (SPEC 5): business units,
 * companies, roles, users, teams, applications and the portal settings. {@link #parse} validates
 * it and reports every problem with its file, line and key; {@link #toYaml} writes the same
 * format back, so that {@code parse(toYaml())} equals the original.
 *
 * <p>The four {@link BuiltInRoles built-in roles} are always present: those the file does not
 * declare are appended, without privileges.
 */
public record SecurityDocument(
        List<BusinessUnit> businessUnits,
        List<String> companies,
        List<Role> roles,
        List<User> users,
        List<Team> teams,
        List<Application> applications,
        Portal portal) {

    public SecurityDocument {
        businessUnits = List.copyOf(requireNonNull(businessUnits, "businessUnits is null"));
        companies = List.copyOf(requireNonNull(companies, "companies is null"));
        roles = withBuiltInRoles(requireNonNull(roles, "roles is null"));
        users = List.copyOf(requireNonNull(users, "users is null"));
        teams = List.copyOf(requireNonNull(teams, "teams is null"));
        applications = List.copyOf(requireNonNull(applications, "applications is null"));
        requireNonNull(portal, "portal is null");
    }

    /** No data but the built-in roles. */
    public static SecurityDocument empty() {
        return new SecurityDocument(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Portal.NONE);
    }

    /**
     * Reads and validates a security file; entity and field names are checked against the
     * catalog when one is given.
     *
     * @throws ProblemsException with every problem found
     */
    public static SecurityDocument parse(Path file, Optional<Catalog> catalog) {
        return parseWithWarnings(file, catalog).document();
    }

    /** As {@link #parse(Path, Optional)}, for text; {@code source} names it in problems. */
    public static SecurityDocument parse(String source, String text, Optional<Catalog> catalog) {
        return parseWithWarnings(source, text, catalog).document();
    }

    /**
     * As {@link #parse(Path, Optional)}, and also returns the warnings (file, line, key): data
     * that is valid but that the gateway refuses at run time, such as a portal mapping to a
     * user holding System administrator. Importers print or log them.
     *
     * @throws ProblemsException with every problem found
     */
    public static Parsed parseWithWarnings(Path file, Optional<Catalog> catalog) {
        return read(new SecurityDocumentParser(catalog), YamlNode.parse(file));
    }

    /** As {@link #parseWithWarnings(Path, Optional)}, for text; {@code source} names it in problems and warnings. */
    public static Parsed parseWithWarnings(String source, String text, Optional<Catalog> catalog) {
        return read(new SecurityDocumentParser(catalog), YamlNode.parse(source, text));
    }

    private static Parsed read(SecurityDocumentParser parser, YamlNode root) {
        SecurityDocument document = parser.parse(root);
        return new Parsed(document, parser.warnings());
    }

    /** A valid document and the warnings found while reading it (empty when there are none). */
    public record Parsed(SecurityDocument document, List<Problem> warnings) {
        public Parsed {
            requireNonNull(document, "document is null");
            warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        }
    }

    /** This document in the security file format. */
    public String toYaml() {
        return SecurityDocumentWriter.write(this);
    }

    public Optional<Role> role(String name) {
        return roles.stream().filter(role -> role.name().equals(name)).findFirst();
    }

    public Optional<User> user(UUID id) {
        return users.stream().filter(user -> user.id().equals(id)).findFirst();
    }

    private static List<Role> withBuiltInRoles(List<Role> declared) {
        List<Role> all = new ArrayList<>(declared);
        for (String builtIn : BuiltInRoles.ALL) {
            if (declared.stream().noneMatch(role -> role.name().equals(builtIn))) {
                all.add(Role.empty(builtIn));
            }
        }
        return List.copyOf(all);
    }

    /**
     * A business unit; exactly one (the root) has no parent. Files name units only by name, so
     * the id defaults to one derived from the name ({@link #idFor}); an explicit {@code id} key
     * overrides it.
     */
    public record BusinessUnit(UUID id, String name, Optional<String> parent) {
        public BusinessUnit {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(parent, "parent is null");
        }

        public BusinessUnit(String name, Optional<String> parent) {
            this(idFor(name), name, parent);
        }

        /** {@code UUID.nameUUIDFromBytes(("businessunit:" + name).getBytes(UTF_8))}: what backend rows store. */
        public static UUID idFor(String name) {
            return UUID.nameUUIDFromBytes(("businessunit:" + name).getBytes(UTF_8));
        }
    }

    /** A security role. Privileges on entities not listed are {@link Depth#NONE}. */
    public record Role(
            String name,
            List<EntityPrivileges> privileges,
            List<String> actions,
            List<RowFilter> rowFilters,
            List<FieldSecurity> fieldSecurity) {
        public Role {
            requireNonNull(name, "name is null");
            privileges = List.copyOf(requireNonNull(privileges, "privileges is null"));
            actions = List.copyOf(requireNonNull(actions, "actions is null"));
            rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
            fieldSecurity = List.copyOf(requireNonNull(fieldSecurity, "fieldSecurity is null"));
        }

        public static Role empty(String name) {
            return new Role(name, List.of(), List.of(), List.of(), List.of());
        }

        /** The depth this role alone grants; {@link BuiltInRoles#SYSTEM_ADMINISTRATOR} grants Global everywhere. */
        public Depth depth(String entity, Privilege privilege) {
            if (name.equals(BuiltInRoles.SYSTEM_ADMINISTRATOR)) {
                return Depth.GLOBAL;
            }
            for (EntityPrivileges entry : privileges) {
                if (entry.entity().equals(entity)) {
                    return entry.depth(privilege);
                }
            }
            return Depth.NONE;
        }

        public Optional<String> rowFilter(String entity) {
            return rowFilters.stream()
                    .filter(filter -> filter.entity().equals(entity))
                    .map(RowFilter::filter)
                    .findFirst();
        }

        public boolean allowsAction(String action) {
            return name.equals(BuiltInRoles.SYSTEM_ADMINISTRATOR) || actions.contains(action);
        }
    }

    /** The depth of each privilege a role grants on one entity; privileges not given are {@link Depth#NONE}. */
    public record EntityPrivileges(String entity, Map<Privilege, Depth> depths) {
        public EntityPrivileges {
            requireNonNull(entity, "entity is null");
            EnumMap<Privilege, Depth> all = new EnumMap<>(Privilege.class);
            for (Privilege privilege : Privilege.values()) {
                all.put(privilege, requireNonNull(depths, "depths is null").getOrDefault(privilege, Depth.NONE));
            }
            depths = Collections.unmodifiableMap(all);
        }

        public Depth depth(Privilege privilege) {
            return depths.get(privilege);
        }
    }

    /** A role's row filter on an entity: OData {@code $filter} text, stored verbatim and parsed where it is enforced. */
    public record RowFilter(String entity, String filter) {
        public RowFilter {
            requireNonNull(entity, "entity is null");
            requireNonNull(filter, "filter is null");
        }
    }

    /**
     * Field security, as a Dataverse field security profile has it: {@code read}, {@code create}
     * and {@code update} false mean the role denies reading the field, setting it on a new record
     * and changing it on an existing one. A rule that does not say {@code create} takes the value
     * of {@code update}.
     */
    public record FieldSecurity(String entity, String field, boolean read, boolean create, boolean update) {
        public FieldSecurity {
            requireNonNull(entity, "entity is null");
            requireNonNull(field, "field is null");
        }
    }

    /**
     * A role given to a user, team or application, optionally restricted to companies (empty = all
     * companies) and optionally applied in another business unit (by name; empty = the holder's own
     * unit): Local and Deep depth then open that unit's rows (and its descendants').
     */
    public record RoleAssignment(String role, Optional<Set<String>> companies, Optional<String> businessUnit) {
        public RoleAssignment {
            requireNonNull(role, "role is null");
            companies = requireNonNull(companies, "companies is null").map(Ordered::set);
            requireNonNull(businessUnit, "businessUnit is null");
        }

        public static RoleAssignment unrestricted(String role) {
            return new RoleAssignment(role, Optional.empty(), Optional.empty());
        }
    }

    /** A person or stub user as declared in the file (application users come from {@link Application}). */
    public record User(
            UUID id,
            String name,
            Optional<UUID> entraObjectId,
            boolean enabled,
            AccessMode accessMode,
            UserKind kind,
            Optional<String> businessUnit,
            Map<String, String> attributes,
            List<RoleAssignment> roles,
            UserSettings settings) {
        public User {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(entraObjectId, "entraObjectId is null");
            requireNonNull(accessMode, "accessMode is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(businessUnit, "businessUnit is null");
            attributes = Ordered.map(requireNonNull(attributes, "attributes is null"));
            roles = List.copyOf(requireNonNull(roles, "roles is null"));
            requireNonNull(settings, "settings is null");
        }
    }

    /**
     * A user's optional settings: its {@code manager} (another user, the parent in the manager
     * hierarchy that EqualUserOrUserHierarchy walks; the hierarchy has no cycle), its
     * {@code language}, a Windows LCID such as 1033 (EqualUserLanguage), and its {@code timeZone}
     * (an IANA zone such as Europe/Berlin), in which the relative date operators count days.
     */
    public record UserSettings(
            Optional<UUID> manager, java.util.OptionalInt language, Optional<java.time.ZoneId> timeZone) {
        /** No manager, no language, no time zone (UTC). */
        public static final UserSettings NONE =
                new UserSettings(Optional.empty(), java.util.OptionalInt.empty(), Optional.empty());

        public UserSettings {
            requireNonNull(manager, "manager is null");
            requireNonNull(language, "language is null");
            requireNonNull(timeZone, "timeZone is null");
        }
    }

    /**
     * An owner team: its members hold its roles in addition to their own. The id defaults to one
     * derived from the name. A group team ({@code group} present, type {@code AadSecurityGroup} in the
     * file) is bound to a directory group: its members are also the users whose tokens' {@code groups}
     * claim names the group.
     */
    public record Team(
            UUID id,
            String name,
            String businessUnit,
            List<RoleAssignment> roles,
            List<UUID> members,
            Optional<GroupBinding> group) {
        public Team {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(businessUnit, "businessUnit is null");
            roles = List.copyOf(requireNonNull(roles, "roles is null"));
            members = List.copyOf(requireNonNull(members, "members is null"));
            requireNonNull(group, "group is null");
        }

        public Team(String name, String businessUnit, List<RoleAssignment> roles, List<UUID> members) {
            this(idFor(name), name, businessUnit, roles, members, Optional.empty());
        }

        /** {@code UUID.nameUUIDFromBytes(("team:" + name).getBytes(UTF_8))}. */
        public static UUID idFor(String name) {
            return UUID.nameUUIDFromBytes(("team:" + name).getBytes(UTF_8));
        }
    }

    /** The directory group (object id) a group team is bound to, and how its roles apply to the members. */
    public record GroupBinding(UUID groupObjectId, TeamInheritance inheritance) {
        public GroupBinding {
            requireNonNull(groupObjectId, "groupObjectId is null");
            requireNonNull(inheritance, "inheritance is null");
        }
    }

    /** A registered application; stored as a user of kind {@link UserKind#APPLICATION} with id {@link #userId()}. */
    public record Application(
            String appId, String name, ApplicationKind kind, boolean enabled, List<RoleAssignment> roles) {
        public Application {
            requireNonNull(appId, "appId is null");
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            roles = List.copyOf(requireNonNull(roles, "roles is null"));
        }

        /** {@code UUID.nameUUIDFromBytes(("application:" + appId).getBytes(UTF_8))}. */
        public UUID userId() {
            return UUID.nameUUIDFromBytes(("application:" + appId).getBytes(UTF_8));
        }
    }

    /** The portal settings: the optional anonymous visitor's user and the contact mappings. */
    public record Portal(Optional<UUID> anonymousUser, List<PortalMapping> mappings) {
        public static final Portal NONE = new Portal(Optional.empty(), List.of());

        public Portal {
            requireNonNull(anonymousUser, "anonymousUser is null");
            mappings = List.copyOf(requireNonNull(mappings, "mappings is null"));
        }
    }

    /** A portal contact mapped to the backend user it runs as, optionally in one company only. */
    public record PortalMapping(UUID contactId, UUID user, Optional<String> company) {
        public PortalMapping {
            requireNonNull(contactId, "contactId is null");
            requireNonNull(user, "user is null");
            requireNonNull(company, "company is null");
        }
    }
}
