package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one real database: a change made through one store reaches the other's caches
 * through the other's {@link InvalidationListener} ({@code LISTEN} on PostgreSQL, the poller on
 * H2), also after the listener's connection was killed, and a change made while it could not
 * reconnect is checked once it is back. The listener's connector is the real driver's, behind a
 * gate the test can close to hold a reconnect back.
 */
abstract class SecurityInvalidationListenerTest {
    /** Only to detect a change that never arrives; how fast changes arrive is measured by the gateway's IT. */
    private static final Duration NON_DELIVERY = Duration.ofSeconds(10);

    private final SecurityDocument valid = SecurityFixtures.validDocument();
    private final AtomicInteger changes = new AtomicInteger();
    private DataSource database;
    private SecurityStore thisNode;
    private SecurityStore otherNode;
    private GatedConnector connector;
    private InvalidationListener listener;

    /** A fresh, empty database. */
    abstract DataSource newDatabase() throws Exception;

    abstract InvalidationListener.Mode mode();

    /** A connection of the database's own driver, outside any pool. */
    abstract Connection connect(DataSource database) throws SQLException;

    /** Ends the listener's connection from outside, as a database administrator or a network failure would. */
    abstract void kill(Connection listenerConnection) throws SQLException;

    @BeforeEach
    void twoNodes() throws Exception {
        database = newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(database);
        otherNode = new SecurityStore(database, SecuritySchema.DEFAULT_NAME);
        otherNode.replaceAll(valid);
        thisNode = new SecurityStore(database, SecuritySchema.DEFAULT_NAME);
        thisNode.addChangeListener(changes::incrementAndGet);
        connector = new GatedConnector(() -> connect(database));
        // A heartbeat far longer than any wait here: on PostgreSQL, only announcements and the check after a
        // connect can deliver a change.
        listener = InvalidationListener.start(
                connector,
                new InvalidationListener.Settings(
                        mode(),
                        Duration.ofMillis(100),
                        Duration.ofHours(1),
                        Duration.ofMillis(50),
                        Duration.ofMillis(200)),
                List.of(thisNode.invalidationSubscriber()));
        await(() -> listener.connects() == 1, "the listener connects");
    }

    @AfterEach
    void stop() {
        connector.open();
        listener.close();
    }

    @Test
    void aChangeThroughTheOtherNodeReachesThisNodesCaches() throws Exception {
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        int before = changes.get();

        otherNode.replaceAll(withAliceHolding("AP clerk"));

        await(() -> changes.get() > before, "this node drops its caches");
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
    }

    @Test
    void aChangeArrivesAfterTheListenersConnectionWasKilled() throws Exception {
        kill(connector.last());
        await(() -> listener.connects() == 2, "the listener reconnects");
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        int before = changes.get();

        otherNode.replaceAll(withAliceHolding("AP clerk"));

        await(() -> changes.get() > before, "this node drops its caches");
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
    }

    @Test
    void aChangeMadeWhileTheListenerWasDisconnectedIsCheckedWhenItIsBack() throws Exception {
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        connector.close();
        kill(connector.last());
        await(() -> connector.attempts() >= 2, "the listener tries to reconnect");

        otherNode.replaceAll(withAliceHolding("AP clerk"));
        assertThat(thisNode.permissionsOf(ALICE).roles())
                .as("nobody listens: the cache")
                .containsExactly("Sales manager", "Sales clerk");
        assertThat(listener.connected()).isFalse();

        connector.open();
        await(() -> listener.connects() == 2, "the listener reconnects");
        // Its check after connecting ran before it counted the connect: the change is there, announced or not.
        assertThat(thisNode.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
    }

    @Test
    void closingStopsTheListenerAndItsConnection() throws Exception {
        Connection connection = connector.last();
        listener.close();
        assertThat(connection.isClosed()).isTrue();
        int before = changes.get();
        otherNode.replaceAll(withAliceHolding("AP clerk"));
        Thread.sleep(300);
        assertThat(changes).as("nobody listens any more").hasValue(before);
    }

    private SecurityDocument withAliceHolding(String role) {
        List<User> users = new ArrayList<>();
        for (User user : valid.users()) {
            users.add(
                    user.id().equals(ALICE)
                            ? new User(
                                    ALICE,
                                    user.name(),
                                    user.entraObjectId(),
                                    user.enabled(),
                                    user.accessMode(),
                                    user.kind(),
                                    user.businessUnit(),
                                    Map.copyOf(user.attributes()),
                                    List.of(RoleAssignment.unrestricted(role)),
                                    dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE)
                            : user);
        }
        return new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                users,
                valid.teams(),
                valid.applications(),
                valid.portal());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + NON_DELIVERY.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + NON_DELIVERY + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The real connector behind a gate: while closed, connecting waits. */
    private static final class GatedConnector implements InvalidationListener.Connector {
        private final InvalidationListener.Connector delegate;
        private final AtomicInteger attempts = new AtomicInteger();
        private final Object lock = new Object();
        private boolean open = true;
        private volatile Connection last;

        GatedConnector(InvalidationListener.Connector delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection connect() throws SQLException {
            attempts.incrementAndGet();
            synchronized (lock) {
                while (!open) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted while the test held the connection back", e);
                    }
                }
            }
            Connection connection = delegate.connect();
            last = connection;
            return connection;
        }

        int attempts() {
            return attempts.get();
        }

        Connection last() {
            return last;
        }

        void close() {
            synchronized (lock) {
                open = false;
            }
        }

        void open() {
            synchronized (lock) {
                open = true;
                lock.notifyAll();
            }
        }
    }
}
