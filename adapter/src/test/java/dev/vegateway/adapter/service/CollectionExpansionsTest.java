package dev.vegateway.adapter.service;

import static dev.vegateway.adapter.plan.ContactFixtures.CONTACT;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.id;
import static dev.vegateway.adapter.plan.ContactFixtures.number;
import static dev.vegateway.adapter.plan.ContactFixtures.scopeWithUnreadable;
import static dev.vegateway.adapter.plan.ContactFixtures.unrestricted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.PostgreSqlDialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.catalog.EntityDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The related rows of a collection-valued expansion: one statement for all parents, golden per
 * dialect, run on H2. The expansion relates contacts to the contacts of the same company, so a
 * usmf parent has the usmf contacts as children.
 */
class CollectionExpansionsTest {
    private static final QueryPlanner PLANNER = ContactFixtures.planner(50);
    private static final EntityDefinition PARENT = ContactFixtures.contact();
    /** Children named and aged, oldest first. */
    private static final Expansion COLLEAGUES = new Expansion(
            "Colleagues",
            new Relation(
                    CONTACT,
                    Columns.named(List.of("name", "age")),
                    Condition.TRUE,
                    List.of(new Order("age", true)),
                    List.of()),
            "dataareaid",
            "dataareaid",
            OptionalInt.empty());

    private static DataSource database;

    /** usmf: 1 (30), 3 (41), 4 (25); demf: 2 (no age), 5 (25); jpmf: 6 (60). */
    @BeforeAll
    static void insertContacts() throws SQLException {
        database = ContactFixtures.newDatabase("expansions");
        insert(1, "Alice", 30, "usmf");
        insert(2, "bob", null, "demf");
        insert(3, "Carol", 41, "usmf");
        insert(4, "Dan", 25, "usmf");
        insert(5, "Eve", 25, "demf");
        insert(6, "Frank", 60, "jpmf");
    }

    @Test
    void numbersTheChildrenOfEveryParentInOneStatement() {
        String expected = "SELECT p.c1, p.c2, p.c3, p.c4 FROM (SELECT t0.`contactid` AS c1, t0.`name` AS c2,"
                + " t0.`age` AS c3, t1.`contactid` AS c4, ROW_NUMBER() OVER (PARTITION BY t1.`contactid` ORDER BY"
                + " t0.`age` DESC NULLS LAST, t0.`contactid` ASC NULLS FIRST, t1.`contactid` ASC NULLS FIRST) AS rn"
                + " FROM `contact` t0 INNER JOIN `contact` t1 ON ((t0.`dataareaid` = t1.`dataareaid`) AND"
                + " (t1.`contactid` IN (?, ?))) WHERE (1=1) AND (1=1)) p WHERE p.rn <= ? ORDER BY p.c4, p.rn";
        for (Dialect dialect : List.of(H2Dialect.INSTANCE, PostgreSqlDialect.INSTANCE)) {
            PreparedSql sql = new SqlRenderer(dialect)
                    .selectPerParent(
                            PLANNER.plan(
                                    CollectionExpansions.query(
                                            PARENT,
                                            COLLEAGUES,
                                            new Condition.In(
                                                    new dev.vegateway.adapter.query.AttributeRef("contactid"),
                                                    List.of(
                                                            new dev.vegateway.adapter.query.Literal(id(1)),
                                                            new dev.vegateway.adapter.query.Literal(id(2))),
                                                    false)),
                                    entity -> unrestricted()),
                            3,
                            3);
            assertThat(sql.sql()).as("%s SQL", dialect).isEqualTo(expected.replace('`', '"'));
            assertThat(sql.parameters()).as("%s parameters", dialect).containsExactly(id(1), id(2), 3);
        }
    }

    @Test
    void cutsEachParentsChildrenAtTheCapAndRemembersWhichHaveMore() {
        ExpandedRows rows =
                expansions().read(PARENT, COLLEAGUES, List.of(id(1), id(2), id(6)), 2, entity -> unrestricted());

        assertThat(numbers(rows, 1)).containsExactly(3, 1);
        assertThat(rows.more(id(1))).isTrue();
        assertThat(numbers(rows, 2)).containsExactly(5, 2);
        assertThat(rows.more(id(2))).isFalse();
        assertThat(numbers(rows, 6)).containsExactly(6);
        assertThat(rows.more(id(6))).isFalse();
        assertThat(numbers(rows, 3)).isEmpty();
    }

    @Test
    void aTopWithinTheCapLimitsWithoutMore() {
        Expansion oldest = new Expansion(
                COLLEAGUES.name(),
                COLLEAGUES.relation(),
                COLLEAGUES.childAttribute(),
                COLLEAGUES.parentAttribute(),
                OptionalInt.of(1));

        ExpandedRows rows = expansions().read(PARENT, oldest, List.of(id(1), id(2)), 2, entity -> unrestricted());

        assertThat(numbers(rows, 1)).containsExactly(3);
        assertThat(numbers(rows, 2)).containsExactly(5);
        assertThat(rows.parentsWithMore()).isEmpty();
    }

    @Test
    void childrenAndParentsTheCallerMayNotReadAreLeftOutAndHiddenFieldsAreNotSelected() {
        // The caller reads usmf and jpmf contacts only, and not their age.
        AccessScope companies = scopeWithUnreadable(Set.of("age"), grant(Depth.GLOBAL, "usmf", "jpmf"));
        Expansion byName = new Expansion(
                "Colleagues",
                new Relation(
                        CONTACT,
                        Columns.named(List.of("name", "age")),
                        Condition.TRUE,
                        List.of(new Order("name", true)),
                        List.of()),
                "status",
                "status",
                OptionalInt.empty());

        ExpandedRows rows = expansions().read(PARENT, byName, List.of(id(1), id(2)), 10, entity -> companies);

        // Status 1: contacts 1, 3, 5 (demf: hidden); status 2: parent 2 is demf, so it has no children.
        assertThat(numbers(rows, 1)).containsExactly(3, 1);
        assertThat(numbers(rows, 2)).isEmpty();
        assertThat(rows.plan().output())
                .filteredOn(output -> output.field().logicalName().equals("age"))
                .singleElement()
                .matches(output -> output.masked());
    }

    @Test
    void sortingChildrenByAFieldTheCallerMayNotReadIsRefusedBeforeAnyStatement() {
        AccessScope noAge = scopeWithUnreadable(Set.of("age"), grant(Depth.GLOBAL));

        GatewayException thrown = catchThrowableOfType(
                GatewayException.class, () -> expansions().check(PARENT, List.of(COLLEAGUES), entity -> noAge));

        assertThat(thrown.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE);
    }

    private static List<Integer> numbers(ExpandedRows rows, int parent) {
        return rows.rows(id(parent)).stream()
                .map(values -> number((UUID) values[0]))
                .toList();
    }

    private static CollectionExpansions expansions() {
        return new CollectionExpansions(PLANNER, new SqlRenderer(H2Dialect.INSTANCE), database, 10);
    }

    private static void insert(int number, String name, Integer age, String company) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(ContactFixtures.INSERT_CONTACT)) {
            statement.setObject(1, id(number));
            statement.setObject(2, name);
            statement.setObject(3, age);
            statement.setObject(4, null);
            statement.setObject(5, null);
            statement.setObject(6, null);
            statement.setObject(7, true);
            statement.setObject(8, number == 2 || number == 4 || number == 6 ? 2 : 1);
            statement.setObject(9, USER);
            statement.setObject(10, UNIT);
            statement.setObject(11, company);
            statement.setObject(12, null);
            statement.setObject(13, null);
            statement.executeUpdate();
        }
    }
}
