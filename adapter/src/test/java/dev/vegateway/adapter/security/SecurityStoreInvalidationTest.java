package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.DATAVERSE_APP;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.invalidation.InvalidationListener;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a node learns of changes made by another node or process (for example {@code vegateway
 * security import}): its invalidation listener hands the store each announced version and the
 * version it reads on its own connection; the store drops every cache when the version moved,
 * and the request path itself never reads the version. The database connections the request path
 * takes are counted.
 */
class SecurityStoreInvalidationTest {
    private final SecurityDocument valid = SecurityFixtures.validDocument();
    private final AtomicLong nanos = new AtomicLong(-7_000_000_000L);
    private final AtomicInteger changes = new AtomicInteger();
    private DataSource database;
    private CountingDataSource dataSource;
    private SecurityStore store;
    private InvalidationListener.Subscriber subscriber;
    private SecurityStore otherNode;

    @BeforeEach
    void twoNodesOnOneDatabase() throws SQLException {
        database = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(database);
        otherNode = new SecurityStore(database, SecuritySchema.DEFAULT_NAME);
        otherNode.replaceAll(valid);
        dataSource = new CountingDataSource(database);
        store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME, nanos::get);
        store.addChangeListener(changes::incrementAndGet);
        subscriber = store.invalidationSubscriber();
        check();
        changes.set(0);
    }

    @Test
    void theRequestPathNeverReadsTheVersion() {
        assertThat(store.userById(ALICE)).isPresent();
        assertThat(dataSource.connections()).as("the user only").isEqualTo(1);
        for (int step = 0; step < 10; step++) {
            nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            assertThat(store.userById(ALICE)).isPresent();
        }
        assertThat(dataSource.connections())
                .as("served from the cache however much time passes within the expiry")
                .isEqualTo(1);
        assertThat(changes).as("nothing changed, nothing dropped").hasValue(0);
    }

    @Test
    void anImportByAnotherProcessIsEnforcedAfterTheNextCheck() throws SQLException {
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isTrue();

        otherNode.replaceAll(withAliceHolding(List.of(SecurityDocument.RoleAssignment.unrestricted("AP clerk"))));

        assertThat(store.permissionsOf(ALICE).roles())
                .as("before the listener checks: the cache")
                .containsExactly("Sales manager", "Sales clerk");
        check();
        assertThat(store.permissionsOf(ALICE).roles())
                .as("after the check: the import")
                .containsExactly("AP clerk", "Sales clerk");
        assertThat(changes).hasValue(1);

        check();
        check();
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
        assertThat(changes).as("the version did not move again").hasValue(1);
    }

    @Test
    void aMappingWrittenByAnotherNodeIsEnforcedWhenItsVersionIsAnnounced() throws SQLException {
        UUID contact = UUID.fromString("7c000000-0000-4000-8000-000000000077");
        assertThat(store.portalMapping(contact)).isEmpty();
        otherNode.createPortalMapping(
                new PortalMapping(contact, PAULA, Optional.empty()),
                new ChangeAuthor(SecurityFixtures.SAM, "Sam Admin", DATAVERSE_APP));
        assertThat(store.portalMapping(contact)).as("the cached absence").isEmpty();
        long version = version();
        subscriber.announced(Long.toString(version - 1));
        assertThat(store.portalMapping(contact))
                .as("an older version was known already")
                .isEmpty();
        subscriber.announced(Long.toString(version));
        assertThat(store.portalMapping(contact)).contains(new PortalMapping(contact, PAULA, Optional.empty()));
        assertThat(changes).hasValue(1);
        subscriber.announced(Long.toString(version));
        check();
        assertThat(changes).as("the same version again drops nothing").hasValue(1);
    }

    @Test
    void itsOwnChangesDropTheCachesAtOnceAndOnlyOnce() throws SQLException {
        UUID contact = UUID.fromString("7c000000-0000-4000-8000-000000000078");
        assertThat(store.portalMapping(contact)).isEmpty();
        store.createPortalMapping(
                new PortalMapping(contact, PAULA, Optional.of("demf")),
                new ChangeAuthor(SecurityFixtures.SAM, "Sam Admin", DATAVERSE_APP));
        assertThat(changes).hasValue(1);
        assertThat(store.portalMapping(contact))
                .as("at once, without waiting for the listener")
                .isPresent();

        subscriber.announced(Long.toString(version()));
        check();
        assertThat(store.portalMapping(contact)).isPresent();
        assertThat(changes)
                .as("its own version is known: its announcement and the check drop nothing more")
                .hasValue(1);

        store.replaceAll(valid);
        assertThat(changes).hasValue(2);
        assertThat(store.portalMapping(contact)).isEmpty();
        check();
        assertThat(changes).hasValue(2);
    }

    @Test
    void anAnnouncementWithoutAVersionDropsEverything() {
        assertThat(store.userById(ALICE)).isPresent();
        subscriber.announced("not-a-number");
        assertThat(changes).hasValue(1);
    }

    @Test
    void aVersionLowerThanTheKnownOneDropsEverything() throws SQLException {
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE \"vegateway_security\".security_version SET version = 0");
            statement.executeUpdate(
                    "UPDATE \"vegateway_security\".users SET name = 'Alice Recreated' WHERE id = '" + ALICE + "'");
        }
        check();
        assertThat(changes).hasValue(1);
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Recreated");
    }

    @Test
    void aChangeThatBypassedTheVersionStillExpiresAsALastResort() throws SQLException {
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Sales");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "UPDATE \"vegateway_security\".users SET name = 'Alice Edited' WHERE id = '" + ALICE + "'");
        }
        check();
        nanos.addAndGet(SecurityStore.EXPIRY.minus(Duration.ofSeconds(1)).toNanos());
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Sales");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Edited");
    }

    /** What the listener does after each connect and poll, on a connection of its own. */
    private void check() throws SQLException {
        try (Connection connection = database.getConnection()) {
            subscriber.check(connection);
        }
    }

    private long version() throws SQLException {
        try (Connection connection = database.getConnection()) {
            return SecurityDatabase.version(connection, SecuritySchema.defaultSchema());
        }
    }

    private SecurityDocument withAliceHolding(List<SecurityDocument.RoleAssignment> roles) {
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
                                    roles,
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

    /** A data source that counts the connections it hands out. */
    private static final class CountingDataSource implements DataSource {
        private final DataSource delegate;
        private final AtomicInteger connections = new AtomicInteger();

        CountingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        int connections() {
            return connections.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
