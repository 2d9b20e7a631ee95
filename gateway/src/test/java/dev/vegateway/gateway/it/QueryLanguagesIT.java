package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The equivalence corpus: generated queries, each written in OData, QueryExpression and FetchXML,
 * answer the same rows in the same order for callers with different scopes, on each backend. The
 * three front ends parse into one query tree, so any difference is a front end's mistake.
 */
abstract class QueryLanguagesIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENTITY = "mserp_custcustomerv3entity";
    private static final String SET = EntitySet.CUSTOMERS.set;
    private static final String KEY = EntitySet.CUSTOMERS.key;
    private static final int QUERIES = 60;
    private static final List<DemoIdentities.User> CALLERS =
            List.of(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, DemoIdentities.MIA_MIXED, DemoIdentities.BEA_BASIC);

    /** A field of the customer with the values the generator compares it with. */
    private record Field(String name, Kind kind, List<String> values) {}

    private enum Kind {
        TEXT,
        NUMBER
    }

    private static final List<Field> FIELDS = List.of(
            new Field("mserp_dataareaid", Kind.TEXT, List.of("usmf", "demf", "gbsi")),
            new Field("mserp_customergroupid", Kind.TEXT, List.of("10", "20", "30", "40")),
            new Field("mserp_addresscity", Kind.TEXT, List.of("Seattle", "Berlin", "London", "Munich")),
            new Field("mserp_salescurrencycode", Kind.TEXT, List.of("USD", "EUR", "GBP")),
            new Field("mserp_customeraccount", Kind.TEXT, List.of("US-0001", "DE-0002", "GB-0003")),
            new Field("mserp_creditlimit", Kind.NUMBER, List.of("0", "5000", "20000", "50000")),
            new Field("mserp_numberofemployees", Kind.NUMBER, List.of("10", "100", "500", "1000")),
            new Field("mserp_salesytd", Kind.NUMBER, List.of("0", "100000", "1000000")));

    /** One generated condition, written in each of the three languages. */
    private sealed interface Term {
        String odata();

        String queryExpression();

        String fetchXml();
    }

    private record Compare(Field field, String operator, String value) implements Term {
        public String odata() {
            return field.name() + " " + operator + " " + literal(field, value);
        }

        public String queryExpression() {
            String name =
                    switch (operator) {
                        case "eq" -> "Equal";
                        case "ne" -> "NotEqual";
                        case "gt" -> "GreaterThan";
                        case "ge" -> "GreaterEqual";
                        case "lt" -> "LessThan";
                        default -> "LessEqual";
                    };
            return "{\"Conditions\":[{\"AttributeName\":\"" + field.name() + "\",\"Operator\":\"" + name
                    + "\",\"Values\":[" + json(field, value) + "]}]}";
        }

        public String fetchXml() {
            return "<condition attribute='" + field.name() + "' operator='" + operator + "' value='" + value + "'/>";
        }
    }

    private record In(Field field, List<String> values) implements Term {
        public String odata() {
            return field.name() + " in ("
                    + values.stream().map(value -> literal(field, value)).collect(Collectors.joining(",")) + ")";
        }

        public String queryExpression() {
            return "{\"Conditions\":[{\"AttributeName\":\"" + field.name() + "\",\"Operator\":\"In\",\"Values\":["
                    + values.stream().map(value -> json(field, value)).collect(Collectors.joining(",")) + "]}]}";
        }

        public String fetchXml() {
            return "<condition attribute='" + field.name() + "' operator='in'>"
                    + values.stream()
                            .map(value -> "<value>" + value + "</value>")
                            .collect(Collectors.joining())
                    + "</condition>";
        }
    }

    /** startswith / endswith / contains, case-insensitive in every language. */
    private record Match(Field field, String function, String text) implements Term {
        public String odata() {
            return function + "(" + field.name() + ",'" + text + "')";
        }

        public String queryExpression() {
            String operator =
                    function.equals("startswith") ? "BeginsWith" : function.equals("endswith") ? "EndsWith" : "Like";
            String value = function.equals("contains") ? "%" + text + "%" : text;
            return "{\"Conditions\":[{\"AttributeName\":\"" + field.name() + "\",\"Operator\":\"" + operator
                    + "\",\"Values\":[\"" + value + "\"]}]}";
        }

        public String fetchXml() {
            String operator =
                    function.equals("startswith") ? "begins-with" : function.equals("endswith") ? "ends-with" : "like";
            String value = function.equals("contains") ? "%" + text + "%" : text;
            return "<condition attribute='" + field.name() + "' operator='" + operator + "' value='" + value + "'/>";
        }
    }

    private record Null(Field field, boolean negated) implements Term {
        public String odata() {
            return field.name() + (negated ? " ne null" : " eq null");
        }

        public String queryExpression() {
            return "{\"Conditions\":[{\"AttributeName\":\"" + field.name() + "\",\"Operator\":\""
                    + (negated ? "NotNull" : "Null") + "\"}]}";
        }

        public String fetchXml() {
            return "<condition attribute='" + field.name() + "' operator='" + (negated ? "not-null" : "null") + "'/>";
        }
    }

    /** A mask operator on a whole number: a Dataverse query function in OData. */
    private record Bits(String operator, String fetchXmlName, long bits) implements Term {
        @Override
        public String odata() {
            return "Microsoft.Dynamics.CRM." + operator + "(PropertyName='mserp_numberofemployees',PropertyValue="
                    + bits + ")";
        }

        @Override
        public String queryExpression() {
            return "{\"Conditions\":[{\"AttributeName\":\"mserp_numberofemployees\",\"Operator\":\"" + operator
                    + "\",\"Values\":[" + bits + "]}]}";
        }

        @Override
        public String fetchXml() {
            return "<condition attribute='mserp_numberofemployees' operator='" + fetchXmlName + "' value='" + bits
                    + "'/>";
        }
    }

    private record Junction(boolean or, List<Term> parts) implements Term {
        public String odata() {
            return parts.stream()
                    .map(part -> "(" + part.odata() + ")")
                    .collect(Collectors.joining(or ? " or " : " and "));
        }

        public String queryExpression() {
            return "{\"FilterOperator\":\"" + (or ? "Or" : "And") + "\",\"Filters\":["
                    + parts.stream().map(Term::queryExpression).collect(Collectors.joining(",")) + "]}";
        }

        public String fetchXml() {
            return "<filter type='" + (or ? "or" : "and") + "'>"
                    + parts.stream().map(QueryLanguagesIT::asFilter).collect(Collectors.joining()) + "</filter>";
        }
    }

    private static String asFilter(Term term) {
        return term instanceof Junction ? term.fetchXml() : "<filter>" + term.fetchXml() + "</filter>";
    }

    private static String literal(Field field, String value) {
        return field.kind() == Kind.TEXT ? "'" + value + "'" : value;
    }

    private static String json(Field field, String value) {
        return field.kind() == Kind.TEXT ? "\"" + value + "\"" : value;
    }

    private static Term term(Random random, int depth) {
        if (depth < 2 && random.nextInt(3) == 0) {
            List<Term> parts = new ArrayList<>();
            int count = 2 + random.nextInt(2);
            for (int i = 0; i < count; i++) {
                parts.add(term(random, depth + 1));
            }
            return new Junction(random.nextBoolean(), parts);
        }
        if (random.nextInt(12) == 0) {
            int kind = random.nextInt(3);
            return new Bits(
                    List.of("Mask", "NotMask", "MasksSelect").get(kind),
                    List.of("mask", "not-mask", "masksselect").get(kind),
                    1 + random.nextInt(15));
        }
        Field field = FIELDS.get(random.nextInt(FIELDS.size()));
        String value = field.values().get(random.nextInt(field.values().size()));
        return switch (random.nextInt(field.kind() == Kind.TEXT ? 5 : 4)) {
            case 0 -> new Compare(
                    field,
                    field.kind() == Kind.TEXT
                            ? "eq"
                            : List.of("gt", "ge", "lt", "le").get(random.nextInt(4)),
                    value);
            case 1 -> new In(
                    field,
                    List.of(
                            value,
                            field.values().get(random.nextInt(field.values().size()))));
            case 2 -> new Null(field, random.nextBoolean());
            case 3 -> new Compare(field, "ne", value);
            default -> new Match(
                    field,
                    List.of("startswith", "endswith", "contains").get(random.nextInt(3)),
                    value.substring(0, Math.max(1, value.length() / 2)).toLowerCase(java.util.Locale.ROOT));
        };
    }

    private static List<String> keys(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        JSON.readTree(response.asString())
                .path("value")
                .forEach(row -> keys.add(row.get(KEY).asText()));
        return keys;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void generatedQueriesAnswerTheSameRowsInEveryLanguage() throws Exception {
        Random random = new Random(2026);
        int nonEmpty = 0;
        for (int query = 0; query < QUERIES; query++) {
            Term filter = term(random, 0);
            Field order = FIELDS.get(random.nextInt(FIELDS.size()));
            boolean descending = random.nextBoolean();
            String odata = SET + "?$select=" + KEY + "&$filter=" + encoded(filter.odata()) + "&$orderby=" + order.name()
                    + (descending ? "%20desc" : "");
            String queryExpression = "{\"Query\":{\"EntityName\":\"" + ENTITY + "\",\"ColumnSet\":{\"Columns\":[\""
                    + KEY + "\"]},\"Criteria\":" + filter.queryExpression() + ",\"Orders\":[{\"AttributeName\":\""
                    + order.name() + "\",\"OrderType\":\"" + (descending ? "Descending" : "Ascending")
                    + "\"}],\"PageInfo\":{\"Count\":5000,\"PageNumber\":1}}}";
            String fetchXml = "<fetch count='5000'><entity name='" + ENTITY + "'><attribute name='" + KEY + "'/>"
                    + "<order attribute='" + order.name() + "' descending='" + descending + "'/>" + asFilter(filter)
                    + "</entity></fetch>";
            for (DemoIdentities.User user : CALLERS) {
                String description = "query " + query + " as " + user.name() + ": " + filter.odata();
                List<String> viaOData = keys(as(user).urlEncodingEnabled(false).get(odata));
                List<String> viaQueryExpression = keys(queryExpression(as(user), queryExpression));
                List<String> viaFetchXml =
                        keys(as(user).urlEncodingEnabled(false).get(SET + "?fetchXml=" + encoded(fetchXml)));
                assertThat(viaQueryExpression)
                        .as(description + " (QueryExpression)")
                        .isEqualTo(viaOData);
                assertThat(viaFetchXml).as(description + " (FetchXML)").isEqualTo(viaOData);
                if (!viaOData.isEmpty()) {
                    nonEmpty++;
                }
            }
        }
        assertThat(nonEmpty).as("most generated queries find rows").isGreaterThan(QUERIES);
    }
}
