package dev.vegateway.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where reads run: on the read replicas ({@code backend.replicas}) in turn, skipping those their
 * health probe sees down, or on the primary when there is none up, when a replica refuses a
 * connection, inside a changeset (its reads must see its writes), and for the whole of a
 * request that asked for it (a write, which reads back what it wrote, and a read with
 * {@code Prefer: vegateway.consistency=strong}, see {@link #primaryOnly()}). Writes never come
 * here: they take the primary's data source directly.
 *
 * <p>It remembers on the calling thread which data source served the last read ({@link
 * #servedBy()}), so that the answer can say it in {@code Server-Timing}.
 */
public final class ReadRouting extends PoolView {
    public static final String PRIMARY = "primary";

    private static final Logger LOG = LoggerFactory.getLogger(ReadRouting.class);

    @SuppressWarnings("ThreadLocalUsage")
    private static final ThreadLocal<Boolean> PRIMARY_ONLY = new ThreadLocal<>();

    @SuppressWarnings("ThreadLocalUsage")
    private static final ThreadLocal<String> SERVED_BY = new ThreadLocal<>();

    /**
     * One read replica.
     *
     * @param name how answers and logs name it ({@code replica-1}, …)
     * @param pool its connection pool
     * @param up whether its health probe sees it answering
     */
    public record Replica(String name, DataSource pool, BooleanSupplier up) {
        public Replica {
            requireNonNull(name, "name is null");
            requireNonNull(pool, "pool is null");
            requireNonNull(up, "up is null");
        }
    }

    private final ChangesetDataSource primary;
    private final List<Replica> replicas;
    private final AtomicInteger next = new AtomicInteger();

    public ReadRouting(ChangesetDataSource primary, List<Replica> replicas) {
        super(primary);
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
    }

    /** A scope in which every read of the calling thread runs on the primary; closing it ends that. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Until the scope closes, the calling thread reads from the primary (nested scopes keep it so). */
    public static Scope primaryOnly() {
        Boolean outer = PRIMARY_ONLY.get();
        PRIMARY_ONLY.set(Boolean.TRUE);
        return () -> {
            if (outer == null) {
                PRIMARY_ONLY.remove();
            } else {
                PRIMARY_ONLY.set(outer);
            }
        };
    }

    /** Which data source served the calling thread's last read, without forgetting it. */
    public static Optional<String> lastServedBy() {
        return Optional.ofNullable(SERVED_BY.get());
    }

    /** Which data source served the calling thread's last read ({@link #PRIMARY} or a replica's name), then forgets it. */
    public static Optional<String> servedBy() {
        String name = SERVED_BY.get();
        SERVED_BY.remove();
        return Optional.ofNullable(name);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!replicas.isEmpty() && PRIMARY_ONLY.get() == null && !primary.inChangeset()) {
            int start = Math.floorMod(next.getAndIncrement(), replicas.size());
            for (int i = 0; i < replicas.size(); i++) {
                Replica replica = replicas.get((start + i) % replicas.size());
                if (!replica.up().getAsBoolean()) {
                    continue;
                }
                try {
                    Connection connection = replica.pool().getConnection();
                    SERVED_BY.set(replica.name());
                    return connection;
                } catch (SQLException e) {
                    // Its probe decides whether it is down; this read goes elsewhere.
                    LOG.debug("read replica {} refused a connection: {}", replica.name(), e.getMessage());
                }
            }
        }
        Connection connection = primary.getConnection();
        SERVED_BY.set(PRIMARY);
        return connection;
    }
}
