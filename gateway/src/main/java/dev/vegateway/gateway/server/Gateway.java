package dev.vegateway.gateway.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.vegateway.adapter.jdbc.BackendHealth;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.jdbc.ReadReplicas;
import dev.vegateway.adapter.jdbc.ReadRouting;
import dev.vegateway.adapter.jdbc.StartupLock;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.CatalogVisibility;
import dev.vegateway.adapter.security.SecurityBackend;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.adapter.write.ActionService;
import dev.vegateway.adapter.write.AuditLog;
import dev.vegateway.adapter.write.AuditPurge;
import dev.vegateway.adapter.write.ChangeTracking;
import dev.vegateway.adapter.write.WriteService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.SchemaCheck;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import dev.vegateway.gateway.auth.DevIssuer;
import dev.vegateway.gateway.auth.TokenValidator;
import dev.vegateway.gateway.http.ApiChain;
import dev.vegateway.gateway.http.CatalogServices;
import dev.vegateway.gateway.http.DeltaLinks;
import dev.vegateway.gateway.http.LiveCatalog;
import dev.vegateway.gateway.http.Metrics;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.scim.ScimHandler;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every stage of the pipeline from the configuration and starts the server. */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long one check of the backend health probe may take. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** How long a start waits for its first backend connection before it fails. */
    private static final Duration START_PATIENCE = Duration.ofSeconds(30);
    /** How long requests cancelled at the end of the grace period get to send their error answers. */
    private static final Duration CANCELLED_REQUESTS_ANSWER_TIME = Duration.ofSeconds(5);

    private final GatewayConfig config;
    private final HikariDataSource dataSource;
    private final BackendHealth health;
    private final ReadReplicas replicas;
    private final SecurityBackend security;
    private final Optional<DevIssuer> devIssuer;
    private final GatewayServer server;
    private final ApiChain api;
    private final Optional<AuditPurge> auditPurge;
    private final Optional<AuditPurgeSchedule> auditPurgeSchedule;
    private final Optional<CatalogFileWatcher> catalogWatcher;
    /** Set once a stop has begun; readiness reads it. */
    private final AtomicBoolean draining;

    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long drainDeadlineNanos;

    private Gateway(
            GatewayConfig config,
            HikariDataSource dataSource,
            BackendHealth health,
            ReadReplicas replicas,
            SecurityBackend security,
            Optional<DevIssuer> devIssuer,
            GatewayServer server,
            ApiChain api,
            Optional<AuditPurge> auditPurge,
            Optional<AuditPurgeSchedule> auditPurgeSchedule,
            Optional<CatalogFileWatcher> catalogWatcher,
            AtomicBoolean draining) {
        this.config = config;
        this.dataSource = dataSource;
        this.health = health;
        this.replicas = replicas;
        this.security = security;
        this.devIssuer = devIssuer;
        this.server = server;
        this.api = api;
        this.auditPurge = auditPurge;
        this.auditPurgeSchedule = auditPurgeSchedule;
        this.catalogWatcher = catalogWatcher;
        this.draining = draining;
    }

    public static Gateway start(GatewayConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts with {@code clock} as the time of the data: it stamps writes (audit rows, created-on and
     * modified-on fields), tells the audit retention which rows are old, and is the "now" of relative
     * date operators ({@code Today}, {@code LastXDays}). Tokens are always
     * checked against the system clock.
     */
    public static Gateway start(GatewayConfig config, Clock clock) throws Exception {
        requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        // The content the node starts with, so that the catalog watcher tries only a later change.
        Optional<byte[]> startContent = readQuietly(config.catalog().file());
        Catalog loaded = CatalogLoader.load(config.catalog().file());
        HikariDataSource dataSource = Backends.dataSource(config.backend());
        BackendHealth health = null;
        ReadReplicas replicas = null;
        SecurityBackend securityBackend = null;
        Optional<CatalogFileWatcher> catalogWatcher = Optional.empty();
        StartupLock startupLock = null;
        try {
            // Refuse to start on anything `vegateway check` reports against the backend (a missing table or column, a
            // column type that does not fit, such as a varchar key, an action's SQL that does not prepare), rather than
            // answering 500 at request time.
            List<Problem> problems;
            try (Connection connection = Backends.awaitConnection(dataSource, START_PATIENCE)) {
                problems = SchemaCheck.check(loaded, connection);
            }
            if (!problems.isEmpty()) {
                throw new ProblemsException(problems);
            }
            // Nodes started together create the gateway's own tables one after the other (see StartupLock).
            startupLock = StartupLock.acquire(config.backend(), START_PATIENCE);
            SecuritySchema schema = new SecuritySchema(config.backend().securitySchema());
            AuditLog audit = new AuditLog(schema.name());
            audit.createIfMissing(dataSource, schema.name());
            Catalog catalog = loaded.withEntity(audit.entity());
            health = BackendHealth.start(
                    Backends.probeConnector(config.backend(), PROBE_TIMEOUT),
                    dataSource,
                    config.backend().probeInterval(),
                    PROBE_TIMEOUT);
            // Everything that asks for connections on the request path gets them through the health state.
            DataSource backend = health.failFast(dataSource);
            ChangeTracking changeTracking = new ChangeTracking(
                    backend, new WriteSqlRenderer(Dialect.of(config.backend().kind())), schema.name(), (int)
                            Math.max(1, config.backend().queryTimeout().toSeconds()));
            changeTracking.createIfMissing();
            securityBackend = SecurityBackend.start(config, dataSource, backend);
            SecurityStore securityStore = securityBackend.store();
            if (config.security().importOnStart() && config.security().file().isPresent()) {
                SecurityDocument.Parsed security = SecurityDocument.parseWithWarnings(
                        config.security().file().get(), Optional.of(catalog));
                security.warnings().forEach(warning -> LOG.warn("security data: {}", warning));
                securityStore.replaceAll(security.document());
                LOG.info(
                        "imported security data from {}",
                        config.security().file().get());
            }
            startupLock.close();
            startupLock = null;
            Optional<DevIssuer> devIssuer = Optional.empty();
            TokenValidator tokenValidator;
            GatewayConfig.DevIssuer dev = config.auth().devIssuer();
            if (dev.enabled()) {
                DevIssuer issuer = DevIssuer.loadOrCreate(dev.keyFile(), dev.issuer(), dev.audience());
                devIssuer = Optional.of(issuer);
                tokenValidator = new TokenValidator(
                        config.auth(), config.limits().maxTokenBytes(), Clock.systemUTC(), issuer.publicKeys());
                LOG.warn(
                        "the embedded development issuer is enabled: tokens it mints are trusted. Never enable it in production.");
            } else {
                tokenValidator =
                        new TokenValidator(config.auth(), config.limits().maxTokenBytes(), Clock.systemUTC());
            }
            ContinuationTokens tokens = new ContinuationTokens(
                    config.limits().skipTokenSecret().reveal().getBytes(UTF_8));
            // Reads, writes and actions share one data source, so that a $batch changeset can run them in one
            // transaction.
            ChangesetDataSource changesets = new ChangesetDataSource(backend);
            Metrics metrics = new Metrics();
            // The pools' meters (active, idle, pending, acquire time) go to the same registry.
            dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics.registry()));
            securityBackend
                    .ownPool()
                    .ifPresent(pool ->
                            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics.registry())));
            metrics.bindCaches(tokenValidator.verifiedTokens(), securityStore::cacheStats, securityStore::cacheSizes);
            // Reads go to the replicas in turn when there are any (writes and changesets stay on the primary).
            replicas = ReadReplicas.open(
                    config.backend(),
                    PROBE_TIMEOUT,
                    pool -> pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics.registry())));
            ReadRouting readRouting = new ReadRouting(changesets, replicas.replicas());
            // Everything built from a catalog is built again, as a whole, for each catalog snapshot (a changed catalog
            // file, an entity hidden or shown through the catalog set).
            CatalogServices.Factory services = effective -> {
                QueryPlanner planner = QueryPlanner.builder(
                                effective, tokens, config.limits().maxPageSize())
                        .clock(clock)
                        .fiscalCalendar(config.query().fiscalCalendar())
                        .notNullColumns(NotNullColumnsReader.read(effective, dataSource))
                        .build();
                return new CatalogServices(
                        effective,
                        new ODataFrontEnd(
                                effective,
                                config.server().namespace(),
                                config.limits().maxExpandDepth(),
                                config.limits().maxExpands()),
                        new QueryService(
                                planner,
                                new SqlRenderer(Dialect.of(config.backend().kind())),
                                readRouting,
                                tokens,
                                config.backend().queryTimeout()),
                        new WriteService(
                                effective,
                                changesets,
                                new WriteSqlRenderer(Dialect.of(config.backend().kind())),
                                audit,
                                changeTracking,
                                clock,
                                config.backend().queryTimeout()),
                        new ActionService(
                                effective,
                                changesets,
                                new WriteSqlRenderer(Dialect.of(config.backend().kind())),
                                planner,
                                audit,
                                changeTracking,
                                clock,
                                config.backend().queryTimeout()));
            };
            AtomicBoolean draining = new AtomicBoolean();
            CatalogVisibility visibility = securityBackend.catalogVisibility();
            ApiChain api = ApiChain.build(
                    config.server().servicePath(),
                    catalog,
                    visibility.read(),
                    services,
                    tokenValidator,
                    new CallerResolver(securityStore),
                    changesets,
                    config.limits(),
                    config.throttling(),
                    metrics,
                    securityStore,
                    new DeltaLinks(changeTracking, clock, config.audit().retention()),
                    visibility,
                    backend,
                    clock,
                    securityStore.identity(config.identity()));
            LiveCatalog live = api.catalog();
            // Choices made through any node reach this one through the invalidation listener; read once more after
            // subscribing, so that a choice made between the first read and now is not missed.
            visibility.onChange(choices -> {
                try {
                    live.visibility(choices);
                } catch (RuntimeException e) {
                    LOG.error("the catalog could not be rebuilt after an entity was hidden or shown elsewhere", e);
                }
            });
            live.visibility(visibility.read());
            if (config.catalog().watch()) {
                catalogWatcher = Optional.of(CatalogFileWatcher.start(
                        config.catalog().file(),
                        config.catalog().watchInterval(),
                        (source, text) -> checkedCatalog(source, text, dataSource, audit),
                        live,
                        startContent));
            }
            GatewayServer server = GatewayServer.start(
                    config,
                    metrics.registry(),
                    new ScimHandler(
                            tokenValidator,
                            new CallerResolver(securityStore),
                            securityStore.directory(config.provisioning()),
                            config.limits().maxRequestBodyBytes(),
                            api.handler()),
                    new AdminHandler(
                            readiness(health, securityBackend), draining::get, tokenValidator::keysLoaded, metrics));
            LOG.info(
                    "VE Gateway listening on https://{}:{}{}/ (admin http://{}:{})",
                    config.server().host(),
                    server.port(),
                    config.server().servicePath(),
                    config.admin().host(),
                    server.adminPort());
            Optional<AuditPurge> auditPurge = config.audit()
                    .retention()
                    .map(retention -> new AuditPurge(
                            backend,
                            audit,
                            AuditPurge.Settings.of(retention, config.backend().queryTimeout()),
                            clock,
                            AuditPurge.Pauser.SLEEP));
            Optional<AuditPurgeSchedule> auditPurgeSchedule = auditPurge.map(AuditPurgeSchedule::start);
            auditPurge.ifPresent(purge -> LOG.info(
                    "audit retention: rows older than {} are removed, every {}",
                    config.audit().retention().orElseThrow(),
                    AuditPurgeSchedule.interval(purge.settings().retention())));
            return new Gateway(
                    config,
                    dataSource,
                    health,
                    replicas,
                    securityBackend,
                    devIssuer,
                    server,
                    api,
                    auditPurge,
                    auditPurgeSchedule,
                    catalogWatcher,
                    draining);
        } catch (Exception | Error e) {
            if (startupLock != null) {
                try {
                    startupLock.close();
                } catch (java.sql.SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            catalogWatcher.ifPresent(CatalogFileWatcher::close);
            if (replicas != null) {
                replicas.close();
            }
            if (securityBackend != null) {
                securityBackend.close();
            }
            if (health != null) {
                health.close();
            }
            dataSource.close();
            throw e;
        }
    }

    public GatewayConfig config() {
        return config;
    }

    /** The catalog this node serves, swapped as a whole on a change of the catalog file or of a visibility choice. */
    public LiveCatalog catalog() {
        return api.catalog();
    }

    /** The watcher of the catalog file, when {@code catalog.watch} is on. */
    public Optional<CatalogFileWatcher> catalogWatcher() {
        return catalogWatcher;
    }

    /**
     * A changed catalog file's catalog, loaded and checked against the backend as at start (the
     * gateway's own sets added); {@link ProblemsException} lists every problem.
     */
    private static Catalog checkedCatalog(String source, String text, DataSource dataSource, AuditLog audit) {
        Catalog loaded = CatalogLoader.load(source, text);
        List<Problem> problems;
        try (Connection connection = dataSource.getConnection()) {
            problems = SchemaCheck.check(loaded, connection);
        } catch (java.sql.SQLException e) {
            throw new ProblemsException(
                    List.of(new Problem(source, 0, "", "cannot check the catalog against the backend: " + e)));
        }
        if (!problems.isEmpty()) {
            throw new ProblemsException(problems);
        }
        return loaded.withEntity(audit.entity());
    }

    private static Optional<byte[]> readQuietly(java.nio.file.Path file) {
        try {
            return Optional.of(java.nio.file.Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.adminPort();
    }

    public Optional<Integer> plainPort() {
        return server.plainPort();
    }

    public SecurityStore securityStore() {
        return security.store();
    }

    /** The security data of this node: its store, the listener that tells it of changes made elsewhere. */
    public SecurityBackend security() {
        return security;
    }

    /** Ready while the backend answers, and the security database when it is another one. */
    private static java.util.function.BooleanSupplier readiness(BackendHealth health, SecurityBackend security) {
        return () -> health.isUp() && security.isUp();
    }

    public Optional<DevIssuer> devIssuer() {
        return devIssuer;
    }

    /** The audit purge, when {@code audit.retention} is set; it also runs in the background. */
    public Optional<AuditPurge> auditPurge() {
        return auditPurge;
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** Whether a stop has begun: readiness is false and no new request is accepted. */
    public boolean stopping() {
        return draining.get();
    }

    /** Requests still being served. */
    public int requestsInFlight() {
        return api.requestsInFlight();
    }

    /** Time left of the shutdown grace period (zero before a stop and after it ended). */
    public Duration drainTimeLeft() {
        long left = drainDeadlineNanos - System.nanoTime();
        return draining.get() && closed.getCount() > 0 && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /**
     * Stops gracefully: readiness turns false at once, the listeners stop accepting, every request
     * already accepted may finish within {@code server.shutdownGracePeriod} (a request still
     * running then is cancelled at the database and logged at WARN with its request id), then the
     * pool and the health probe close. A second call waits for the first to finish.
     */
    @Override
    public void close() throws Exception {
        if (!draining.compareAndSet(false, true)) {
            closed.await();
            return;
        }
        Duration grace = config.server().shutdownGracePeriod();
        drainDeadlineNanos = System.nanoTime() + grace.toNanos();
        LOG.info(
                "stopping: new requests are refused; {} request(s) in flight may finish within {}",
                requestsInFlight(),
                grace);
        Thread canceller = new Thread(
                () -> {
                    try {
                        Thread.sleep(grace.toMillis());
                    } catch (InterruptedException e) {
                        return; // every request finished in time
                    }
                    api.cancelInFlight();
                },
                "vegateway-shutdown-grace");
        canceller.setDaemon(true);
        canceller.start();
        try {
            if (!server.drain(grace)) {
                // The canceller cancels their statements now; give them a moment to send their error answers.
                LOG.warn("the shutdown grace period of {} ended with requests still running", grace);
                server.drain(CANCELLED_REQUESTS_ANSWER_TIME);
            }
            server.close();
        } finally {
            canceller.interrupt();
            try {
                catalogWatcher.ifPresent(CatalogFileWatcher::close);
                auditPurgeSchedule.ifPresent(AuditPurgeSchedule::close);
                replicas.close();
                security.close();
                health.close();
            } finally {
                dataSource.close();
                closed.countDown();
                LOG.info("stopped");
            }
        }
    }
}
