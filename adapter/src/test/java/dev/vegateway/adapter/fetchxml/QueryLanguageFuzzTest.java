package dev.vegateway.adapter.fetchxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.queryexpression.QueryExpressionParser;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.PostgreSqlDialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Grammar-based fuzzing of the two SDK query languages: generated FetchXML and QueryExpression,
 * mostly well-formed and then mutated, parsed, planned for a restricted caller and rendered for
 * both dialects. Whatever the input, the answer is a result or a client error (never an internal
 * one), and no value the client wrote ever appears in SQL text: values are bind parameters. The
 * number of inputs is {@code -Dfuzz.iterations} (2,000 in {@code mvn verify}; the {@code fuzz}
 * profile of the adapter module runs 100,000).
 */
class QueryLanguageFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 2000);
    /** Every generated value carries this mark, so that SQL text can be searched for it. */
    private static final String MARK = "zqx";

    private static final QueryPlanner PLANNER = QueryPlanner.builder(
                    ContactFixtures.catalog(), ContactFixtures.tokens(), 50)
            .fiscalCalendar(java.util.Optional.of(new dev.vegateway.config.FiscalCalendar(
                    java.time.MonthDay.of(4, 6), dev.vegateway.config.FiscalCalendar.Period.QUARTERLY)))
            .build();
    private static final AccessScope CALLER = ContactFixtures.scope(ContactFixtures.grant(AccessScope.Depth.BASIC));
    private static final List<SqlRenderer> RENDERERS =
            List.of(new SqlRenderer(H2Dialect.INSTANCE), new SqlRenderer(PostgreSqlDialect.INSTANCE));

    private static final List<String> ENTITIES =
            List.of("contact", "contact", "contact", "contact", "contact", "contact", "product", "nosuch");
    /** Weighted toward the text fields, so that many marked values reach SQL; the others test the refusals. */
    private static final List<String> ATTRIBUTES = List.of(
            "name",
            "name",
            "name",
            "name",
            "dataareaid",
            "dataareaid",
            "dataareaid",
            "weird",
            "weird",
            "age",
            "balance",
            "birthdate",
            "modifiedon",
            "active",
            "status",
            "ownerid",
            "secret",
            "contactid",
            "nosuch",
            "Name");

    private static final List<String> FETCH_OPERATORS = List.of(
            "eq",
            "eq",
            "eq",
            "ne",
            "like",
            "like",
            "in",
            "in",
            "begins-with",
            "begins-with",
            "neq",
            "gt",
            "ge",
            "lt",
            "le",
            "not-like",
            "not-in",
            "between",
            "not-between",
            "null",
            "not-null",
            "ends-with",
            "on",
            "on-or-after",
            "today",
            "last-x-days",
            "olderthan-x-months",
            "eq-userid",
            "ne-businessid",
            "in-fiscal-year",
            "in-fiscal-period-and-year",
            "this-fiscal-period",
            "last-x-fiscal-periods",
            "mask",
            "masksselect",
            "not-mask",
            "contain-values",
            "under",
            "bogus");
    private static final List<String> QUERY_EXPRESSION_OPERATORS = List.of(
            "Equal",
            "Equal",
            "Equal",
            "Like",
            "Like",
            "In",
            "In",
            "BeginsWith",
            "NotEqual",
            "EndsWith",
            "GreaterThan",
            "LessEqual",
            "NotLike",
            "NotIn",
            "Between",
            "Null",
            "NotNull",
            "On",
            "Today",
            "LastXDays",
            "OlderThanXYears",
            "EqualUserId",
            "InFiscalYear",
            "Under",
            "Bogus",
            "7",
            "88",
            "89");
    private static final List<String> LINK_TYPES =
            List.of("inner", "outer", "exists", "in", "any", "not any", "all", "not all", "natural", "bogus");

    private final Random random = new Random(Long.getLong("fuzz.seed", 4242L));
    private int rendered;

    @Test
    void fetchXmlNeverFailsInternallyAndNeverPutsAValueInSql() {
        for (int i = 0; i < ITERATIONS; i++) {
            String xml = mutate(fetch());
            check(xml, () -> FetchXmlParser.parse(xml, 50).query());
        }
        assertThat(rendered).as("inputs that reached SQL").isGreaterThan(ITERATIONS / 100);
    }

    @Test
    void queryExpressionNeverFailsInternallyAndNeverPutsAValueInSql() {
        for (int i = 0; i < ITERATIONS; i++) {
            String json = mutate(queryExpression());
            check(json, () -> QueryExpressionParser.parseRequestBody(json.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(rendered).as("inputs that reached SQL").isGreaterThan(ITERATIONS / 100);
    }

    private void check(String input, Supplier<Query> parse) {
        try {
            Query query = parse.get();
            QueryPlan plan = PLANNER.plan(query, entity -> CALLER);
            for (SqlRenderer renderer : RENDERERS) {
                PreparedSql sql = renderer.select(plan);
                assertThat(sql.sql()).as("SQL of %s", input).doesNotContain(MARK);
                if (plan.aggregation().isEmpty()) {
                    assertThat(renderer.count(plan).sql()).doesNotContain(MARK);
                }
            }
            rendered++;
        } catch (GatewayException e) {
            assertThat(e.errorCode().httpStatus())
                    .as("%s answered %s", input, e.getMessage())
                    .isBetween(400, 499);
        } catch (RuntimeException | StackOverflowError e) {
            fail("internal failure for " + input, e);
        }
    }

    // ---- FetchXML

    private String fetch() {
        StringBuilder xml = new StringBuilder("<fetch");
        if (random.nextInt(4) == 0) {
            xml.append(" count='").append(1 + random.nextInt(20)).append("'");
        }
        if (random.nextInt(6) == 0) {
            xml.append(" page='").append(random.nextInt(4)).append("'");
        }
        if (random.nextInt(8) == 0) {
            xml.append(" top='").append(random.nextInt(30)).append("'");
        }
        if (random.nextInt(8) == 0) {
            xml.append(" distinct='true'");
        }
        boolean aggregate = random.nextInt(8) == 0;
        if (aggregate) {
            xml.append(" aggregate='true'");
        }
        xml.append("><entity name='").append(pick(ENTITIES)).append("'>");
        int attributes = random.nextInt(4);
        for (int i = 0; i < attributes; i++) {
            xml.append("<attribute name='").append(pick(ATTRIBUTES)).append("'");
            if (aggregate) {
                xml.append(" alias='a").append(i).append("'");
                xml.append(
                        random.nextBoolean()
                                ? " groupby='true'"
                                        + (random.nextInt(3) == 0
                                                ? " dategrouping='"
                                                        + pick(List.of(
                                                                "year", "month", "week", "fiscal-period", "decade"))
                                                        + "'"
                                                : "")
                                : " aggregate='" + pick(List.of("count", "countcolumn", "sum", "avg", "min", "max"))
                                        + "'");
            }
            xml.append("/>");
        }
        if (aggregate && random.nextInt(3) == 0) {
            xml.append("<order alias='a")
                    .append(random.nextInt(4))
                    .append("' descending='")
                    .append(random.nextBoolean())
                    .append("'/>");
        } else if (random.nextInt(3) == 0) {
            xml.append("<order attribute='")
                    .append(pick(ATTRIBUTES))
                    .append("' descending='")
                    .append(random.nextBoolean())
                    .append("'/>");
        }
        xml.append(filter(3));
        if (random.nextInt(5) == 0) {
            xml.append("<link-entity name='")
                    .append(pick(ENTITIES))
                    .append("' from='")
                    .append(pick(ATTRIBUTES))
                    .append("' to='")
                    .append(pick(ATTRIBUTES))
                    .append("' link-type='")
                    .append(pick(LINK_TYPES))
                    .append("' alias='l'>");
            if (random.nextBoolean()) {
                xml.append("<attribute name='").append(pick(ATTRIBUTES)).append("'/>");
            }
            xml.append(filter(2)).append("</link-entity>");
        }
        return xml.append("</entity></fetch>").toString();
    }

    private String filter(int depth) {
        StringBuilder xml = new StringBuilder("<filter type='")
                .append(random.nextBoolean() ? "and" : "or")
                .append("'>");
        int conditions = 1 + random.nextInt(2);
        for (int i = 0; i < conditions; i++) {
            if (depth > 0 && random.nextInt(4) == 0) {
                xml.append(filter(depth - 1));
                continue;
            }
            xml.append("<condition attribute='")
                    .append(pick(ATTRIBUTES))
                    .append("' operator='")
                    .append(pick(FETCH_OPERATORS))
                    .append("'");
            if (random.nextInt(3) == 0) {
                xml.append(" entityname='l'");
            }
            int values = random.nextInt(5) == 0 ? random.nextInt(4) : 1;
            if (values == 1) {
                xml.append(" value='").append(xmlEscape(value())).append("'/>");
            } else {
                xml.append(">");
                for (int v = 0; v < values; v++) {
                    xml.append("<value>").append(xmlEscape(value())).append("</value>");
                }
                xml.append("</condition>");
            }
        }
        return xml.append("</filter>").toString();
    }

    // ---- QueryExpression

    private String queryExpression() {
        StringBuilder json = new StringBuilder("{\"Query\":{\"EntityName\":\"")
                .append(pick(ENTITIES))
                .append("\"");
        json.append(",\"ColumnSet\":{\"Columns\":[\"").append(pick(ATTRIBUTES)).append("\"]}");
        json.append(",\"Criteria\":").append(criteria(2));
        if (random.nextInt(3) == 0) {
            json.append(",\"Orders\":[{\"AttributeName\":\"")
                    .append(pick(ATTRIBUTES))
                    .append("\",\"OrderType\":")
                    .append(random.nextInt(3))
                    .append("}]");
        }
        if (random.nextInt(3) == 0) {
            json.append(",\"LinkEntities\":[{\"LinkFromAttributeName\":\"")
                    .append(pick(ATTRIBUTES))
                    .append("\",\"LinkToEntityName\":\"")
                    .append(pick(ENTITIES))
                    .append("\",\"LinkToAttributeName\":\"")
                    .append(pick(ATTRIBUTES))
                    .append("\",\"JoinOperator\":")
                    .append(random.nextInt(11))
                    .append(",\"EntityAlias\":\"l\",\"LinkCriteria\":")
                    .append(criteria(1))
                    .append("}]");
        }
        if (random.nextInt(3) == 0) {
            json.append(",\"PageInfo\":{\"Count\":")
                    .append(random.nextInt(30))
                    .append(",\"PageNumber\":")
                    .append(random.nextInt(4))
                    .append("}");
        }
        return json.append("}}").toString();
    }

    private String criteria(int depth) {
        StringBuilder json = new StringBuilder("{\"FilterOperator\":")
                .append(random.nextInt(2))
                .append(",\"Conditions\":[");
        int conditions = random.nextInt(3);
        for (int i = 0; i < conditions; i++) {
            if (i > 0) {
                json.append(",");
            }
            json.append("{\"AttributeName\":\"")
                    .append(pick(ATTRIBUTES))
                    .append("\",\"Operator\":\"")
                    .append(pick(QUERY_EXPRESSION_OPERATORS))
                    .append("\",\"Values\":[");
            int values = random.nextInt(5) == 0 ? random.nextInt(3) : 1;
            for (int v = 0; v < values; v++) {
                if (v > 0) {
                    json.append(",");
                }
                json.append(
                        random.nextBoolean()
                                ? "\"" + jsonEscape(value()) + "\""
                                : Integer.toString(random.nextInt(100)));
            }
            json.append("]}");
        }
        json.append("]");
        if (depth > 0 && random.nextBoolean()) {
            json.append(",\"Filters\":[").append(criteria(depth - 1)).append("]");
        }
        return json.append("}").toString();
    }

    // ---- values and mutations

    /** A value with the mark, often shaped to break out of a quoted SQL literal or an identifier. */
    private String value() {
        return switch (random.nextInt(8)) {
            case 0 -> MARK + "' OR '1'='1";
            case 1 -> MARK + "\"; DROP TABLE contact; --";
            case 2 -> "%" + MARK + "_\\";
            case 3 -> "2024-01-" + MARK;
            case 4 -> MARK + random.nextInt(1000);
            case 5 -> MARK + "\u0000\u202e";
            case 6 -> MARK + "') UNION SELECT secret FROM contact --";
            default -> MARK;
        };
    }

    /** Most inputs stay well-formed; some lose, gain or swap a character. */
    private String mutate(String text) {
        if (random.nextInt(6) != 0 || text.isEmpty()) {
            return text;
        }
        StringBuilder mutated = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && mutated.length() > 0; i++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(3)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, "<>\"'/{}[],&;".charAt(random.nextInt(12)));
                default -> mutated.setCharAt(at, (char) (' ' + random.nextInt(95)));
            }
        }
        return mutated.toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace("'", "&apos;")
                .replace("\u0000", "");
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\u0000");
    }
}
