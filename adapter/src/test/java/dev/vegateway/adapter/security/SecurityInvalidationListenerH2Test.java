package dev.vegateway.adapter.security;

import dev.vegateway.adapter.invalidation.InvalidationListener;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** {@link SecurityInvalidationListenerTest} on H2: the poller. */
class SecurityInvalidationListenerH2Test extends SecurityInvalidationListenerTest {
    @Override
    DataSource newDatabase() {
        return SecurityFixtures.newDatabase();
    }

    @Override
    InvalidationListener.Mode mode() {
        return InvalidationListener.Mode.POLL;
    }

    @Override
    Connection connect(DataSource database) throws SQLException {
        return database.getConnection();
    }

    @Override
    void kill(Connection listenerConnection) throws SQLException {
        // H2 cannot end another session from outside; closing it under the poller fails its next check the same way.
        listenerConnection.close();
    }
}
