package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.DirectoryQuery.Condition;
import dev.vegateway.adapter.security.DirectoryQuery.Page;
import dev.vegateway.config.GatewayConfig.Provisioning;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users and groups provisioned from a directory (SCIM, issue 15), kept in the security store.
 *
 * <p>A provisioned user is a person user of the root business unit holding the configured default
 * roles when created; it is enabled when active in the directory and, if
 * {@code provisioning.securityGroup} names a group, a direct member of it (nested groups are
 * ignored, as in Dataverse). Deleting it disables it and hides it from the directory; it is never
 * removed, so the rows it owns keep their owner, and creating it again (same userName or externalId)
 * enables the same backend user. A group whose externalId is the directory object id of a group
 * team ({@code type: AadSecurityGroup}, {@code group: <id>}) is bound to that team: its members are
 * members of the group team (with those the tokens' {@code groups} claims name), and the team is
 * neither renamed nor given {@code team_members} rows. Any other group is bound to the owner team of
 * its name (created in the root business unit when missing): the team's members are the group's.
 * The binding is decided when the group is created and each time it is changed.
 *
 * <p>A member removed from a group bound to a group team over SCIM leaves it at once: the
 * membership its tokens' {@code groups} claim gave is deleted too, and such a claim does not make it
 * a member again for {@code identity.groupMembershipTtl} after the removal (table
 * {@code group_claim_removals}, read by {@link IdentityLifecycle}); adding it again over SCIM lifts
 * that. Deleting a group removes only the memberships SCIM pushed.
 *
 * <p>Every change runs in one transaction that first bumps the version of the security data (which
 * also makes changes from every node run one after the other) and drops this node's caches when it
 * commits; other nodes learn of it from their invalidation listener (see {@link SecurityStore}).
 */
public final class Directory {
    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);
    private static final int MAXIMUM_TEXT = 255;

    private final SecurityDatabase database;
    private final SecuritySchema schema;
    private final SecurityStore store;
    private final Provisioning provisioning;
    private final Clock clock;

    Directory(
            SecurityDatabase database,
            SecuritySchema schema,
            SecurityStore store,
            Provisioning provisioning,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.store = requireNonNull(store, "store is null");
        this.provisioning = requireNonNull(provisioning, "provisioning is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    // ---- users

    public Optional<DirectoryUser> user(UUID id) {
        requireNonNull(id, "id is null");
        return database.read("read a provisioned user", connection -> user(connection, id));
    }

    public Page<DirectoryUser> users(DirectoryQuery query) {
        requireNonNull(query, "query is null");
        return database.read("list provisioned users", connection -> {
            StringBuilder where = new StringBuilder(" WHERE d.deleted = FALSE");
            List<Object> parameters = new ArrayList<>();
            for (Condition condition : query.conditions()) {
                switch (condition.attribute()) {
                    case ID -> {
                        Optional<UUID> id = uuid(condition.value());
                        if (id.isEmpty()) {
                            return new Page<DirectoryUser>(0, query.startIndex(), List.of());
                        }
                        where.append(" AND d.user_id = ?");
                        parameters.add(id.get());
                    }
                    case USER_NAME -> {
                        where.append(" AND d.user_name_key = ?");
                        parameters.add(key(condition.value()));
                    }
                    case EXTERNAL_ID -> {
                        Optional<UUID> id = uuid(condition.value());
                        if (id.isEmpty()) {
                            return new Page<DirectoryUser>(0, query.startIndex(), List.of());
                        }
                        where.append(" AND u.entra_object_id = ?");
                        parameters.add(id.get());
                    }
                    case DISPLAY_NAME -> {
                        where.append(" AND d.display_name = ?");
                        parameters.add(condition.value());
                    }
                }
            }
            int total = count(connection, userFrom() + where, parameters);
            if (query.count() == 0 || query.startIndex() > total) {
                return new Page<>(total, query.startIndex(), List.of());
            }
            List<Object> paged = new ArrayList<>(parameters);
            paged.add(query.startIndex() - 1);
            paged.add(query.count());
            List<DirectoryUser> users = users(
                    connection,
                    where + " ORDER BY d.created_at, d.user_id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                    paged);
            return new Page<>(total, query.startIndex(), users);
        });
    }

    /**
     * Creates a person user in the root business unit with the default roles, or enables again the
     * deleted one of the same userName or externalId.
     *
     * @throws GatewayException {@link ErrorCode#DUPLICATE_RECORD} if another user has the userName or
     *     externalId; {@link ErrorCode#VALIDATION} naming the attribute for an invalid value
     */
    public DirectoryUser createUser(DirectoryUserFields fields) {
        requireNonNull(fields, "fields is null");
        validate(fields);
        DirectoryUser created = change("provision a user; nothing was changed", connection -> {
            dropDangling(connection);
            OffsetDateTime now = now();
            Optional<UUID> deleted = deletedUser(connection, fields);
            UUID id = deleted.orElseGet(UUID::randomUUID);
            checkUnique(connection, id, fields);
            if (deleted.isPresent()) {
                updateUserRows(connection, id, fields, now);
                execute(
                        connection,
                        "UPDATE " + table("directory_users") + " SET deleted = FALSE WHERE user_id = ?",
                        id);
            } else {
                insertUser(connection, id, fields, now);
            }
            refreshEnabled(connection, List.of(id));
            return user(connection, id).orElseThrow();
        });
        LOG.info(
                "Directory user {} ({}) provisioned as backend user {}, enabled {}",
                fields.userName(),
                fields.externalId().map(UUID::toString).orElse("no externalId"),
                created.id(),
                created.enabled());
        return created;
    }

    /**
     * Changes a provisioned user to what {@code change} makes of its stored fields (run inside the
     * transaction, so that concurrent patches both hold).
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such (undeleted) user;
     *     as {@link #createUser} for the new fields
     */
    public DirectoryUser updateUser(UUID id, UnaryOperator<DirectoryUserFields> change) {
        requireNonNull(id, "id is null");
        requireNonNull(change, "change is null");
        DirectoryUser updated = change("change a provisioned user; nothing was changed", connection -> {
            dropDangling(connection);
            DirectoryUser current = user(connection, id).orElseThrow(() -> userNotFound(id));
            DirectoryUserFields fields = requireNonNull(change.apply(current.fields()), "changed fields are null");
            validate(fields);
            checkUnique(connection, id, fields);
            updateUserRows(connection, id, fields, now());
            refreshEnabled(connection, List.of(id));
            return user(connection, id).orElseThrow();
        });
        LOG.info("Directory user {} ({}) changed, enabled {}", updated.fields().userName(), id, updated.enabled());
        return updated;
    }

    /**
     * Disables a provisioned user and hides it from the directory; the backend user stays, with its
     * roles, teams and rows.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such (undeleted) user
     */
    public void deleteUser(UUID id) {
        requireNonNull(id, "id is null");
        change("delete a provisioned user; nothing was changed", connection -> {
            dropDangling(connection);
            if (user(connection, id).isEmpty()) {
                throw userNotFound(id);
            }
            execute(
                    connection,
                    "UPDATE " + table("directory_users")
                            + " SET deleted = TRUE, active = FALSE, modified_at = ? WHERE user_id = ?",
                    now(),
                    id);
            refreshEnabled(connection, List.of(id));
            return null;
        });
        LOG.info("Directory user {} deleted: the backend user is disabled and kept", id);
    }

    // ---- groups

    public Optional<DirectoryGroup> group(UUID id) {
        requireNonNull(id, "id is null");
        return database.read("read a provisioned group", connection -> group(connection, id));
    }

    public Page<DirectoryGroup> groups(DirectoryQuery query) {
        requireNonNull(query, "query is null");
        return database.read("list provisioned groups", connection -> {
            StringBuilder where = new StringBuilder(" WHERE 1 = 1");
            List<Object> parameters = new ArrayList<>();
            for (Condition condition : query.conditions()) {
                switch (condition.attribute()) {
                    case ID -> {
                        Optional<UUID> id = uuid(condition.value());
                        if (id.isEmpty()) {
                            return new Page<DirectoryGroup>(0, query.startIndex(), List.of());
                        }
                        where.append(" AND g.id = ?");
                        parameters.add(id.get());
                    }
                    case DISPLAY_NAME -> {
                        where.append(" AND g.display_name = ?");
                        parameters.add(condition.value());
                    }
                    case EXTERNAL_ID -> {
                        where.append(" AND g.external_id = ?");
                        parameters.add(condition.value());
                    }
                    case USER_NAME -> throw new IllegalArgumentException("groups have no userName");
                }
            }
            int total = count(connection, "FROM " + table("directory_groups") + " g" + where, parameters);
            if (query.count() == 0 || query.startIndex() > total) {
                return new Page<>(total, query.startIndex(), List.of());
            }
            List<Object> paged = new ArrayList<>(parameters);
            paged.add(query.startIndex() - 1);
            paged.add(query.count());
            return new Page<>(
                    total,
                    query.startIndex(),
                    groups(
                            connection,
                            where + " ORDER BY g.created_at, g.id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                            paged));
        });
    }

    /**
     * Creates a group bound to the team of its name (created in the root business unit when there
     * is none), whose members become the group's.
     *
     * @throws GatewayException {@link ErrorCode#DUPLICATE_RECORD} if a group of that name exists;
     *     {@link ErrorCode#VALIDATION} naming the attribute for an invalid value or an unknown member
     */
    public DirectoryGroup createGroup(DirectoryGroupFields fields) {
        requireNonNull(fields, "fields is null");
        validate(fields);
        DirectoryGroup created = change("provision a group; nothing was changed", connection -> {
            dropDangling(connection);
            checkGroupNameFree(connection, Optional.empty(), fields.displayName());
            UUID id = UUID.randomUUID();
            Binding binding = groupTeamBinding(connection, fields.externalId()).orElse(null);
            if (binding == null) {
                UUID owner = teamNamed(connection, fields.displayName()).orElseGet(UUID::randomUUID);
                ensureTeam(connection, owner, fields.displayName());
                binding = new Binding(owner, Optional.empty());
            }
            checkTeamFree(connection, id, binding, fields);
            UUID team = binding.team();
            OffsetDateTime now = now();
            execute(
                    connection,
                    "INSERT INTO " + table("directory_groups")
                            + " (id, display_name, external_id, team_id, created_at, modified_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)",
                    id,
                    fields.displayName(),
                    fields.externalId(),
                    team,
                    now,
                    now);
            setMembers(connection, id, binding, binding, List.of(), fields.members(), true);
            return group(connection, id).orElseThrow();
        });
        LOG.info(
                "Directory group {} provisioned, bound to team {} with {} members",
                fields.displayName(),
                created.teamId(),
                fields.members().size());
        return created;
    }

    /**
     * Changes a group to what {@code change} makes of its stored fields (inside the transaction);
     * a new name renames its team.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such group; as
     *     {@link #createGroup} for the new fields
     */
    public DirectoryGroup updateGroup(UUID id, UnaryOperator<DirectoryGroupFields> change) {
        requireNonNull(id, "id is null");
        requireNonNull(change, "change is null");
        DirectoryGroup updated = change("change a provisioned group; nothing was changed", connection -> {
            dropDangling(connection);
            DirectoryGroup current = group(connection, id).orElseThrow(() -> groupNotFound(id));
            DirectoryGroupFields fields = requireNonNull(change.apply(current.fields()), "changed fields are null");
            validate(fields);
            if (!fields.displayName().equals(current.fields().displayName())) {
                checkGroupNameFree(connection, Optional.of(id), fields.displayName());
            }
            Binding before = binding(connection, current);
            Binding after = groupTeamBinding(connection, fields.externalId()).orElse(null);
            if (after == null) {
                // an owner team: the one it had, else the team of its name (created when missing)
                UUID owner = before.groupTeam()
                        ? teamNamed(connection, fields.displayName()).orElseGet(UUID::randomUUID)
                        : current.teamId();
                Optional<UUID> other = teamNamed(connection, fields.displayName());
                if (other.isPresent() && !other.get().equals(owner)) {
                    throw GatewayException.of(
                            ErrorCode.DUPLICATE_RECORD,
                            "displayName '%s' is the name of another team; a group's team takes its name",
                            fields.displayName());
                }
                ensureTeam(connection, owner, fields.displayName());
                execute(
                        connection,
                        "UPDATE " + table("teams") + " SET name = ? WHERE id = ?",
                        fields.displayName(),
                        owner);
                after = new Binding(owner, Optional.empty());
            }
            checkTeamFree(connection, id, after, fields);
            execute(
                    connection,
                    "UPDATE " + table("directory_groups")
                            + " SET display_name = ?, external_id = ?, team_id = ?, modified_at = ? WHERE id = ?",
                    fields.displayName(),
                    fields.externalId(),
                    after.team(),
                    now(),
                    id);
            setMembers(connection, id, before, after, current.fields().members(), fields.members(), true);
            return group(connection, id).orElseThrow();
        });
        LOG.info(
                "Directory group {} ({}) changed: {} members",
                updated.fields().displayName(),
                id,
                updated.fields().members().size());
        return updated;
    }

    /**
     * Removes a group: its members leave its team (the team stays, with its roles), and a member
     * of the security group is disabled.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if there is no such group
     */
    public void deleteGroup(UUID id) {
        requireNonNull(id, "id is null");
        change("delete a provisioned group; nothing was changed", connection -> {
            dropDangling(connection);
            DirectoryGroup current = group(connection, id).orElseThrow(() -> groupNotFound(id));
            Binding binding = binding(connection, current);
            setMembers(connection, id, binding, binding, current.fields().members(), List.of(), false);
            execute(connection, "DELETE FROM " + table("directory_groups") + " WHERE id = ?", id);
            return null;
        });
        LOG.info("Directory group {} deleted; its team is kept without its members", id);
    }

    // ---- plumbing of changes

    private <T> T change(String doing, SecurityDatabase.SqlWork<T> work) {
        long[] version = new long[1];
        T result = database.write(doing, connection -> {
            version[0] = database.bumpVersion(connection);
            return work.run(connection);
        });
        store.committed(version[0]);
        return result;
    }

    /** Directory rows of users, teams or groups that an import removed. */
    private void dropDangling(Connection connection) throws SQLException {
        execute(
                connection,
                "DELETE FROM " + table("directory_users") + " WHERE user_id NOT IN (SELECT id FROM " + table("users")
                        + ")");
        execute(
                connection,
                "DELETE FROM " + table("directory_group_members") + " WHERE user_id NOT IN (SELECT id FROM "
                        + table("users") + ") OR group_id NOT IN (SELECT id FROM " + table("directory_groups") + ")");
    }

    private void validate(DirectoryUserFields fields) {
        text("userName", fields.userName());
        fields.displayName().ifPresent(value -> text("displayName", value));
        fields.givenName().ifPresent(value -> text("name.givenName", value));
        fields.familyName().ifPresent(value -> text("name.familyName", value));
    }

    private void validate(DirectoryGroupFields fields) {
        text("displayName", fields.displayName());
        fields.externalId().ifPresent(value -> text("externalId", value));
    }

    private static void text(String attribute, String value) {
        if (value.isBlank()) {
            throw GatewayException.of(ErrorCode.VALIDATION, "%s must not be empty", attribute);
        }
        if (value.length() > MAXIMUM_TEXT) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "%s must be at most %d characters, was %d",
                    attribute,
                    MAXIMUM_TEXT,
                    value.length());
        }
    }

    /** The deleted provisioned user of the same userName, else of the same externalId. */
    private Optional<UUID> deletedUser(Connection connection, DirectoryUserFields fields) throws SQLException {
        Optional<UUID> byName = firstUuid(
                connection,
                "SELECT user_id FROM " + table("directory_users") + " WHERE deleted = TRUE AND user_name_key = ?",
                key(fields.userName()));
        if (byName.isPresent() || fields.externalId().isEmpty()) {
            return byName;
        }
        return firstUuid(
                connection,
                "SELECT d.user_id FROM " + table("directory_users") + " d JOIN " + table("users")
                        + " u ON u.id = d.user_id WHERE d.deleted = TRUE AND u.entra_object_id = ?",
                fields.externalId().get());
    }

    private void checkUnique(Connection connection, UUID id, DirectoryUserFields fields) throws SQLException {
        Optional<UUID> named = firstUuid(
                connection,
                "SELECT user_id FROM " + table("directory_users") + " WHERE user_name_key = ? AND user_id <> ?",
                key(fields.userName()),
                id);
        if (named.isPresent()) {
            throw GatewayException.of(
                    ErrorCode.DUPLICATE_RECORD,
                    "userName '%s' belongs to user %s already",
                    fields.userName(),
                    named.get());
        }
        if (fields.externalId().isPresent()) {
            Optional<UUID> holder = firstUuid(
                    connection,
                    "SELECT id FROM " + table("users") + " WHERE entra_object_id = ? AND id <> ?",
                    fields.externalId().get(),
                    id);
            if (holder.isPresent()) {
                throw GatewayException.of(
                        ErrorCode.DUPLICATE_RECORD,
                        "externalId %s is the Entra object id of user %s already",
                        fields.externalId().get(),
                        holder.get());
            }
        }
    }

    private void insertUser(Connection connection, UUID id, DirectoryUserFields fields, OffsetDateTime now)
            throws SQLException {
        UUID root = firstUuid(connection, "SELECT id FROM " + table("business_units") + " WHERE parent_id IS NULL")
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.INTERNAL,
                        "there is no root business unit for provisioned users; import the security data first"));
        for (String role : provisioning.defaultRoles()) {
            if (firstText(connection, "SELECT name FROM " + table("roles") + " WHERE name = ?", role)
                    .isEmpty()) {
                throw new GatewayException(
                        ErrorCode.INTERNAL,
                        "provisioning.defaultRoles names role '" + role
                                + "', which the security data does not declare");
            }
        }
        execute(
                connection,
                "INSERT INTO " + table("users")
                        + " (id, name, entra_object_id, enabled, access_mode, kind, business_unit_id, sort_order)"
                        + " VALUES (?, ?, ?, FALSE, ?, ?, ?, ?)",
                id,
                fields.backendName(),
                fields.externalId(),
                AccessMode.READ_WRITE.name(),
                UserKind.PERSON.name(),
                root,
                nextOrder(connection, "users"));
        execute(
                connection,
                "INSERT INTO " + table("directory_users") + " (user_id, user_name, user_name_key, active, deleted,"
                        + " display_name, given_name, family_name, created_at, modified_at)"
                        + " VALUES (?, ?, ?, ?, FALSE, ?, ?, ?, ?, ?)",
                id,
                fields.userName(),
                key(fields.userName()),
                fields.active(),
                fields.displayName(),
                fields.givenName(),
                fields.familyName(),
                now,
                now);
        for (String role : provisioning.defaultRoles()) {
            execute(
                    connection,
                    "INSERT INTO " + table("role_assignments") + " (id, role_name, user_id, team_id, sort_order)"
                            + " VALUES (?, ?, ?, NULL, ?)",
                    UUID.randomUUID(),
                    role,
                    id,
                    nextOrder(connection, "role_assignments"));
        }
    }

    private void updateUserRows(Connection connection, UUID id, DirectoryUserFields fields, OffsetDateTime now)
            throws SQLException {
        execute(
                connection,
                "UPDATE " + table("users") + " SET name = ?, entra_object_id = ? WHERE id = ?",
                fields.backendName(),
                fields.externalId(),
                id);
        execute(
                connection,
                "UPDATE " + table("directory_users") + " SET user_name = ?, user_name_key = ?, active = ?,"
                        + " display_name = ?, given_name = ?, family_name = ?, modified_at = ? WHERE user_id = ?",
                fields.userName(),
                key(fields.userName()),
                fields.active(),
                fields.displayName(),
                fields.givenName(),
                fields.familyName(),
                now,
                id);
    }

    /**
     * Sets {@code users.enabled} of these users (those provisioned from the directory) to: active,
     * not deleted and, when a security group is configured, a direct member of it.
     */
    private void refreshEnabled(Connection connection, List<UUID> users) throws SQLException {
        String condition = "d.active = TRUE AND d.deleted = FALSE";
        List<Object> groupParameters = new ArrayList<>();
        if (provisioning.securityGroup().isPresent()) {
            condition += " AND EXISTS (SELECT 1 FROM " + table("directory_group_members") + " m JOIN "
                    + table("directory_groups") + " g ON g.id = m.group_id"
                    + " WHERE m.user_id = d.user_id AND (g.display_name = ? OR g.external_id = ?))";
            groupParameters.add(provisioning.securityGroup().get());
            groupParameters.add(provisioning.securityGroup().get());
        }
        String sql = "UPDATE " + table("users") + " SET enabled = (SELECT CASE WHEN " + condition
                + " THEN TRUE ELSE FALSE END FROM " + table("directory_users") + " d WHERE d.user_id = ?)"
                + " WHERE id = ? AND EXISTS (SELECT 1 FROM " + table("directory_users") + " d WHERE d.user_id = ?)";
        for (UUID user : users) {
            List<Object> parameters = new ArrayList<>(groupParameters);
            parameters.add(user);
            parameters.add(user);
            parameters.add(user);
            execute(connection, sql, parameters.toArray());
        }
    }

    private void checkGroupNameFree(Connection connection, Optional<UUID> self, String displayName)
            throws SQLException {
        Optional<UUID> other = firstUuid(
                connection, "SELECT id FROM " + table("directory_groups") + " WHERE display_name = ?", displayName);
        if (other.isPresent() && !other.equals(self)) {
            throw GatewayException.of(
                    ErrorCode.DUPLICATE_RECORD,
                    "displayName '%s' belongs to group %s already",
                    displayName,
                    other.get());
        }
    }

    private Optional<UUID> teamNamed(Connection connection, String name) throws SQLException {
        return firstUuid(connection, "SELECT id FROM " + table("teams") + " WHERE name = ?", name);
    }

    /** Creates the team in the root business unit when it does not exist (any more). */
    private void ensureTeam(Connection connection, UUID team, String name) throws SQLException {
        if (firstUuid(connection, "SELECT id FROM " + table("teams") + " WHERE id = ?", team)
                .isPresent()) {
            return;
        }
        UUID root = firstUuid(connection, "SELECT id FROM " + table("business_units") + " WHERE parent_id IS NULL")
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.INTERNAL,
                        "there is no root business unit for provisioned teams; import the security data first"));
        execute(
                connection,
                "INSERT INTO " + table("teams") + " (id, name, business_unit_id, sort_order) VALUES (?, ?, ?, ?)",
                team,
                name,
                root,
                nextOrder(connection, "teams"));
    }

    /**
     * The team a group decides the members of, and the directory object id when it is a group team
     * (whose members come from {@code directory_group_members}, not {@code team_members}).
     */
    private record Binding(UUID team, Optional<UUID> groupObjectId) {
        boolean groupTeam() {
            return groupObjectId.isPresent();
        }
    }

    /** The group team whose directory group is {@code externalId} (a GUID), if there is one. */
    private Optional<Binding> groupTeamBinding(Connection connection, Optional<String> externalId) throws SQLException {
        Optional<UUID> objectId =
                externalId.map(String::trim).filter(text -> text.length() == 36).flatMap(Directory::uuid);
        if (objectId.isEmpty()) {
            return Optional.empty();
        }
        return firstUuid(
                        connection,
                        "SELECT id FROM " + table("teams") + " WHERE group_object_id = ? ORDER BY sort_order",
                        objectId.get())
                .map(team -> new Binding(team, objectId));
    }

    /** How a stored group is bound: to a group team when its team has a directory object id. */
    private Binding binding(Connection connection, DirectoryGroup group) throws SQLException {
        return new Binding(
                group.teamId(),
                firstUuid(
                        connection,
                        "SELECT group_object_id FROM " + table("teams")
                                + " WHERE id = ? AND group_object_id IS NOT NULL",
                        group.teamId()));
    }

    /** One group per team: a team another provisioned group decides is refused. */
    private void checkTeamFree(Connection connection, UUID self, Binding binding, DirectoryGroupFields fields)
            throws SQLException {
        Optional<UUID> other = firstUuid(
                connection,
                "SELECT id FROM " + table("directory_groups") + " WHERE team_id = ? AND id <> ?",
                binding.team(),
                self);
        if (other.isPresent()) {
            throw binding.groupTeam()
                    ? GatewayException.of(
                            ErrorCode.DUPLICATE_RECORD,
                            "externalId '%s' is the directory group of a group team that group %s is bound to already",
                            fields.externalId().orElse(""),
                            other.get())
                    : GatewayException.of(
                            ErrorCode.DUPLICATE_RECORD,
                            "displayName '%s' is the name of a team that group %s is bound to already",
                            fields.displayName(),
                            other.get());
        }
    }

    /**
     * Makes the group's members {@code after} (they were {@code before}) and moves them from the team
     * of {@code from} to the team of {@code to}: {@code team_members} rows only for an owner team;
     * for a group team the {@code directory_group_members} rows are the membership. With
     * {@code removalsEndClaims}, a member removed from a group team's group also loses what its
     * tokens' groups claim said of that group (see the class comment).
     */
    private void setMembers(
            Connection connection,
            UUID group,
            Binding from,
            Binding to,
            List<UUID> before,
            List<UUID> after,
            boolean removalsEndClaims)
            throws SQLException {
        for (UUID member : after) {
            if (firstUuid(
                            connection,
                            "SELECT id FROM " + table("users") + " WHERE id = ? AND kind = ?",
                            member,
                            UserKind.PERSON.name())
                    .isEmpty()) {
                throw GatewayException.of(ErrorCode.VALIDATION, "members: %s is not a user of this gateway", member);
            }
        }
        Set<UUID> removed = new LinkedHashSet<>(before);
        removed.removeAll(after);
        Set<UUID> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        boolean sameTeam = from.team().equals(to.team());
        for (UUID member : removed) {
            execute(
                    connection,
                    "DELETE FROM " + table("directory_group_members") + " WHERE group_id = ? AND user_id = ?",
                    group,
                    member);
        }
        for (UUID member : added) {
            execute(
                    connection,
                    "INSERT INTO " + table("directory_group_members") + " (group_id, user_id) VALUES (?, ?)",
                    group,
                    member);
        }
        if (!from.groupTeam()) {
            for (UUID member : sameTeam ? removed : new LinkedHashSet<>(before)) {
                execute(
                        connection,
                        "DELETE FROM " + table("team_members") + " WHERE team_id = ? AND user_id = ?",
                        from.team(),
                        member);
            }
        }
        if (!to.groupTeam()) {
            for (UUID member : sameTeam ? added : new LinkedHashSet<>(after)) {
                if (firstUuid(
                                connection,
                                "SELECT user_id FROM " + table("team_members") + " WHERE team_id = ? AND user_id = ?",
                                to.team(),
                                member)
                        .isEmpty()) {
                    execute(
                            connection,
                            "INSERT INTO " + table("team_members") + " (team_id, user_id, sort_order) VALUES (?, ?, ?)",
                            to.team(),
                            member,
                            nextOrder(connection, "team_members"));
                }
            }
        } else if (removalsEndClaims && from.groupObjectId().equals(to.groupObjectId())) {
            UUID groupObjectId = to.groupObjectId().orElseThrow();
            OffsetDateTime now = now();
            for (UUID member : removed) {
                execute(
                        connection,
                        "DELETE FROM " + table("group_claim_members") + " WHERE user_id = ? AND group_object_id = ?",
                        member,
                        groupObjectId);
                execute(
                        connection,
                        "DELETE FROM " + table("group_claim_removals") + " WHERE user_id = ? AND group_object_id = ?",
                        member,
                        groupObjectId);
                execute(
                        connection,
                        "INSERT INTO " + table("group_claim_removals")
                                + " (user_id, group_object_id, removed_at) VALUES (?, ?, ?)",
                        member,
                        groupObjectId,
                        now);
            }
            for (UUID member : added) {
                execute(
                        connection,
                        "DELETE FROM " + table("group_claim_removals") + " WHERE user_id = ? AND group_object_id = ?",
                        member,
                        groupObjectId);
            }
        }
        List<UUID> touched = new ArrayList<>(removed);
        touched.addAll(added);
        if (!sameTeam) {
            touched.addAll(before);
            touched.addAll(after);
        }
        refreshEnabled(connection, touched);
    }

    // ---- reads

    private static final String USER_COLUMNS = "SELECT d.user_id, d.user_name, u.entra_object_id, d.active, u.enabled,"
            + " d.display_name, d.given_name, d.family_name, d.created_at, d.modified_at ";
    private static final String USER_FROM = "FROM %s d JOIN %s u ON u.id = d.user_id";

    private Optional<DirectoryUser> user(Connection connection, UUID id) throws SQLException {
        List<DirectoryUser> users = users(connection, " WHERE d.deleted = FALSE AND d.user_id = ?", List.of(id));
        return users.stream().findFirst();
    }

    private List<DirectoryUser> users(Connection connection, String where, List<Object> parameters)
            throws SQLException {
        List<DirectoryUser> users = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(USER_COLUMNS + userFrom() + where)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    users.add(new DirectoryUser(
                            rows.getObject(1, UUID.class),
                            new DirectoryUserFields(
                                    rows.getString(2),
                                    Optional.ofNullable(rows.getObject(3, UUID.class)),
                                    rows.getBoolean(4),
                                    Optional.ofNullable(rows.getString(6)),
                                    Optional.ofNullable(rows.getString(7)),
                                    Optional.ofNullable(rows.getString(8))),
                            rows.getBoolean(5),
                            rows.getObject(9, OffsetDateTime.class),
                            rows.getObject(10, OffsetDateTime.class)));
                }
            }
        }
        return users;
    }

    private String userFrom() {
        return USER_FROM.formatted(table("directory_users"), table("users"));
    }

    private Optional<DirectoryGroup> group(Connection connection, UUID id) throws SQLException {
        return groups(connection, " WHERE g.id = ?", List.of(id)).stream().findFirst();
    }

    private List<DirectoryGroup> groups(Connection connection, String where, List<Object> parameters)
            throws SQLException {
        List<DirectoryGroup> groups = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT g.id, g.display_name, g.external_id, g.team_id, g.created_at, g.modified_at FROM "
                        + table("directory_groups") + " g" + where)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    groups.add(new DirectoryGroup(
                            id,
                            new DirectoryGroupFields(
                                    rows.getString(2), Optional.ofNullable(rows.getString(3)), List.of()),
                            rows.getObject(4, UUID.class),
                            rows.getObject(5, OffsetDateTime.class),
                            rows.getObject(6, OffsetDateTime.class)));
                }
            }
        }
        List<DirectoryGroup> withMembers = new ArrayList<>();
        for (DirectoryGroup group : groups) {
            List<UUID> members = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT m.user_id FROM "
                    + table("directory_group_members") + " m JOIN " + table("users") + " u ON u.id = m.user_id"
                    + " WHERE m.group_id = ? ORDER BY u.sort_order")) {
                select.setObject(1, group.id());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        members.add(rows.getObject(1, UUID.class));
                    }
                }
            }
            withMembers.add(new DirectoryGroup(
                    group.id(),
                    group.fields().withMembers(members),
                    group.teamId(),
                    group.created(),
                    group.lastModified()));
        }
        return withMembers;
    }

    // ---- SQL helpers

    private int count(Connection connection, String from, List<Object> parameters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) " + from)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
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

    private static Optional<UUID> firstUuid(Connection connection, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, List.of(parameters));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static Optional<String> firstText(Connection connection, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, List.of(parameters));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, java.util.Arrays.asList(parameters));
            statement.executeUpdate();
        }
    }

    /** Binds values; an {@code Optional} binds its value or a typed null. */
    private static void bind(PreparedStatement statement, List<?> parameters) throws SQLException {
        for (int index = 0; index < parameters.size(); index++) {
            Object value = parameters.get(index);
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
    }

    private static String key(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }

    private static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    private String table(String name) {
        return schema.table(name);
    }

    private static GatewayException userNotFound(UUID id) {
        return GatewayException.of(ErrorCode.RECORD_NOT_FOUND, "no provisioned user with id %s", id);
    }

    private static GatewayException groupNotFound(UUID id) {
        return GatewayException.of(ErrorCode.RECORD_NOT_FOUND, "no provisioned group with id %s", id);
    }
}
