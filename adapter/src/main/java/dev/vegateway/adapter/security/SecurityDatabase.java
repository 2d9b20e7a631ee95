package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.invalidation.Announcements;
import dev.vegateway.adapter.jdbc.Transactions;
import dev.vegateway.adapter.security.EffectivePermissions.Assignment;
import dev.vegateway.adapter.security.PortalMappingAuditEntry.Operation;
import dev.vegateway.adapter.security.SecurityDocument.Application;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.FieldSecurity;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.RowFilter;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The JDBC side of {@link SecurityStore}: writes a whole {@link SecurityDocument} in one
 * transaction and reads it back, whole or per user; changes one portal mapping at a time, each
 * with its audit row in one transaction. Every change bumps the version of the security data. Every read runs in one repeatable-read
 * transaction, so it never mixes data from before and after a concurrent import. SQL text is
 * built from constants and the validated schema name only; values are bind parameters.
 */
final class SecurityDatabase {
    /** A step run on the import's connection before it commits (a test hook to force a failure). */
    @FunctionalInterface
    interface SqlStep {
        void run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** Assignments held directly or through a team by the user bound twice as parameters. */
    private static final String HELD_BY_USER =
            "(a.user_id = ? OR a.team_id IN (SELECT m.team_id FROM %s m WHERE m.user_id = ?))";

    /**
     * The teams a user is a member of: listed members, the group teams of the groups its tokens
     * named ({@code group_claim_members}, see {@link IdentityLifecycle}), and the group teams a SCIM
     * group is bound to by its externalId ({@code directory_group_members}, see {@link Directory});
     * over alias {@code m}.
     */
    private String memberTeams() {
        return "(SELECT m.team_id, m.user_id FROM " + table("team_members") + " m UNION SELECT t.id, g.user_id FROM "
                + table("teams") + " t JOIN " + table("group_claim_members")
                + " g ON g.group_object_id = t.group_object_id"
                + " UNION SELECT t.id, d.user_id FROM " + table("teams") + " t JOIN " + table("directory_groups")
                + " dg ON dg.team_id = t.id JOIN " + table("directory_group_members")
                + " d ON d.group_id = dg.id WHERE t.group_object_id IS NOT NULL)";
    }

    private final DataSource dataSource;
    private final SecuritySchema schema;

    SecurityDatabase(DataSource dataSource, SecuritySchema schema) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** What a change returns: its result, and the version of the security data it committed. */
    record Written<T>(T value, long version) {}

    // ---- replace

    /** Replaces everything but the {@link SecuritySchema#KEPT_TABLES kept tables}; returns the new version. */
    long replaceAll(SecurityDocument document, SqlStep beforeCommit) {
        return write("replace the security data; nothing was changed", connection -> {
            long version = bumpVersion(connection);
            deleteAll(connection);
            insertAll(connection, document);
            beforeCommit.run(connection);
            return version;
        });
    }

    private void deleteAll(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE " + table("business_units") + " SET parent_id = NULL");
            List<String> childrenFirst = new ArrayList<>(SecuritySchema.TABLES);
            Collections.reverse(childrenFirst);
            for (String table : childrenFirst) {
                statement.executeUpdate("DELETE FROM " + table(table));
            }
        }
    }

    private void insertAll(Connection connection, SecurityDocument document) throws SQLException {
        Map<String, UUID> unitIds = new HashMap<>();
        document.businessUnits().forEach(unit -> unitIds.put(unit.name(), unit.id()));
        insertBusinessUnits(connection, document.businessUnits(), unitIds);
        insertCompanies(connection, document.companies());
        insertRoles(connection, document.roles());
        List<PendingAssignment> assignments = new ArrayList<>();
        insertUsers(connection, document, unitIds, assignments);
        insertTeams(connection, document.teams(), unitIds, assignments);
        insertAssignments(connection, assignments, unitIds);
        insertPortal(connection, document.portal());
    }

    /** Parents before children, so that every parent_id refers to a row already there. */
    private void insertBusinessUnits(Connection connection, List<BusinessUnit> units, Map<String, UUID> unitIds)
            throws SQLException {
        List<BusinessUnit> ordered = new ArrayList<>();
        Deque<BusinessUnit> pending = new ArrayDeque<>();
        units.stream().filter(unit -> unit.parent().isEmpty()).forEach(pending::add);
        while (!pending.isEmpty()) {
            BusinessUnit unit = pending.remove();
            ordered.add(unit);
            units.stream()
                    .filter(child -> child.parent().equals(Optional.of(unit.name())) && !ordered.contains(child))
                    .forEach(pending::add);
        }
        units.stream().filter(unit -> !ordered.contains(unit)).forEach(ordered::add);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table("business_units") + " (id, name, parent_id, sort_order) VALUES (?, ?, ?, ?)")) {
            for (BusinessUnit unit : ordered) {
                insert.setObject(1, unit.id());
                insert.setString(2, unit.name());
                setUuid(insert, 3, unit.parent().map(unitIds::get));
                insert.setInt(4, units.indexOf(unit));
                insert.executeUpdate();
            }
        }
    }

    private void insertCompanies(Connection connection, List<String> companies) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table("companies") + " (code, sort_order) VALUES (?, ?)")) {
            for (int index = 0; index < companies.size(); index++) {
                insert.setString(1, companies.get(index));
                insert.setInt(2, index);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void insertRoles(Connection connection, List<Role> roles) throws SQLException {
        try (PreparedStatement role = connection.prepareStatement(
                        "INSERT INTO " + table("roles") + " (name, sort_order) VALUES (?, ?)");
                PreparedStatement privilege = connection.prepareStatement("INSERT INTO " + table("role_privileges")
                        + " (role_name, entity_name, create_depth, read_depth, write_depth, delete_depth, append_depth,"
                        + " append_to_depth, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement action = connection.prepareStatement("INSERT INTO " + table("role_actions")
                        + " (role_name, action_name, sort_order) VALUES (?, ?, ?)");
                PreparedStatement rowFilter = connection.prepareStatement("INSERT INTO " + table("role_row_filters")
                        + " (role_name, entity_name, filter_text, sort_order) VALUES (?, ?, ?, ?)");
                PreparedStatement field = connection.prepareStatement("INSERT INTO " + table("role_field_security")
                        + " (role_name, entity_name, field_name, can_read, can_create, can_update, sort_order)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int order = 0;
            for (Role each : roles) {
                role.setString(1, each.name());
                role.setInt(2, order++);
                role.addBatch();
                for (EntityPrivileges entry : each.privileges()) {
                    privilege.setString(1, each.name());
                    privilege.setString(2, entry.entity());
                    int column = 3;
                    for (Privilege name : Privilege.values()) {
                        privilege.setString(column++, entry.depth(name).name());
                    }
                    privilege.setInt(column, order++);
                    privilege.addBatch();
                }
                for (String name : each.actions()) {
                    action.setString(1, each.name());
                    action.setString(2, name);
                    action.setInt(3, order++);
                    action.addBatch();
                }
                for (RowFilter filter : each.rowFilters()) {
                    rowFilter.setString(1, each.name());
                    rowFilter.setString(2, filter.entity());
                    rowFilter.setString(3, filter.filter());
                    rowFilter.setInt(4, order++);
                    rowFilter.addBatch();
                }
                for (FieldSecurity security : each.fieldSecurity()) {
                    field.setString(1, each.name());
                    field.setString(2, security.entity());
                    field.setString(3, security.field());
                    field.setBoolean(4, security.read());
                    field.setBoolean(5, security.create());
                    field.setBoolean(6, security.update());
                    field.setInt(7, order++);
                    field.addBatch();
                }
            }
            role.executeBatch();
            privilege.executeBatch();
            action.executeBatch();
            rowFilter.executeBatch();
            field.executeBatch();
        }
    }

    private void insertUsers(
            Connection connection,
            SecurityDocument document,
            Map<String, UUID> unitIds,
            List<PendingAssignment> assignments)
            throws SQLException {
        try (PreparedStatement user = connection.prepareStatement("INSERT INTO " + table("users")
                        + " (id, name, entra_object_id, enabled, access_mode, kind, business_unit_id, sort_order)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement attribute = connection.prepareStatement("INSERT INTO " + table("user_attributes")
                        + " (user_id, attribute_name, attribute_value, sort_order) VALUES (?, ?, ?, ?)");
                PreparedStatement application = connection.prepareStatement("INSERT INTO " + table("applications")
                        + " (app_id, user_id, kind, sort_order) VALUES (?, ?, ?, ?)")) {
            int order = 0;
            for (User each : document.users()) {
                user.setObject(1, each.id());
                user.setString(2, each.name());
                setUuid(user, 3, each.entraObjectId());
                user.setBoolean(4, each.enabled());
                user.setString(5, each.accessMode().name());
                user.setString(6, each.kind().name());
                setUuid(user, 7, each.businessUnit().map(unitIds::get));
                user.setInt(8, order++);
                user.addBatch();
                for (Map.Entry<String, String> entry : each.attributes().entrySet()) {
                    attribute.setObject(1, each.id());
                    attribute.setString(2, entry.getKey());
                    attribute.setString(3, entry.getValue());
                    attribute.setInt(4, order++);
                    attribute.addBatch();
                }
                each.roles()
                        .forEach(role ->
                                assignments.add(new PendingAssignment(role, Optional.of(each.id()), Optional.empty())));
            }
            for (Application each : document.applications()) {
                user.setObject(1, each.userId());
                user.setString(2, each.name());
                setUuid(user, 3, Optional.empty());
                user.setBoolean(4, each.enabled());
                user.setString(5, AccessMode.NON_INTERACTIVE.name());
                user.setString(6, UserKind.APPLICATION.name());
                setUuid(user, 7, Optional.empty());
                user.setInt(8, order++);
                user.addBatch();
                application.setString(1, each.appId());
                application.setObject(2, each.userId());
                application.setString(3, each.kind().name());
                application.setInt(4, order++);
                application.addBatch();
                each.roles()
                        .forEach(role -> assignments.add(
                                new PendingAssignment(role, Optional.of(each.userId()), Optional.empty())));
            }
            user.executeBatch();
            attribute.executeBatch();
            application.executeBatch();
        }
        insertUserSettings(connection, document.users());
    }

    /** Each user's manager, language and time zone, once every user row exists. */
    private void insertUserSettings(Connection connection, List<User> users) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table("users") + " SET manager_id = ?, language_code = ?, time_zone = ? WHERE id = ?")) {
            boolean any = false;
            for (User each : users) {
                if (each.settings().equals(SecurityDocument.UserSettings.NONE)) {
                    continue;
                }
                setUuid(update, 1, each.settings().manager());
                if (each.settings().language().isPresent()) {
                    update.setInt(2, each.settings().language().getAsInt());
                } else {
                    update.setNull(2, java.sql.Types.INTEGER);
                }
                update.setString(
                        3,
                        each.settings().timeZone().map(java.time.ZoneId::getId).orElse(null));
                update.setObject(4, each.id());
                update.addBatch();
                any = true;
            }
            if (any) {
                update.executeBatch();
            }
        }
    }

    /** The manager, language and time zone of every user that has one, by user id. */
    private Map<UUID, SecurityDocument.UserSettings> userSettings(Connection connection) throws SQLException {
        Map<UUID, SecurityDocument.UserSettings> settings = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT id, manager_id, language_code, time_zone FROM " + table("users")
                                + " WHERE manager_id IS NOT NULL OR language_code IS NOT NULL OR time_zone IS NOT NULL");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                int code = rows.getInt(3);
                // wasNull() speaks of the column read last: the language's, before the manager is read
                java.util.OptionalInt language =
                        rows.wasNull() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(code);
                settings.put(
                        rows.getObject(1, UUID.class),
                        new SecurityDocument.UserSettings(
                                Optional.ofNullable(rows.getObject(2, UUID.class)),
                                language,
                                Optional.ofNullable(rows.getString(4)).map(SecurityDatabase::zone)));
            }
        }
        return settings;
    }

    private void insertTeams(
            Connection connection, List<Team> teams, Map<String, UUID> unitIds, List<PendingAssignment> assignments)
            throws SQLException {
        try (PreparedStatement team = connection.prepareStatement("INSERT INTO " + table("teams")
                        + " (id, name, business_unit_id, sort_order, group_object_id, inheritance)"
                        + " VALUES (?, ?, ?, ?, ?, ?)");
                PreparedStatement member = connection.prepareStatement(
                        "INSERT INTO " + table("team_members") + " (team_id, user_id, sort_order) VALUES (?, ?, ?)")) {
            int order = 0;
            for (Team each : teams) {
                team.setObject(1, each.id());
                team.setString(2, each.name());
                setUuid(team, 3, Optional.ofNullable(unitIds.get(each.businessUnit())));
                team.setInt(4, order++);
                setUuid(team, 5, each.group().map(SecurityDocument.GroupBinding::groupObjectId));
                team.setString(
                        6,
                        each.group()
                                .map(group -> group.inheritance().documentName())
                                .orElse(null));
                team.addBatch();
                for (UUID user : each.members()) {
                    member.setObject(1, each.id());
                    member.setObject(2, user);
                    member.setInt(3, order++);
                    member.addBatch();
                }
                each.roles()
                        .forEach(role ->
                                assignments.add(new PendingAssignment(role, Optional.empty(), Optional.of(each.id()))));
            }
            team.executeBatch();
            member.executeBatch();
        }
    }

    private record PendingAssignment(RoleAssignment assignment, Optional<UUID> user, Optional<UUID> team) {}

    private void insertAssignments(
            Connection connection, List<PendingAssignment> assignments, Map<String, UUID> unitIds) throws SQLException {
        try (PreparedStatement assignment = connection.prepareStatement(
                        "INSERT INTO " + table("role_assignments")
                                + " (id, role_name, user_id, team_id, sort_order, business_unit_id) VALUES (?, ?, ?, ?, ?, ?)");
                PreparedStatement company =
                        connection.prepareStatement("INSERT INTO " + table("role_assignment_companies")
                                + " (assignment_id, company_code, sort_order) VALUES (?, ?, ?)")) {
            int order = 0;
            for (PendingAssignment pending : assignments) {
                UUID id = UUID.randomUUID();
                assignment.setObject(1, id);
                assignment.setString(2, pending.assignment().role());
                setUuid(assignment, 3, pending.user());
                setUuid(assignment, 4, pending.team());
                assignment.setInt(5, order++);
                setUuid(assignment, 6, pending.assignment().businessUnit().map(unitIds::get));
                assignment.addBatch();
                for (String code : pending.assignment().companies().orElse(Set.of())) {
                    company.setObject(1, id);
                    company.setString(2, code);
                    company.setInt(3, order++);
                    company.addBatch();
                }
            }
            assignment.executeBatch();
            company.executeBatch();
        }
    }

    private void insertPortal(Connection connection, Portal portal) throws SQLException {
        try (PreparedStatement mapping = connection.prepareStatement("INSERT INTO " + table("portal_mappings")
                        + " (contact_id, user_id, company_code, sort_order) VALUES (?, ?, ?, ?)");
                PreparedStatement anonymous = connection.prepareStatement(
                        "INSERT INTO " + table("portal_anonymous_user") + " (singleton, user_id) VALUES (1, ?)")) {
            int order = 0;
            for (PortalMapping each : portal.mappings()) {
                mapping.setObject(1, each.contactId());
                mapping.setObject(2, each.user());
                if (each.company().isPresent()) {
                    mapping.setString(3, each.company().get());
                } else {
                    mapping.setNull(3, Types.VARCHAR);
                }
                mapping.setInt(4, order++);
                mapping.addBatch();
            }
            mapping.executeBatch();
            if (portal.anonymousUser().isPresent()) {
                anonymous.setObject(1, portal.anonymousUser().get());
                anonymous.executeUpdate();
            }
        }
    }

    // ---- export

    SecurityDocument exportAll() {
        return read("export the security data", this::exportAll);
    }

    /** The whole security data as {@code connection} sees it (inside a change: with the change's own writes). */
    SecurityDocument exportAll(Connection connection) throws SQLException {
        {
            Map<UUID, String> unitNames = new LinkedHashMap<>();
            List<BusinessUnit> units = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT b.id, b.name, p.name FROM "
                            + table("business_units") + " b LEFT JOIN " + table("business_units")
                            + " p ON p.id = b.parent_id ORDER BY b.sort_order");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    unitNames.put(id, rows.getString(2));
                    units.add(new BusinessUnit(id, rows.getString(2), Optional.ofNullable(rows.getString(3))));
                }
            }
            List<String> companies = companies(connection);
            List<Role> roles = List.copyOf(roles(connection, "", List.of()).values());
            Map<UUID, List<RoleAssignment>> userRoles = new HashMap<>();
            Map<UUID, List<RoleAssignment>> teamRoles = new HashMap<>();
            for (StoredAssignment stored : assignments(connection, "", List.of())) {
                // a unit deleted since is written by its id, which the import's validation then names
                RoleAssignment assignment = new RoleAssignment(
                        stored.role(),
                        stored.companies(),
                        stored.businessUnit().map(unit -> unitNames.getOrDefault(unit, unit.toString())));
                stored.user().ifPresent(user -> userRoles
                        .computeIfAbsent(user, key -> new ArrayList<>())
                        .add(assignment));
                stored.team().ifPresent(team -> teamRoles
                        .computeIfAbsent(team, key -> new ArrayList<>())
                        .add(assignment));
            }
            List<User> users = new ArrayList<>();
            Map<UUID, SecurityDocument.UserSettings> settings = userSettings(connection);
            for (BackendUser user : users(connection, " WHERE u.kind <> 'APPLICATION'", List.of())) {
                users.add(new User(
                        user.id(),
                        user.name(),
                        user.entraObjectId(),
                        user.enabled(),
                        user.accessMode(),
                        user.kind(),
                        user.businessUnitId().map(unitNames::get),
                        user.attributes(),
                        userRoles.getOrDefault(user.id(), List.of()),
                        settings.getOrDefault(user.id(), SecurityDocument.UserSettings.NONE)));
            }
            Map<UUID, List<UUID>> members = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT team_id, user_id FROM " + table("team_members") + " ORDER BY sort_order");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    members.computeIfAbsent(rows.getObject(1, UUID.class), key -> new ArrayList<>())
                            .add(rows.getObject(2, UUID.class));
                }
            }
            List<Team> teams = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, name, business_unit_id, group_object_id, inheritance FROM " + table("teams")
                                    + " ORDER BY sort_order");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    Optional<SecurityDocument.GroupBinding> group = Optional.ofNullable(rows.getObject(4, UUID.class))
                            .map(groupId ->
                                    new SecurityDocument.GroupBinding(groupId, TeamInheritance.DIRECT_BASIC_ACCESS));
                    if (group.isPresent()) {
                        group = Optional.of(new SecurityDocument.GroupBinding(
                                group.get().groupObjectId(), GroupTeams.inheritance(rows.getString(5))));
                    }
                    teams.add(new Team(
                            id,
                            rows.getString(2),
                            unitNames.get(rows.getObject(3, UUID.class)),
                            teamRoles.getOrDefault(id, List.of()),
                            members.getOrDefault(id, List.of()),
                            group));
                }
            }
            List<Application> applications = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(applicationQuery() + " ORDER BY a.sort_order");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID userId = rows.getObject(5, UUID.class);
                    applications.add(new Application(
                            rows.getString(1),
                            rows.getString(3),
                            ApplicationKind.valueOf(rows.getString(2)),
                            rows.getBoolean(4),
                            userRoles.getOrDefault(userId, List.of())));
                }
            }
            List<PortalMapping> mappings = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT contact_id, user_id, company_code FROM "
                            + table("portal_mappings") + " ORDER BY sort_order");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    mappings.add(mapping(rows));
                }
            }
            Portal portal = new Portal(anonymousPortalUser(connection), mappings);
            return new SecurityDocument(units, companies, roles, users, teams, applications, portal);
        }
    }

    // ---- lookups on the request path

    Optional<ApplicationUser> application(String appId) {
        return read("look up application " + appId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(applicationQuery() + " WHERE a.app_id = ?")) {
                select.setString(1, appId);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    UUID userId = rows.getObject(5, UUID.class);
                    Set<String> roles = new LinkedHashSet<>();
                    assignments(connection, " WHERE a.user_id = ?", List.of(userId))
                            .forEach(assignment -> roles.add(assignment.role()));
                    return Optional.of(new ApplicationUser(
                            rows.getString(1),
                            rows.getString(3),
                            ApplicationKind.valueOf(rows.getString(2)),
                            rows.getBoolean(4),
                            roles));
                }
            }
        });
    }

    Optional<BackendUser> userById(UUID id) {
        return read("look up user " + id, connection -> users(connection, " WHERE u.id = ?", List.of(id)).stream()
                .findFirst());
    }

    Optional<BackendUser> userByEntraObjectId(UUID entraObjectId) {
        return read(
                "look up the user with Entra object id " + entraObjectId,
                connection -> users(connection, " WHERE u.entra_object_id = ?", List.of(entraObjectId)).stream()
                        .findFirst());
    }

    Optional<PortalMapping> portalMapping(UUID contactId) {
        return read("look up portal contact " + contactId, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT contact_id, user_id, company_code FROM "
                    + table("portal_mappings") + " WHERE contact_id = ?")) {
                select.setObject(1, contactId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(mapping(rows)) : Optional.empty();
                }
            }
        });
    }

    Optional<UUID> anonymousPortalUser() {
        return read("look up the anonymous portal user", this::anonymousPortalUser);
    }

    /** The user's permissions from its own and its teams' role assignments; empty if there is no such user. */
    Optional<EffectivePermissions> permissionsOf(UUID userId) {
        return read("load the permissions of user " + userId, connection -> {
            Optional<BackendUser> user = users(connection, " WHERE u.id = ?", List.of(userId)).stream()
                    .findFirst();
            if (user.isEmpty()) {
                return Optional.empty();
            }
            String heldByUser = String.format(HELD_BY_USER, memberTeams());
            Map<UUID, Set<UUID>> trees = new HashMap<>();
            List<Assignment> assignments = new ArrayList<>();
            for (StoredAssignment stored : assignments(connection, " WHERE " + heldByUser, List.of(userId, userId))) {
                assignments.add(new Assignment(
                        stored.role(),
                        stored.companies(),
                        stored.teamName(),
                        reach(connection, user.get(), stored, trees)));
            }
            Map<String, Role> roles = roles(
                    connection,
                    " WHERE r.name IN (SELECT a.role_name FROM " + table("role_assignments") + " a WHERE " + heldByUser
                            + ")",
                    List.of(userId, userId));
            Set<UUID> units = user.get().businessUnitId().isPresent()
                    ? unitAndDescendants(connection, user.get().businessUnitId().get())
                    : Set.of();
            Set<UUID> teams = new java.util.LinkedHashSet<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT m.team_id FROM " + memberTeams() + " m WHERE m.user_id = ? ORDER BY m.team_id")) {
                select.setObject(1, userId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        teams.add(rows.getObject(1, UUID.class));
                    }
                }
            }
            return Optional.of(new EffectivePermissions(
                    user.get(),
                    assignments,
                    roles,
                    Ordered.set(companies(connection)),
                    units,
                    teams,
                    hierarchy(connection, userId)));
        });
    }

    /**
     * Where one of the user's assignments reaches (see {@link Reach}): Basic the user's rows, and the
     * team's for a team's role, only the team's for a group team of inheritance TeamPrivilegesOnly;
     * Local and Deep the unit the assignment names, else the team's unit for TeamPrivilegesOnly,
     * else the user's. {@code trees} caches each unit's subtree for this load.
     */
    private Reach reach(Connection connection, BackendUser user, StoredAssignment stored, Map<UUID, Set<UUID>> trees)
            throws SQLException {
        Reach.Via via = new Reach.Via(stored.team(), stored.teamName(), stored.groupTeam());
        Set<UUID> owners = new LinkedHashSet<>();
        if (!via.teamPrivilegesOnly()) {
            owners.add(user.id());
        }
        stored.team().ifPresent(owners::add);
        Optional<UUID> unit = stored.businessUnit()
                .or(() -> via.teamPrivilegesOnly() ? stored.teamBusinessUnit() : user.businessUnitId());
        Set<UUID> tree = Set.of();
        if (unit.isPresent()) {
            tree = trees.get(unit.get());
            if (tree == null) {
                tree = unitAndDescendants(connection, unit.get());
                trees.put(unit.get(), tree);
            }
        }
        return new Reach(via, owners, unit, tree, stored.businessUnit().isPresent());
    }

    /**
     * The users under {@code userId} in the manager hierarchy, the teams they are members of, and
     * the user's language: walked level by level, each user once (an import refuses cycles; a
     * database edited by hand cannot make the walk loop), at most {@value #MAX_HIERARCHY_DEPTH} levels.
     */
    private EffectivePermissions.Hierarchy hierarchy(Connection connection, UUID userId) throws SQLException {
        java.util.OptionalInt language = java.util.OptionalInt.empty();
        Optional<java.time.ZoneId> timeZone = Optional.empty();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT language_code, time_zone FROM " + table("users") + " WHERE id = ?")) {
            select.setObject(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    int code = rows.getInt(1);
                    language = rows.wasNull() ? language : java.util.OptionalInt.of(code);
                    timeZone = Optional.ofNullable(rows.getString(2)).map(SecurityDatabase::zone);
                }
            }
        }
        Set<UUID> reports = new java.util.LinkedHashSet<>();
        List<UUID> level = List.of(userId);
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM " + table("users") + " WHERE manager_id = ? ORDER BY sort_order")) {
            for (int depth = 0; depth < MAX_HIERARCHY_DEPTH && !level.isEmpty(); depth++) {
                List<UUID> next = new ArrayList<>();
                for (UUID manager : level) {
                    select.setObject(1, manager);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            UUID report = rows.getObject(1, UUID.class);
                            if (!report.equals(userId) && reports.add(report)) {
                                next.add(report);
                            }
                        }
                    }
                }
                level = next;
            }
        }
        Set<UUID> teams = new java.util.LinkedHashSet<>();
        if (!reports.isEmpty()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT team_id FROM " + table("team_members") + " WHERE user_id = ? ORDER BY sort_order")) {
                for (UUID report : reports) {
                    select.setObject(1, report);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            teams.add(rows.getObject(1, UUID.class));
                        }
                    }
                }
            }
        }
        return new EffectivePermissions.Hierarchy(reports, teams, language, timeZone);
    }

    /**
     * A stored time zone; one this JVM does not know (a database edited by hand, an older JDK's
     * zone rules) counts as UTC rather than failing every call of that user, with a warning logged
     * once per zone id and process.
     */
    private static java.time.ZoneId zone(String id) {
        try {
            return java.time.ZoneId.of(id);
        } catch (java.time.DateTimeException e) {
            if (UNKNOWN_ZONES_WARNED.add(id)) {
                LOG.warn(
                        "the security data holds the time zone '{}', which this JVM does not know ({}): its users'"
                                + " dates are taken in UTC until it is corrected",
                        id,
                        e.getMessage());
            }
            return java.time.ZoneOffset.UTC;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecurityDatabase.class);
    private static final Set<String> UNKNOWN_ZONES_WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The deepest manager hierarchy walked for EqualUserOrUserHierarchy (Dataverse's hierarchy depth ranges up to 100). */
    private static final int MAX_HIERARCHY_DEPTH = 100;

    // ---- the version of the security data

    /**
     * The version of the security data on {@code connection} (the invalidation listener's own),
     * which every change bumps in its own transaction; 0 before the first change.
     */
    static long version(Connection connection, SecuritySchema schema) throws SQLException {
        long version;
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT version FROM " + schema.table("security_version"));
                ResultSet rows = select.executeQuery()) {
            version = rows.next() ? rows.getLong(1) : 0;
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        return version;
    }

    /**
     * Bumps the version and returns the new one, and announces it to every node when the change
     * commits ({@link Announcements}, PostgreSQL only; other databases are polled). It is the
     * first statement of every change: the row lock it takes makes changes from every node and
     * process run one after the other, and each then reads what the one before committed.
     */
    long bumpVersion(Connection connection) throws SQLException {
        long version;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table("security_version") + " SET version = version + 1 WHERE singleton = 1")) {
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + table("security_version") + " (singleton, version) VALUES (1, 1)")) {
                    insert.executeUpdate();
                }
                version = 1;
            } else {
                try (PreparedStatement select = connection.prepareStatement(
                                "SELECT version FROM " + table("security_version") + " WHERE singleton = 1");
                        ResultSet rows = select.executeQuery()) {
                    rows.next();
                    version = rows.getLong(1);
                }
            }
        }
        Announcements.announce(connection, SecurityInvalidation.topic(schema), Long.toString(version));
        return version;
    }

    // ---- portal mappings through the API: each change and its audit row in one transaction

    List<StoredPortalMapping> storedPortalMappings() {
        return read("list the portal mappings", connection -> storedPortalMappings(connection, "", List.of()));
    }

    Optional<StoredPortalMapping> storedPortalMapping(UUID contactId) {
        return read(
                "look up the mapping of portal contact " + contactId,
                connection -> storedPortalMapping(connection, contactId));
    }

    Written<StoredPortalMapping> createPortalMapping(PortalMapping requested, ChangeAuthor author, OffsetDateTime now) {
        PortalMapping mapping = normalized(requested);
        return write("create the mapping of portal contact " + mapping.contactId(), connection -> {
            long version = bumpVersion(connection);
            if (storedPortalMapping(connection, mapping.contactId()).isPresent()) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD,
                        "A record with the same key already exists: portal contact %s is already mapped (%s %s).",
                        mapping.contactId(),
                        PortalMappingNames.CONTACT_ID,
                        mapping.contactId());
            }
            checkPortalMapping(connection, mapping);
            int order;
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM " + table("portal_mappings"));
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                order = rows.getInt(1);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + table("portal_mappings")
                            + " (contact_id, user_id, company_code, sort_order, modified_at, modified_by) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, mapping.contactId());
                insert.setObject(2, mapping.user());
                setString(insert, 3, mapping.company());
                insert.setInt(4, order);
                insert.setObject(5, now);
                insert.setString(6, author.userName());
                insert.executeUpdate();
            }
            audit(
                    connection,
                    author,
                    now,
                    Operation.CREATE,
                    mapping.contactId(),
                    Optional.empty(),
                    Optional.of(mapping));
            return new Written<>(
                    new StoredPortalMapping(mapping, Optional.of(now), Optional.of(author.userName())), version);
        });
    }

    /** Applies {@code change} to the stored mapping, inside the transaction, so that concurrent updates of different properties both hold. */
    Written<StoredPortalMapping> updatePortalMapping(
            UUID contactId, UnaryOperator<PortalMapping> change, ChangeAuthor author, OffsetDateTime now) {
        return write("update the mapping of portal contact " + contactId, connection -> {
            long version = bumpVersion(connection);
            PortalMapping before = storedPortalMapping(connection, contactId)
                    .orElseThrow(() -> mappingNotFound(contactId))
                    .mapping();
            PortalMapping after = normalized(change.apply(before));
            if (!after.contactId().equals(contactId)) {
                throw new IllegalArgumentException(
                        "the contact of mapping " + contactId + " cannot change to " + after.contactId());
            }
            checkPortalMapping(connection, after);
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table("portal_mappings")
                    + " SET user_id = ?, company_code = ?, modified_at = ?, modified_by = ? WHERE contact_id = ?")) {
                update.setObject(1, after.user());
                setString(update, 2, after.company());
                update.setObject(3, now);
                update.setString(4, author.userName());
                update.setObject(5, contactId);
                update.executeUpdate();
            }
            audit(connection, author, now, Operation.UPDATE, contactId, Optional.of(before), Optional.of(after));
            return new Written<>(
                    new StoredPortalMapping(after, Optional.of(now), Optional.of(author.userName())), version);
        });
    }

    Written<PortalMapping> deletePortalMapping(UUID contactId, ChangeAuthor author, OffsetDateTime now) {
        return write("delete the mapping of portal contact " + contactId, connection -> {
            long version = bumpVersion(connection);
            PortalMapping before = storedPortalMapping(connection, contactId)
                    .orElseThrow(() -> mappingNotFound(contactId))
                    .mapping();
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM " + table("portal_mappings") + " WHERE contact_id = ?")) {
                delete.setObject(1, contactId);
                delete.executeUpdate();
            }
            audit(connection, author, now, Operation.DELETE, contactId, Optional.of(before), Optional.empty());
            return new Written<>(before, version);
        });
    }

    /** Every audited change, oldest first. */
    List<PortalMappingAuditEntry> portalMappingAudit() {
        return read("read the audit of the portal mappings", connection -> {
            List<PortalMappingAuditEntry> entries = new ArrayList<>();
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT id, changed_at, changed_by, application_id, operation,"
                                    + " contact_id, before_value, after_value FROM " + table("portal_mapping_audit")
                                    + " ORDER BY changed_at, id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new PortalMappingAuditEntry(
                            rows.getObject(1, UUID.class),
                            rows.getObject(2, OffsetDateTime.class),
                            rows.getObject(3, UUID.class),
                            rows.getString(4),
                            Operation.valueOf(rows.getString(5)),
                            rows.getObject(6, UUID.class),
                            Optional.ofNullable(rows.getString(7)),
                            Optional.ofNullable(rows.getString(8))));
                }
            }
            return entries;
        });
    }

    private Optional<StoredPortalMapping> storedPortalMapping(Connection connection, UUID contactId)
            throws SQLException {
        return storedPortalMappings(connection, " WHERE contact_id = ?", List.of(contactId)).stream()
                .findFirst();
    }

    private List<StoredPortalMapping> storedPortalMappings(
            Connection connection, String condition, List<Object> parameters) throws SQLException {
        List<StoredPortalMapping> mappings = new ArrayList<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT contact_id, user_id, company_code, modified_at, modified_by FROM "
                        + table("portal_mappings") + condition + " ORDER BY sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    mappings.add(new StoredPortalMapping(
                            mapping(rows),
                            Optional.ofNullable(rows.getObject(4, OffsetDateTime.class)),
                            Optional.ofNullable(rows.getString(5))));
                }
            }
        }
        return mappings;
    }

    /**
     * The rules of SPEC 5 for the user a portal contact maps to, read in the change's own
     * transaction: an existing person user holding CDSVirtualEntityAuthorizedPortalUser and
     * neither administrator role; and a known company, if any.
     */
    private void checkPortalMapping(Connection connection, PortalMapping mapping) throws SQLException {
        BackendUser user = users(connection, " WHERE u.id = ?", List.of(mapping.user())).stream()
                .findFirst()
                .orElseThrow(() ->
                        invalid(PortalMappingNames.USER_ID, "there is no backend user with id %s.", mapping.user()));
        String described = user.name() + " (" + user.id() + ")";
        switch (user.kind()) {
            case PERSON -> {}
            case STUB -> throw invalid(
                    PortalMappingNames.USER_ID,
                    "user %s is a stub user, which only owns rows; portal users must be person users.",
                    described);
            case APPLICATION -> throw invalid(
                    PortalMappingNames.USER_ID,
                    "user %s is the user of an application; portal users must be person users.",
                    described);
        }
        Map<String, String> held = new LinkedHashMap<>();
        for (StoredAssignment assignment : assignments(
                connection, " WHERE " + String.format(HELD_BY_USER, memberTeams()), List.of(user.id(), user.id()))) {
            held.putIfAbsent(
                    assignment.role(),
                    assignment.teamName().map(team -> " through team " + team).orElse(""));
        }
        for (String forbidden : List.of(BuiltInRoles.SYSTEM_ADMINISTRATOR, BuiltInRoles.SECURITY_ADMINISTRATOR)) {
            if (held.containsKey(forbidden)) {
                throw invalid(
                        PortalMappingNames.USER_ID,
                        "user %s holds the %s role%s, which a portal user may not hold.",
                        described,
                        forbidden,
                        held.get(forbidden));
            }
        }
        if (!held.containsKey(BuiltInRoles.AUTHORIZED_PORTAL_USER)) {
            throw invalid(
                    PortalMappingNames.USER_ID,
                    "user %s lacks the %s role, which every portal user needs.",
                    described,
                    BuiltInRoles.AUTHORIZED_PORTAL_USER);
        }
        if (mapping.company().isPresent()) {
            List<String> companies = companies(connection);
            if (!companies.contains(mapping.company().get())) {
                throw invalid(
                        PortalMappingNames.COMPANY,
                        "unknown company '%s'; the companies are %s.",
                        mapping.company().get(),
                        String.join(", ", companies));
            }
        }
    }

    @FormatMethod
    private static GatewayException invalid(String property, @FormatString String format, Object... arguments) {
        return GatewayException.of(
                ErrorCode.VALIDATION, "The value of '%s' is not valid: %s", property, String.format(format, arguments));
    }

    private static GatewayException mappingNotFound(UUID contactId) {
        return GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND,
                "%s With Id = %s Does Not Exist",
                PortalMappingNames.LOGICAL_NAME,
                contactId);
    }

    /** Company codes are stored in lower case, as an import stores them. */
    private static PortalMapping normalized(PortalMapping mapping) {
        return new PortalMapping(
                mapping.contactId(),
                mapping.user(),
                mapping.company().map(company -> company.toLowerCase(Locale.ROOT)));
    }

    private void audit(
            Connection connection,
            ChangeAuthor author,
            OffsetDateTime now,
            Operation operation,
            UUID contactId,
            Optional<PortalMapping> before,
            Optional<PortalMapping> after)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table("portal_mapping_audit")
                + " (id, changed_at, changed_by, application_id, operation, contact_id, before_value, after_value)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, now);
            insert.setObject(3, author.userId());
            insert.setString(4, author.applicationId());
            insert.setString(5, operation.name());
            insert.setObject(6, contactId);
            setString(insert, 7, before.map(SecurityDatabase::json));
            setString(insert, 8, after.map(SecurityDatabase::json));
            insert.executeUpdate();
        }
    }

    /** The mapping as a JSON object with the API's property names, as the audit keeps it. */
    static String json(PortalMapping mapping) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField(
                    PortalMappingNames.CONTACT_ID, mapping.contactId().toString());
            json.writeStringField(PortalMappingNames.USER_ID, mapping.user().toString());
            json.writeStringField(PortalMappingNames.COMPANY, mapping.company().orElse(null));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    // ---- shared reads

    private String applicationQuery() {
        return "SELECT a.app_id, a.kind, u.name, u.enabled, u.id FROM " + table("applications") + " a JOIN "
                + table("users") + " u ON u.id = a.user_id";
    }

    private Optional<UUID> anonymousPortalUser(Connection connection) throws SQLException {
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT user_id FROM " + table("portal_anonymous_user"));
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
        }
    }

    private static PortalMapping mapping(ResultSet rows) throws SQLException {
        return new PortalMapping(
                rows.getObject(1, UUID.class), rows.getObject(2, UUID.class), Optional.ofNullable(rows.getString(3)));
    }

    private List<String> companies(Connection connection) throws SQLException {
        List<String> companies = new ArrayList<>();
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT code FROM " + table("companies") + " ORDER BY sort_order");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                companies.add(rows.getString(1));
            }
        }
        return companies;
    }

    /** Users matching {@code condition} (over alias {@code u}), with their attributes, in import order. */
    private List<BackendUser> users(Connection connection, String condition, List<Object> parameters)
            throws SQLException {
        Map<UUID, Map<String, String>> attributes = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT ua.user_id, ua.attribute_name, ua.attribute_value FROM "
                        + table("user_attributes") + " ua WHERE ua.user_id IN (SELECT u.id FROM " + table("users")
                        + " u" + condition
                        + ") ORDER BY ua.sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    attributes
                            .computeIfAbsent(rows.getObject(1, UUID.class), key -> new LinkedHashMap<>())
                            .put(rows.getString(2), rows.getString(3));
                }
            }
        }
        List<BackendUser> users = new ArrayList<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT u.id, u.name, u.entra_object_id, u.enabled, u.access_mode,"
                        + " u.kind, u.business_unit_id FROM " + table("users") + " u" + condition
                        + " ORDER BY u.sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    users.add(new BackendUser(
                            id,
                            rows.getString(2),
                            Optional.ofNullable(rows.getObject(3, UUID.class)),
                            rows.getBoolean(4),
                            AccessMode.valueOf(rows.getString(5)),
                            UserKind.valueOf(rows.getString(6)),
                            Optional.ofNullable(rows.getObject(7, UUID.class)),
                            attributes.getOrDefault(id, Map.of())));
                }
            }
        }
        return users;
    }

    /**
     * A stored role assignment, with the unit it names ({@code businessUnit}, a role from another
     * unit) and, for a team's, the team's unit, directory group and inheritance.
     */
    private record StoredAssignment(
            String role,
            Optional<Set<String>> companies,
            Optional<UUID> user,
            Optional<UUID> team,
            Optional<String> teamName,
            Optional<UUID> businessUnit,
            Optional<UUID> teamBusinessUnit,
            Optional<TeamInheritance> groupTeam) {}

    /** Role assignments matching {@code condition} (over alias {@code a}): direct ones first, then by team, in import order. */
    private List<StoredAssignment> assignments(Connection connection, String condition, List<Object> parameters)
            throws SQLException {
        Map<UUID, Set<String>> companies = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT c.assignment_id, c.company_code FROM "
                + table("role_assignment_companies") + " c WHERE c.assignment_id IN (SELECT a.id FROM "
                + table("role_assignments")
                + " a" + condition + ") ORDER BY c.sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    companies
                            .computeIfAbsent(rows.getObject(1, UUID.class), key -> new LinkedHashSet<>())
                            .add(rows.getString(2));
                }
            }
        }
        List<StoredAssignment> assignments = new ArrayList<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT a.id, a.role_name, a.user_id, a.team_id, t.name,"
                        + " a.business_unit_id, t.business_unit_id, t.group_object_id, t.inheritance FROM "
                        + table("role_assignments") + " a LEFT JOIN " + table("teams") + " t ON t.id = a.team_id"
                        + condition
                        + " ORDER BY CASE WHEN a.team_id IS NULL THEN 0 ELSE 1 END, t.sort_order, a.sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    assignments.add(new StoredAssignment(
                            rows.getString(2),
                            Optional.ofNullable(companies.get(rows.getObject(1, UUID.class))),
                            Optional.ofNullable(rows.getObject(3, UUID.class)),
                            Optional.ofNullable(rows.getObject(4, UUID.class)),
                            Optional.ofNullable(rows.getString(5)),
                            Optional.ofNullable(rows.getObject(6, UUID.class)),
                            Optional.ofNullable(rows.getObject(7, UUID.class)),
                            rows.getObject(8, UUID.class) == null
                                    ? Optional.empty()
                                    : Optional.of(GroupTeams.inheritance(rows.getString(9)))));
                }
            }
        }
        return assignments;
    }

    /** Role definitions matching {@code condition} (over alias {@code r}), by name, in import order. */
    private Map<String, Role> roles(Connection connection, String condition, List<Object> parameters)
            throws SQLException {
        String matching = " WHERE role_name IN (SELECT r.name FROM " + table("roles") + " r" + condition
                + ") ORDER BY sort_order";
        Map<String, List<EntityPrivileges>> privileges = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT role_name, entity_name, create_depth, read_depth,"
                        + " write_depth, delete_depth, append_depth, append_to_depth FROM " + table("role_privileges")
                        + matching)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<Privilege, Depth> depths = new EnumMap<>(Privilege.class);
                    int column = 3;
                    for (Privilege privilege : Privilege.values()) {
                        depths.put(privilege, Depth.valueOf(rows.getString(column++)));
                    }
                    privileges
                            .computeIfAbsent(rows.getString(1), key -> new ArrayList<>())
                            .add(new EntityPrivileges(rows.getString(2), depths));
                }
            }
        }
        Map<String, List<String>> actions = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT role_name, action_name FROM " + table("role_actions") + matching)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    actions.computeIfAbsent(rows.getString(1), key -> new ArrayList<>())
                            .add(rows.getString(2));
                }
            }
        }
        Map<String, List<RowFilter>> rowFilters = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT role_name, entity_name, filter_text FROM " + table("role_row_filters") + matching)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    rowFilters
                            .computeIfAbsent(rows.getString(1), key -> new ArrayList<>())
                            .add(new RowFilter(rows.getString(2), rows.getString(3)));
                }
            }
        }
        Map<String, List<FieldSecurity>> fields = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("SELECT role_name, entity_name, field_name, can_read,"
                        + " COALESCE(can_create, can_update), can_update FROM "
                        + table("role_field_security") + matching)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    fields.computeIfAbsent(rows.getString(1), key -> new ArrayList<>())
                            .add(new FieldSecurity(
                                    rows.getString(2),
                                    rows.getString(3),
                                    rows.getBoolean(4),
                                    rows.getBoolean(5),
                                    rows.getBoolean(6)));
                }
            }
        }
        Map<String, Role> roles = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT r.name FROM " + table("roles") + " r" + condition + " ORDER BY r.sort_order")) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    roles.put(
                            name,
                            new Role(
                                    name,
                                    privileges.getOrDefault(name, List.of()),
                                    actions.getOrDefault(name, List.of()),
                                    rowFilters.getOrDefault(name, List.of()),
                                    fields.getOrDefault(name, List.of())));
                }
            }
        }
        return roles;
    }

    /** The unit and every unit below it. */
    private Set<UUID> unitAndDescendants(Connection connection, UUID unit) throws SQLException {
        Map<UUID, List<UUID>> children = new HashMap<>();
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT id, parent_id FROM " + table("business_units"));
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                UUID parent = rows.getObject(2, UUID.class);
                if (parent != null) {
                    children.computeIfAbsent(parent, key -> new ArrayList<>()).add(rows.getObject(1, UUID.class));
                }
            }
        }
        Set<UUID> result = new LinkedHashSet<>();
        Deque<UUID> pending = new ArrayDeque<>(List.of(unit));
        while (!pending.isEmpty()) {
            UUID next = pending.remove();
            if (result.add(next)) {
                pending.addAll(children.getOrDefault(next, List.of()));
            }
        }
        return result;
    }

    // ---- plumbing

    /**
     * Runs {@code work} in one transaction at the connection's isolation (read committed, the
     * default of both backends): all of it commits, or on any failure none of it.
     */
    <T> T write(String doing, SqlWork<T> work) {
        return transaction(doing, java.util.OptionalInt.empty(), work);
    }

    /** A consistent snapshot for reads that span several tables. */
    <T> T read(String doing, SqlWork<T> work) {
        return transaction(doing, java.util.OptionalInt.of(Connection.TRANSACTION_REPEATABLE_READ), work);
    }

    private <T> T transaction(String doing, java.util.OptionalInt isolation, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int previousIsolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            if (isolation.isPresent()) {
                connection.setTransactionIsolation(isolation.getAsInt());
            }
            T result;
            try {
                result = work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(connection, e);
                try {
                    restore(connection, autoCommit, isolation.isPresent(), previousIsolation);
                } catch (SQLException restoring) {
                    e.addSuppressed(restoring);
                }
                throw e;
            }
            restore(connection, autoCommit, isolation.isPresent(), previousIsolation);
            return result;
        } catch (SQLException e) {
            throw SecurityStoreFailures.failure(doing, e);
        }
    }

    private static void restore(Connection connection, boolean autoCommit, boolean isolationSet, int isolation)
            throws SQLException {
        if (isolationSet) {
            connection.setTransactionIsolation(isolation);
        }
        connection.setAutoCommit(autoCommit);
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int index = 0; index < parameters.size(); index++) {
            statement.setObject(index + 1, parameters.get(index));
        }
    }

    private static void setString(PreparedStatement statement, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, value.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private static void setUuid(PreparedStatement statement, int index, Optional<UUID> value) throws SQLException {
        if (value.isPresent()) {
            statement.setObject(index, value.get());
        } else {
            statement.setNull(index, Types.OTHER);
        }
    }

    private String table(String name) {
        return schema.table(name);
    }
}
