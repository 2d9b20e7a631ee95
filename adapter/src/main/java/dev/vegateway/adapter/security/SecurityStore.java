package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security data in the security database (SPEC 5; the business database unless
 * {@code security.backend} names another), shared by all gateway nodes: imported and exported
 * whole, read per user on the request path; the portal mappings are also changed one at a time
 * through the API, each change audited.
 *
 * <p>Request-path reads are cached (bounded, and expiring after {@link #EXPIRY} as a last safety
 * net). Every change, from any node or process, bumps a version counter in the database in its
 * own transaction, which on PostgreSQL also announces the new version when it commits. A change
 * made through this store drops every cache of this node as soon as it commits; a change made
 * elsewhere (another node, {@code vegateway security import}) reaches this node through its
 * {@link InvalidationListener}, on a background thread: it hands this store every announced
 * version ({@link #announced}) and the version it reads after each connect and poll
 * ({@link #checked}). The request path never reads the counter and never waits for a lock.
 * {@link #invalidateAll} drops every cache on demand.
 */
public final class SecurityStore {
    /** How long a cached lookup may be served without asking the database again. */
    public static final Duration EXPIRY = Duration.ofMinutes(5);

    static final long MAXIMUM_ENTRIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SecurityStore.class);

    private final SecurityDatabase database;
    private final SecuritySchema schema;
    private final Ticker ticker;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Replaced as a whole on invalidation, so that a load still running against old data can only fill a discarded cache. */
    private volatile Caches caches;

    /** No version is known yet: the first one seen drops every cache. */
    private static final long UNKNOWN = -1;

    /**
     * The version whose commit every cache was dropped after (at least), or {@link #UNKNOWN}.
     * Whoever sets it to a version drops every cache after that version committed.
     */
    private final AtomicLong knownVersion = new AtomicLong(UNKNOWN);

    public SecurityStore(DataSource dataSource, String schemaName) {
        this(dataSource, schemaName, Ticker.systemTicker());
    }

    /** With an injected ticker, so that tests can let cache entries expire without sleeping. */
    SecurityStore(DataSource dataSource, String schemaName, Ticker ticker) {
        this(dataSource, schemaName, ticker, Clock.systemUTC());
    }

    /** With an injected ticker, and the clock that dates audited changes. */
    SecurityStore(DataSource dataSource, String schemaName, Ticker ticker, Clock clock) {
        this.schema = new SecuritySchema(schemaName);
        this.database = new SecurityDatabase(dataSource, schema);
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.clock = requireNonNull(clock, "clock is null");
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
        long version = database.replaceAll(document, beforeCommit);
        LOG.info(
                "Security data replaced: {} business units, {} roles, {} users, {} teams, {} applications, {} portal mappings",
                document.businessUnits().size(),
                document.roles().size(),
                document.users().size(),
                document.teams().size(),
                document.applications().size(),
                document.portal().mappings().size());
        changed(version);
    }

    /**
     * The users and groups provisioned from a directory (SCIM), with these provisioning settings;
     * its changes are changes of this store (version bumped, caches dropped).
     */
    public Directory directory(dev.vegateway.config.GatewayConfig.Provisioning provisioning) {
        return new Directory(database, schema, this, provisioning, clock);
    }

    /**
     * Users, business units, teams, roles and their associations changed one at a time (the
     * Dataverse administration sets); its changes are changes of this store.
     */
    public SecurityAdministration administration() {
        return new SecurityAdministration(database, schema, this, clock);
    }

    /**
     * First access and group-team membership from tokens, with these identity settings; its changes
     * are changes of this store.
     */
    public IdentityLifecycle identity(dev.vegateway.config.GatewayConfig.Identity identity) {
        return new IdentityLifecycle(database, schema, this, identity, ticker, clock);
    }

    /** After a change committed elsewhere in this package ({@link Directory}): as after a change of this store. */
    void committed(long version) {
        changed(version);
    }

    // ---- the portal mapping table through the API (read from the database, never from the caches)

    /** Every portal mapping, in the order of the import and then of creation. */
    public List<StoredPortalMapping> storedPortalMappings() {
        return database.storedPortalMappings();
    }

    public Optional<StoredPortalMapping> storedPortalMapping(UUID contactId) {
        return database.storedPortalMapping(requireNonNull(contactId, "contactId is null"));
    }

    /**
     * Maps a new portal contact, in one transaction with its audit row, and drops the caches of
     * this node. The company is stored in lower case.
     *
     * @throws GatewayException {@link ErrorCode#DUPLICATE_RECORD} if the contact is mapped already;
     *     {@link ErrorCode#VALIDATION} naming the property if the user is not a person holding
     *     CDSVirtualEntityAuthorizedPortalUser and neither administrator role, or the company is unknown
     */
    public StoredPortalMapping createPortalMapping(PortalMapping mapping, ChangeAuthor author) {
        requireNonNull(mapping, "mapping is null");
        requireNonNull(author, "author is null");
        SecurityDatabase.Written<StoredPortalMapping> written = database.createPortalMapping(mapping, author, now());
        LOG.info(
                "Portal contact {} mapped to user {} (company {}) by {} ({}) through application {}",
                mapping.contactId(),
                mapping.user(),
                mapping.company().orElse("any"),
                author.userName(),
                author.userId(),
                author.applicationId());
        changed(written.version());
        return written.value();
    }

    /**
     * Changes the mapping of a portal contact to what {@code change} makes of the stored one (it
     * runs inside the transaction, so concurrent changes of different properties both hold), in
     * one transaction with its audit row, and drops the caches of this node.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if the contact is not mapped;
     *     {@link ErrorCode#VALIDATION} as for {@link #createPortalMapping}
     */
    public StoredPortalMapping updatePortalMapping(
            UUID contactId, UnaryOperator<PortalMapping> change, ChangeAuthor author) {
        requireNonNull(contactId, "contactId is null");
        requireNonNull(change, "change is null");
        requireNonNull(author, "author is null");
        SecurityDatabase.Written<StoredPortalMapping> written =
                database.updatePortalMapping(contactId, change, author, now());
        PortalMapping mapping = written.value().mapping();
        LOG.info(
                "Portal contact {} mapping changed to user {} (company {}) by {} ({}) through application {}",
                contactId,
                mapping.user(),
                mapping.company().orElse("any"),
                author.userName(),
                author.userId(),
                author.applicationId());
        changed(written.version());
        return written.value();
    }

    /**
     * Removes the mapping of a portal contact, in one transaction with its audit row, and drops the
     * caches of this node: the contact's next request is refused.
     *
     * @throws GatewayException {@link ErrorCode#RECORD_NOT_FOUND} if the contact is not mapped
     */
    public void deletePortalMapping(UUID contactId, ChangeAuthor author) {
        requireNonNull(contactId, "contactId is null");
        requireNonNull(author, "author is null");
        SecurityDatabase.Written<PortalMapping> written = database.deletePortalMapping(contactId, author, now());
        LOG.info(
                "Portal contact {} unmapped by {} ({}) through application {}",
                contactId,
                author.userName(),
                author.userId(),
                author.applicationId());
        changed(written.version());
    }

    /** Every change made to the portal mappings through the API, oldest first. */
    public List<PortalMappingAuditEntry> portalMappingAudit() {
        return database.portalMappingAudit();
    }

    private OffsetDateTime now() {
        // PostgreSQL keeps microseconds; so does the audit, on every backend alike.
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
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
        return caches.permissions
                .get(requireNonNull(userId, "userId is null"))
                .orElseThrow(
                        () -> GatewayException.of(ErrorCode.CALLER_NOT_ALLOWED, "no backend user with id %s", userId));
    }

    /** After this store committed {@code version}: that version is known, and every cache is dropped. */
    private void changed(long version) {
        // Versions only grow, and every cache is dropped below, after the commit of this version and of any before it.
        knownVersion.accumulateAndGet(version, Math::max);
        invalidateAll();
    }

    /**
     * Another node or process announced that it committed {@code version}: every cache is dropped
     * unless a version at least as new is known (this node's own change, announced to it too).
     */
    void announced(long version) {
        long previous = knownVersion.getAndAccumulate(version, Math::max);
        if (version > previous) {
            LOG.info(
                    "The security data changed elsewhere (version {}); dropping the security caches of this node",
                    version);
            invalidateAll();
        }
    }

    /**
     * The version was read from the database (after the listener connected, at a poll, at a
     * heartbeat): every cache is dropped unless it is the known one. A version lower than the
     * known one (the schema was recreated) drops them too.
     */
    void checked(long version) {
        long previous = knownVersion.getAndSet(version);
        if (version != previous) {
            if (previous != UNKNOWN) {
                LOG.info(
                        "The security data changed elsewhere (version {}, was {}); dropping the security caches of this"
                                + " node",
                        version,
                        previous);
            }
            invalidateAll();
        }
    }

    /**
     * What this store's {@link InvalidationListener} tells it of changes made elsewhere; the
     * listener must use the database this store reads.
     */
    public InvalidationListener.Subscriber invalidationSubscriber() {
        return new SecurityInvalidation(this, schema);
    }

    /**
     * Drops every cached lookup of this node, then tells the listeners, so that whatever they
     * derived from the security data is dropped too. Call it when another node announces a change.
     */
    public void invalidateAll() {
        Caches old = caches;
        caches = new Caches();
        old.retire();
        old.invalidateAll();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A security change listener failed", e);
            }
        }
    }

    /**
     * {@code listener} runs after every change made through this store, every {@link #invalidateAll},
     * and every change made elsewhere that the invalidation listener told of.
     */
    public void addChangeListener(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * The statistics of each cache of security lookups (applications, users, portal mappings,
     * permissions, …) since the store started, across the generations {@link #invalidateAll} replaces.
     */
    public Map<String, com.github.benmanes.caffeine.cache.stats.CacheStats> cacheStats() {
        Caches current = caches;
        Map<String, com.github.benmanes.caffeine.cache.stats.CacheStats> stats = new java.util.LinkedHashMap<>();
        current.named()
                .forEach((name, cache) -> stats.put(
                        name,
                        retiredStats
                                .getOrDefault(name, com.github.benmanes.caffeine.cache.stats.CacheStats.empty())
                                .plus(cache.stats())));
        return stats;
    }

    /** The number of entries of each cache of security lookups now. */
    public Map<String, Long> cacheSizes() {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        caches.named().forEach((name, cache) -> sizes.put(name, cache.estimatedSize()));
        return sizes;
    }

    /** The statistics of the caches {@link #invalidateAll} replaced, summed per cache. */
    private final Map<String, com.github.benmanes.caffeine.cache.stats.CacheStats> retiredStats =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final class Caches {
        final LoadingCache<String, Optional<ApplicationUser>> applications = cache(database::application);
        final LoadingCache<UUID, Optional<BackendUser>> usersById = cache(database::userById);
        final LoadingCache<UUID, Optional<BackendUser>> usersByEntraObjectId = cache(database::userByEntraObjectId);
        final LoadingCache<UUID, Optional<PortalMapping>> portalMappings = cache(database::portalMapping);
        final LoadingCache<Boolean, Optional<UUID>> anonymousPortalUser = cache(key -> database.anonymousPortalUser());
        final LoadingCache<UUID, Optional<EffectivePermissions>> permissions = cache(database::permissionsOf);

        Map<String, LoadingCache<?, ?>> named() {
            Map<String, LoadingCache<?, ?>> named = new java.util.LinkedHashMap<>();
            named.put("applications", applications);
            named.put("usersById", usersById);
            named.put("usersByEntraObjectId", usersByEntraObjectId);
            named.put("portalMappings", portalMappings);
            named.put("anonymousPortalUser", anonymousPortalUser);
            named.put("permissions", permissions);
            return named;
        }

        /** Adds this generation's statistics to the retired ones. */
        void retire() {
            named().forEach((name, cache) ->
                    retiredStats.merge(name, cache.stats(), com.github.benmanes.caffeine.cache.stats.CacheStats::plus));
        }

        private <K, V> LoadingCache<K, V> cache(Function<K, V> loader) {
            return Caffeine.newBuilder()
                    .recordStats()
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
