package dev.vegateway.adapter.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The read replicas of {@code backend.replicas}: for each, its own pool (named
 * {@code vegateway-replica-<n>}) and its own health probe, like the primary's; a replica the
 * probe sees down is skipped until it answers again.
 */
public final class ReadReplicas implements AutoCloseable {
    private record Opened(HikariDataSource pool, BackendHealth health, ReadRouting.Replica replica) {}

    private final List<Opened> opened;

    private ReadReplicas(List<Opened> opened) {
        this.opened = List.copyOf(opened);
    }

    /**
     * Opens a pool and starts a probe per replica of {@code backend}; {@code eachPool} is given
     * each new pool (to meter it).
     */
    public static ReadReplicas open(
            GatewayConfig.Backend backend, Duration probeTimeout, Consumer<HikariDataSource> eachPool) {
        List<Opened> opened = new ArrayList<>();
        try {
            for (String url : backend.replicas()) {
                String name = "replica-" + (opened.size() + 1);
                GatewayConfig.Backend replica = backend.atReplica(url);
                HikariDataSource pool = Backends.dataSource(replica, "vegateway-" + name);
                eachPool.accept(pool);
                BackendHealth health = BackendHealth.start(
                        Backends.probeConnector(replica, probeTimeout), pool, replica.probeInterval(), probeTimeout);
                opened.add(
                        new Opened(pool, health, new ReadRouting.Replica(name, health.failFast(pool), health::isUp)));
            }
        } catch (RuntimeException | Error e) {
            new ReadReplicas(opened).close();
            throw e;
        }
        return new ReadReplicas(opened);
    }

    public List<ReadRouting.Replica> replicas() {
        return opened.stream().map(Opened::replica).toList();
    }

    @Override
    public void close() {
        for (Opened replica : opened) {
            try {
                replica.health().close();
            } finally {
                replica.pool().close();
            }
        }
    }
}
