package dev.vegateway.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's metrics, through Micrometer and its Prometheus registry: requests by operation
 * and status with a latency histogram whose buckets start at 100 µs (most calls take well under
 * a millisecond), database time, rows, and the JVM's own meters. The server adds Jetty's and
 * the connection pool's meters to {@link #registry()}.
 */
public final class Metrics {
    /** Latency buckets fine enough for sub-millisecond calls, up to the query timeout's order. */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The request timer of each operation and status, made once: the hot path only looks it up. */
    private final Map<String, Timer> requests = new ConcurrentHashMap<>();

    /** What the cache meters read (they hold it weakly). */
    private final java.util.List<Object> cacheSources = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Timer database;
    private final Counter rows;

    public Metrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        database = Timer.builder("vegateway.database")
                .description("Time spent in the backend database, per request")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        rows = Counter.builder("vegateway.rows").description("Rows returned").register(registry);
    }

    /**
     * The caches' meters ({@code cache_gets_total{cache,result}}, {@code cache_evictions_total},
     * {@code cache_size}): Caffeine's binder for the verified tokens, the same meters for the
     * security lookups, which the security store replaces when another node announces a change
     * (their counts add up across those generations).
     */
    public void bindCaches(
            com.github.benmanes.caffeine.cache.Cache<?, ?> verifiedTokens,
            java.util.function.Supplier<Map<String, com.github.benmanes.caffeine.cache.stats.CacheStats>> security,
            java.util.function.Supplier<Map<String, Long>> securitySizes) {
        io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(
                registry, verifiedTokens, "verified_tokens");
        // the meters hold what they read weakly: keep it here, for as long as the registry
        cacheSources.add(security);
        cacheSources.add(securitySizes);
        for (String name : security.get().keySet()) {
            String cache = "security_" + name;
            io.micrometer.core.instrument.FunctionCounter.builder("cache.gets", security, stats -> stats.get()
                            .get(name)
                            .hitCount())
                    .tags("cache", cache, "result", "hit")
                    .description("The number of times cache lookup methods have returned a cached value.")
                    .register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("cache.gets", security, stats -> stats.get()
                            .get(name)
                            .missCount())
                    .tags("cache", cache, "result", "miss")
                    .description(
                            "The number of times cache lookup methods have returned an uncached (newly loaded) value.")
                    .register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("cache.evictions", security, stats -> stats.get()
                            .get(name)
                            .evictionCount())
                    .tags("cache", cache)
                    .description("The number of times the cache was evicted.")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder(
                            "cache.size", securitySizes, sizes -> sizes.get().getOrDefault(name, 0L))
                    .strongReference(true)
                    .tags("cache", cache)
                    .description("The number of entries in this cache.")
                    .register(registry);
        }
    }

    /** The registry the server binds Jetty's and the connection pool's meters to. */
    public MeterRegistry registry() {
        return registry;
    }

    public void record(String operation, int status, long elapsedNanos, long dbNanos, long rowCount) {
        requests.computeIfAbsent(operation + ' ' + status, key -> Timer.builder("vegateway.requests")
                        .description("Requests answered, by operation and HTTP status")
                        .tag("operation", operation)
                        .tag("status", Integer.toString(status))
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry))
                .record(Duration.ofNanos(elapsedNanos));
        database.record(Duration.ofNanos(dbNanos));
        rows.increment(rowCount);
    }

    /** Every meter in the Prometheus text format. */
    public String prometheusText() {
        return registry.scrape();
    }
}
