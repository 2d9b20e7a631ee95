package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.invalidation.InvalidationListener;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the invalidation listener tells a {@link SecurityStore}: each announced version (topic
 * {@code security:<schema>}, detail the version), and the version it reads on its own
 * connection after each connect, poll and heartbeat.
 */
final class SecurityInvalidation implements InvalidationListener.Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityInvalidation.class);

    private final SecurityStore store;
    private final SecuritySchema schema;

    SecurityInvalidation(SecurityStore store, SecuritySchema schema) {
        this.store = requireNonNull(store, "store is null");
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** The topic of changes of the security data in {@code schema}. */
    static String topic(SecuritySchema schema) {
        return "security:" + schema.name();
    }

    @Override
    public String topic() {
        return topic(schema);
    }

    @Override
    public void announced(String detail) {
        long version;
        try {
            version = Long.parseLong(detail.trim());
        } catch (NumberFormatException e) {
            LOG.warn("An announced change of the security data has no version ('{}'); dropping every cache", detail);
            store.invalidateAll();
            return;
        }
        store.announced(version);
    }

    @Override
    public void check(Connection connection) throws SQLException {
        store.checked(SecurityDatabase.version(connection, schema));
    }
}
