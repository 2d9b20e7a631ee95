package dev.vegateway.adapter.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security data changed one record at a time, as Dataverse's administration sets
 * ({@code systemusers}, {@code businessunits}, {@code teams}, {@code roles} and their
 * associations) change it (issue 15).
 *
 * <p>Every change runs in one transaction of the security store that first bumps the version of
 * the security data (so changes from every node run one after the other, and every node drops its
 * caches once it commits), applies the change, then validates the <em>whole</em> resulting data
 * with the import's own validation ({@link SecurityDocument#parseWithWarnings}, run on the data
 * as the transaction sees it): a change that would leave data an import refuses (a business-unit
 * cycle, a portal user without {@code CDSVirtualEntityAuthorizedPortalUser}, ...) is refused with
 * the import's message, and so is one that adds an import warning (an administrator role held by a
 * portal user). It is then written with its audit row (table {@code security_change_audit}).
 *
 * <p>A caller who does not hold System administrator may not change anything of a user who holds it
 * (directly or through a team) nor grant it: the change is refused with 403, so that a Security
 * administrator cannot make itself a System administrator.
 */
public final class SecurityAdministration {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityAdministration.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAXIMUM_NAME = 255;

    /** The three many-to-many relationships, by their Dataverse names. */
    public enum Association {
        /** A user's directly held roles ({@code systemusers(id)/systemuserroles_association}). */
        SYSTEM_USER_ROLES("systemuserroles_association"),
        /** A team's roles ({@code teams(id)/teamroles_association}). */
        TEAM_ROLES("teamroles_association"),
        /** A team's members ({@code teams(id)/teammembership_association}, also from the user's side). */
        TEAM_MEMBERSHIP("teammembership_association");

        private final String relationshipName;

        Association(String relationshipName) {
            this.relationshipName = relationshipName;
        }

        public String relationshipName() {
            return relationshipName;
        }
    }

    /** What a systemuser record says that can be changed here. */
    public record UserFields(
            String name, Optional<UUID> entraObjectId, boolean enabled, AccessMode accessMode, UUID businessUnitId) {
        public UserFields {
            requireNonNull(name, "name is null");
            requireNonNull(entraObjectId, "entraObjectId is null");
            requireNonNull(accessMode, "accessMode is null");
            requireNonNull(businessUnitId, "businessUnitId is null");
        }
    }

    /** A business unit's name and parent (empty only for the root). */
    public record UnitFields(String name, Optional<UUID> parentId) {
        public UnitFields {
            requireNonNull(name, "name is null");
            requireNonNull(parentId, "parentId is null");
        }
    }

    /** A team's name and business unit. */
    public record TeamFields(String name, UUID businessUnitId) {
        public TeamFields {
            requireNonNull(name, "name is null");
            requireNonNull(businessUnitId, "businessUnitId is null");
        }
    }

    /** One privilege of a role: an access right on an entity, at a depth. */
    public record RolePrivilege(String entity, Privilege privilege, Depth depth) {
        public RolePrivilege {
            requireNonNull(entity, "entity is null");
            requireNonNull(privilege, "privilege is null");
            requireNonNull(depth, "depth is null");
        }
    }

    /** How {@link #changePrivileges} treats the role's privileges it is not given. */
    public enum PrivilegeChange {
        /** Dataverse's AddPrivilegesRole: adds the privileges, or raises their depth; the others stay. */
        ADD,
        /** Dataverse's ReplacePrivilegesRole: the given privileges are all the role has afterwards. */
        REPLACE
    }

    /** One audited change: what kind of record, which one, and the record before and after as JSON. */
    public record AuditEntry(
            UUID id,
            OffsetDateTime changedAt,
            UUID changedBy,
            String applicationId,
            String operation,
            String recordType,
            String recordId,
            Optional<String> before,
            Optional<String> after) {
        public AuditEntry {
            requireNonNull(id, "id is null");
            requireNonNull(changedAt, "changedAt is null");
            requireNonNull(changedBy, "changedBy is null");
            requireNonNull(applicationId, "applicationId is null");
            requireNonNull(operation, "operation is null");
            requireNonNull(recordType, "recordType is null");
            requireNonNull(recordId, "recordId is null");
            requireNonNull(before, "before is null");
            requireNonNull(after, "after is null");
        }
    }

    private final SecurityDatabase database;
    private final SecuritySchema schema;
    private final SecurityStore store;
    private final Clock clock;

    SecurityAdministration(SecurityDatabase database, SecuritySchema schema, SecurityStore store, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A role's id: roles are named, and Dataverse addresses them by a GUID, derived from the name. */
    public static UUID roleId(String roleName) {
        return UUID.nameUUIDFromBytes(("role:" + requireNonNull(roleName, "roleName is null")).getBytes(UTF_8));
    }

    /**
     * The id of business unit {@code businessUnitId}'s copy of a role (Dataverse's modern business
     * units: every unit has its own copy of each role, and holding a unit's copy gives the role in
     * that unit): {@code UUID.nameUUIDFromBytes(("role:" + name + "|businessunit:" + unit id).getBytes(UTF_8))}.
     * The root unit's copy is {@link #roleId(String)}, which gives the role in the holder's own unit.
     */
    public static UUID roleId(String roleName, UUID businessUnitId) {
        requireNonNull(roleName, "roleName is null");
        requireNonNull(businessUnitId, "businessUnitId is null");
        return UUID.nameUUIDFromBytes(("role:" + roleName + "|businessunit:" + businessUnitId).getBytes(UTF_8));
    }

    /**
     * One business unit's copy of a role: {@code unit} empty for the root copy (id {@link #roleId(String)}),
     * which gives the role in the holder's own unit; else the unit whose copy it is, in which it gives the role.
     */
    public record RoleCopy(Role role, Optional<BusinessUnit> unit) {
        public RoleCopy {
            requireNonNull(role, "role is null");
            requireNonNull(unit, "unit is null");
        }

        public UUID id() {
            return unit.map(each -> roleId(role.name(), each.id())).orElseGet(() -> roleId(role.name()));
        }
    }

    /** Every copy of every role: the root copy, then one per business unit other than the root. */
    public static List<RoleCopy> roleCopies(SecurityDocument document) {
        List<RoleCopy> copies = new ArrayList<>();
        for (Role role : document.roles()) {
            copies.add(new RoleCopy(role, Optional.empty()));
            for (BusinessUnit unit : document.businessUnits()) {
                if (unit.parent().isPresent()) {
                    copies.add(new RoleCopy(role, Optional.of(unit)));
                }
            }
        }
        return copies;
    }

    /** The role copy with this id. */
    public static Optional<RoleCopy> roleCopy(SecurityDocument document, UUID id) {
        requireNonNull(id, "id is null");
        for (Role role : document.roles()) {
            if (roleId(role.name()).equals(id)) {
                return Optional.of(new RoleCopy(role, Optional.empty()));
            }
        }
        for (Role role : document.roles()) {
            for (BusinessUnit unit : document.businessUnits()) {
                if (unit.parent().isPresent() && roleId(role.name(), unit.id()).equals(id)) {
                    return Optional.of(new RoleCopy(role, Optional.of(unit)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The id of the copy an assignment holds: the root copy when it names no business unit (or the
     * root unit, which only a file can name), else the named unit's copy.
     */
    public static UUID copyId(SecurityDocument document, RoleAssignment assignment) {
        requireNonNull(assignment, "assignment is null");
        return assignment
                .businessUnit()
                .flatMap(name -> document.businessUnits().stream()
                        .filter(unit ->
                                unit.name().equals(name) && unit.parent().isPresent())
                        .findFirst())
                .map(unit -> roleId(assignment.role(), unit.id()))
                .orElseGet(() -> roleId(assignment.role()));
    }

    /** The security data now, read from the database (never from a cache). */
    public SecurityDocument current() {
        return store.exportAll();
    }

    // ---- users (person and stub users; application users are not administered here)

    /**
     * Creates a person user.
     *
     * @throws GatewayException {@link ErrorCode#DUPLICATE_RECORD} if the id or Entra object id is
     *     taken; {@link ErrorCode#VALIDATION} for an unknown business unit or an invalid name
     */
    public UUID createUser(Optional<UUID> requestedId, UserFields fields, ChangeAuthor author) {
        requireNonNull(requestedId, "requestedId is null");
        requireNonNull(fields, "fields is null");
        UUID id = requestedId.orElseGet(UUID::randomUUID);
        change(author, "create", "systemuser", id.toString(), (connection, before) -> {
            checkName(fields.name(), "fullname");
            if (before.user(id).isPresent() || exists(connection, "users", "id", id)) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD, "A record with the same key already exists: systemuser %s.", id);
            }
            checkEntraObjectId(before, id, fields.entraObjectId());
            String unit = unitName(before, fields.businessUnitId(), "_businessunitid_value");
            execute(
                    connection,
                    "INSERT INTO " + table("users")
                            + " (id, name, entra_object_id, enabled, access_mode, kind, business_unit_id, sort_order)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id,
                    fields.name(),
                    fields.entraObjectId(),
                    fields.enabled(),
                    fields.accessMode().name(),
                    UserKind.PERSON.name(),
                    unitId(before, unit),
                    nextOrder(connection, "users"));
        });
        return id;
    }

    /**
     * Changes a user to what {@code change} makes of its current fields (inside the transaction).
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such person or stub user
     */
    public void updateUser(UUID id, UnaryOperator<UserFields> change, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        requireNonNull(change, "change is null");
        change(author, "update", "systemuser", id.toString(), (connection, before) -> {
            User user = before.user(id).orElseThrow(() -> notFound("systemuser", id));
            UUID unit = user.businessUnit().map(name -> unitId(before, name)).orElse(root(before));
            UserFields after = requireNonNull(
                    change.apply(
                            new UserFields(user.name(), user.entraObjectId(), user.enabled(), user.accessMode(), unit)),
                    "changed fields are null");
            checkName(after.name(), "fullname");
            checkEntraObjectId(before, id, after.entraObjectId());
            String unitName = unitName(before, after.businessUnitId(), "_businessunitid_value");
            execute(
                    connection,
                    "UPDATE " + table("users")
                            + " SET name = ?, entra_object_id = ?, enabled = ?, access_mode = ?, business_unit_id = ?"
                            + " WHERE id = ?",
                    after.name(),
                    after.entraObjectId(),
                    after.enabled(),
                    after.accessMode().name(),
                    unitId(before, unitName),
                    id);
        });
    }

    // ---- business units

    public UUID createBusinessUnit(Optional<UUID> requestedId, UnitFields fields, ChangeAuthor author) {
        requireNonNull(requestedId, "requestedId is null");
        requireNonNull(fields, "fields is null");
        UUID id = requestedId.orElseGet(UUID::randomUUID);
        change(author, "create", "businessunit", id.toString(), (connection, before) -> {
            checkName(fields.name(), "name");
            if (before.businessUnits().stream().anyMatch(unit -> unit.id().equals(id))) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD, "A record with the same key already exists: businessunit %s.", id);
            }
            checkUnitNameFree(before, Optional.empty(), fields.name());
            UUID parent = fields.parentId()
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.VALIDATION,
                            "'_parentbusinessunitid_value' is required: there is exactly one root business unit."));
            unitName(before, parent, "_parentbusinessunitid_value");
            execute(
                    connection,
                    "INSERT INTO " + table("business_units") + " (id, name, parent_id, sort_order) VALUES (?, ?, ?, ?)",
                    id,
                    fields.name(),
                    parent,
                    nextOrder(connection, "business_units"));
        });
        return id;
    }

    public void updateBusinessUnit(UUID id, UnaryOperator<UnitFields> change, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        requireNonNull(change, "change is null");
        change(author, "update", "businessunit", id.toString(), (connection, before) -> {
            BusinessUnit unit = unit(before, id).orElseThrow(() -> notFound("businessunit", id));
            UnitFields after = requireNonNull(
                    change.apply(new UnitFields(unit.name(), unit.parent().map(name -> unitId(before, name)))),
                    "changed fields are null");
            checkName(after.name(), "name");
            checkUnitNameFree(before, Optional.of(id), after.name());
            if (after.parentId().isPresent()) {
                unitName(before, after.parentId().get(), "_parentbusinessunitid_value");
            } else if (unit.parent().isPresent()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "'_parentbusinessunitid_value' cannot be null: only the root business unit has no parent.");
            }
            execute(
                    connection,
                    "UPDATE " + table("business_units") + " SET name = ?, parent_id = ? WHERE id = ?",
                    after.name(),
                    after.parentId(),
                    id);
        });
    }

    /** Deletes a business unit that has no child units, users or teams; never the root. */
    public void deleteBusinessUnit(UUID id, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        change(author, "delete", "businessunit", id.toString(), (connection, before) -> {
            BusinessUnit unit = unit(before, id).orElseThrow(() -> notFound("businessunit", id));
            if (unit.parent().isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION, "Business unit '%s' is the root and cannot be deleted.", unit.name());
            }
            Optional<String> child = before.businessUnits().stream()
                    .filter(other -> other.parent().equals(Optional.of(unit.name())))
                    .map(BusinessUnit::name)
                    .findFirst();
            Optional<String> user = before.users().stream()
                    .filter(other -> other.businessUnit().equals(Optional.of(unit.name())))
                    .map(User::name)
                    .findFirst();
            Optional<String> team = before.teams().stream()
                    .filter(other -> other.businessUnit().equals(unit.name()))
                    .map(Team::name)
                    .findFirst();
            if (child.isPresent() || user.isPresent() || team.isPresent()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "Business unit '%s' cannot be deleted while it has %s; move or delete them first.",
                        unit.name(),
                        child.map(name -> "the child unit '" + name + "'")
                                .or(() -> user.map(name -> "the user '" + name + "'"))
                                .orElseGet(() -> "the team '" + team.orElseThrow() + "'"));
            }
            execute(connection, "DELETE FROM " + table("business_units") + " WHERE id = ?", id);
        });
    }

    // ---- teams

    public UUID createTeam(Optional<UUID> requestedId, TeamFields fields, ChangeAuthor author) {
        requireNonNull(requestedId, "requestedId is null");
        requireNonNull(fields, "fields is null");
        UUID id = requestedId.orElseGet(UUID::randomUUID);
        change(author, "create", "team", id.toString(), (connection, before) -> {
            checkName(fields.name(), "name");
            if (team(before, id).isPresent()) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD, "A record with the same key already exists: team %s.", id);
            }
            checkTeamNameFree(before, Optional.empty(), fields.name());
            unitName(before, fields.businessUnitId(), "_businessunitid_value");
            execute(
                    connection,
                    "INSERT INTO " + table("teams") + " (id, name, business_unit_id, sort_order) VALUES (?, ?, ?, ?)",
                    id,
                    fields.name(),
                    fields.businessUnitId(),
                    nextOrder(connection, "teams"));
        });
        return id;
    }

    public void updateTeam(UUID id, UnaryOperator<TeamFields> change, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        requireNonNull(change, "change is null");
        change(author, "update", "team", id.toString(), (connection, before) -> {
            Team team = team(before, id).orElseThrow(() -> notFound("team", id));
            TeamFields after = requireNonNull(
                    change.apply(new TeamFields(team.name(), unitId(before, team.businessUnit()))),
                    "changed fields are null");
            checkName(after.name(), "name");
            checkTeamNameFree(before, Optional.of(id), after.name());
            unitName(before, after.businessUnitId(), "_businessunitid_value");
            execute(
                    connection,
                    "UPDATE " + table("teams") + " SET name = ?, business_unit_id = ? WHERE id = ?",
                    after.name(),
                    after.businessUnitId(),
                    id);
        });
    }

    /** Deletes a team with its role assignments and memberships; its members keep their own roles. */
    public void deleteTeam(UUID id, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        change(author, "delete", "team", id.toString(), (connection, before) -> {
            if (team(before, id).isEmpty()) {
                throw notFound("team", id);
            }
            deleteAssignments(connection, "team_id = ?", id);
            execute(connection, "DELETE FROM " + table("team_members") + " WHERE team_id = ?", id);
            execute(connection, "DELETE FROM " + table("teams") + " WHERE id = ?", id);
        });
    }

    // ---- roles

    /** Creates a role without privileges (privileges, row filters and field rules come from an import). */
    public UUID createRole(String name, ChangeAuthor author) {
        requireNonNull(name, "name is null");
        UUID id = roleId(name);
        change(author, "create", "role", id.toString(), (connection, before) -> {
            checkName(name, "name");
            if (before.role(name).isPresent()) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD, "A record with the same key already exists: role '%s'.", name);
            }
            execute(
                    connection,
                    "INSERT INTO " + table("roles") + " (name, sort_order) VALUES (?, ?)",
                    name,
                    nextOrder(connection, "roles"));
        });
        return id;
    }

    /**
     * Changes a role's entity privileges (its row filters, field rules and actions stay as they
     * are): adds or raises them, or replaces them all. The result is validated with the import's
     * own validation against {@code catalog} (the entity exists, the depth fits its ownership).
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such role;
     *     {@link ErrorCode#VALIDATION} for System administrator (which grants everything) or a depth
     *     the import refuses; {@link ErrorCode#MISSING_PRIVILEGE} if a caller who is not a System
     *     administrator changes Security administrator
     */
    public void changePrivileges(
            UUID roleId, PrivilegeChange kind, List<RolePrivilege> privileges, Catalog catalog, ChangeAuthor author) {
        requireNonNull(roleId, "roleId is null");
        requireNonNull(kind, "kind is null");
        List<RolePrivilege> given = List.copyOf(requireNonNull(privileges, "privileges is null"));
        requireNonNull(catalog, "catalog is null");
        change(author, "update", "role", roleId.toString(), (connection, before) -> {
            Role role = rootRole(before, roleId);
            checkPrivilegesChangeable(before, role, author);
            Map<String, Map<Privilege, Depth>> depths = new LinkedHashMap<>();
            if (kind == PrivilegeChange.ADD) {
                for (SecurityDocument.EntityPrivileges entry : role.privileges()) {
                    depths.put(entry.entity(), new java.util.EnumMap<>(entry.depths()));
                }
            }
            for (RolePrivilege privilege : given) {
                Map<Privilege, Depth> entity =
                        depths.computeIfAbsent(privilege.entity(), name -> new java.util.EnumMap<>(Privilege.class));
                Depth current = entity.getOrDefault(privilege.privilege(), Depth.NONE);
                entity.put(
                        privilege.privilege(),
                        kind == PrivilegeChange.ADD ? current.max(privilege.depth()) : privilege.depth());
            }
            writePrivileges(connection, before, role.name(), depths, catalog);
        });
    }

    /**
     * Takes one privilege from a role (its depth becomes None).
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such role or the role
     *     does not hold the privilege; as {@link #changePrivileges} for the built-in roles
     */
    public void removePrivilege(UUID roleId, String entity, Privilege privilege, Catalog catalog, ChangeAuthor author) {
        requireNonNull(roleId, "roleId is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(privilege, "privilege is null");
        requireNonNull(catalog, "catalog is null");
        change(author, "update", "role", roleId.toString(), (connection, before) -> {
            Role role = rootRole(before, roleId);
            checkPrivilegesChangeable(before, role, author);
            if (!role.depth(entity, privilege).grantsAccess()) {
                throw GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND,
                        "Role '%s' does not hold privilege %s on %s.",
                        role.name(),
                        privilege,
                        entity);
            }
            Map<String, Map<Privilege, Depth>> depths = new LinkedHashMap<>();
            for (SecurityDocument.EntityPrivileges entry : role.privileges()) {
                depths.put(entry.entity(), new java.util.EnumMap<>(entry.depths()));
            }
            depths.get(entity).put(privilege, Depth.NONE);
            writePrivileges(connection, before, role.name(), depths, catalog);
        });
    }

    /** The role whose root copy has this id; a business unit's copy is refused (the role is changed through its root copy). */
    private static Role rootRole(SecurityDocument document, UUID id) {
        Optional<Role> role = role(document, id);
        if (role.isPresent()) {
            return role.get();
        }
        RoleCopy copy = roleCopy(document, id).orElseThrow(() -> notFound("role", id));
        throw GatewayException.of(
                ErrorCode.VALIDATION,
                "Role %s is the copy of role '%s' in business unit '%s', which follows the role: change or delete the"
                        + " role through its root copy roles(%s).",
                id,
                copy.role().name(),
                copy.unit().orElseThrow().name(),
                roleId(copy.role().name()));
    }

    private static void checkPrivilegesChangeable(SecurityDocument before, Role role, ChangeAuthor author) {
        if (role.name().equals(BuiltInRoles.SYSTEM_ADMINISTRATOR)) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "Role '%s' grants every privilege at Global depth; its privileges cannot be changed.",
                    role.name());
        }
        if (role.name().equals(BuiltInRoles.SECURITY_ADMINISTRATOR)
                && !holdsSystemAdministrator(before, author.userId())) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE,
                    "Principal user '%s' is not a System administrator: only a System administrator may change the"
                            + " privileges of the built-in role '%s'.",
                    author.userName(),
                    role.name());
        }
    }

    /** Validates the role's new privileges as an import would (against the catalog), then stores them. */
    private void writePrivileges(
            Connection connection,
            SecurityDocument before,
            String roleName,
            Map<String, Map<Privilege, Depth>> depths,
            Catalog catalog)
            throws SQLException {
        List<SecurityDocument.EntityPrivileges> entries = new ArrayList<>();
        depths.forEach((entity, byPrivilege) -> {
            if (byPrivilege.values().stream().anyMatch(Depth::grantsAccess)) {
                entries.add(new SecurityDocument.EntityPrivileges(entity, byPrivilege));
            }
        });
        SecurityDocument probe = new SecurityDocument(
                before.businessUnits(),
                before.companies(),
                List.of(new Role(roleName, entries, List.of(), List.of(), List.of())),
                List.of(),
                List.of(),
                List.of(),
                SecurityDocument.Portal.NONE);
        try {
            SecurityDocument.parse("the privileges of role '" + roleName + "'", probe.toYaml(), Optional.of(catalog));
        } catch (ProblemsException e) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The change would leave security data that an import refuses: %s",
                    messages(e.problems()));
        }
        execute(connection, "DELETE FROM " + table("role_privileges") + " WHERE role_name = ?", roleName);
        for (SecurityDocument.EntityPrivileges entry : entries) {
            execute(
                    connection,
                    "INSERT INTO " + table("role_privileges")
                            + " (role_name, entity_name, create_depth, read_depth, write_depth, delete_depth,"
                            + " append_depth, append_to_depth, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    roleName,
                    entry.entity(),
                    entry.depth(Privilege.CREATE).name(),
                    entry.depth(Privilege.READ).name(),
                    entry.depth(Privilege.WRITE).name(),
                    entry.depth(Privilege.DELETE).name(),
                    entry.depth(Privilege.APPEND).name(),
                    entry.depth(Privilege.APPEND_TO).name(),
                    nextOrder(connection, "role_privileges"));
        }
    }

    /** Deletes a role that is not built in, with every assignment of it. */
    public void deleteRole(UUID id, ChangeAuthor author) {
        requireNonNull(id, "id is null");
        change(author, "delete", "role", id.toString(), (connection, before) -> {
            Role role = rootRole(before, id);
            if (BuiltInRoles.isBuiltIn(role.name())) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION, "Role '%s' is built in and cannot be deleted.", role.name());
            }
            deleteAssignments(connection, "role_name = ?", role.name());
            for (String table : List.of("role_privileges", "role_actions", "role_row_filters", "role_field_security")) {
                execute(connection, "DELETE FROM " + table(table) + " WHERE role_name = ?", role.name());
            }
            execute(connection, "DELETE FROM " + table("roles") + " WHERE name = ?", role.name());
        });
    }

    // ---- associations

    /**
     * Adds the association: a role to a user ({@code from} = user) or a team ({@code from} = team),
     * or a member ({@code to} = user) to a team ({@code from} = team). A role is given for every
     * company.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if either record does not exist;
     *     {@link ErrorCode#DUPLICATE_RECORD} if the association exists already
     */
    public void associate(Association association, UUID from, UUID to, ChangeAuthor author) {
        requireNonNull(association, "association is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        String recordId = from + "," + to;
        change(author, "associate", association.relationshipName(), recordId, (connection, before) -> {
            switch (association) {
                case SYSTEM_USER_ROLES -> {
                    User user = before.user(from).orElseThrow(() -> notFound("systemuser", from));
                    RoleCopy copy = roleCopy(before, to).orElseThrow(() -> notFound("role", to));
                    if (holds(before, user.roles(), copy)) {
                        throw duplicate(association, from, to);
                    }
                    insertAssignment(connection, copy, Optional.of(from), Optional.empty());
                }
                case TEAM_ROLES -> {
                    Team team = team(before, from).orElseThrow(() -> notFound("team", from));
                    RoleCopy copy = roleCopy(before, to).orElseThrow(() -> notFound("role", to));
                    if (holds(before, team.roles(), copy)) {
                        throw duplicate(association, from, to);
                    }
                    insertAssignment(connection, copy, Optional.empty(), Optional.of(from));
                }
                case TEAM_MEMBERSHIP -> {
                    Team team = team(before, from).orElseThrow(() -> notFound("team", from));
                    if (before.user(to).isEmpty()) {
                        throw notFound("systemuser", to);
                    }
                    if (team.members().contains(to)) {
                        throw duplicate(association, from, to);
                    }
                    execute(
                            connection,
                            "INSERT INTO " + table("team_members") + " (team_id, user_id, sort_order) VALUES (?, ?, ?)",
                            from,
                            to,
                            nextOrder(connection, "team_members"));
                }
            }
        });
    }

    /**
     * Removes the association (for a role: every assignment of it to that user or team, company
     * restricted or not).
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if either record or the association does not exist
     */
    public void disassociate(Association association, UUID from, UUID to, ChangeAuthor author) {
        requireNonNull(association, "association is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        String recordId = from + "," + to;
        change(author, "disassociate", association.relationshipName(), recordId, (connection, before) -> {
            switch (association) {
                case SYSTEM_USER_ROLES -> {
                    User user = before.user(from).orElseThrow(() -> notFound("systemuser", from));
                    RoleCopy copy = roleCopy(before, to).orElseThrow(() -> notFound("role", to));
                    if (!holds(before, user.roles(), copy)) {
                        throw missingAssociation(association, from, to);
                    }
                    deleteCopy(connection, before, "user_id", from, copy);
                }
                case TEAM_ROLES -> {
                    Team team = team(before, from).orElseThrow(() -> notFound("team", from));
                    RoleCopy copy = roleCopy(before, to).orElseThrow(() -> notFound("role", to));
                    if (!holds(before, team.roles(), copy)) {
                        throw missingAssociation(association, from, to);
                    }
                    deleteCopy(connection, before, "team_id", from, copy);
                }
                case TEAM_MEMBERSHIP -> {
                    Team team = team(before, from).orElseThrow(() -> notFound("team", from));
                    if (!team.members().contains(to)) {
                        throw missingAssociation(association, from, to);
                    }
                    execute(
                            connection,
                            "DELETE FROM " + table("team_members") + " WHERE team_id = ? AND user_id = ?",
                            from,
                            to);
                }
            }
        });
    }

    // ---- the audit

    /** Every change made through this class, oldest first. */
    public List<AuditEntry> audit() {
        return database.read("read the audit of the security changes", connection -> {
            List<AuditEntry> entries = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, changed_at, changed_by, application_id, operation, record_type, record_id,"
                                    + " before_value, after_value FROM " + table("security_change_audit")
                                    + " ORDER BY changed_at, id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new AuditEntry(
                            rows.getObject(1, UUID.class),
                            rows.getObject(2, OffsetDateTime.class),
                            rows.getObject(3, UUID.class),
                            rows.getString(4),
                            rows.getString(5),
                            rows.getString(6),
                            rows.getString(7),
                            Optional.ofNullable(rows.getString(8)),
                            Optional.ofNullable(rows.getString(9))));
                }
            }
            return entries;
        });
    }

    // ---- one change: lock, apply, validate as an import would, audit, commit, drop caches

    @FunctionalInterface
    private interface Step {
        void apply(Connection connection, SecurityDocument before) throws SQLException;
    }

    private void change(ChangeAuthor author, String operation, String recordType, String recordId, Step step) {
        requireNonNull(author, "author is null");
        String doing = operation + " " + recordType + " " + recordId + "; nothing was changed";
        long version = database.write(doing, connection -> {
            long bumped = database.bumpVersion(connection);
            SecurityDocument before = database.exportAll(connection);
            step.apply(connection, before);
            SecurityDocument after = database.exportAll(connection);
            validate(before, after);
            checkSystemAdministrators(author, before, after);
            audit(connection, author, operation, recordType, recordId, before, after);
            return bumped;
        });
        LOG.info(
                "Security data changed through the administration sets: {} {} {} by {} ({}) through application {}",
                operation,
                recordType,
                recordId,
                author.userName(),
                author.userId(),
                author.applicationId());
        store.committed(version);
    }

    /**
     * The import's validation of the data after the change: its problems refuse the change, and so
     * does a warning the data before the change did not have.
     */
    private static void validate(SecurityDocument before, SecurityDocument after) {
        SecurityDocument.Parsed parsed;
        try {
            parsed = SecurityDocument.parseWithWarnings(
                    "the security data after this change", after.toYaml(), Optional.empty());
        } catch (ProblemsException e) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "The change would leave security data that an import refuses: %s",
                    messages(e.problems()));
        }
        Set<String> earlier = new LinkedHashSet<>();
        try {
            SecurityDocument.parseWithWarnings(
                            "the security data before this change", before.toYaml(), Optional.empty())
                    .warnings()
                    .forEach(warning -> earlier.add(warning.message()));
        } catch (ProblemsException e) {
            // Data stored before already has problems: only the new data's warnings count.
        }
        List<Problem> added = parsed.warnings().stream()
                .filter(warning -> !earlier.contains(warning.message()))
                .toList();
        if (!added.isEmpty()) {
            throw GatewayException.of(ErrorCode.VALIDATION, "The change is refused: %s", messages(added));
        }
    }

    private static String messages(List<Problem> problems) {
        return problems.stream().map(Problem::message).distinct().collect(Collectors.joining("; "));
    }

    /** Only a System administrator may grant System administrator or change a user who holds it. */
    private static void checkSystemAdministrators(
            ChangeAuthor author, SecurityDocument before, SecurityDocument after) {
        if (holdsSystemAdministrator(before, author.userId())) {
            return;
        }
        Map<UUID, Object> beforeState = systemAdministrators(before, after);
        Map<UUID, Object> afterState = systemAdministrators(after, before);
        if (!beforeState.equals(afterState)) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE,
                    "Principal user '%s' is not a System administrator: only a System administrator may grant the %s"
                            + " role or change a user who holds it.",
                    author.userName(),
                    BuiltInRoles.SYSTEM_ADMINISTRATOR);
        }
    }

    /** For every user holding System administrator in either document: the user's record and whether it holds the role in {@code document}. */
    private static Map<UUID, Object> systemAdministrators(SecurityDocument document, SecurityDocument other) {
        Map<UUID, Object> state = new LinkedHashMap<>();
        for (User user : document.users()) {
            if (holdsSystemAdministrator(document, user.id()) || holdsSystemAdministrator(other, user.id())) {
                state.put(
                        user.id(),
                        List.of(
                                user.name(),
                                user.entraObjectId(),
                                user.enabled(),
                                user.accessMode(),
                                user.businessUnit(),
                                holdsSystemAdministrator(document, user.id())));
            }
        }
        for (User user : other.users()) {
            if (!state.containsKey(user.id()) && holdsSystemAdministrator(other, user.id())) {
                state.put(user.id(), "absent");
            }
        }
        return state;
    }

    static boolean holdsSystemAdministrator(SecurityDocument document, UUID userId) {
        return rolesHeld(document, userId).contains(BuiltInRoles.SYSTEM_ADMINISTRATOR);
    }

    /** The roles a user holds, directly or through a team. */
    static Set<String> rolesHeld(SecurityDocument document, UUID userId) {
        Set<String> roles = new LinkedHashSet<>();
        document.user(userId).ifPresent(user -> user.roles().forEach(held -> roles.add(held.role())));
        for (Team team : document.teams()) {
            if (team.members().contains(userId)) {
                team.roles().forEach(held -> roles.add(held.role()));
            }
        }
        return roles;
    }

    private void audit(
            Connection connection,
            ChangeAuthor author,
            String operation,
            String recordType,
            String recordId,
            SecurityDocument before,
            SecurityDocument after)
            throws SQLException {
        execute(
                connection,
                "INSERT INTO " + table("security_change_audit")
                        + " (id, changed_at, changed_by, application_id, operation, record_type, record_id,"
                        + " before_value, after_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID(),
                OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS),
                author.userId(),
                author.applicationId(),
                operation,
                recordType,
                recordId,
                describe(before, recordType, recordId),
                describe(after, recordType, recordId));
    }

    /** The record as JSON in the security file's terms, or empty if it does not exist in {@code document}. */
    private static Optional<String> describe(SecurityDocument document, String recordType, String recordId) {
        Optional<Object> value =
                switch (recordType) {
                    case "systemuser" -> document.user(UUID.fromString(recordId))
                            .map(user -> userJson(document, user));
                    case "businessunit" -> unit(document, UUID.fromString(recordId))
                            .map(unit -> ordered("id", unit.id(), "name", unit.name(), "parent", unit.parent()));
                    case "team" -> team(document, UUID.fromString(recordId))
                            .map(team -> ordered(
                                    "id", team.id(),
                                    "name", team.name(),
                                    "businessUnit", team.businessUnit(),
                                    "roles", names(team.roles()),
                                    "members", team.members()));
                    case "role" -> role(document, UUID.fromString(recordId))
                            .map(role -> ordered(
                                    "id", roleId(role.name()),
                                    "name", role.name(),
                                    "privileges", privilegesJson(role)));
                    default -> association(document, recordType, recordId);
                };
        return value.map(SecurityAdministration::json);
    }

    private static Optional<Object> association(SecurityDocument document, String recordType, String recordId) {
        String[] ids = recordId.split(",", 2);
        UUID from = UUID.fromString(ids[0]);
        UUID to = UUID.fromString(ids[1]);
        boolean present =
                switch (recordType) {
                    case "systemuserroles_association" -> document.user(from)
                            .map(user -> user.roles().stream()
                                    .anyMatch(held -> copyId(document, held).equals(to)))
                            .orElse(false);
                    case "teamroles_association" -> team(document, from)
                            .map(team -> team.roles().stream()
                                    .anyMatch(held -> copyId(document, held).equals(to)))
                            .orElse(false);
                    default -> team(document, from)
                            .map(team -> team.members().contains(to))
                            .orElse(false);
                };
        return present ? Optional.of(ordered("from", from, "to", to)) : Optional.empty();
    }

    private static Map<String, Object> userJson(SecurityDocument document, User user) {
        return ordered(
                "id", user.id(),
                "name", user.name(),
                "entraObjectId", user.entraObjectId(),
                "enabled", user.enabled(),
                "accessMode", user.accessMode().name(),
                "kind", user.kind().name(),
                "businessUnit", user.businessUnit(),
                "roles", names(user.roles()),
                "teams",
                        document.teams().stream()
                                .filter(team -> team.members().contains(user.id()))
                                .map(Team::name)
                                .toList());
    }

    /** entity → privilege → depth, only the depths other than None. */
    private static Map<String, Object> privilegesJson(Role role) {
        Map<String, Object> privileges = new LinkedHashMap<>();
        for (SecurityDocument.EntityPrivileges entry : role.privileges()) {
            Map<String, Object> depths = new LinkedHashMap<>();
            entry.depths().forEach((privilege, depth) -> {
                if (depth.grantsAccess()) {
                    depths.put(privilege.name(), depth.name());
                }
            });
            if (!depths.isEmpty()) {
                privileges.put(entry.entity(), depths);
            }
        }
        return privileges;
    }

    private static List<String> names(List<RoleAssignment> assignments) {
        return assignments.stream().map(RoleAssignment::role).toList();
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int index = 0; index < keysAndValues.length; index += 2) {
            Object value = keysAndValues[index + 1];
            if (value instanceof Optional<?> optional) {
                value = optional.orElse(null);
            }
            map.put((String) keysAndValues[index], value instanceof UUID id ? id.toString() : value);
        }
        return map;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- checks and lookups in a document

    private static void checkName(String name, String property) {
        if (name.isBlank() || name.length() > MAXIMUM_NAME || !name.equals(name.trim())) {
            throw invalid(property, "it must be 1 to %d characters without leading or trailing blanks.", MAXIMUM_NAME);
        }
    }

    private static void checkEntraObjectId(SecurityDocument document, UUID self, Optional<UUID> entraObjectId) {
        if (entraObjectId.isEmpty()) {
            return;
        }
        for (User user : document.users()) {
            if (!user.id().equals(self) && user.entraObjectId().equals(entraObjectId)) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD,
                        "A record with the same key already exists: azureactivedirectoryobjectid %s belongs to user"
                                + " '%s'.",
                        entraObjectId.get(),
                        user.name());
            }
        }
    }

    private static void checkUnitNameFree(SecurityDocument document, Optional<UUID> self, String name) {
        for (BusinessUnit unit : document.businessUnits()) {
            if (unit.name().equals(name) && !Optional.of(unit.id()).equals(self)) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD,
                        "A record with the same key already exists: business unit '%s'.",
                        name);
            }
        }
    }

    private static void checkTeamNameFree(SecurityDocument document, Optional<UUID> self, String name) {
        for (Team team : document.teams()) {
            if (team.name().equals(name) && !Optional.of(team.id()).equals(self)) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD, "A record with the same key already exists: team '%s'.", name);
            }
        }
    }

    /** The name of the unit with this id; 400 naming {@code property} if there is none. */
    private static String unitName(SecurityDocument document, UUID id, String property) {
        return unit(document, id)
                .map(BusinessUnit::name)
                .orElseThrow(() -> invalid(property, "business unit %s does not exist.", id));
    }

    private static UUID unitId(SecurityDocument document, String name) {
        return document.businessUnits().stream()
                .filter(unit -> unit.name().equals(name))
                .map(BusinessUnit::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no business unit named " + name));
    }

    private static UUID root(SecurityDocument document) {
        return document.businessUnits().stream()
                .filter(unit -> unit.parent().isEmpty())
                .map(BusinessUnit::id)
                .findFirst()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION, "There is no root business unit; import the security data first."));
    }

    static Optional<BusinessUnit> unit(SecurityDocument document, UUID id) {
        return document.businessUnits().stream()
                .filter(unit -> unit.id().equals(id))
                .findFirst();
    }

    static Optional<Team> team(SecurityDocument document, UUID id) {
        return document.teams().stream().filter(team -> team.id().equals(id)).findFirst();
    }

    static Optional<Role> role(SecurityDocument document, UUID id) {
        return document.roles().stream()
                .filter(role -> roleId(role.name()).equals(id))
                .findFirst();
    }

    private static GatewayException notFound(String logicalName, UUID id) {
        return GatewayException.of(ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", logicalName, id);
    }

    private static GatewayException duplicate(Association association, UUID from, UUID to) {
        return GatewayException.of(
                ErrorCode.DUPLICATE_RECORD,
                "Cannot insert duplicate key: %s already associates %s with %s.",
                association.relationshipName(),
                from,
                to);
    }

    private static GatewayException missingAssociation(Association association, UUID from, UUID to) {
        return GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND,
                "%s does not associate %s with %s.",
                association.relationshipName(),
                from,
                to);
    }

    @FormatMethod
    private static GatewayException invalid(String property, @FormatString String format, Object... arguments) {
        return GatewayException.of(
                ErrorCode.VALIDATION, "The value of '%s' is not valid: %s", property, String.format(format, arguments));
    }

    // ---- SQL helpers

    /** A role given for every company, in the unit of the copy (none for the root copy: the holder's own unit). */
    private void insertAssignment(Connection connection, RoleCopy copy, Optional<UUID> user, Optional<UUID> team)
            throws SQLException {
        execute(
                connection,
                "INSERT INTO " + table("role_assignments")
                        + " (id, role_name, user_id, team_id, sort_order, business_unit_id) VALUES (?, ?, ?, ?, ?, ?)",
                UUID.randomUUID(),
                copy.role().name(),
                user,
                team,
                nextOrder(connection, "role_assignments"),
                copy.unit().map(BusinessUnit::id));
    }

    /** Deletes the holder's assignments of this copy (for the root copy: in its own unit, or naming the root unit). */
    private void deleteCopy(Connection connection, SecurityDocument document, String holder, UUID id, RoleCopy copy)
            throws SQLException {
        if (copy.unit().isPresent()) {
            deleteAssignments(
                    connection,
                    holder + " = ? AND role_name = ? AND business_unit_id = ?",
                    id,
                    copy.role().name(),
                    copy.unit().get().id());
        } else {
            deleteAssignments(
                    connection,
                    holder + " = ? AND role_name = ? AND (business_unit_id IS NULL OR business_unit_id = ?)",
                    id,
                    copy.role().name(),
                    root(document));
        }
    }

    /** Whether these assignments hold the copy (see {@link #copyId}). */
    private static boolean holds(SecurityDocument document, List<RoleAssignment> assignments, RoleCopy copy) {
        UUID id = copy.id();
        return assignments.stream().anyMatch(held -> copyId(document, held).equals(id));
    }

    /** Deletes the role assignments matching {@code condition} (over role_assignments) and their company restrictions. */
    private void deleteAssignments(Connection connection, String condition, Object... parameters) throws SQLException {
        execute(
                connection,
                "DELETE FROM " + table("role_assignment_companies") + " WHERE assignment_id IN (SELECT id FROM "
                        + table("role_assignments") + " WHERE " + condition + ")",
                parameters);
        execute(connection, "DELETE FROM " + table("role_assignments") + " WHERE " + condition, parameters);
    }

    private boolean exists(Connection connection, String table, String column, Object value) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM " + table(table) + " WHERE " + column + " = ?")) {
            select.setObject(1, value);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private int nextOrder(Connection connection, String table) throws SQLException {
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM " + table(table));
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.length; index++) {
                Object value = parameters[index];
                if (value instanceof Optional<?> optional) {
                    if (optional.isPresent()) {
                        statement.setObject(index + 1, optional.get());
                    } else {
                        statement.setNull(index + 1, Types.NULL);
                    }
                } else {
                    statement.setObject(index + 1, value);
                }
            }
            statement.executeUpdate();
        }
    }

    private String table(String name) {
        return schema.table(name);
    }
}
