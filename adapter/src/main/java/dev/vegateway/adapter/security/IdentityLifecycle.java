package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.config.GatewayConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a caller's token does to the security data before the caller is resolved (issue 15):
 * first access (an unknown, eligible user is created on its first call; a disabled one that is
 * eligible again is enabled, when configured) and the membership of group teams read from the
 * token's {@code groups} claim.
 *
 * <p>A token speaks for a user only when its {@code oid} claim equals the {@code CallerObjectId}
 * header of the request (a token issued on behalf of that user); otherwise nothing happens here and
 * the caller is resolved as before. The groups a token names are kept per user in
 * {@code group_claim_members} and, on each node, remembered for {@code identity.groupMembershipTtl}:
 * within that time a user's later calls do not read the claim again; after it, the next call with a
 * {@code groups} claim replaces them, and the next call without one drops them. A group the user was
 * removed from over SCIM within the last {@code groupMembershipTtl} is left out of what a claim says
 * (the removal deleted its row; see {@link Directory}), so neither this node's memory nor another
 * node's next read of a claim brings the membership back before the directory's tokens can have
 * caught up.
 *
 * <p>Every change runs in one transaction that first bumps the version of the security data (which
 * makes concurrent first calls of one user run one after the other: the second finds the user the
 * first created) and drops the caches when it commits, as every change of the security data does.
 */
public final class IdentityLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityLifecycle.class);

    private final SecurityDatabase database;
    private final SecuritySchema schema;
    private final SecurityStore store;
    private final GatewayConfig.Identity identity;
    private final Clock clock;
    /** User id → the groups its last token named (empty: it named none), remembered for the TTL. */
    private final Cache<UUID, Set<UUID>> memberships;

    IdentityLifecycle(
            SecurityDatabase database,
            SecuritySchema schema,
            SecurityStore store,
            GatewayConfig.Identity identity,
            Ticker ticker,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.store = requireNonNull(store, "store is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.memberships = Caffeine.newBuilder()
                .ticker(requireNonNull(ticker, "ticker is null"))
                .expireAfterWrite(identity.groupMembershipTtl())
                .maximumSize(100_000)
                .build();
    }

    /**
     * Applies the token's user claims for the user the request names.
     *
     * @param callerObjectId the {@code CallerObjectId} header, unparsed
     * @param applicationId the calling application, recorded in the audit of first access
     */
    public void beforeResolve(Optional<String> callerObjectId, TokenUser token, String applicationId) {
        requireNonNull(callerObjectId, "callerObjectId is null");
        requireNonNull(token, "token is null");
        requireNonNull(applicationId, "applicationId is null");
        Optional<UUID> named = callerObjectId.flatMap(IdentityLifecycle::guid);
        if (named.isEmpty()
                || token.objectId().isEmpty()
                || !named.get().equals(token.objectId().get())) {
            return;
        }
        UUID objectId = named.get();
        Optional<BackendUser> user = store.userByEntraObjectId(objectId);
        GatewayConfig.FirstAccess firstAccess = identity.firstAccess();
        if (firstAccess.enabled() && eligible(token)) {
            if (user.isEmpty()) {
                user = Optional.of(createOrEnable(objectId, token, applicationId));
            } else if (!user.get().enabled() && user.get().kind() == UserKind.PERSON && firstAccess.reEnable()) {
                user = Optional.of(createOrEnable(objectId, token, applicationId));
            }
        }
        if (user.isPresent() && user.get().kind() == UserKind.PERSON) {
            groups(user.get().id(), token.groups());
        }
    }

    /** The configured rule: the token's tenant is allowed (if tenants are listed) and it names the group (if one is). */
    boolean eligible(TokenUser token) {
        GatewayConfig.FirstAccess firstAccess = identity.firstAccess();
        if (!firstAccess.tenants().isEmpty()
                && (token.tenantId().isEmpty()
                        || !firstAccess.tenants().contains(token.tenantId().get()))) {
            return false;
        }
        if (firstAccess.group().isPresent()) {
            UUID group = UUID.fromString(firstAccess.group().get());
            return token.groups().map(groups -> groups.contains(group)).orElse(false);
        }
        return true;
    }

    // ---- first access

    private BackendUser createOrEnable(UUID objectId, TokenUser token, String applicationId) {
        long[] version = new long[1];
        UUID id = database.write("create or enable the user of a first access; nothing was changed", connection -> {
            version[0] = database.bumpVersion(connection);
            Optional<UUID> existing = firstUuid(
                    connection,
                    "SELECT id FROM " + table("users") + " WHERE entra_object_id = ? AND kind = 'PERSON'",
                    objectId);
            if (existing.isPresent()) {
                int changed = execute(
                        connection,
                        "UPDATE " + table("users") + " SET enabled = TRUE WHERE id = ? AND enabled = FALSE",
                        existing.get());
                if (changed > 0) {
                    audit(connection, existing.get(), objectId, token, applicationId, "enable");
                }
                return existing.get();
            }
            UUID created = UUID.randomUUID();
            insertUser(connection, created, objectId);
            audit(connection, created, objectId, token, applicationId, "create");
            return created;
        });
        store.committed(version[0]);
        LOG.info("First access of directory user {}: backend user {} is enabled", objectId, id);
        return store.userById(id).orElseThrow(() -> new IllegalStateException("user " + id + " vanished"));
    }

    private void insertUser(Connection connection, UUID id, UUID objectId) throws SQLException {
        UUID root = firstUuid(connection, "SELECT id FROM " + table("business_units") + " WHERE parent_id IS NULL")
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.INTERNAL,
                        "there is no root business unit for first-access users; import the security data first"));
        for (String role : identity.firstAccess().defaultRoles()) {
            if (firstText(connection, "SELECT name FROM " + table("roles") + " WHERE name = ?", role)
                    .isEmpty()) {
                throw new GatewayException(
                        ErrorCode.INTERNAL,
                        "identity.firstAccess.defaultRoles names role '" + role
                                + "', which the security data does not declare");
            }
        }
        execute(
                connection,
                "INSERT INTO " + table("users")
                        + " (id, name, entra_object_id, enabled, access_mode, kind, business_unit_id, sort_order)"
                        + " VALUES (?, ?, ?, TRUE, ?, ?, ?, ?)",
                id,
                "User " + objectId,
                objectId,
                AccessMode.READ_WRITE.name(),
                UserKind.PERSON.name(),
                root,
                nextOrder(connection, "users"));
        for (String role : identity.firstAccess().defaultRoles()) {
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

    private void audit(
            Connection connection, UUID userId, UUID objectId, TokenUser token, String applicationId, String operation)
            throws SQLException {
        execute(
                connection,
                "INSERT INTO " + table("first_access_audit")
                        + " (id, changed_at, user_id, entra_object_id, tenant_id, application_id, operation)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID(),
                now(),
                userId,
                objectId,
                token.tenantId().orElse(null),
                applicationId,
                operation);
    }

    // ---- group teams from the groups claim

    private void groups(UUID userId, Optional<Set<UUID>> claimed) {
        if (memberships.getIfPresent(userId) != null) {
            return; // read within the TTL
        }
        OffsetDateTime now = now();
        if (claimed.isEmpty()) {
            // No groups claim: what an earlier token said holds until the TTL has passed since it was said.
            OffsetDateTime expired = now.minus(identity.groupMembershipTtl());
            boolean stale = database.read("read the groups a token named", connection -> firstUuid(
                            connection,
                            "SELECT group_object_id FROM " + table("group_claim_members")
                                    + " WHERE user_id = ? AND refreshed_at < ?",
                            userId,
                            expired)
                    .isPresent());
            if (stale) {
                change(connection -> execute(
                        connection,
                        "DELETE FROM " + table("group_claim_members") + " WHERE user_id = ? AND refreshed_at < ?",
                        userId,
                        expired));
            }
            memberships.put(userId, Set.of());
            return;
        }
        OffsetDateTime removedSince = now.minus(identity.groupMembershipTtl());
        Set<UUID> wanted = new LinkedHashSet<>(claimed.get());
        Set<UUID> stored = database.read("read the groups a token named", connection -> {
            wanted.removeAll(removedOverScim(connection, userId, removedSince));
            return storedGroups(connection, userId);
        });
        if (stored.equals(wanted)) {
            database.write(
                    "refresh the groups a token named",
                    connection -> execute(
                            connection,
                            "UPDATE " + table("group_claim_members") + " SET refreshed_at = ? WHERE user_id = ?",
                            now,
                            userId));
        } else {
            change(connection -> {
                execute(connection, "DELETE FROM " + table("group_claim_members") + " WHERE user_id = ?", userId);
                for (UUID group : wanted) {
                    execute(
                            connection,
                            "INSERT INTO " + table("group_claim_members")
                                    + " (user_id, group_object_id, refreshed_at) VALUES (?, ?, ?)",
                            userId,
                            group,
                            now);
                }
                return null;
            });
        }
        memberships.put(userId, Set.copyOf(wanted));
    }

    /** A change of the security data: the version bumped first, this node's caches dropped on commit. */
    private void change(SecurityDatabase.SqlWork<?> work) {
        long[] version = new long[1];
        database.write("record the groups a token named; nothing was changed", connection -> {
            version[0] = database.bumpVersion(connection);
            return work.run(connection);
        });
        store.committed(version[0]);
    }

    /**
     * The groups of group teams the user was removed from over SCIM since {@code since}: a token's
     * claim naming one of them does not make the user a member again (see {@link Directory}).
     */
    private Set<UUID> removedOverScim(Connection connection, UUID userId, OffsetDateTime since) throws SQLException {
        Set<UUID> groups = new LinkedHashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT group_object_id FROM "
                + table("group_claim_removals") + " WHERE user_id = ? AND removed_at >= ?")) {
            select.setObject(1, userId);
            select.setObject(2, since);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return groups;
    }

    private Set<UUID> storedGroups(Connection connection, UUID userId) throws SQLException {
        Set<UUID> groups = new LinkedHashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT group_object_id FROM " + table("group_claim_members") + " WHERE user_id = ?")) {
            select.setObject(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    groups.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return groups;
    }

    /** Forgets what this node remembers of the groups tokens named (tests, and after an import). */
    public void forgetGroupMemberships() {
        memberships.invalidateAll();
    }

    // ---- plumbing

    private static Optional<UUID> guid(String text) {
        String trimmed = text.trim();
        if (trimmed.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(trimmed));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
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
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static Optional<String> firstText(Connection connection, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int index = 0; index < parameters.length; index++) {
            if (parameters[index] == null) {
                statement.setNull(index + 1, Types.VARCHAR);
            } else {
                statement.setObject(index + 1, parameters[index]);
            }
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    private String table(String name) {
        return schema.table(name);
    }
}
