package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.invalidation.Announcements;
import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.adapter.jdbc.BackendHealth;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.config.GatewayConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security data of a running node: the {@link SecurityStore} over the security database (the
 * business database, or the one {@code security.backend} names, with its own pool and health
 * probe), its schema created where missing, and the {@link InvalidationListener} that tells the
 * store of changes made by other nodes and processes ({@code LISTEN} on PostgreSQL, a poller on
 * H2). Closing it stops the listener, then the security database's own probe and pool.
 *
 * <p>The write audit of business data ({@code data_audit}) is not here: its rows commit in the
 * transaction of the data they record, so it stays in the business database.
 */
public final class SecurityBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityBackend.class);
    /** How long connecting (the probe's, the listener's) may take. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private final SecurityStore store;
    private final InvalidationListener listener;
    private final Optional<BackendHealth> ownHealth;
    private final Optional<HikariDataSource> ownPool;
    private final CatalogVisibility catalogVisibility;

    private SecurityBackend(
            SecurityStore store,
            InvalidationListener listener,
            Optional<BackendHealth> ownHealth,
            Optional<HikariDataSource> ownPool,
            CatalogVisibility catalogVisibility) {
        this.store = store;
        this.listener = listener;
        this.ownHealth = ownHealth;
        this.ownPool = ownPool;
        this.catalogVisibility = catalogVisibility;
    }

    /**
     * Creates the security schema where missing and starts the store and its listener.
     *
     * @param businessPool the business database's pool, where the schema is created when the
     *     security data lives there
     * @param businessRequestPath the business database as the request path uses it (refused at
     *     once while it is down), which the store reads when the security data lives there
     */
    public static SecurityBackend start(GatewayConfig config, DataSource businessPool, DataSource businessRequestPath) {
        requireNonNull(config, "config is null");
        requireNonNull(businessPool, "businessPool is null");
        requireNonNull(businessRequestPath, "businessRequestPath is null");
        GatewayConfig.Backend backend = config.securityBackend();
        SecuritySchema schema = new SecuritySchema(backend.securitySchema());
        HikariDataSource pool = null;
        BackendHealth health = null;
        try {
            DataSource requestPath;
            if (config.separateSecurityBackend()) {
                pool = Backends.dataSource(backend, "vegateway-security");
                schema.createIfMissing(pool);
                health = BackendHealth.start(
                        "security database",
                        Backends.probeConnector(backend, CONNECT_TIMEOUT),
                        pool,
                        backend.probeInterval(),
                        CONNECT_TIMEOUT);
                requestPath = health.failFast(pool);
                LOG.info("The security data is in its own database (security.backend), schema {}", schema.name());
            } else {
                schema.createIfMissing(businessPool);
                requestPath = businessRequestPath;
            }
            SecurityStore store = new SecurityStore(requestPath, schema.name());
            CatalogVisibility catalogVisibility = new CatalogVisibility(requestPath, schema);
            InvalidationListener.Settings settings = InvalidationListener.Settings.of(
                    switch (backend.kind()) {
                        case POSTGRESQL -> InvalidationListener.Mode.LISTEN;
                        case H2 -> InvalidationListener.Mode.POLL;
                    },
                    config.security().invalidationPollInterval());
            InvalidationListener listener = InvalidationListener.start(
                    Backends.listenerConnector(backend, CONNECT_TIMEOUT, backend.queryTimeout()),
                    settings,
                    List.of(store.invalidationSubscriber(), catalogVisibility.invalidationSubscriber()));
            switch (settings.mode()) {
                case LISTEN -> LOG.info(
                        "Security changes made elsewhere are announced to this node (LISTEN {})",
                        Announcements.CHANNEL);
                case POLL -> LOG.info(
                        "Security changes made elsewhere are polled every {} ms",
                        settings.pollInterval().toMillis());
            }
            return new SecurityBackend(
                    store, listener, Optional.ofNullable(health), Optional.ofNullable(pool), catalogVisibility);
        } catch (RuntimeException | Error e) {
            if (health != null) {
                health.close();
            }
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /** The security database's own pool, when it has one ({@code security.backend}), for its meters. */
    public Optional<HikariDataSource> ownPool() {
        return ownPool;
    }

    public SecurityStore store() {
        return store;
    }

    /** The catalog entities hidden or shown through the catalog set, shared by every node. */
    public CatalogVisibility catalogVisibility() {
        return catalogVisibility;
    }

    public InvalidationListener listener() {
        return listener;
    }

    /** Whether the security database answers; always true when it is the business database (whose probe says). */
    public boolean isUp() {
        return ownHealth.map(BackendHealth::isUp).orElse(true);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } finally {
            ownHealth.ifPresent(BackendHealth::close);
            ownPool.ifPresent(HikariDataSource::close);
        }
    }
}
