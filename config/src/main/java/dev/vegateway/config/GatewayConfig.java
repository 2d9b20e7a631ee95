package dev.vegateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole gateway configuration, as read from one YAML file plus environment overrides.
 * Relative paths in the file are resolved against the file's directory.
 */
public record GatewayConfig(
        Path source,
        Server server,
        Tls tls,
        Admin admin,
        Auth auth,
        Backend backend,
        CatalogSource catalog,
        SecurityBootstrap security,
        Limits limits,
        Audit audit,
        Provisioning provisioning,
        Throttling throttling,
        Logging logging,
        Query query,
        Identity identity) {

    public GatewayConfig {
        requireNonNull(source, "source is null");
        requireNonNull(server, "server is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(admin, "admin is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(security, "security is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(audit, "audit is null");
        requireNonNull(provisioning, "provisioning is null");
        requireNonNull(throttling, "throttling is null");
        requireNonNull(logging, "logging is null");
        requireNonNull(query, "query is null");
        requireNonNull(identity, "identity is null");
    }

    /**
     * How queries are evaluated.
     *
     * @param fiscalCalendar the fiscal calendar of the fiscal date operators ({@code ThisFiscalYear} …) and of
     *     FetchXML's fiscal date groupings; empty: those answer 400
     */
    public record Query(Optional<FiscalCalendar> fiscalCalendar) {
        public static final Query NONE = new Query(Optional.empty());

        public Query {
            requireNonNull(fiscalCalendar, "fiscalCalendar is null");
        }
    }

    /**
     * How users come to exist and which groups they are in (issue 15).
     *
     * @param firstAccess whether a token for an unknown, eligible user creates the user on its first call
     * @param groupMembershipTtl how long the group-team membership read from a token's {@code groups} claim is
     *     kept before the next call's claim is read again (8 hours, as in Dataverse)
     */
    public record Identity(FirstAccess firstAccess, Duration groupMembershipTtl) {
        public static final Identity DEFAULTS = new Identity(FirstAccess.DISABLED, Duration.ofHours(8));

        public Identity {
            requireNonNull(firstAccess, "firstAccess is null");
            requireNonNull(groupMembershipTtl, "groupMembershipTtl is null");
        }
    }

    /**
     * Users created on their first call (off by default).
     *
     * @param tenants the token's {@code tid} must be one of these (empty: any tenant)
     * @param group the token's {@code groups} claim must hold this directory group object id (empty: no group needed)
     * @param defaultRoles the roles a user created on first access is given
     * @param reEnable whether a disabled user who is eligible again is enabled on its next call
     */
    public record FirstAccess(
            boolean enabled, Set<String> tenants, Optional<String> group, List<String> defaultRoles, boolean reEnable) {
        public static final FirstAccess DISABLED = new FirstAccess(false, Set.of(), Optional.empty(), List.of(), false);

        public FirstAccess {
            tenants = Set.copyOf(requireNonNull(tenants, "tenants is null"));
            requireNonNull(group, "group is null");
            defaultRoles = List.copyOf(requireNonNull(defaultRoles, "defaultRoles is null"));
        }
    }

    /** Without directory provisioning settings: {@link Provisioning#NONE}. */
    public GatewayConfig(
            Path source,
            Server server,
            Tls tls,
            Admin admin,
            Auth auth,
            Backend backend,
            CatalogSource catalog,
            SecurityBootstrap security,
            Limits limits,
            Audit audit) {
        this(
                source,
                server,
                tls,
                admin,
                auth,
                backend,
                catalog,
                security,
                limits,
                audit,
                Provisioning.NONE,
                Throttling.DEFAULTS,
                Logging.DEFAULTS,
                Query.NONE,
                Identity.DEFAULTS);
    }

    /**
     * Logging: levels and line format, applied when the gateway starts.
     *
     * @param level the level of every logger not named in {@code levels} ({@code TRACE} … {@code ERROR}, {@code OFF})
     * @param levels logger name → level, for single loggers (the request log is {@code vegateway.request})
     * @param format text lines, or one JSON object per line carrying the request id, caller and entity set
     */
    public record Logging(String level, Map<String, String> levels, LogFormat format) {
        public static final Logging DEFAULTS = new Logging("INFO", Map.of(), LogFormat.TEXT);

        public Logging {
            requireNonNull(level, "level is null");
            levels = Map.copyOf(requireNonNull(levels, "levels is null"));
            requireNonNull(format, "format is null");
        }
    }

    /** The format of log lines. */
    public enum LogFormat {
        TEXT,
        JSON
    }

    /**
     * Service protection limits, as Dataverse has them: per user and per application, on each
     * node, over a sliding window.
     *
     * @param enabled false turns every limit off
     * @param window the sliding window the request count and the execution time are summed over
     * @param perUser the limits of one user (all applications acting for them)
     * @param perApplication the limits of one application (all users it acts for)
     * @param exemptApplications application ids no limit applies to
     */
    public record Throttling(
            boolean enabled, Duration window, Quota perUser, Quota perApplication, Set<String> exemptApplications) {
        /** Dataverse's numbers for users (6,000 requests and 1,200 s in 5 minutes, 52 at once); none per application. */
        public static final Throttling DEFAULTS =
                new Throttling(true, Duration.ofMinutes(5), Quota.DATAVERSE_USER, Quota.UNLIMITED, Set.of());

        public Throttling {
            requireNonNull(window, "window is null");
            requireNonNull(perUser, "perUser is null");
            requireNonNull(perApplication, "perApplication is null");
            exemptApplications = Set.copyOf(requireNonNull(exemptApplications, "exemptApplications is null"));
        }
    }

    /**
     * One caller's limits; 0 in a field means no limit of that kind.
     *
     * @param requests requests in the window
     * @param executionTime combined time spent answering them in the window
     * @param concurrentRequests requests being answered at once
     */
    public record Quota(int requests, Duration executionTime, int concurrentRequests) {
        public static final Quota DATAVERSE_USER = new Quota(6000, Duration.ofSeconds(1200), 52);
        public static final Quota UNLIMITED = new Quota(0, Duration.ZERO, 0);

        public Quota {
            requireNonNull(executionTime, "executionTime is null");
        }
    }

    /**
     * Directory provisioning over SCIM (issue 15).
     *
     * @param defaultRoles the roles a user created through SCIM is given (the analogue of Dataverse's Basic User)
     * @param securityGroup the directory group (its SCIM {@code displayName} or {@code externalId}) a user must be a
     *     direct member of to be enabled; empty: being active in the directory is enough
     */
    public record Provisioning(List<String> defaultRoles, Optional<String> securityGroup) {
        public static final Provisioning NONE = new Provisioning(List.of(), Optional.empty());

        public Provisioning {
            defaultRoles = List.copyOf(requireNonNull(defaultRoles, "defaultRoles is null"));
            requireNonNull(securityGroup, "securityGroup is null");
        }
    }

    /** The public HTTPS listener. Plain HTTP is allowed only when enabled, and then only on loopback. */
    /**
     * @param shutdownGracePeriod how long a stopping gateway lets the requests it accepted finish
     *     before it cancels them at the database
     */
    public record Server(
            String host,
            int port,
            String servicePath,
            String namespace,
            boolean plainHttpEnabled,
            int plainHttpPort,
            Duration shutdownGracePeriod) {
        public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);

        public Server {
            requireNonNull(host, "host is null");
            requireNonNull(servicePath, "servicePath is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(shutdownGracePeriod, "shutdownGracePeriod is null");
        }

        /** With the default shutdown grace period. */
        public Server(
                String host,
                int port,
                String servicePath,
                String namespace,
                boolean plainHttpEnabled,
                int plainHttpPort) {
            this(host, port, servicePath, namespace, plainHttpEnabled, plainHttpPort, DEFAULT_SHUTDOWN_GRACE_PERIOD);
        }
    }

    /** PKCS#12 keystore holding the server certificate and key. */
    public record Tls(Path keystore, Secret keystorePassword, List<String> protocols) {
        public Tls {
            requireNonNull(keystore, "keystore is null");
            requireNonNull(keystorePassword, "keystorePassword is null");
            protocols = List.copyOf(protocols);
        }
    }

    /** The admin listener (health, metrics); loopback by default. */
    public record Admin(String host, int port) {
        public Admin {
            requireNonNull(host, "host is null");
        }
    }

    /**
     * S2S token validation (SPEC 4). Exactly one of jwksFile / jwksUrl, or the dev issuer's key.
     * {@code jwksMaxStaleness}: how long keys fetched from the JWKS URL stay trusted while the URL
     * cannot be read.
     */
    public record Auth(
            Optional<Path> jwksFile,
            Optional<URI> jwksUrl,
            Duration jwksRefreshInterval,
            Duration unknownKidMinInterval,
            Duration jwksMaxStaleness,
            List<String> issuers,
            List<String> audiences,
            List<String> algorithms,
            Duration clockSkew,
            DevIssuer devIssuer) {
        public Auth {
            requireNonNull(jwksFile, "jwksFile is null");
            requireNonNull(jwksUrl, "jwksUrl is null");
            requireNonNull(jwksRefreshInterval, "jwksRefreshInterval is null");
            requireNonNull(unknownKidMinInterval, "unknownKidMinInterval is null");
            requireNonNull(jwksMaxStaleness, "jwksMaxStaleness is null");
            issuers = List.copyOf(issuers);
            audiences = List.copyOf(audiences);
            algorithms = List.copyOf(algorithms);
            requireNonNull(clockSkew, "clockSkew is null");
            requireNonNull(devIssuer, "devIssuer is null");
        }
    }

    /** Embedded development issuer: a private key kept in keyFile (created when missing). Demo/dev only. */
    public record DevIssuer(boolean enabled, Path keyFile, String issuer, String audience) {
        public DevIssuer {
            requireNonNull(keyFile, "keyFile is null");
            requireNonNull(issuer, "issuer is null");
            requireNonNull(audience, "audience is null");
        }
    }

    public enum BackendKind {
        H2,
        POSTGRESQL
    }

    public record Backend(
            BackendKind kind,
            String url,
            String username,
            Secret password,
            int poolSize,
            String securitySchema,
            Duration queryTimeout,
            Duration acquireTimeout,
            Duration probeInterval,
            List<String> replicas) {
        /** Hikari refuses a shorter connection timeout. */
        public static final Duration MINIMUM_ACQUIRE_TIMEOUT = Duration.ofMillis(250);

        public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofMillis(500);
        public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);

        /** Bounds of {@link #defaultPoolSize}. */
        public static final int MINIMUM_DEFAULT_POOL_SIZE = 4;

        public static final int MAXIMUM_DEFAULT_POOL_SIZE = 32;

        /**
         * The pool size when {@code backend.poolSize} is not set: two connections per core of this
         * machine, at least {@value #MINIMUM_DEFAULT_POOL_SIZE} and at most
         * {@value #MAXIMUM_DEFAULT_POOL_SIZE}. A connection is busy while the database works and while
         * the page streams out, so about two per core keep the cores fed without queueing inside the
         * database (PostgreSQL's own rule of thumb is two per database core plus the disks).
         */
        public static int defaultPoolSize(int processors) {
            if (processors < 1) {
                throw new IllegalArgumentException("processors must be positive, was " + processors);
            }
            return Math.min(MAXIMUM_DEFAULT_POOL_SIZE, Math.max(MINIMUM_DEFAULT_POOL_SIZE, 2 * processors));
        }

        public Backend {
            requireNonNull(kind, "kind is null");
            requireNonNull(url, "url is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            requireNonNull(securitySchema, "securitySchema is null");
            requireNonNull(queryTimeout, "queryTimeout is null");
            requireNonNull(acquireTimeout, "acquireTimeout is null");
            requireNonNull(probeInterval, "probeInterval is null");
            replicas = List.copyOf(requireNonNull(replicas, "replicas is null"));
            if (acquireTimeout.compareTo(MINIMUM_ACQUIRE_TIMEOUT) < 0) {
                throw new IllegalArgumentException("acquireTimeout must be at least "
                        + MINIMUM_ACQUIRE_TIMEOUT.toMillis() + " ms, was " + acquireTimeout.toMillis() + " ms");
            }
            if (probeInterval.isZero() || probeInterval.isNegative()) {
                throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
            }
        }

        /** Without read replicas. */
        public Backend(
                BackendKind kind,
                String url,
                String username,
                Secret password,
                int poolSize,
                String securitySchema,
                Duration queryTimeout,
                Duration acquireTimeout,
                Duration probeInterval) {
            this(
                    kind,
                    url,
                    username,
                    password,
                    poolSize,
                    securitySchema,
                    queryTimeout,
                    acquireTimeout,
                    probeInterval,
                    List.of());
        }

        /** The same backend at a replica's URL (same credentials, pool size and timings), without replicas of its own. */
        public Backend atReplica(String replicaUrl) {
            return new Backend(
                    kind,
                    replicaUrl,
                    username,
                    password,
                    poolSize,
                    securitySchema,
                    queryTimeout,
                    acquireTimeout,
                    probeInterval,
                    List.of());
        }
    }

    /**
     * The catalog file, and whether a running node watches it for changes.
     *
     * @param watch {@code catalog.watch}: a changed file is loaded, checked and served without a restart
     * @param watchInterval {@code catalog.watchInterval}: how often the file's modification time and size are read
     */
    public record CatalogSource(Path file, boolean watch, Duration watchInterval) {
        public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(2);

        public CatalogSource {
            requireNonNull(file, "file is null");
            requireNonNull(watchInterval, "watchInterval is null");
        }
    }

    /**
     * Security data to import at start-up (optional), the database that holds it, and how nodes
     * learn of its changes.
     *
     * @param backend the security database when it is not the business database ({@code security.backend});
     *     its kind follows from its URL, its schema is {@code backend.securitySchema}, its timeouts are the
     *     business backend's
     * @param invalidationPollInterval {@code security.invalidation.pollInterval}: on H2 how often every node
     *     reads the version of the security data; on PostgreSQL it only shortens the listener's wait for
     *     announcements below its 500 ms
     */
    public record SecurityBootstrap(
            Optional<Path> file, boolean importOnStart, Optional<Backend> backend, Duration invalidationPollInterval) {
        public static final Duration DEFAULT_INVALIDATION_POLL_INTERVAL = Duration.ofSeconds(1);
        public static final int DEFAULT_POOL_SIZE = 4;

        public SecurityBootstrap {
            requireNonNull(file, "file is null");
            requireNonNull(backend, "backend is null");
            requireNonNull(invalidationPollInterval, "invalidationPollInterval is null");
            if (invalidationPollInterval.isZero() || invalidationPollInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "invalidationPollInterval must be positive, was " + invalidationPollInterval);
            }
        }

        /** In the business database, polled every {@link #DEFAULT_INVALIDATION_POLL_INTERVAL} on H2. */
        public SecurityBootstrap(Optional<Path> file, boolean importOnStart) {
            this(file, importOnStart, Optional.empty(), DEFAULT_INVALIDATION_POLL_INTERVAL);
        }
    }

    /** The database of the security data: {@code security.backend} if set, else the business database. */
    public Backend securityBackend() {
        return security.backend().orElse(backend);
    }

    /** Whether the security data lives in a database of its own ({@code security.backend}). */
    public boolean separateSecurityBackend() {
        return security.backend().isPresent();
    }

    /**
     * Request limits. {@code maxBatchParts} counts every request of a {@code $batch}, those in
     * changesets included; {@code maxBatchBodyBytes} bounds a {@code $batch} body as it is read.
     */
    /**
     * @param maxUrlBytes the longest request URL (path and query) the gateway answers; longer ones are 414
     * @param expandPageSize at most this many related rows per parent row in a collection-valued
     *     {@code $expand}; a parent with more gets {@code <nav>@odata.nextLink}
     * @param maxExpandDepth at most this many levels of nested {@code $expand}
     * @param maxExpands at most this many expanded navigation properties in one request, nested ones included
     */
    public record Limits(
            int maxPageSize,
            int maxTokenBytes,
            int maxUrlBytes,
            long maxRequestBodyBytes,
            int maxBatchParts,
            long maxBatchBodyBytes,
            Secret skipTokenSecret,
            int expandPageSize,
            int maxExpandDepth,
            int maxExpands) {
        public static final int DEFAULT_MAX_URL_BYTES = 16 * 1024;
        public static final int DEFAULT_EXPAND_PAGE_SIZE = 5000;
        public static final int DEFAULT_MAX_EXPAND_DEPTH = 3;
        public static final int DEFAULT_MAX_EXPANDS = 10;

        public Limits {
            requireNonNull(skipTokenSecret, "skipTokenSecret is null");
            if (expandPageSize < 1 || maxExpandDepth < 1 || maxExpands < 1) {
                throw new IllegalArgumentException(
                        "expandPageSize, maxExpandDepth and maxExpands must be positive, were " + expandPageSize + ", "
                                + maxExpandDepth + ", " + maxExpands);
            }
        }

        /** With the default $expand limits. */
        public Limits(
                int maxPageSize,
                int maxTokenBytes,
                int maxUrlBytes,
                long maxRequestBodyBytes,
                int maxBatchParts,
                long maxBatchBodyBytes,
                Secret skipTokenSecret) {
            this(
                    maxPageSize,
                    maxTokenBytes,
                    maxUrlBytes,
                    maxRequestBodyBytes,
                    maxBatchParts,
                    maxBatchBodyBytes,
                    skipTokenSecret,
                    DEFAULT_EXPAND_PAGE_SIZE,
                    DEFAULT_MAX_EXPAND_DEPTH,
                    DEFAULT_MAX_EXPANDS);
        }

        /** With the default URL limit. */
        public Limits(
                int maxPageSize,
                int maxTokenBytes,
                long maxRequestBodyBytes,
                int maxBatchParts,
                long maxBatchBodyBytes,
                Secret skipTokenSecret) {
            this(
                    maxPageSize,
                    maxTokenBytes,
                    DEFAULT_MAX_URL_BYTES,
                    maxRequestBodyBytes,
                    maxBatchParts,
                    maxBatchBodyBytes,
                    skipTokenSecret);
        }

        /**
         * The request line and headers Jetty accepts: a URL up to {@link #maxUrlBytes}, a token up to
         * {@link #maxTokenBytes}, and 16 KiB for the other headers.
         */
        public int maxRequestHeaderBytes() {
            return maxUrlBytes + maxTokenBytes + 16 * 1024;
        }
    }

    /**
     * The data audit's housekeeping.
     *
     * @param retention how long audit rows are kept before the background purge removes them;
     *     empty keeps them forever
     */
    public record Audit(Optional<Duration> retention) {
        public Audit {
            requireNonNull(retention, "retention is null");
            retention.ifPresent(duration -> {
                if (duration.isZero() || duration.isNegative()) {
                    throw new IllegalArgumentException(
                            "retention must be positive (empty keeps the audit forever), was " + duration);
                }
            });
        }

        /** Audit rows are never removed. */
        public static Audit keepForever() {
            return new Audit(Optional.empty());
        }
    }
}
