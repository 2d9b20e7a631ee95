package dev.vegateway.adapter.sql;

import static dev.vegateway.adapter.plan.ContactFixtures.CHILD_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.CONTACT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.PRODUCT;
import static dev.vegateway.adapter.plan.ContactFixtures.THIRD_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.compare;
import static dev.vegateway.adapter.plan.ContactFixtures.equal;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.id;
import static dev.vegateway.adapter.plan.ContactFixtures.number;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static dev.vegateway.adapter.plan.ContactFixtures.scope;
import static dev.vegateway.adapter.plan.ContactFixtures.scopeWithUnreadable;
import static dev.vegateway.adapter.plan.ContactFixtures.unrestricted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Between;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.LikeKind;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.FunctionCall.Function;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Literal.EnumMember;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.NotNullColumns;
import dev.vegateway.catalog.SchemaCheck;
import dev.vegateway.catalog.TableName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: queries planned by the real planner, rendered per dialect, the exact SQL and
 * parameters asserted, then each dialect's statement run on its own backend (H2 and an embedded
 * PostgreSQL holding the same rows), both answering the same rows in the same order, and those
 * rows asserted.
 * In the expected SQL a backtick stands for a double quote, to keep the strings readable.
 */
class SqlRendererTest {
    private static final List<Dialect> DIALECTS = List.of(H2Dialect.INSTANCE, PostgreSqlDialect.INSTANCE);
    /** The default page size: an unpaged request fetches 50 rows plus one. */
    private static final int PAGE = 50;

    private static final QueryPlanner PLANNER = ContactFixtures.planner(PAGE);
    private static final String ALL_ROWS = "WHERE (1=1) AND (1=1)";
    private static final String BY_KEY = " ORDER BY t0.`contactid` ASC NULLS FIRST";

    private static DataSource database;
    private static EmbeddedPostgres postgres;
    private static DataSource postgresDatabase;

    /**
     * Eight contacts. Names with LIKE wildcards and a backslash, a null name; duplicate and null
     * ages; owners USER (1, 3, 6), OTHER_USER (2, 4, 7), THIRD_USER (5, 8); units UNIT (1, 5, 7),
     * CHILD_UNIT (2, 3, 8), OTHER_UNIT (4, 6); companies usmf (1, 3, 4, 7), demf (2, 5), jpmf (6).
     */
    @BeforeAll
    static void createTheTable() throws SQLException, java.io.IOException {
        database = ContactFixtures.newDatabase("renderer");
        postgres = EmbeddedPostgres.builder().setServerConfig("timezone", "UTC").start();
        postgresDatabase = postgres.getPostgresDatabase();
        try (Connection connection = postgresDatabase.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(ContactFixtures.CREATE_CONTACT_TABLE);
            statement.execute("CREATE TABLE product (productid UUID PRIMARY KEY, itemnumber VARCHAR(20))");
        }
        insert(
                1,
                "Alice",
                30,
                "100.50",
                "1990-05-01",
                "2024-01-01T10:00:00Z",
                true,
                1,
                USER,
                UNIT,
                "usmf",
                "x\"y",
                "s1");
        insert(
                2,
                "bob",
                null,
                "0.00",
                null,
                "2023-06-15T10:00:00Z",
                false,
                2,
                OTHER_USER,
                CHILD_UNIT,
                "demf",
                null,
                "s2");
        insert(3, "Sale 50% off", 41, "12.00", "1985-12-31", null, true, 1, USER, CHILD_UNIT, "usmf", null, null);
        insert(
                4,
                "a_b",
                25,
                null,
                "2000-01-01",
                "2024-03-01T00:00:00Z",
                null,
                2,
                OTHER_USER,
                OTHER_UNIT,
                "usmf",
                null,
                null);
        insert(
                5,
                "axb",
                25,
                "7.25",
                "2000-06-30",
                "2024-03-01T00:00:00Z",
                true,
                1,
                THIRD_USER,
                UNIT,
                "demf",
                null,
                null);
        insert(6, "back\\slash", 60, "1.00", "1964-02-29", null, false, 2, USER, OTHER_UNIT, "jpmf", null, null);
        insert(7, null, 18, "3.00", "2006-01-01", null, true, 1, OTHER_USER, UNIT, "usmf", null, null);
        insert(8, "  Padded  ", null, null, null, null, null, null, THIRD_USER, CHILD_UNIT, null, null, null);
    }

    @AfterAll
    static void stopPostgres() throws java.io.IOException {
        postgres.close();
    }

    // Select list and identifiers

    @Test
    void selectsTheKeyFirstThenTheRequestedColumnsAndDoublesQuotesInIdentifiers() throws SQLException {
        PreparedSql h2 = golden(
                select(query().select("name", "weird").build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`we``ird` FROM `contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ?",
                PAGE + 1);

        List<List<Object>> rows = rows(h2);
        assertThat(rows).hasSize(8);
        assertThat(rows.get(0)).containsExactly(id(1), "Alice", "x\"y");
    }

    @Test
    void aggregatesGroupByPartsOfADateOrderedByAliasOnEveryBackend() throws SQLException {
        Query byYear = query().top(3)
                .build()
                .withAggregation(new dev.vegateway.adapter.query.Aggregation(
                        List.of(new dev.vegateway.adapter.query.Aggregation.Grouping(
                                new AttributeRef("birthdate"),
                                "y",
                                Optional.of(dev.vegateway.adapter.query.Aggregation.DateGrouping.YEAR))),
                        List.of(new dev.vegateway.adapter.query.Aggregation.Aggregate(
                                dev.vegateway.adapter.query.Aggregation.Function.COUNT_ROWS,
                                Optional.empty(),
                                false,
                                "n")),
                        List.of(new dev.vegateway.adapter.query.Aggregation.AliasOrder("n", true))));
        PreparedSql years = golden(
                select(byYear),
                "SELECT CAST(EXTRACT(YEAR FROM t0.`birthdate`) AS INTEGER), COUNT(*) FROM `contact` t0 " + ALL_ROWS
                        + " GROUP BY CAST(EXTRACT(YEAR FROM t0.`birthdate`) AS INTEGER) ORDER BY 2 DESC NULLS LAST, 1"
                        + " ASC NULLS FIRST LIMIT ?",
                3);
        List<List<Object>> rows = rows(years);
        assertThat(rows).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(((Number) rows.get(i).get(1)).longValue())
                    .isLessThanOrEqualTo(((Number) rows.get(i - 1).get(1)).longValue());
        }

        dev.vegateway.config.FiscalCalendar calendar = new dev.vegateway.config.FiscalCalendar(
                java.time.MonthDay.of(4, 6), dev.vegateway.config.FiscalCalendar.Period.QUARTERLY);
        QueryPlanner fiscal = QueryPlanner.builder(ContactFixtures.catalog(), ContactFixtures.tokens(), PAGE)
                .fiscalCalendar(Optional.of(calendar))
                .build();
        Query byFiscalPeriod = query().build()
                .withAggregation(new dev.vegateway.adapter.query.Aggregation(
                        List.of(
                                new dev.vegateway.adapter.query.Aggregation.Grouping(
                                        new AttributeRef("birthdate"),
                                        "fy",
                                        Optional.of(dev.vegateway.adapter.query.Aggregation.DateGrouping.FISCAL_YEAR)),
                                new dev.vegateway.adapter.query.Aggregation.Grouping(
                                        new AttributeRef("birthdate"),
                                        "fp",
                                        Optional.of(
                                                dev.vegateway.adapter.query.Aggregation.DateGrouping.FISCAL_PERIOD))),
                        List.of(new dev.vegateway.adapter.query.Aggregation.Aggregate(
                                dev.vegateway.adapter.query.Aggregation.Function.COUNT_ROWS,
                                Optional.empty(),
                                false,
                                "n"))));
        String year = "CAST(EXTRACT(YEAR FROM (t0.`birthdate` - INTERVAL '5' DAY - INTERVAL '3' MONTH)) AS INTEGER)";
        String period = "CAST(FLOOR((EXTRACT(MONTH FROM (t0.`birthdate` - INTERVAL '5' DAY - INTERVAL '3' MONTH)) - 1)"
                + " / 3) + 1 AS INTEGER)";
        PreparedSql periods = golden(
                renderer -> renderer.select(fiscal.plan(byFiscalPeriod, unrestricted())),
                "SELECT " + year + ", " + period + ", COUNT(*) FROM `contact` t0 " + ALL_ROWS + " GROUP BY " + year
                        + ", " + period + " ORDER BY 1 ASC NULLS FIRST, 2 ASC NULLS FIRST");
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        for (List<Object> row : rows(new PreparedSql("SELECT birthdate FROM contact", List.of()))) {
            if (row.get(0) == null) {
                expected.merge("null/null", 1L, Long::sum);
                continue;
            }
            LocalDate day = row.get(0) instanceof LocalDate date ? date : ((java.sql.Date) row.get(0)).toLocalDate();
            expected.merge(calendar.fiscalYear(day) + "/" + calendar.fiscalPeriod(day), 1L, Long::sum);
        }
        java.util.Map<String, Long> actual = new java.util.TreeMap<>();
        for (List<Object> row : rows(periods)) {
            actual.put(row.get(0) + "/" + row.get(1), ((Number) row.get(2)).longValue());
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void selectsEveryFieldWhenNoColumnIsNamed() throws SQLException {
        PreparedSql h2 = golden(
                select(query().build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`age`, t0.`balance`, t0.`birthdate`, t0.`modifiedon`, t0.`active`, t0.`status`, "
                        + "t0.`ownerid`, t0.`businessunitid`, t0.`dataareaid`, t0.`we``ird`, t0.`secret` FROM `contact` t0 "
                        + ALL_ROWS + BY_KEY + " LIMIT ?",
                PAGE + 1);

        assertThat(ids(h2)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void leavesAnUnreadableFieldOutOfTheSelectList() throws SQLException {
        AccessScope scope = scopeWithUnreadable(Set.of("secret"), grant(Depth.GLOBAL));
        PreparedSql h2 = golden(
                renderer -> renderer.select(
                        PLANNER.plan(query().select("name", "secret").build(), scope)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ?",
                PAGE + 1);

        assertThat(rows(h2).get(0)).containsExactly(id(1), "Alice");
    }

    @Test
    void selectsDistinctValuesOrderedByThem() throws SQLException {
        PreparedSql h2 = golden(
                select(query().select("dataareaid").distinct().build()),
                "SELECT DISTINCT t0.`dataareaid` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`dataareaid` ASC NULLS FIRST LIMIT ?",
                PAGE + 1);

        assertThat(rows(h2))
                .containsExactly(Arrays.asList((Object) null), List.of("demf"), List.of("jpmf"), List.of("usmf"));
    }

    @Test
    void quotesTheSchemaAndTheTableName() throws SQLException {
        EntityDefinition plain = ContactFixtures.contact();
        EntityDefinition qualified = EntityDefinition.builder(
                        plain.logicalName(), plain.entitySetName(), TableName.parse("public.contact"), plain.keyField())
                .labels(plain.labels())
                .visible(plain.visible())
                .fields(plain.fields())
                .companyField(plain.companyField())
                .ownerField(plain.ownerField())
                .businessUnitField(plain.businessUnitField())
                .rowVersionField(plain.rowVersionField())
                .build();
        QueryPlanner planner = QueryPlanner.of(
                new Catalog(
                        List.of(qualified),
                        ContactFixtures.catalog().optionSets().values().stream().toList()),
                ContactFixtures.tokens(),
                PAGE);
        PreparedSql h2 = golden(
                renderer -> renderer.select(
                        planner.plan(query().select("name").top(2).build(), unrestricted())),
                "SELECT t0.`contactid`, t0.`name` FROM `public`.`contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ?",
                2);

        assertThat(ids(h2)).containsExactly(1, 2);
    }

    // Conditions

    @Test
    void rendersTheEmptyAndAsTrueAndTheEmptyOrAsFalse() throws SQLException {
        PreparedSql emptyAnd = golden(
                select(query().select("name").where(new And(List.of())).build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (1=1)" + BY_KEY + " LIMIT ?",
                PAGE + 1);
        PreparedSql emptyOr = golden(
                select(query().select("name").where(new Or(List.of())).build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (1=0)" + BY_KEY + " LIMIT ?",
                PAGE + 1);
        PreparedSql nested = golden(
                select(query().select("name")
                        .where(new Or(List.of(new And(List.of()), new Or(List.of()))))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND ((1=1) OR (1=0))" + BY_KEY
                        + " LIMIT ?",
                PAGE + 1);

        assertThat(ids(emptyAnd)).hasSize(8);
        assertThat(ids(emptyOr)).isEmpty();
        assertThat(ids(nested)).hasSize(8);
    }

    @Test
    void rendersNullAsSyntaxNeverAsAParameter() throws SQLException {
        PreparedSql isNull = golden(
                select(query().select("name")
                        .where(new IsNull(new AttributeRef("name"), false))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (t0.`name` IS NULL)" + BY_KEY
                        + " LIMIT ?",
                PAGE + 1);
        PreparedSql isNotNull = golden(
                select(query().select("name")
                        .where(new IsNull(new AttributeRef("age"), true))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (t0.`age` IS NOT NULL)" + BY_KEY
                        + " LIMIT ?",
                PAGE + 1);

        assertThat(ids(isNull)).containsExactly(7);
        assertThat(ids(isNotNull)).containsExactly(1, 3, 4, 5, 6, 7);
    }

    @Test
    void rendersComparisonsWithTypedParameters() throws SQLException {
        String prefix = "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (";
        String suffix = ")" + BY_KEY + " LIMIT ?";
        PreparedSql status = golden(
                select(query().select("name")
                        .where(equal("status", new EnumMember("Inactive")))
                        .build()),
                prefix + "t0.`status` = ?" + suffix,
                2,
                PAGE + 1);
        PreparedSql owner = golden(
                select(query().select("name")
                        .where(equal("ownerid", THIRD_USER.toString()))
                        .build()),
                prefix + "t0.`ownerid` = ?" + suffix,
                THIRD_USER,
                PAGE + 1);
        PreparedSql active = golden(
                select(query().select("name")
                        .where(compare("active", Operator.NOT_EQUAL, true))
                        .build()),
                prefix + "t0.`active` <> ?" + suffix,
                true,
                PAGE + 1);
        PreparedSql balance = golden(
                select(query().select("name").where(equal("balance", 12L)).build()),
                prefix + "t0.`balance` = ?" + suffix,
                BigDecimal.valueOf(12),
                PAGE + 1);
        PreparedSql modified = golden(
                select(query().select("name")
                        .where(compare(
                                "modifiedon",
                                Operator.GREATER_EQUAL,
                                OffsetDateTime.parse("2024-03-01T02:00:00+02:00")))
                        .build()),
                prefix + "t0.`modifiedon` >= ?" + suffix,
                OffsetDateTime.parse("2024-03-01T00:00:00Z"),
                PAGE + 1);
        PreparedSql born = golden(
                select(query().select("name")
                        .where(compare("birthdate", Operator.LESS_THAN, "1986-01-01"))
                        .build()),
                prefix + "t0.`birthdate` < ?" + suffix,
                LocalDate.of(1986, 1, 1),
                PAGE + 1);
        PreparedSql not = golden(
                select(query().select("name").where(new Not(equal("age", 25L))).build()),
                prefix + "NOT (t0.`age` = ?)" + suffix,
                25,
                PAGE + 1);

        assertThat(ids(status)).containsExactly(2, 4, 6);
        assertThat(ids(owner)).containsExactly(5, 8);
        assertThat(ids(active)).containsExactly(2, 6);
        assertThat(ids(balance)).containsExactly(3);
        assertThat(ids(modified)).containsExactly(4, 5);
        assertThat(ids(born)).containsExactly(3, 6);
        assertThat(ids(not)).containsExactly(1, 3, 6, 7);
    }

    @Test
    void rendersTextMatchesAsCaseInsensitiveLikeWithWildcardsEscapedInTheParameter() throws SQLException {
        String prefix = "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (";
        String suffix = ")" + BY_KEY + " LIMIT ?";
        PreparedSql percent = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.CONTAINS, "50%", false))
                        .build()),
                prefix + "t0.`name` ILIKE ? ESCAPE '\\'" + suffix,
                "%50\\%%",
                PAGE + 1);
        PreparedSql underscore = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.STARTS_WITH, "a_", false))
                        .build()),
                prefix + "t0.`name` ILIKE ? ESCAPE '\\'" + suffix,
                "a\\_%",
                PAGE + 1);
        PreparedSql backslash = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.ENDS_WITH, "\\slash", false))
                        .build()),
                prefix + "t0.`name` ILIKE ? ESCAPE '\\'" + suffix,
                "%\\\\slash",
                PAGE + 1);
        PreparedSql caseInsensitive = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.CONTAINS, "LIC", false))
                        .build()),
                prefix + "t0.`name` ILIKE ? ESCAPE '\\'" + suffix,
                "%LIC%",
                PAGE + 1);
        PreparedSql negated = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.CONTAINS, "a", true))
                        .build()),
                prefix + "t0.`name` NOT ILIKE ? ESCAPE '\\'" + suffix,
                "%a%",
                PAGE + 1);

        assertThat(ids(percent)).containsExactly(3);
        assertThat(ids(underscore)).containsExactly(4);
        assertThat(ids(backslash)).containsExactly(6);
        assertThat(ids(caseInsensitive)).containsExactly(1);
        assertThat(ids(negated)).containsExactly(2);
    }

    @Test
    void keepsTheWildcardsOfAQueryExpressionLikePattern() throws SQLException {
        PreparedSql h2 = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.PATTERN, "a_b%", false))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (t0.`name` ILIKE ? ESCAPE '\\')"
                        + BY_KEY + " LIMIT ?",
                "a_b%",
                PAGE + 1);

        assertThat(ids(h2)).containsExactly(4, 5);
    }

    /** A QueryExpression Like pattern has only % and _ as wildcards, so a backslash in it is an ordinary character. */
    @Test
    void treatsABackslashInAQueryExpressionLikePatternAsAnOrdinaryCharacter() throws SQLException {
        PreparedSql h2 = golden(
                select(query().select("name")
                        .where(new Like(new AttributeRef("name"), LikeKind.PATTERN, "back\\s%", false))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (t0.`name` ILIKE ? ESCAPE '\\')"
                        + BY_KEY + " LIMIT ?",
                "back\\\\s%",
                PAGE + 1);

        assertThat(ids(h2)).containsExactly(6);
    }

    @Test
    void rendersInAndBetweenWithOneParameterPerValue() throws SQLException {
        String prefix = "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (";
        String suffix = ")" + BY_KEY + " LIMIT ?";
        PreparedSql in = golden(
                select(query().select("name")
                        .where(new In(new AttributeRef("age"), List.of(new Literal(25L), new Literal(30L)), false))
                        .build()),
                prefix + "t0.`age` IN (?, ?)" + suffix,
                25,
                30,
                PAGE + 1);
        PreparedSql notIn = golden(
                select(query().select("name")
                        .where(new In(new AttributeRef("age"), List.of(new Literal(25L)), true))
                        .build()),
                prefix + "t0.`age` NOT IN (?)" + suffix,
                25,
                PAGE + 1);
        PreparedSql between = golden(
                select(query().select("name")
                        .where(new Between(new AttributeRef("age"), new Literal(20L), new Literal(41L), false))
                        .build()),
                prefix + "t0.`age` BETWEEN ? AND ?" + suffix,
                20,
                41,
                PAGE + 1);
        PreparedSql notBetween = golden(
                select(query().select("name")
                        .where(new Between(new AttributeRef("age"), new Literal(20L), new Literal(41L), true))
                        .build()),
                prefix + "t0.`age` NOT BETWEEN ? AND ?" + suffix,
                20,
                41,
                PAGE + 1);

        assertThat(ids(in)).containsExactly(1, 4, 5);
        assertThat(ids(notIn)).containsExactly(1, 3, 6, 7);
        assertThat(ids(between)).containsExactly(1, 3, 4, 5);
        assertThat(ids(notBetween)).containsExactly(6, 7);
    }

    @Test
    void rendersFunctions() throws SQLException {
        String prefix = "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (";
        String suffix = ")" + BY_KEY + " LIMIT ?";
        PreparedSql lower = golden(
                select(query().select("name")
                        .where(function(Function.TO_LOWER, "name", Operator.EQUAL, "alice"))
                        .build()),
                prefix + "LOWER(t0.`name`) = ?" + suffix,
                "alice",
                PAGE + 1);
        PreparedSql upper = golden(
                select(query().select("name")
                        .where(function(Function.TO_UPPER, "name", Operator.EQUAL, "BOB"))
                        .build()),
                prefix + "UPPER(t0.`name`) = ?" + suffix,
                "BOB",
                PAGE + 1);
        PreparedSql trim = golden(
                select(query().select("name")
                        .where(function(Function.TRIM, "name", Operator.EQUAL, "Padded"))
                        .build()),
                prefix + "TRIM(t0.`name`) = ?" + suffix,
                "Padded",
                PAGE + 1);
        PreparedSql length = golden(
                select(query().select("name")
                        .where(function(Function.LENGTH, "name", Operator.GREATER_THAN, 10L))
                        .build()),
                prefix + "CHAR_LENGTH(t0.`name`) > ?" + suffix,
                10L,
                PAGE + 1);
        PreparedSql year = golden(
                select(query().select("name")
                        .where(function(Function.YEAR, "birthdate", Operator.EQUAL, 2000L))
                        .build()),
                prefix + "EXTRACT(YEAR FROM t0.`birthdate`) = ?" + suffix,
                2000L,
                PAGE + 1);
        PreparedSql month = golden(
                select(query().select("name")
                        .where(function(Function.MONTH, "modifiedon", Operator.EQUAL, 3L))
                        .build()),
                prefix + "EXTRACT(MONTH FROM t0.`modifiedon`) = ?" + suffix,
                3L,
                PAGE + 1);
        PreparedSql day = golden(
                select(query().select("name")
                        .where(function(Function.DAY, "birthdate", Operator.EQUAL, 29L))
                        .build()),
                prefix + "EXTRACT(DAY FROM t0.`birthdate`) = ?" + suffix,
                29L,
                PAGE + 1);
        PreparedSql nested = golden(
                select(query().select("name")
                        .where(new Like(
                                new FunctionCall(Function.TRIM, List.of(new AttributeRef("name"))),
                                LikeKind.STARTS_WITH,
                                "pad",
                                false))
                        .build()),
                prefix + "TRIM(t0.`name`) ILIKE ? ESCAPE '\\'" + suffix,
                "pad%",
                PAGE + 1);

        assertThat(ids(lower)).containsExactly(1);
        assertThat(ids(upper)).containsExactly(2);
        assertThat(ids(trim)).containsExactly(8);
        assertThat(ids(length)).containsExactly(3);
        assertThat(ids(year)).containsExactly(4, 5);
        assertThat(ids(month)).containsExactly(4, 5);
        assertThat(ids(day)).containsExactly(6);
        assertThat(ids(nested)).containsExactly(8);
    }

    // Order, limit, offset, count

    @Test
    void ordersAscendingNullsFirstAndDescendingNullsLastWithTheKeyAsLastTieBreaker() throws SQLException {
        PreparedSql byStatus = golden(
                select(query().select("name").orderByDescending("status").build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`status` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`status` DESC NULLS LAST, t0.`contactid` ASC NULLS FIRST LIMIT ?",
                PAGE + 1);
        PreparedSql byAge = golden(
                select(query().select("name", "age").orderBy("age").build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`age` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`age` ASC NULLS FIRST, t0.`contactid` ASC NULLS FIRST LIMIT ?",
                PAGE + 1);
        PreparedSql twoKeys = golden(
                select(query().select("name")
                        .orderBy("name")
                        .orderByDescending("age")
                        .build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`age` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`name` ASC NULLS FIRST, t0.`age` DESC NULLS LAST, t0.`contactid` ASC NULLS FIRST LIMIT ?",
                PAGE + 1);
        PreparedSql keyDescending = golden(
                select(query().select("name").orderByDescending("contactid").build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`contactid` DESC NULLS LAST LIMIT ?",
                PAGE + 1);

        assertThat(ids(byStatus)).containsExactly(2, 4, 6, 1, 3, 5, 7, 8);
        assertThat(ids(byAge)).containsExactly(2, 8, 7, 4, 5, 1, 3, 6);
        assertThat(ids(twoKeys)).containsExactly(7, 8, 1, 3, 4, 5, 6, 2);
        assertThat(ids(keyDescending)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
    }

    @Test
    void leavesTheNullOrderingOffSortKeysOnColumnsTheDatabaseDeclaresNotNull() throws SQLException {
        NotNullColumns fromH2;
        NotNullColumns fromPostgres;
        try (Connection h2 = database.getConnection();
                Connection postgresConnection = postgresDatabase.getConnection()) {
            fromH2 = SchemaCheck.notNullColumns(ContactFixtures.catalog(), h2);
            fromPostgres = SchemaCheck.notNullColumns(ContactFixtures.catalog(), postgresConnection);
        }
        NotNullColumns keysOnly = new NotNullColumns(java.util.Map.of(
                new TableName(Optional.empty(), "contact"), Set.of("contactid"),
                new TableName(Optional.empty(), "product"), Set.of("productid")));
        assertThat(fromH2).isEqualTo(keysOnly);
        assertThat(fromPostgres).isEqualTo(keysOnly);
        QueryPlanner planner = QueryPlanner.builder(ContactFixtures.catalog(), ContactFixtures.tokens(), PAGE)
                .notNullColumns(fromPostgres)
                .build();

        PreparedSql byName = golden(
                renderer -> renderer.select(
                        planner.plan(query().select("name").orderBy("name").build(), unrestricted())),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`name` ASC NULLS FIRST, t0.`contactid` ASC LIMIT ?",
                PAGE + 1);
        PreparedSql keyDescending = golden(
                renderer -> renderer.select(planner.plan(
                        query().select("name").orderByDescending("contactid").build(), unrestricted())),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS
                        + " ORDER BY t0.`contactid` DESC LIMIT ?",
                PAGE + 1);

        // the same rows in the same order as with the null ordering written out
        assertThat(ids(byName))
                .isEqualTo(ids(select(query().select("name").orderBy("name").build())
                        .apply(new SqlRenderer(H2Dialect.INSTANCE))))
                .containsExactly(7, 8, 1, 3, 4, 5, 6, 2);
        assertThat(ids(keyDescending)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
    }

    @Test
    void limitsToOneRowMoreThanThePageAndOffsetsBySkip() throws SQLException {
        PreparedSql paged = golden(
                select(query().select("name").skip(2).page(3).build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ? OFFSET ?",
                4,
                2);
        PreparedSql top = golden(
                select(query().select("name").top(2).skip(5).build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ? OFFSET ?",
                2,
                5);
        PreparedSql zeroSkip = golden(
                select(query().select("name").skip(0).top(3).build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 " + ALL_ROWS + BY_KEY + " LIMIT ?",
                3);

        assertThat(ids(paged)).containsExactly(3, 4, 5, 6);
        assertThat(ids(top)).containsExactly(6, 7);
        assertThat(ids(zeroSkip)).containsExactly(1, 2, 3);
    }

    @Test
    void countsEveryMatchingRowIgnoringTopSkipAndPaging() throws SQLException {
        Query query = query().select("name")
                .where(compare("age", Operator.GREATER_THAN, 20L))
                .top(2)
                .skip(1)
                .page(1)
                .build();
        PreparedSql select = golden(
                select(query),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (t0.`age` > ?)" + BY_KEY
                        + " LIMIT ? OFFSET ?",
                20,
                2,
                1);
        PreparedSql count = golden(
                renderer -> renderer.count(PLANNER.plan(query, unrestricted())),
                "SELECT COUNT(*) FROM `contact` t0 WHERE (1=1) AND (t0.`age` > ?)",
                20);

        assertThat(ids(select)).containsExactly(3, 4);
        assertThat(single(count)).isEqualTo(5L);
    }

    @Test
    void countsDistinctRowsInASubquery() throws SQLException {
        Query query = query().select("dataareaid").distinct().top(1).build();
        PreparedSql count = golden(
                renderer -> renderer.count(PLANNER.plan(query, unrestricted())),
                "SELECT COUNT(*) FROM (SELECT DISTINCT t0.`dataareaid` FROM `contact` t0 " + ALL_ROWS + ") d");

        assertThat(single(count)).isEqualTo(4L);
    }

    @Test
    void countsOnlyTheRowsTheRowScopeAllows() throws SQLException {
        PreparedSql count = golden(
                renderer -> renderer.count(PLANNER.plan(query().build(), scope(grant(Depth.BASIC)))),
                "SELECT COUNT(*) FROM `contact` t0 WHERE (t0.`ownerid` = ?) AND (1=1)",
                USER);

        assertThat(single(count)).isEqualTo(3L);
    }

    // Row security

    @Test
    void putsTheRowScopeFirstAndKeepsTheCallersOrInsideItsOwnParentheses() throws SQLException {
        Condition bobOrOld = new Or(List.of(equal("name", "bob"), compare("age", Operator.GREATER_THAN, 40L)));
        PreparedSql h2 = golden(
                renderer -> renderer.select(
                        PLANNER.plan(query().select("name").where(bobOrOld).build(), scope(grant(Depth.BASIC)))),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (t0.`ownerid` = ?) AND ((t0.`name` = ?) OR (t0.`age` > ?))"
                        + BY_KEY + " LIMIT ?",
                USER,
                "bob",
                40,
                PAGE + 1);

        assertThat(ids(h2))
                .as("bob (2) belongs to another owner; the caller's OR must not widen the row scope")
                .containsExactly(3, 6);
    }

    @Test
    void rendersTheUnionOfTwoGrants() throws SQLException {
        AccessScope scope = scope(grant(Depth.LOCAL), grant(Depth.GLOBAL, "usmf"));
        PreparedSql h2 = golden(
                renderer -> renderer.select(PLANNER.plan(query().select("name").build(), scope)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE ((t0.`businessunitid` IN (?)) OR (t0.`dataareaid` IN (?))) AND (1=1)"
                        + BY_KEY + " LIMIT ?",
                UNIT,
                "usmf",
                PAGE + 1);

        assertThat(ids(h2)).containsExactly(1, 3, 4, 5, 7);
    }

    @Test
    void rendersDeepDepthRestrictedToCompanies() throws SQLException {
        AccessScope scope = scope(grant(Depth.DEEP, "usmf", "demf"));
        PreparedSql h2 = golden(
                renderer -> renderer.select(PLANNER.plan(
                        query().select("name")
                                .where(new IsNull(new AttributeRef("name"), true))
                                .build(),
                        scope)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE ((t0.`businessunitid` IN (?, ?)) AND (t0.`dataareaid` IN (?, ?))) "
                        + "AND (t0.`name` IS NOT NULL)" + BY_KEY + " LIMIT ?",
                UNIT,
                CHILD_UNIT,
                "demf",
                "usmf",
                PAGE + 1);

        assertThat(ids(h2)).containsExactly(1, 2, 3, 5);
    }

    @Test
    void rendersADeniedCompanyListAsFalse() throws SQLException {
        AccessScope scope = new AccessScope(
                USER,
                "alice",
                false,
                List.of(new AccessScope.Grant(
                        "no company", Depth.GLOBAL, Optional.of(Set.of()), Optional.empty(), Optional.empty())),
                Set.of(),
                Optional.of(UNIT),
                Set.of(UNIT));
        PreparedSql h2 = golden(
                renderer -> renderer.select(PLANNER.plan(query().select("name").build(), scope)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=0) AND (1=1)" + BY_KEY + " LIMIT ?",
                PAGE + 1);

        assertThat(ids(h2)).isEmpty();
    }

    // Keyset seek

    @Test
    void seeksPastTheLastRowOfTheCurrentPage() throws SQLException {
        ContinuationTokens tokens = ContactFixtures.tokens();
        Query first = query().select("name").orderByDescending("age").page(3).build();
        QueryPlan firstPlan = PLANNER.plan(first, unrestricted());
        String afterFour = tokens.encode(firstPlan.fingerprint(), List.of(25, id(4)), OptionalInt.empty());
        String afterEight = tokens.encode(firstPlan.fingerprint(), Arrays.asList(null, id(2)), OptionalInt.empty());
        String selectList = "SELECT t0.`contactid`, t0.`name`, t0.`age` FROM `contact` t0 " + ALL_ROWS;
        String orderBy = " ORDER BY t0.`age` DESC NULLS LAST, t0.`contactid` ASC NULLS FIRST LIMIT ?";

        PreparedSql firstPage = golden(select(first), selectList + orderBy, 4);
        PreparedSql afterValue = golden(
                select(query().select("name")
                        .orderByDescending("age")
                        .page(3, Optional.of(afterFour))
                        .build()),
                selectList + " AND ((t0.`age` < ?) OR (t0.`age` IS NULL) OR ((t0.`age` = ?) AND (t0.`contactid` > ?)))"
                        + orderBy,
                25,
                25,
                id(4),
                4);
        PreparedSql afterNull = golden(
                select(query().select("name")
                        .orderByDescending("age")
                        .page(3, Optional.of(afterEight))
                        .build()),
                selectList + " AND ((t0.`age` IS NULL) AND (t0.`contactid` > ?))" + orderBy,
                id(2),
                4);

        assertThat(ids(firstPage)).containsExactly(6, 3, 1, 4);
        assertThat(ids(afterValue)).containsExactly(5, 7, 2, 8);
        assertThat(ids(afterNull)).containsExactly(8);
    }

    @Test
    void seeksAscendingPastANullFirstKey() throws SQLException {
        ContinuationTokens tokens = ContactFixtures.tokens();
        Query first = query().select("name").orderBy("age").page(3).build();
        String afterTwo = tokens.encode(
                PLANNER.plan(first, unrestricted()).fingerprint(), Arrays.asList(null, id(2)), OptionalInt.empty());

        PreparedSql h2 = golden(
                select(query().select("name")
                        .orderBy("age")
                        .page(3, Optional.of(afterTwo))
                        .build()),
                "SELECT t0.`contactid`, t0.`name`, t0.`age` FROM `contact` t0 " + ALL_ROWS
                        + " AND ((t0.`age` IS NOT NULL) OR ((t0.`age` IS NULL) AND (t0.`contactid` > ?)))"
                        + " ORDER BY t0.`age` ASC NULLS FIRST, t0.`contactid` ASC NULLS FIRST LIMIT ?",
                id(2),
                4);

        assertThat(ids(h2)).containsExactly(8, 7, 4, 5);
    }

    // Helpers

    // Joins

    /** A product per contact whose item number is the contact's name, and one whose key is contact 1's key. */
    private static void insertProducts() throws SQLException {
        for (DataSource backend : List.of(database, postgresDatabase)) {
            try (Connection connection = backend.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM product");
                statement.execute("INSERT INTO product VALUES ('" + id(1) + "', 'Alice'), ('" + id(101)
                        + "', 'Alice'), ('" + id(102) + "', 'bob')");
            }
        }
    }

    @Test
    void aLookupJoinPagesTheRootFirstAndJoinsOnlyItsRows() throws SQLException {
        insertProducts();
        Link lookup = new Link(
                new Relation(PRODUCT, Columns.named(List.of("itemnumber")), Condition.TRUE, List.of(), List.of()),
                "contactid",
                "productid",
                Link.Kind.LEFT_OUTER,
                Optional.of("p"));
        PreparedSql h2 = golden(
                renderer -> renderer.select(
                        PLANNER.plan(query().select("name").link(lookup).page(3).build(), entity -> unrestricted())),
                "SELECT t0.`contactid`, t0.`name`, t1.`itemnumber`, t1.`productid` FROM (SELECT t0.* FROM `contact` t0 "
                        + ALL_ROWS + BY_KEY
                        + " LIMIT ?) t0 LEFT OUTER JOIN `product` t1 ON (t0.`contactid` = t1.`productid`)"
                        + BY_KEY,
                4);
        List<List<Object>> rows = rows(h2);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).containsExactly(id(1), "Alice", "Alice", id(1));
        assertThat(rows.get(1)).containsExactly(id(2), "bob", null, null);
    }

    @Test
    void aJoinThatCanMultiplyRowsCarriesItsScopeInTheOnClauseAndItsKeyAsATieBreaker() throws SQLException {
        insertProducts();
        Link byName = new Link(
                new Relation(
                        PRODUCT,
                        Columns.named(List.of("productid")),
                        new Comparison(new AttributeRef("itemnumber"), Operator.NOT_EQUAL, new Literal("zzz")),
                        List.of(),
                        List.of()),
                "name",
                "itemnumber",
                Link.Kind.INNER,
                Optional.empty());
        AccessScope contacts = scope(grant(Depth.GLOBAL, "usmf"));
        PreparedSql h2 = golden(
                renderer -> renderer.select(PLANNER.plan(
                        query().select("name").link(byName).build(),
                        entity -> entity.logicalName().equals(CONTACT) ? contacts : unrestricted())),
                "SELECT t0.`contactid`, t0.`name`, t1.`productid` FROM `contact` t0 INNER JOIN `product` t1 ON"
                        + " ((t0.`name` = t1.`itemnumber`) AND (t1.`itemnumber` <> ?)) WHERE (t0.`dataareaid` IN (?))"
                        + " AND (1=1) ORDER BY t0.`contactid` ASC NULLS FIRST, t1.`productid` ASC NULLS FIRST LIMIT ?",
                "zzz",
                "usmf",
                PAGE + 1);
        // Alice (contact 1, usmf) matches two products; bob (contact 2) is demf: outside the scope.
        assertThat(rows(h2)).containsExactly(List.of(id(1), "Alice", id(1)), List.of(id(1), "Alice", id(101)));
    }

    /** A filtering link from a contact to the products named like it, other than 'zzz'. */
    private static Link productsNamedLikeIt(Link.Kind kind) {
        return new Link(
                new Relation(
                        PRODUCT,
                        Columns.named(List.of()),
                        new Comparison(new AttributeRef("itemnumber"), Operator.NOT_EQUAL, new Literal("zzz")),
                        List.of(),
                        List.of()),
                "name",
                "itemnumber",
                kind,
                Optional.empty());
    }

    private static final String PRODUCTS_NAMED_LIKE_IT =
            "EXISTS (SELECT 1 FROM `product` t0s1 WHERE (t0.`name` = t0s1.`itemnumber`) AND (t0s1.`itemnumber` <> ?))";

    @Test
    void aFilteringLinkIsASemiJoinThatNeverMultipliesRows() throws SQLException {
        insertProducts();
        for (Link.Kind kind : List.of(Link.Kind.EXISTS, Link.Kind.IN, Link.Kind.ANY, Link.Kind.NOT_ALL)) {
            PreparedSql h2 = golden(
                    selectJoined(query().select("name")
                            .link(productsNamedLikeIt(kind))
                            .build()),
                    "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (" + PRODUCTS_NAMED_LIKE_IT
                            + ")" + BY_KEY + " LIMIT ?",
                    "zzz",
                    PAGE + 1);
            // Alice matches two products and comes back once; bob matches 'bob'; the others match none.
            assertThat(rows(h2)).as("%s", kind).containsExactly(List.of(id(1), "Alice"), List.of(id(2), "bob"));
        }
    }

    @Test
    void notAnyKeepsTheRowsWithoutAMatchAndAllTheRowsWithRelatedRowsNoneOfWhichMatches() throws SQLException {
        insertProducts();
        PreparedSql notAny = golden(
                selectJoined(query().select("name")
                        .link(productsNamedLikeIt(Link.Kind.NOT_ANY))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (NOT (" + PRODUCTS_NAMED_LIKE_IT
                        + "))" + BY_KEY + " LIMIT ?",
                "zzz",
                PAGE + 1);
        assertThat(ids(notAny)).doesNotContain(1, 2).isNotEmpty();
        PreparedSql all = golden(
                selectJoined(query().select("name")
                        .link(productsNamedLikeIt(Link.Kind.ALL))
                        .build()),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND ((EXISTS (SELECT 1 FROM `product`"
                        + " t0s1 WHERE t0.`name` = t0s1.`itemnumber`)) AND (NOT (" + PRODUCTS_NAMED_LIKE_IT + ")))"
                        + BY_KEY + " LIMIT ?",
                "zzz",
                PAGE + 1);
        // every contact with a product of its name has one that is not 'zzz'
        assertThat(ids(all)).isEmpty();
    }

    @Test
    void aDistinctJoinOrdersAndPagesByEveryDistinctColumn() throws SQLException {
        insertProducts();
        Link byName = new Link(
                new Relation(PRODUCT, Columns.named(List.of("itemnumber")), Condition.TRUE, List.of(), List.of()),
                "name",
                "itemnumber",
                Link.Kind.INNER,
                Optional.of("p"));
        PreparedSql h2 = golden(
                selectJoined(query().select("name").link(byName).distinct().build()),
                "SELECT DISTINCT t0.`name`, t1.`itemnumber` FROM `contact` t0 INNER JOIN `product` t1 ON (t0.`name` ="
                        + " t1.`itemnumber`) WHERE (1=1) AND (1=1) ORDER BY t0.`name` ASC NULLS FIRST, t1.`itemnumber`"
                        + " ASC NULLS FIRST LIMIT ?",
                PAGE + 1);
        // Alice matches two products of the same item number: one distinct row.
        assertThat(rows(h2)).containsExactly(List.of("Alice", "Alice"), List.of("bob", "bob"));
    }

    @Test
    void aFilteringLinkCarriesTheRowSecurityOfItsEntity() {
        AccessScope basic = scope(grant(Depth.BASIC));
        Link contactsOfTheSameName = new Link(
                new Relation(CONTACT, Columns.named(List.of()), Condition.TRUE, List.of(), List.of()),
                "name",
                "name",
                Link.Kind.EXISTS,
                Optional.empty());
        golden(
                renderer -> renderer.select(PLANNER.plan(
                        query().select("name").link(contactsOfTheSameName).build(), entity -> basic)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (t0.`ownerid` = ?) AND (EXISTS (SELECT 1"
                        + " FROM `contact` t0s1 WHERE (t0.`name` = t0s1.`name`) AND (t0s1.`ownerid` = ?)))" + BY_KEY
                        + " LIMIT ?",
                USER,
                USER,
                PAGE + 1);
    }

    @Test
    void aRowFilterPathThroughALookupIsASemiJoinOnTheRelatedRecord() throws SQLException {
        insertProducts();
        AccessScope filtered = scope(new AccessScope.Grant(
                "product role",
                Depth.GLOBAL,
                Optional.empty(),
                Optional.of("Product/itemnumber eq 'Alice'"),
                Optional.empty()));
        PreparedSql h2 = golden(
                renderer -> renderer.select(PLANNER.plan(query().select("name").build(), filtered)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (EXISTS (SELECT 1 FROM `product` t0s1"
                        + " WHERE (t0.`contactid` = t0s1.`productid`) AND (t0s1.`itemnumber` = ?))) AND (1=1)" + BY_KEY
                        + " LIMIT ?",
                "Alice",
                PAGE + 1);
        assertThat(ids(h2)).containsExactly(1);
        AccessScope withoutProduct = scope(new AccessScope.Grant(
                "no product role",
                Depth.GLOBAL,
                Optional.empty(),
                Optional.of("Product/itemnumber eq null"),
                Optional.empty()));
        PreparedSql none = golden(
                renderer -> renderer.select(PLANNER.plan(query().select("name").build(), withoutProduct)),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (NOT (EXISTS (SELECT 1 FROM `product` t0s1"
                        + " WHERE (t0.`contactid` = t0s1.`productid`) AND (t0s1.`itemnumber` IS NOT NULL)))) AND (1=1)"
                        + BY_KEY + " LIMIT ?",
                PAGE + 1);
        assertThat(ids(none)).doesNotContain(1).isNotEmpty();
    }

    /** Renders a query that reaches other entities, for a caller unrestricted on all of them. */
    @Test
    void relativeDatesAreRangesAtThePlannersClockAndUserOperatorsTheCallersValues() throws SQLException {
        QueryPlanner planner = QueryPlanner.builder(ContactFixtures.catalog(), ContactFixtures.tokens(), PAGE)
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2024-03-01T15:30:00Z"), java.time.ZoneOffset.UTC))
                .build();
        PreparedSql h2 = golden(
                renderer -> renderer.select(planner.plan(
                        query().select("name")
                                .where(new Condition.And(List.of(
                                        new Condition.RelativeDate(
                                                new AttributeRef("birthdate"),
                                                Condition.DateOperator.LAST_X_YEARS,
                                                java.util.OptionalLong.of(30)),
                                        new Condition.RelativeDate(
                                                new AttributeRef("modifiedon"),
                                                Condition.DateOperator.THIS_MONTH,
                                                java.util.OptionalLong.empty()),
                                        new Comparison(
                                                new AttributeRef("ownerid"),
                                                Operator.NOT_EQUAL,
                                                dev.vegateway.adapter.query.Placeholder.USER_ID))))
                                .build(),
                        scope(grant(Depth.GLOBAL)))),
                "SELECT t0.`contactid`, t0.`name` FROM `contact` t0 WHERE (1=1) AND (((t0.`birthdate` >= ?) AND"
                        + " (t0.`birthdate` < ?)) AND ((t0.`modifiedon` >= ?) AND (t0.`modifiedon` < ?)) AND"
                        + " (t0.`ownerid` <> ?))" + BY_KEY + " LIMIT ?",
                java.time.LocalDate.of(1994, 3, 1),
                java.time.LocalDate.of(2024, 3, 2),
                java.time.OffsetDateTime.parse("2024-03-01T00:00:00Z"),
                java.time.OffsetDateTime.parse("2024-04-01T00:00:00Z"),
                USER,
                PAGE + 1);
        // born 2000-06-30 (5) and 2000-01-01 (4); modified 2024-03-01 (4 and 5); owned by others than USER
        assertThat(ids(h2)).containsExactly(4, 5);
    }

    private static java.util.function.Function<SqlRenderer, PreparedSql> selectJoined(Query query) {
        return renderer -> renderer.select(PLANNER.plan(query, entity -> unrestricted()));
    }

    private static java.util.function.Function<SqlRenderer, PreparedSql> select(Query query) {
        return renderer -> renderer.select(PLANNER.plan(query, unrestricted()));
    }

    private static Comparison function(Function function, String attribute, Operator operator, Object value) {
        return new Comparison(
                new FunctionCall(function, List.of(new AttributeRef(attribute))), operator, new Literal(value));
    }

    /** Renders with every dialect, asserts the exact SQL and parameters of each, and returns the H2 statement. */
    private static PreparedSql golden(
            java.util.function.Function<SqlRenderer, PreparedSql> render,
            String expectedSql,
            Object... expectedParameters) {
        PreparedSql h2 = null;
        PreparedSql postgresSql = null;
        for (Dialect dialect : DIALECTS) {
            PreparedSql sql = render.apply(new SqlRenderer(dialect));
            assertThat(sql.sql()).as("%s SQL", dialect).isEqualTo(expectedSql.replace('`', '"'));
            assertThat(sql.parameters()).as("%s parameters", dialect).containsExactly(expectedParameters);
            for (int i = 0; i < expectedParameters.length; i++) {
                assertThat(sql.parameters().get(i))
                        .as("%s parameter %d type", dialect, i + 1)
                        .isExactlyInstanceOf(expectedParameters[i].getClass());
            }
            if (dialect == H2Dialect.INSTANCE) {
                h2 = sql;
            } else {
                postgresSql = sql;
            }
        }
        if (h2.sql().startsWith("SELECT")) {
            try {
                assertThat(normalized(rows(postgresDatabase, postgresSql)))
                        .as("PostgreSQL rows of %s", postgresSql.sql())
                        .isEqualTo(normalized(rows(database, h2)));
            } catch (SQLException e) {
                throw new AssertionError("running " + postgresSql.sql() + " on PostgreSQL", e);
            }
        }
        return h2;
    }

    /**
     * On H2 a hierarchy walk is read beforehand and tested as a list of keys (H2 runs a recursive
     * table expression again for every row); PostgreSQL keeps it inline. Contacts form a hierarchy
     * here through their owner field (owners are not contacts, so the walks reach nothing): the SQL
     * of each form is asserted and run.
     */
    @Test
    void aHierarchyWalkReadBeforehandIsTestedAsAListOfKeys() throws SQLException {
        EntityDefinition contact = ContactFixtures.contact();
        List<dev.vegateway.catalog.RelationDefinition> relations = new ArrayList<>(contact.relations());
        relations.add(new dev.vegateway.catalog.RelationDefinition(
                "Parent", "ownerid", CONTACT, "contactid", Optional.empty(), true, Optional.empty()));
        Catalog catalog = new Catalog(
                List.of(contact.withRelations(relations), ContactFixtures.product()),
                ContactFixtures.catalog().optionSets().values().stream().toList());
        QueryPlan plan = QueryPlanner.of(catalog, ContactFixtures.tokens(), PAGE)
                .plan(
                        query().select("name")
                                .where(new Or(List.of(
                                        new Condition.Hierarchy(
                                                new AttributeRef("contactid"),
                                                Condition.HierarchyOperator.NOT_UNDER,
                                                new Literal(id(1))),
                                        equal("name", "Alice"))))
                                .build(),
                        unrestricted());
        SqlRenderer h2 = new SqlRenderer(H2Dialect.INSTANCE);
        assertThat(H2Dialect.INSTANCE.precomputesHierarchyWalks()).isTrue();
        assertThat(PostgreSqlDialect.INSTANCE.precomputesHierarchyWalks()).isFalse();

        List<Condition.HierarchyWalk> walks = h2.hierarchyWalks(plan);
        assertThat(walks).hasSize(1);
        PreparedSql walk = h2.hierarchyWalk(walks.get(0));
        assertThat(walk.sql()).startsWith("WITH RECURSIVE ").contains(" SELECT DISTINCT ");
        assertThat(rows(database, walk)).isEmpty();
        assertThat(h2.select(plan).sql()).contains("IN (WITH RECURSIVE ");

        PreparedSql listed = h2.withResolvedWalks(java.util.Map.of(walks.get(0), List.of(id(2), id(3))))
                .select(plan);
        assertThat(listed.sql())
                .doesNotContain("RECURSIVE")
                .contains("NOT (t0.`contactid` IN (?, ?))".replace('`', '"'));
        assertThat(listed.parameters()).containsSubsequence(id(2), id(3));
        assertThat(rows(database, listed)).hasSize(6);

        PreparedSql none =
                h2.withResolvedWalks(java.util.Map.of(walks.get(0), List.of())).select(plan);
        assertThat(none.sql()).doesNotContain("RECURSIVE").contains("1=0");
        assertThat(rows(database, none))
                .as("nothing under contact 1: every contact is not under it")
                .isEqualTo(rows(database, h2.select(plan)));
    }

    private static List<List<Object>> rows(PreparedSql sql) throws SQLException {
        return rows(database, sql);
    }

    /** The rows with each value in one form whatever the driver gave (numbers without trailing zeros, instants, dates). */
    private static List<List<String>> normalized(List<List<Object>> rows) {
        return rows.stream()
                .map(row -> row.stream()
                        .map(value -> {
                            if (value instanceof BigDecimal number) {
                                return number.stripTrailingZeros().toPlainString();
                            }
                            if (value instanceof Number number) {
                                return new BigDecimal(number.toString())
                                        .stripTrailingZeros()
                                        .toPlainString();
                            }
                            if (value instanceof OffsetDateTime timestamp) {
                                return timestamp.toInstant().toString();
                            }
                            if (value instanceof java.sql.Timestamp timestamp) {
                                return timestamp.toInstant().toString();
                            }
                            return String.valueOf(value);
                        })
                        .toList())
                .toList();
    }

    private static List<List<Object>> rows(DataSource backend, PreparedSql sql) throws SQLException {
        try (Connection connection = backend.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql.sql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                statement.setObject(i + 1, sql.parameters().get(i));
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet resultSet = statement.executeQuery()) {
                int columns = resultSet.getMetaData().getColumnCount();
                while (resultSet.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int column = 1; column <= columns; column++) {
                        row.add(resultSet.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** The row numbers of the result, from its first column (the key). */
    private static List<Integer> ids(PreparedSql sql) throws SQLException {
        return rows(sql).stream().map(row -> number((UUID) row.get(0))).toList();
    }

    private static Object single(PreparedSql sql) throws SQLException {
        List<List<Object>> rows = rows(sql);
        assertThat(rows).hasSize(1);
        return rows.get(0).get(0);
    }

    private static void insert(
            int number,
            String name,
            Integer age,
            String balance,
            String birthdate,
            String modifiedOn,
            Boolean active,
            Integer status,
            UUID owner,
            UUID unit,
            String company,
            String weird,
            String secret)
            throws SQLException {
        for (DataSource backend : List.of(database, postgresDatabase)) {
            try (Connection connection = backend.getConnection();
                    PreparedStatement statement = connection.prepareStatement(ContactFixtures.INSERT_CONTACT)) {
                statement.setObject(1, id(number));
                statement.setObject(2, name);
                statement.setObject(3, age);
                statement.setObject(4, balance == null ? null : new BigDecimal(balance));
                statement.setObject(5, birthdate == null ? null : LocalDate.parse(birthdate));
                statement.setObject(6, modifiedOn == null ? null : OffsetDateTime.parse(modifiedOn));
                statement.setObject(7, active);
                statement.setObject(8, status);
                statement.setObject(9, owner);
                statement.setObject(10, unit);
                statement.setObject(11, company);
                statement.setObject(12, weird);
                statement.setObject(13, secret);
                statement.executeUpdate();
            }
        }
    }
}
