package dev.vegateway.adapter.service;

import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.id;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roles' row filters end to end: security YAML → security store → effective permissions →
 * access scope → plan → SQL on H2. Every visible row set is checked against a direct SQL query
 * written here from the rule it checks.
 */
class RowFilterQueryTest {
    private static final UUID PAT = UUID.fromString("6f000000-0000-4000-8000-0000000000b1");
    private static final UUID LEE = UUID.fromString("6f000000-0000-4000-8000-0000000000b2");

    /**
     * Pat holds both roles and the attribute secretCode = s9; Lee holds the second role only and
     * has no secretCode. Both roles hide the field {@code secret} from their holders.
     */
    private static final String SECURITY =
            """
            businessUnits: [{ name: Head office }]
            companies: [usmf, demf]
            roles:
              - name: Young contacts
                privileges:
                  - { entity: contact, read: Global }
                rowFilters:
                  - { entity: contact, filter: "age le 23" }
                fieldSecurity:
                  - { entity: contact, field: secret, read: false }
              - name: Own and coded contacts
                privileges:
                  - { entity: contact, read: Global }
                rowFilters:
                  - { entity: contact, filter: "secret eq @user.attributes.secretCode or ownerid eq @user.id" }
                fieldSecurity:
                  - { entity: contact, field: secret, read: false }
            users:
              - id: 6f000000-0000-4000-8000-0000000000b1
                name: Pat
                businessUnit: Head office
                attributes: { secretCode: s9 }
                roles: [Young contacts, Own and coded contacts]
              - id: 6f000000-0000-4000-8000-0000000000b2
                name: Lee
                businessUnit: Head office
                roles: [Own and coded contacts]
            """;

    /** What Pat may see, as the two roles say it: the OR of their filters. */
    private static final String PAT_VISIBLE = "(age <= 23 OR secret = 's9' OR ownerid = '" + PAT + "')";

    private static DataSource database;
    private static QueryService service;
    private static SecurityStore store;

    /** Row n: name "c&lt;n&gt;", age 20 + n, secret "s&lt;n&gt;", owned by Pat when n = 7, company usmf up to 5 and demf after. */
    @BeforeAll
    static void fillTheTables() throws SQLException {
        database = ContactFixtures.newDatabase("rowfilter");
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
                    n % 2 == 0,
                    null,
                    n == 7 ? PAT : OTHER_USER,
                    UNIT,
                    n <= 5 ? "usmf" : "demf",
                    null,
                    "s" + n
                };
                for (int i = 0; i < values.length; i++) {
                    insert.setObject(i + 1, values[i]);
                }
                insert.executeUpdate();
            }
        }
        service = new QueryService(
                ContactFixtures.planner(50),
                new SqlRenderer(H2Dialect.INSTANCE),
                database,
                ContactFixtures.tokens(),
                Duration.ofSeconds(5));
        DataSource securityDatabase = ContactFixtures.newDatabase("rowfiltersecurity");
        SecuritySchema.defaultSchema().createIfMissing(securityDatabase);
        store = new SecurityStore(securityDatabase, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(SecurityDocument.parse("rowfilters.yaml", SECURITY, Optional.of(ContactFixtures.catalog())));
    }

    private static AccessScope scopeOf(UUID user) {
        return AccessScopes.read(store.permissionsOf(user), ContactFixtures.contact());
    }

    private static Set<UUID> visible(Query query, AccessScope scope) throws IOException {
        KeyCollector keys = new KeyCollector();
        service.retrieveMultiple(query, only(scope), keys);
        return keys.keys;
    }

    /** The keys a direct SQL query over the contact table returns. */
    private static Set<UUID> direct(String where) throws SQLException {
        Set<UUID> keys = new LinkedHashSet<>();
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT contactid FROM contact WHERE " + where + " ORDER BY contactid");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                keys.add(rows.getObject(1, UUID.class));
            }
        }
        return keys;
    }

    @Test
    void fillsThePlaceholderValuesOfTheScope() {
        AccessScope pat = scopeOf(PAT);
        assertThat(pat.userAttributes()).containsExactly(Map.entry("secretCode", "s9"));
        assertThat(pat.companies()).containsExactlyInAnyOrder("usmf", "demf");
        assertThat(pat.grants())
                .extracting(AccessScope.Grant::rowFilter)
                .containsExactly(
                        Optional.of("age le 23"),
                        Optional.of("secret eq @user.attributes.secretCode or ownerid eq @user.id"));
    }

    @Test
    void showsTheRowsOfEitherRolesFilter() throws IOException, SQLException {
        Set<UUID> expected = direct(PAT_VISIBLE);
        assertThat(expected).containsExactly(id(1), id(2), id(3), id(7), id(9));

        assertThat(visible(query().select("name").build(), scopeOf(PAT))).isEqualTo(expected);
        assertThat(service.count(query().build(), only(scopeOf(PAT)))).isEqualTo(expected.size());
    }

    @Test
    void andsTheCallersFilterOnTop() throws IOException, SQLException {
        Condition olderThan21 = new Comparison(new AttributeRef("age"), Operator.GREATER_EQUAL, new Literal(22));
        Set<UUID> expected = direct(PAT_VISIBLE + " AND age >= 22");
        assertThat(expected).containsExactly(id(2), id(3), id(7), id(9));

        assertThat(visible(query().where(olderThan21).build(), scopeOf(PAT))).isEqualTo(expected);
    }

    @Test
    void cannotWidenTheVisibleRowsWithAnOrInTheCallersFilter() throws IOException, SQLException {
        Set<UUID> expected = direct(PAT_VISIBLE);
        Condition everything = new Or(List.of(
                new Comparison(new AttributeRef("name"), Operator.EQUAL, new Literal("c5")),
                new IsNull(new AttributeRef("contactid"), true),
                Condition.TRUE));

        assertThat(visible(query().where(everything).build(), scopeOf(PAT))).isEqualTo(expected);
        assertThat(service.count(query().where(everything).build(), only(scopeOf(PAT))))
                .isEqualTo(expected.size());
        assertThatThrownBy(() -> service.retrieve(
                        ContactFixtures.contact(), id(5), List.of("name"), scopeOf(PAT), new KeyCollector()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.RECORD_NOT_FOUND));
    }

    @Test
    void bindsThePlaceholdersAsParameters() {
        QueryPlan plan = service.planner().plan(query().build(), scopeOf(PAT));
        SqlRenderer renderer = new SqlRenderer(H2Dialect.INSTANCE);

        for (PreparedSql sql : List.of(renderer.select(plan), renderer.count(plan))) {
            assertThat(sql.sql())
                    .contains("?")
                    .doesNotContain("s9")
                    .doesNotContain(PAT.toString())
                    .doesNotContain("@user");
            assertThat(sql.parameters()).contains("s9", PAT);
        }
    }

    @Test
    void showsNoRowThroughAFilterWhoseAttributeTheUserLacks() throws IOException, SQLException {
        // Lee has no secretCode: the whole filter of the role admits no row, even its "ownerid eq @user.id" half
        assertThat(direct("ownerid = '" + LEE + "'")).isEmpty();
        assertThat(visible(query().build(), scopeOf(LEE))).isEmpty();
        assertThat(service.count(query().build(), only(scopeOf(LEE)))).isZero();
    }

    @Test
    void filtersOnAFieldTheCallerMayNotRead() throws IOException {
        CollectingSink sink = new CollectingSink();
        service.retrieveMultiple(query().select("name", "secret").build(), only(scopeOf(PAT)), sink);

        assertThat(sink.plan.output()).extracting(OutputField::masked).containsExactly(false, true);
        assertThat(sink.rows).extracting(row -> row[1]).containsExactly("c1", "c2", "c3", "c7", "c9");
        assertThatThrownBy(() -> visible(
                        query().where(new Comparison(new AttributeRef("secret"), Operator.EQUAL, new Literal("s9")))
                                .build(),
                        scopeOf(PAT)))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.MISSING_PRIVILEGE));
    }

    /** Collects the key of every row. */
    private static final class KeyCollector implements RowSink {
        private final Set<UUID> keys = new LinkedHashSet<>();

        @Override
        public void start(QueryPlan plan, OptionalLong count) {}

        @Override
        public void row(QueryPlan plan, Object[] values) {
            keys.add((UUID) values[plan.keyIndex().getAsInt()]);
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {}
    }

    /** Collects the plan and every row's values. */
    private static final class CollectingSink implements RowSink {
        private final List<Object[]> rows = new ArrayList<>();
        private QueryPlan plan;

        @Override
        public void start(QueryPlan plan, OptionalLong count) {
            this.plan = plan;
        }

        @Override
        public void row(QueryPlan plan, Object[] values) {
            rows.add(values.clone());
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {}
    }

    /** Every entity of a query under one scope (these queries join nothing). */
    private static dev.vegateway.adapter.plan.ReadScopes only(dev.vegateway.adapter.plan.AccessScope scope) {
        return entity -> scope;
    }
}
