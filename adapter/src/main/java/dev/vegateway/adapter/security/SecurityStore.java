package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security data in the backend database (SPEC 5), shared by all gateway nodes: imported
 * and exported whole, read per user on the request path.
 *
 * <p>Request-path reads are cached (bounded, and expiring after {@link #EXPIRY} as a safety net
 * for changes made by another node or process). {@link #replaceAll} drops every cache of this
 * node as soon as it commits; a change announced by another node is applied with
 * {@link #invalidateAll}.
 */
public final class SecurityStore {
    /** How long a cached lookup may be served without asking the database again. */
    public static final Duration EXPIRY = Duration.ofMinutes(5);
    static final long MAXIMUM_ENTRIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SecurityStore.class);

    private final SecurityDatabase database;
    private final Ticker ticker;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Replaced as a whole on invalidation, so that a load still running against old data can only fill a discarded cache. */
    private volatile Caches caches;

    public SecurityStore(DataSource dataSource, String schemaName) {
        this(dataSource, schemaName, Ticker.systemTicker());
    }

    /** With an injected clock, so that tests can let cache entries expire without sleeping. */
    SecurityStore(DataSource dataSource, String schemaName, Ticker ticker) {
        this.database = new SecurityDatabase(dataSource, new SecuritySchema(schemaName));
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.caches = new Caches();
    }

    /**
     * Replaces all security data by the document's in one transaction: either everything is
     * replaced or, on any failure, nothing is. Then drops every cache and tells the listeners.
     */
    public void replaceAll(SecurityDocument document) {
        replaceAll(document, connection -> {});
    }

    /** As {@link #replaceAll(SecurityDocument)}, running {@code beforeCommit} inside the transaction (tests force failures with it). */
    void replaceAll(SecurityDocument document, SecurityDatabase.SqlStep beforeCommit) {
        requireNonNull(document, "document is null");
        database.replaceAll(document, beforeCommit);
        LOG.info("Security data replaced: {} business units, {} roles, {} users, {} teams, {} applications, {} portal mappings",
                document.businessUnits().size(), document.roles().size(), document.users().size(), document.teams().size(),
                document.applications().size(), document.portal().mappings().size());
        invalidateAll();
    }

    /** All security data, in the order it was imported. */
    public SecurityDocument exportAll() {
        return database.exportAll();
    }

    public Optional<ApplicationUser> application(String appId) {
        return caches.applications.get(requireNonNull(appId, "appId is null"));
    }

    /** The user whose id ({@code MSCRMCallerID}) this is: person, stub or application user. */
    public Optional<BackendUser> userById(UUID id) {
        return caches.usersById.get(requireNonNull(id, "id is null"));
    }

    /** The user whose Entra object id ({@code CallerObjectId}) this is. */
    public Optional<BackendUser> userByEntraObjectId(UUID entraObjectId) {
        return caches.usersByEntraObjectId.get(requireNonNull(entraObjectId, "entraObjectId is null"));
    }

    /** The mapping of a portal contact: the user it runs as and the company it is restricted to, if any. */
    public Optional<PortalMapping> portalMapping(UUID contactId) {
        return caches.portalMappings.get(requireNonNull(contactId, "contactId is null"));
    }

    public Optional<UUID> portalUserForContact(UUID contactId) {
        return portalMapping(contactId).map(PortalMapping::user);
    }

    public Optional<UUID> anonymousPortalUser() {
        return caches.anonymousPortalUser.get(Boolean.TRUE);
    }

    /**
     * The permissions of a user from its own and its teams' roles.
     *
     * @throws GatewayException {@link ErrorCode#CALLER_NOT_ALLOWED} if there is no such user
     */
    public EffectivePermissions permissionsOf(UUID userId) {
        return caches.permissions.get(requireNonNull(userId, "userId is null"))
                .orElseThrow(() -> GatewayException.of(ErrorCode.CALLER_NOT_ALLOWED, "no backend user with id %s", userId));
    }

    /**
     * Drops every cached lookup of this node, then tells the listeners, so that whatever they
     * derived from the security data is dropped too. Call it when another node announces a change.
     */
    public void invalidateAll() {
        Caches old = caches;
        caches = new Caches();
        old.invalidateAll();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A security change listener failed", e);
            }
        }
    }

    /** {@code listener} runs after every {@link #replaceAll} and {@link #invalidateAll} of this store. */
    public void addChangeListener(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    private final class Caches {
        final LoadingCache<String, Optional<ApplicationUser>> applications = cache(database::application);
        final LoadingCache<UUID, Optional<BackendUser>> usersById = cache(database::userById);
        final LoadingCache<UUID, Optional<BackendUser>> usersByEntraObjectId = cache(database::userByEntraObjectId);
        final LoadingCache<UUID, Optional<PortalMapping>> portalMappings = cache(database::portalMapping);
        final LoadingCache<Boolean, Optional<UUID>> anonymousPortalUser = cache(key -> database.anonymousPortalUser());
        final LoadingCache<UUID, Optional<EffectivePermissions>> permissions = cache(database::permissionsOf);

        private <K, V> LoadingCache<K, V> cache(Function<K, V> loader) {
            return Caffeine.newBuilder()
                    .maximumSize(MAXIMUM_ENTRIES)
                    .expireAfterWrite(EXPIRY)
                    .ticker(ticker)
                    .executor(Runnable::run)
                    .build(loader::apply);
        }

        void invalidateAll() {
            List.of(applications, usersById, usersByEntraObjectId, portalMappings, anonymousPortalUser, permissions)
                    .forEach(LoadingCache::invalidateAll);
        }
    }
}
