package dev.vegateway.adapter.fetchxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.operators.ConditionOperator;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.queryexpression.QueryExpressionParser;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.config.FiscalCalendar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link ConditionOperator} (0–88) in QueryExpression, and every FetchXML operator name, either
 * plans into SQL that H2 runs, or is refused with a 400 naming the operator: never a 500, never
 * silently something else. The refused ones are listed here, so that a change of support shows.
 */
class ConditionOperatorCoverageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AccessScope CALLER = ContactFixtures.unrestricted();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    private static final QueryPlanner FISCAL = QueryPlanner.builder(
                    ContactFixtures.catalog(), ContactFixtures.tokens(), 50)
            .clock(CLOCK)
            .fiscalCalendar(Optional.of(new FiscalCalendar(MonthDay.of(4, 1), FiscalCalendar.Period.QUARTERLY)))
            .build();
    private static final QueryPlanner WITHOUT_FISCAL_CALENDAR = QueryPlanner.builder(
                    ContactFixtures.catalog(), ContactFixtures.tokens(), 50)
            .clock(CLOCK)
            .build();
    private static final SqlRenderer H2 = new SqlRenderer(H2Dialect.INSTANCE);

    /**
     * The operators the gateway answers with a 400 naming them on this entity: the hierarchy operators
     * because it has no hierarchical relation (HierarchyOperatorsIT walks one), the multi-select ones because
     * it has no multi-select field (MultiSelectOptionSetsIT runs them).
     */
    private static final Set<ConditionOperator> REFUSED = EnumSet.of(
            ConditionOperator.CHILD_OF,
            ConditionOperator.UNDER,
            ConditionOperator.NOT_UNDER,
            ConditionOperator.UNDER_OR_EQUAL,
            ConditionOperator.ABOVE,
            ConditionOperator.ABOVE_OR_EQUAL,
            ConditionOperator.CONTAIN_VALUES,
            ConditionOperator.DOES_NOT_CONTAIN_VALUES);

    private static DataSource database;

    @BeforeAll
    static void createTheTable() {
        database = ContactFixtures.newDatabase("operators");
    }

    /** The attribute an operator is tried on and the values it is given. */
    private record Use(String attribute, List<String> values) {}

    private static Use use(ConditionOperator operator) {
        String name = operator.dataverseName();
        if (name.contains("Fiscal")) {
            return switch (operator) {
                case IN_FISCAL_YEAR -> new Use("birthdate", List.of("2025"));
                case IN_FISCAL_PERIOD -> new Use("modifiedon", List.of("2"));
                case IN_FISCAL_PERIOD_AND_YEAR,
                        IN_OR_BEFORE_FISCAL_PERIOD_AND_YEAR,
                        IN_OR_AFTER_FISCAL_PERIOD_AND_YEAR -> new Use("birthdate", List.of("3", "2025"));
                case LAST_X_FISCAL_YEARS, LAST_X_FISCAL_PERIODS, NEXT_X_FISCAL_YEARS, NEXT_X_FISCAL_PERIODS -> new Use(
                        "modifiedon", List.of("2"));
                default -> new Use("birthdate", List.of());
            };
        }
        return switch (operator) {
            case EQUAL, NOT_EQUAL, GREATER_THAN, LESS_THAN, GREATER_EQUAL, LESS_EQUAL -> new Use("age", List.of("3"));
            case LIKE,
                    NOT_LIKE,
                    BEGINS_WITH,
                    DOES_NOT_BEGIN_WITH,
                    ENDS_WITH,
                    DOES_NOT_END_WITH,
                    CONTAINS,
                    DOES_NOT_CONTAIN -> new Use("name", List.of("a"));
            case IN, NOT_IN -> new Use("age", List.of("1", "2"));
            case BETWEEN, NOT_BETWEEN -> new Use("age", List.of("1", "9"));
            case ON, NOT_ON, ON_OR_BEFORE, ON_OR_AFTER -> new Use("birthdate", List.of("2024-05-01"));
            case MASK, NOT_MASK, MASKS_SELECT -> new Use("age", List.of("6"));
            case EQUAL_USER_ID,
                    NOT_EQUAL_USER_ID,
                    EQUAL_USER_TEAMS,
                    EQUAL_USER_OR_USER_TEAMS,
                    EQUAL_BUSINESS_ID,
                    NOT_EQUAL_BUSINESS_ID,
                    EQUAL_USER_OR_USER_HIERARCHY,
                    EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS -> new Use("ownerid", List.of());
            case UNDER, NOT_UNDER, UNDER_OR_EQUAL, ABOVE, ABOVE_OR_EQUAL, CHILD_OF -> new Use(
                    "ownerid", List.of("6f000000-0000-4000-8000-000000000001"));
            case CONTAIN_VALUES, DOES_NOT_CONTAIN_VALUES -> new Use("status", List.of("1"));
            case EQUAL_USER_LANGUAGE -> new Use("age", List.of());
            case NULL, NOT_NULL -> new Use("name", List.of());
            default -> name.startsWith("Last") || name.startsWith("Next") || name.startsWith("OlderThan")
                    ? (name.contains("X") ? new Use("modifiedon", List.of("3")) : new Use("birthdate", List.of()))
                    : new Use("birthdate", List.of());
        };
    }

    @Test
    void everyConditionOperatorRunsOrIsRefusedByName() throws Exception {
        Map<String, String> outcomes = new TreeMap<>();
        for (ConditionOperator operator : ConditionOperator.values()) {
            Use use = use(operator);
            String body = JSON.writeValueAsString(Map.of(
                    "Query",
                    Map.of(
                            "EntityName",
                            "contact",
                            "Criteria",
                            Map.of(
                                    "Conditions",
                                    List.of(Map.of(
                                            "AttributeName",
                                            use.attribute(),
                                            "Operator",
                                            operator.dataverseName(),
                                            "Values",
                                            use.values()))))));
            String outcome = outcome(
                    operator,
                    operator.dataverseName(),
                    () -> QueryExpressionParser.parseRequestBody(
                            body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            outcomes.put(operator.value() + " " + operator.dataverseName(), outcome);
        }
        assertThat(outcomes).hasSize(89);
    }

    @Test
    void everyFetchXmlOperatorNameRunsOrIsRefusedByName() {
        assertThat(FetchXmlOperators.names()).hasSizeGreaterThanOrEqualTo(88);
        for (String name : FetchXmlOperators.names()) {
            ConditionOperator operator = FetchXmlOperators.byName(name).orElseThrow();
            Use use = use(operator);
            StringBuilder xml = new StringBuilder("<fetch><entity name='contact'><filter><condition attribute='")
                    .append(use.attribute())
                    .append("' operator='")
                    .append(name)
                    .append("'>");
            use.values().forEach(value -> xml.append("<value>").append(value).append("</value>"));
            xml.append("</condition></filter></entity></fetch>");
            outcome(operator, "'" + name + "'", () -> FetchXmlParser.parse(xml.toString(), 50)
                    .query());
        }
    }

    /** Without a fiscal calendar, every fiscal operator is a 400 naming it and the missing setting. */
    @Test
    void fiscalOperatorsWithoutAFiscalCalendarAreRefusedByName() {
        for (ConditionOperator operator : ConditionOperator.values()) {
            if (!operator.dataverseName().contains("Fiscal")) {
                continue;
            }
            Use use = use(operator);
            StringBuilder xml = new StringBuilder("<fetch><entity name='contact'><filter><condition attribute='")
                    .append(use.attribute())
                    .append("' operator='")
                    .append(fetchName(operator))
                    .append("'>");
            use.values().forEach(value -> xml.append("<value>").append(value).append("</value>"));
            xml.append("</condition></filter></entity></fetch>");
            Query query = FetchXmlParser.parse(xml.toString(), 50).query();
            try {
                WITHOUT_FISCAL_CALENDAR.plan(query, CALLER);
                fail(operator + " planned without a fiscal calendar");
            } catch (GatewayException e) {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_QUERY);
                assertThat(e.getMessage()).contains(operator.dataverseName()).contains("query.fiscalYearStart");
            }
        }
    }

    private static String fetchName(ConditionOperator operator) {
        return FetchXmlOperators.names().stream()
                .filter(name -> FetchXmlOperators.byName(name).orElseThrow() == operator)
                .findFirst()
                .orElseThrow();
    }

    /** Runs the query on H2, or checks the refusal: a 400 naming the operator as the client wrote it. */
    private static String outcome(ConditionOperator operator, String name, Supplier<Query> parse) {
        try {
            Query query = parse.get();
            QueryPlan plan = FISCAL.plan(query, CALLER);
            PreparedSql sql = H2.select(plan);
            try (Connection connection = database.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql.sql())) {
                for (int i = 0; i < sql.parameters().size(); i++) {
                    statement.setObject(i + 1, sql.parameters().get(i));
                }
                statement.executeQuery().close();
            }
            assertThat(REFUSED).as(name + " ran, yet is listed as refused").doesNotContain(operator);
            return "runs";
        } catch (GatewayException e) {
            assertThat(e.errorCode().httpStatus())
                    .as(name + ": " + e.getMessage())
                    .isEqualTo(400);
            assertThat(REFUSED).as(name + " was refused: " + e.getMessage()).contains(operator);
            // the parser names it as the client wrote it, the planner (hierarchy, on an entity without one) as the SDK
            // does
            // ChildOf is read as Under, and refused as Under on an entity without a hierarchy
            String named = operator == ConditionOperator.CHILD_OF ? "'Under'" : "'" + operator.dataverseName() + "'";
            assertThat(e.getMessage().contains(name) || e.getMessage().contains(named))
                    .as("the refusal names the operator: " + e.getMessage())
                    .isTrue();
            return "400 " + e.getMessage();
        } catch (SQLException e) {
            throw new AssertionError(name + " rendered SQL that H2 refuses", e);
        }
    }
}
