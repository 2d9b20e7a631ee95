package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * QueryExpression LinkEntities over the demo data (issue 10): joins planned with the row and
 * field security of every joined entity, checked against what the same caller reads of each
 * entity directly, over generated users and queries.
 */
abstract class QueryExpressionLinkIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER_KEY = "mserp_salesorderheaderv2entityid";
    private static final String CUSTOMER_KEY = "mserp_custcustomerv3entityid";
    private static final List<String> CUSTOMER_COLUMNS =
            List.of("mserp_customeraccount", "mserp_dataareaid", "mserp_creditlimit");
    private static final List<String> COMPANIES = List.of("usmf", "demf", "gbsi");
    /** The JoinOperators that only filter the orders: a semi-join on a readable customer. */
    private static final List<String> FILTERING = List.of("In", "Exists", "Any", "NotAny", "All", "NotAll");

    private static final List<String> JOIN_OPERATORS =
            List.of("Inner", "LeftOuter", "In", "Exists", "Any", "NotAny", "All", "NotAll");

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private static String ordersWithCustomer(String joinOperator, String rootCriteria, String linkCriteria) {
        return """
                {"Query":{"EntityName":"mserp_salesorderheaderv2entity",
                  "ColumnSet":{"Columns":["mserp_salesordernumber","mserp_customerid"]},
                  "Criteria":%s,
                  "LinkEntities":[{"LinkFromEntityName":"mserp_salesorderheaderv2entity","LinkFromAttributeName":"mserp_customerid",
                    "LinkToEntityName":"mserp_custcustomerv3entity","LinkToAttributeName":"mserp_custcustomerv3entityid",
                    "JoinOperator":"%s","EntityAlias":"c",%s
                    "LinkCriteria":%s}],
                  "PageInfo":{"Count":5000,"PageNumber":1}}}
                """
                .formatted(
                        rootCriteria,
                        joinOperator,
                        FILTERING.contains(joinOperator)
                                ? ""
                                : "\"Columns\":{\"Columns\":[\"mserp_customeraccount\",\"mserp_dataareaid\","
                                        + "\"mserp_creditlimit\"]},",
                        linkCriteria);
    }

    private static String companyIs(String company) {
        return company == null
                ? "{\"Conditions\":[]}"
                : "{\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\""
                        + company + "\"]}]}";
    }

    /** What the caller reads of an entity set directly: key → the row. */
    private Map<String, JsonNode> direct(RequestSpecification caller, String set, String select) throws Exception {
        JsonNode value = json(caller.get(set + "?$select=" + select)).path("value");
        assertThat(value.size()).isLessThan(5000);
        Map<String, JsonNode> rows = new TreeMap<>();
        String key = set.equals(EntitySet.CUSTOMERS.set) ? CUSTOMER_KEY : ORDER_KEY;
        for (JsonNode row : value) {
            rows.put(row.get(key).asText(), row);
        }
        return rows;
    }

    /**
     * The invariant: over generated callers and link queries, the joined answer holds exactly
     * the rows the caller's direct reads predict, and every linked value is the value the caller
     * reads directly (null where field security hides it, or where an outer join finds no row the
     * caller may read).
     */
    @Test
    void aJoinRevealsNoRowOrValueTheCallerCannotReadDirectly() throws Exception {
        Random random = new Random(10);
        int checkedRows = 0;
        int hiddenLinks = 0;
        Set<String> exercised = new java.util.TreeSet<>();
        for (DemoIdentities.User user : READERS_OF_ORDERS_AND_CUSTOMERS) {
            RequestSpecification caller = as(user);
            Map<String, JsonNode> orders =
                    direct(caller, EntitySet.SALES_ORDERS.set, ORDER_KEY + ",mserp_dataareaid,_mserp_customerid_value");
            Map<String, JsonNode> customers =
                    direct(as(user), EntitySet.CUSTOMERS.set, CUSTOMER_KEY + "," + String.join(",", CUSTOMER_COLUMNS));
            for (int round = 0; round < 8; round++) {
                String joinOperator = JOIN_OPERATORS.get(random.nextInt(JOIN_OPERATORS.size()));
                exercised.add(joinOperator);
                String rootCompany = random.nextInt(3) == 0 ? COMPANIES.get(random.nextInt(3)) : null;
                String linkCompany = random.nextInt(3) == 0 ? COMPANIES.get(random.nextInt(3)) : null;
                JsonNode answer = json(queryExpression(
                        as(user), ordersWithCustomer(joinOperator, companyIs(rootCompany), companyIs(linkCompany))));
                Map<String, JsonNode> expected = new TreeMap<>();
                for (JsonNode order : orders.values()) {
                    if (rootCompany != null
                            && !rootCompany.equals(order.get("mserp_dataareaid").asText())) {
                        continue;
                    }
                    JsonNode readable =
                            customers.get(order.get("_mserp_customerid_value").asText());
                    JsonNode customer = readable;
                    if (customer != null
                            && linkCompany != null
                            && !linkCompany.equals(
                                    customer.get("mserp_dataareaid").asText())) {
                        customer = null;
                    }
                    boolean kept =
                            switch (joinOperator) {
                                case "LeftOuter" -> true;
                                case "Inner", "In", "Exists", "Any", "NotAll" -> customer != null;
                                case "NotAny" -> customer == null;
                                case "All" -> readable != null && customer == null;
                                default -> throw new IllegalStateException(joinOperator);
                            };
                    if (!kept) {
                        continue;
                    }
                    expected.put(order.get(ORDER_KEY).asText(), FILTERING.contains(joinOperator) ? null : customer);
                }
                String description = user.name() + " " + joinOperator + " orders of " + rootCompany
                        + " with customers of " + linkCompany;
                Set<String> returned = new LinkedHashSet<>();
                for (JsonNode row : answer.path("value")) {
                    String order = row.get(ORDER_KEY).asText();
                    assertThat(returned.add(order))
                            .as(description + ": each order once")
                            .isTrue();
                    assertThat(expected).as(description).containsKey(order);
                    JsonNode customer = expected.get(order);
                    for (String column : CUSTOMER_COLUMNS) {
                        JsonNode linked = row.get("c." + column);
                        JsonNode reference = customer == null ? null : customer.get(column);
                        if (reference == null || reference.isNull()) {
                            assertThat(linked == null || linked.isNull())
                                    .as(description + ": c." + column + " of order " + order + " is " + linked)
                                    .isTrue();
                        } else {
                            assertThat(linked).as(description + ": c." + column).isNotNull();
                            assertThat(linked.asText())
                                    .as(description + ": c." + column)
                                    .isEqualTo(reference.asText());
                        }
                    }
                    if (customer == null && joinOperator.equals("LeftOuter")) {
                        hiddenLinks++;
                    }
                    checkedRows++;
                }
                assertThat(returned).as(description).isEqualTo(expected.keySet());
                assertThat(answer.path("MoreRecords").asBoolean()).isFalse();
            }
        }
        assertThat(checkedRows).as("the generated queries return rows").isGreaterThan(500);
        assertThat(hiddenLinks).as("some outer joins find no readable customer").isPositive();
        assertThat(exercised)
                .as("every JoinOperator was generated")
                .containsExactlyInAnyOrderElementsOf(JOIN_OPERATORS);
    }

    @Test
    void aConditionOnTheLinkedEntityFromTheTopLevelCriteriaFiltersTheRows() throws Exception {
        String query =
                """
                {"Query":{"EntityName":"mserp_salesorderheaderv2entity","ColumnSet":{"Columns":["mserp_salesordernumber"]},
                  "Criteria":{"Conditions":[{"EntityName":"c","AttributeName":"mserp_dataareaid","Operator":"Equal","Values":["demf"]}]},
                  "LinkEntities":[{"LinkFromAttributeName":"mserp_customerid","LinkToEntityName":"mserp_custcustomerv3entity",
                    "LinkToAttributeName":"mserp_custcustomerv3entityid","JoinOperator":"LeftOuter","EntityAlias":"c"}],
                  "PageInfo":{"Count":5000,"PageNumber":1,"ReturnTotalRecordCount":true}}}
                """;
        JsonNode answer = json(queryExpression(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR), query));
        Set<String> expected =
                sql("SELECT o.id FROM erp.sales_order_header o JOIN erp.customer c ON c.id = o.customer_id"
                        + " WHERE c.data_area_id = 'demf'");
        Set<String> returned = new LinkedHashSet<>();
        answer.path("value").forEach(row -> returned.add(row.get(ORDER_KEY).asText()));
        assertThat(returned).isEqualTo(expected).isNotEmpty();
        assertThat(answer.path("TotalRecordCount").asLong()).isEqualTo(expected.size());
        // A link without Columns adds no linked property
        assertThat(answer.path("value").get(0).fieldNames()).toIterable().noneMatch(name -> name.startsWith("c."));
    }

    @Test
    void pagingThroughAJoinThatMultipliesRowsReturnsEachPairOnce() throws Exception {
        String query =
                """
                {"Query":{"EntityName":"mserp_custcustomerv3entity","ColumnSet":{"Columns":["mserp_customeraccount"]},
                  "Criteria":{"Conditions":[{"AttributeName":"mserp_dataareaid","Operator":"Equal","Values":["usmf"]}]},
                  "Orders":[{"AttributeName":"mserp_customeraccount","OrderType":"Descending"}],
                  "LinkEntities":[{"LinkFromAttributeName":"mserp_custcustomerv3entityid","LinkToEntityName":"mserp_salesorderheaderv2entity",
                    "LinkToAttributeName":"mserp_customerid","JoinOperator":"Inner","EntityAlias":"o",
                    "Columns":{"Columns":["mserp_salesorderheaderv2entityid"]}}],
                  "PageInfo":{"Count":7,"PageNumber":1%s}}}
                """;
        List<String> pairs = new ArrayList<>();
        String cookie = "";
        for (int page = 0; page < 1000; page++) {
            JsonNode answer =
                    json(queryExpression(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR), query.formatted(cookie)));
            for (JsonNode row : answer.path("value")) {
                pairs.add(row.get(CUSTOMER_KEY).asText() + "/"
                        + row.get("o.mserp_salesorderheaderv2entityid").asText());
            }
            if (!answer.path("MoreRecords").asBoolean()) {
                break;
            }
            cookie = ",\"PagingCookie\":\"" + answer.path("PagingCookie").asText() + "\"";
        }
        Set<String> expected = new LinkedHashSet<>();
        try (var connection = backend.connect();
                var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT c.id, o.id FROM erp.customer c JOIN erp.sales_order_header o"
                        + " ON o.customer_id = c.id WHERE c.data_area_id = 'usmf'")) {
            while (rows.next()) {
                expected.add(rows.getString(1) + "/" + rows.getString(2));
            }
        }
        assertThat(new LinkedHashSet<>(pairs)).hasSize(pairs.size());
        assertThat(new LinkedHashSet<>(pairs)).isEqualTo(expected);
        assertThat(expected.size())
                .as("more pairs than customers: the join multiplies rows")
                .isGreaterThan(sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf'").size());
    }

    @Test
    void aLinkedEntityTheCallerMayNotReadIs403NamingIt() {
        String query =
                """
                {"Query":{"EntityName":"mserp_custcustomerv3entity",
                  "LinkEntities":[{"LinkFromAttributeName":"mserp_customeraccount","LinkToEntityName":"mserp_vendvendorv2entity",
                    "LinkToAttributeName":"mserp_vendoraccountnumber","JoinOperator":"LeftOuter"}]}}
                """;
        assertThat(assertError(queryExpression(as(DemoIdentities.BOB_SALES_CLERK), query), 403, MISSING_PRIVILEGE))
                .contains("mserp_vendvendorv2entity", "Read");
    }

    @Test
    void aHiddenLinkedFieldMayNotFilterSortOrJoin() {
        String base =
                """
                {"Query":{"EntityName":"mserp_salesorderheaderv2entity",
                  "LinkEntities":[{"LinkFromAttributeName":"mserp_customerid","LinkToEntityName":"mserp_custcustomerv3entity",
                    "LinkToAttributeName":"mserp_custcustomerv3entityid","EntityAlias":"c"%s}]}}
                """;
        for (String part : List.of(
                ",\"LinkCriteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_creditlimit\",\"Operator\":\"GreaterThan\",\"Values\":[0]}]}",
                ",\"Orders\":[{\"AttributeName\":\"mserp_creditlimit\"}]")) {
            assertThat(assertError(
                            queryExpression(as(DemoIdentities.FIONA_FIELD_SECURITY), base.formatted(part)),
                            403,
                            MISSING_PRIVILEGE))
                    .contains("mserp_creditlimit");
        }
        assertError(
                queryExpression(
                        as(DemoIdentities.FIONA_FIELD_SECURITY),
                        """
                        {"Query":{"EntityName":"mserp_salesorderheaderv2entity","Criteria":{"Conditions":[
                          {"EntityName":"c","AttributeName":"mserp_creditlimit","Operator":"Null"}]},
                          "LinkEntities":[{"LinkFromAttributeName":"mserp_customerid","LinkToEntityName":"mserp_custcustomerv3entity",
                            "LinkToAttributeName":"mserp_custcustomerv3entityid","EntityAlias":"c"}]}}
                        """),
                403,
                MISSING_PRIVILEGE);
    }

    @Test
    void badLinksAreA400NamingTheProblem() {
        RequestSpecification sam = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
        String link =
                "{\"LinkFromAttributeName\":\"mserp_customerid\",\"LinkToEntityName\":\"mserp_custcustomerv3entity\","
                        + "\"LinkToAttributeName\":\"mserp_custcustomerv3entityid\"}";
        String sixteen = String.join(",", java.util.Collections.nCopies(16, link));
        assertThat(assertError(
                        queryExpression(
                                sam,
                                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"LinkEntities\":["
                                        + sixteen + "]}}"),
                        400,
                        "0x8004430D"))
                .contains("exceeded maximum limit");
        assertThat(assertError(
                        queryExpression(
                                sam,
                                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"LinkEntities\":[{\"LinkFromAttributeName\":\"mserp_orderdate\","
                                        + "\"LinkToEntityName\":\"mserp_custcustomerv3entity\",\"LinkToAttributeName\":\"mserp_custcustomerv3entityid\"}]}}"),
                        400,
                        "0x8ff00001"))
                .contains("types differ");
        assertThat(assertError(
                        queryExpression(
                                sam,
                                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"LinkEntities\":[{\"LinkFromAttributeName\":\"mserp_nosuch\","
                                        + "\"LinkToEntityName\":\"mserp_custcustomerv3entity\",\"LinkToAttributeName\":\"mserp_custcustomerv3entityid\"}]}}"),
                        400,
                        "0x8ff00002"))
                .contains("mserp_nosuch");
        assertThat(assertError(
                        queryExpression(
                                sam,
                                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"Criteria\":{\"Conditions\":[{\"EntityName\":\"zz\","
                                        + "\"AttributeName\":\"mserp_name\",\"Operator\":\"Null\"}]}}}"),
                        400,
                        "0x8ff00001"))
                .contains("'zz'");
    }
}
