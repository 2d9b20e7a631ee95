package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.DATAVERSE_APP;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The version check that makes a node notice changes made by another node or process (for
 * example {@code vegateway security import}): at most one cheap read per
 * {@link SecurityStore#VERSION_CHECK_INTERVAL}, every cache dropped when the version moved. Time
 * is a fake ticker the tests advance; the database connections are counted.
 */
class SecurityStoreVersionTest {
    private static final long INTERVAL = SecurityStore.VERSION_CHECK_INTERVAL.toNanos();

    private final SecurityDocument valid = SecurityFixtures.validDocument();
    private final AtomicLong nanos = new AtomicLong(-7_000_000_000L);
    private final AtomicInteger changes = new AtomicInteger();
    private CountingDataSource dataSource;
    private SecurityStore store;
    private SecurityStore otherNode;

    @BeforeEach
    void twoNodesOnOneDatabase() {
        DataSource database = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(database);
        otherNode = new SecurityStore(database, SecuritySchema.DEFAULT_NAME);
        otherNode.replaceAll(valid);
        dataSource = new CountingDataSource(database);
        store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME, nanos::get);
        store.addChangeListener(changes::incrementAndGet);
    }

    @Test
    void readsTheVersionBeforeTheFirstLookupThenAtMostOncePerInterval() {
        assertThat(store.userById(ALICE)).isPresent();
        assertThat(dataSource.connections()).as("version, then the user").isEqualTo(2);

        for (int step = 0; step < 10; step++) {
            nanos.addAndGet(INTERVAL / 10 - 1);
            assertThat(store.userById(ALICE)).isPresent();
        }
        assertThat(dataSource.connections())
                .as("served from the cache, no version read within the interval")
                .isEqualTo(2);

        nanos.addAndGet(10);
        for (int lookup = 0; lookup < 5; lookup++) {
            assertThat(store.userById(ALICE)).isPresent();
        }
        assertThat(dataSource.connections())
                .as("one version read once the interval passed")
                .isEqualTo(3);
        assertThat(changes).as("nothing changed, nothing dropped").hasValue(0);
    }

    @Test
    void anImportByAnotherProcessIsEnforcedAfterTheNextCheck() {
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isTrue();

        otherNode.replaceAll(withAliceHolding(List.of(SecurityDocument.RoleAssignment.unrestricted("AP clerk"))));

        nanos.addAndGet(INTERVAL - 1);
        assertThat(store.permissionsOf(ALICE).roles())
                .as("within the interval: the cache")
                .containsExactly("Sales manager", "Sales clerk");
        nanos.addAndGet(1);
        assertThat(store.permissionsOf(ALICE).roles())
                .as("after the interval: the import")
                .containsExactly("AP clerk", "Sales clerk");
        assertThat(changes).hasValue(1);

        nanos.addAndGet(5 * INTERVAL);
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
        assertThat(changes).as("the version did not move again").hasValue(1);
    }

    @Test
    void aMappingWrittenByAnotherNodeIsEnforcedAfterTheNextCheck() {
        UUID contact = UUID.fromString("7c000000-0000-4000-8000-000000000077");
        assertThat(store.portalMapping(contact)).isEmpty();
        otherNode.createPortalMapping(
                new PortalMapping(contact, PAULA, Optional.empty()),
                new ChangeAuthor(SecurityFixtures.SAM, "Sam Admin", DATAVERSE_APP));
        assertThat(store.portalMapping(contact)).as("the cached absence").isEmpty();
        nanos.addAndGet(INTERVAL);
        assertThat(store.portalMapping(contact)).contains(new PortalMapping(contact, PAULA, Optional.empty()));
    }

    @Test
    void itsOwnChangesDropTheCachesAtOnceAndOnlyOnce() {
        UUID contact = UUID.fromString("7c000000-0000-4000-8000-000000000078");
        assertThat(store.portalMapping(contact)).isEmpty();
        store.createPortalMapping(
                new PortalMapping(contact, PAULA, Optional.of("demf")),
                new ChangeAuthor(SecurityFixtures.SAM, "Sam Admin", DATAVERSE_APP));
        assertThat(changes).hasValue(1);
        assertThat(store.portalMapping(contact))
                .as("at once, without waiting for a check")
                .isPresent();

        nanos.addAndGet(INTERVAL);
        assertThat(store.portalMapping(contact)).isPresent();
        assertThat(changes)
                .as("its own version is known: the check drops nothing more")
                .hasValue(1);

        store.replaceAll(valid);
        assertThat(changes).hasValue(2);
        assertThat(store.portalMapping(contact)).isEmpty();
        nanos.addAndGet(INTERVAL);
        assertThat(store.portalMapping(contact)).isEmpty();
        assertThat(changes).hasValue(2);
    }

    @Test
    void aFailedCheckFailsTheLookupAndIsRetriedAfterTheInterval() {
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        otherNode.replaceAll(withAliceHolding(List.of()));
        nanos.addAndGet(INTERVAL);
        dataSource.failing.set(true);
        assertThatThrownBy(() -> store.userById(ALICE))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.BACKEND_UNAVAILABLE));
        dataSource.failing.set(false);
        int before = dataSource.connections();
        assertThat(store.permissionsOf(ALICE).roles())
                .as("not retried before the interval: the cache")
                .contains("Sales manager");
        assertThat(dataSource.connections()).isEqualTo(before);
        nanos.addAndGet(INTERVAL);
        assertThat(store.permissionsOf(ALICE).roles())
                .as("retried: the change is seen")
                .containsExactly("Sales clerk");
    }

    @Test
    void aChangeThatBypassedTheVersionStillExpiresAsALastResort() throws SQLException {
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Sales");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "UPDATE \"vegateway_security\".users SET name = 'Alice Edited' WHERE id = '" + ALICE + "'");
        }
        nanos.addAndGet(SecurityStore.EXPIRY.minus(Duration.ofSeconds(1)).toNanos());
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Sales");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Edited");
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
                                    roles)
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

    /** A data source that counts the connections it hands out, and can be told to fail as an unreachable database does. */
    private static final class CountingDataSource implements DataSource {
        private final DataSource delegate;
        private final AtomicInteger connections = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();

        CountingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        int connections() {
            return connections.get();
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (failing.get()) {
                throw new SQLTransientConnectionException("the test made the database unreachable", "08001");
            }
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
