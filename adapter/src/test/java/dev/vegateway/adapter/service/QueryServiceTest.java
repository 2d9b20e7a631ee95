package dev.vegateway.adapter.service;

import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.id;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static dev.vegateway.adapter.plan.ContactFixtures.scope;
import static dev.vegateway.adapter.plan.ContactFixtures.scopeWithUnreadable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.LostConnections;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.SqlRenderer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retrieve, count, masking and error translation of {@link QueryService} against H2. */
class QueryServiceTest {
    private static DataSource database;
    private static QueryService service;

    /** Row n is owned by USER when n is odd, by OTHER_USER otherwise; its name is "c&lt;n&gt;" and its secret "s&lt;n&gt;". */
    @BeforeAll
    static void fillTheTable() throws SQLException {
        database = ContactFixtures.newDatabase("service");
        try (Connection connection = database.getConnection();
                PreparedStatement insert = connection.prepareStatement(ContactFixtures.INSERT_CONTACT)) {
            for (int n = 1; n <= 10; n++) {
                Object[] values = {
                    id(n),
                    "c" + n,
                    20 + n,
                    null,
                    null,
                    null,
                    null,
                    null,
                    n % 2 == 1 ? USER : OTHER_USER,
                    UNIT,
                    "usmf",
                    null,
                    "s" + n
                };
                for (int i = 0; i < values.length; i++) {
                    insert.setObject(i + 1, values[i]);
                }
                insert.executeUpdate();
            }
        }
        service = service(database);
    }

    private static QueryService service(DataSource dataSource) {
        return new QueryService(
                ContactFixtures.planner(50),
                new SqlRenderer(H2Dialect.INSTANCE),
                dataSource,
                ContactFixtures.tokens(),
                Duration.ofSeconds(5));
    }

    @Test
    void retrievesOneRowByKey() throws IOException {
        Sink sink = new Sink();
        ReadResult result =
                service.retrieve(ContactFixtures.contact(), id(2), List.of("name"), scope(grant(Depth.GLOBAL)), sink);

        assertThat(result.rows()).isEqualTo(1);
        assertThat(sink.events).containsExactly("start", "row", "finish");
        assertThat(sink.rows).containsExactly(List.of(id(2), "c2"));
        assertThat(sink.continuation).isEmpty();
    }

    @Test
    void answersARowOutsideTheRowScopeLikeAMissingRowBeforeWritingAnything() {
        Sink sink = new Sink();
        assertThatThrownBy(() -> service.retrieve(
                        ContactFixtures.contact(), id(2), List.of("name"), scope(grant(Depth.BASIC)), sink))
                .isInstanceOfSatisfying(GatewayException.class, exception -> {
                    assertThat(exception.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND);
                    assertThat(exception.getMessage()).isEqualTo("contact With Id = " + id(2) + " Does Not Exist");
                });
        assertThatThrownBy(() -> service.retrieve(
                        ContactFixtures.contact(), id(99), List.of(), scope(grant(Depth.GLOBAL)), new Sink()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThat(sink.events).isEmpty();
    }

    @Test
    void countsOnlyTheRowsTheCallerMaySee() throws IOException {
        assertThat(service.count(query().build(), only(scope(grant(Depth.GLOBAL)))))
                .isEqualTo(10);
        assertThat(service.count(query().top(2).skip(1).build(), only(scope(grant(Depth.BASIC)))))
                .isEqualTo(5);
        assertThat(service.count(query().build(), only(scope(grant(Depth.GLOBAL, "demf")))))
                .isZero();

        Sink sink = new Sink();
        service.retrieveMultiple(query().select("name").top(3).count().build(), only(scope(grant(Depth.BASIC))), sink);
        assertThat(sink.count).hasValue(5);
        assertThat(sink.rows).containsExactly(List.of(id(1), "c1"), List.of(id(3), "c3"), List.of(id(5), "c5"));
    }

    @Test
    void neverReadsAMaskedField() throws IOException {
        Sink sink = new Sink();
        service.retrieveMultiple(
                query().select("name", "secret").top(1).build(),
                only(scopeWithUnreadable(Set.of("secret"), grant(Depth.GLOBAL))),
                sink);

        assertThat(sink.plan.output()).extracting(OutputField::masked).containsExactly(false, true);
        assertThat(sink.rows).containsExactly(List.of(id(1), "c1"));
    }

    /** Every selected column is masked: the answer may be one row of nulls or a 4xx, but never invalid SQL (500). */
    @Test
    void answersADistinctQueryOverOnlyUnreadableColumnsWithoutABackendError() {
        AccessScope scope = scopeWithUnreadable(Set.of("secret"), grant(Depth.GLOBAL));
        Throwable thrown = catchThrowable(() -> service.retrieveMultiple(
                query().select("secret").distinct().count().build(), only(scope), new Sink()));
        if (thrown != null) {
            assertThat(thrown).isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(
                            exception.errorCode().category())
                    .as(exception.getMessage())
                    .isEqualTo(ErrorCode.Category.USER));
        }
    }

    @Test
    void translatesABackendFailureWithoutShowingSql() throws SQLException {
        DataSource broken = ContactFixtures.newDatabase("broken");
        try (Connection connection = broken.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE contact");
        }
        assertThatThrownBy(() ->
                        service(broken).retrieveMultiple(query().build(), only(scope(grant(Depth.GLOBAL))), new Sink()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> {
                    assertThat(exception.errorCode()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(exception.getMessage()).doesNotContain("SELECT").doesNotContainIgnoringCase("contactid");
                    assertThat(exception.getCause()).isInstanceOf(SQLException.class);
                });
    }

    @Test
    void aLostConnectionIs503EvenWhenItsRollbackFailsToo() {
        QueryService lost = service(new LostConnections(database));

        for (Throwable thrown : List.of(
                catchThrowable(
                        () -> lost.retrieveMultiple(query().build(), only(scope(grant(Depth.GLOBAL))), new Sink())),
                catchThrowable(() -> lost.count(query().build(), only(scope(grant(Depth.GLOBAL))))))) {
            assertThat(thrown).isInstanceOfSatisfying(GatewayException.class, exception -> {
                assertThat(exception.errorCode()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
                assertThat(exception.getCause())
                        .isInstanceOfSatisfying(SQLException.class, cause -> assertThat(cause.getSQLState())
                                .isEqualTo(LostConnections.LOST_STATE));
                assertThat(exception.getCause().getSuppressed())
                        .extracting(Throwable::getMessage)
                        .contains(LostConnections.ROLLBACK_FAILURE);
            });
        }
    }

    @Test
    void refusesBeforeTouchingTheDatabase() {
        DataSource unreachable = new UnreachableDataSource();
        assertThatThrownBy(() -> service(unreachable)
                        .retrieveMultiple(
                                query().select("nickname").build(), only(scope(grant(Depth.GLOBAL))), new Sink()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.UNKNOWN_PROPERTY));
        assertThatThrownBy(() -> service(unreachable).retrieveMultiple(query().build(), only(scope()), new Sink()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.MISSING_PRIVILEGE));
    }

    @Test
    void answersAnUnreachableBackendWith503() {
        assertThatThrownBy(() -> service(new UnreachableDataSource())
                        .retrieveMultiple(query().build(), only(scope(grant(Depth.GLOBAL))), new Sink()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.BACKEND_UNAVAILABLE));
    }

    @Test
    void derivesTheScopeOfAPersonFromItsRoles() {
        UUID person = UUID.fromString("6f000000-0000-4000-8000-0000000000bb");
        EffectivePermissions permissions = permissionsOf(
                person,
                """
                businessUnits: [{ name: Head office }, { name: Branch, parent: Head office }]
                companies: [usmf, demf]
                roles:
                  - name: Contact reader
                    privileges:
                      - { entity: contact, read: Deep }
                    fieldSecurity:
                      - { entity: contact, field: secret, read: false }
                users:
                  - id: 6f000000-0000-4000-8000-0000000000bb
                    name: Pat
                    businessUnit: Head office
                    roles: [{ role: Contact reader, companies: [usmf] }]
                """);

        AccessScope scope = AccessScopes.read(permissions, ContactFixtures.contact());

        assertThat(scope.userId()).isEqualTo(person);
        assertThat(scope.unrestricted()).isFalse();
        assertThat(scope.grants())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new AccessScope.Grant(
                        "Contact reader", Depth.DEEP, Optional.of(Set.of("usmf")), Optional.empty(), Optional.empty()));
        assertThat(scope.unreadableFields()).containsExactly("secret");
        assertThat(scope.businessUnit()).contains(SecurityDocument.BusinessUnit.idFor("Head office"));
        assertThat(scope.businessUnitAndDescendants())
                .containsExactlyInAnyOrder(
                        SecurityDocument.BusinessUnit.idFor("Head office"),
                        SecurityDocument.BusinessUnit.idFor("Branch"));
    }

    private static EffectivePermissions permissionsOf(UUID user, String yaml) {
        DataSource securityDatabase = ContactFixtures.newDatabase("security");
        SecuritySchema.defaultSchema().createIfMissing(securityDatabase);
        SecurityStore store = new SecurityStore(securityDatabase, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(SecurityDocument.parse("test", yaml, Optional.of(ContactFixtures.catalog())));
        return store.permissionsOf(user);
    }

    /** Records what the service tells a sink, in order. */
    private static final class Sink implements RowSink {
        private final List<String> events = new ArrayList<>();
        private final List<List<Object>> rows = new ArrayList<>();
        private QueryPlan plan;
        private OptionalLong count;
        private Optional<String> continuation;

        @Override
        public void start(QueryPlan plan, OptionalLong count) {
            events.add("start");
            this.plan = plan;
            this.count = count;
        }

        @Override
        public void row(QueryPlan plan, Object[] values) {
            events.add("row");
            rows.add(Arrays.asList(values.clone()));
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {
            events.add("finish");
            this.continuation = continuation;
        }
    }

    /** A data source whose backend cannot be reached (SQLSTATE 08001). */
    private static final class UnreachableDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("connection refused", "08001");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    /** Every entity of a query under one scope (these queries join nothing). */
    private static dev.vegateway.adapter.plan.ReadScopes only(dev.vegateway.adapter.plan.AccessScope scope) {
        return entity -> scope;
    }
}
