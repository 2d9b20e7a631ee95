package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoData;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End-to-end SQL injection attempts (SPEC 9: bind parameters only, identifiers only from the
 * catalog): metacharacters in values are data, metacharacters in names are a 400 with the
 * gateway's error JSON, and the database is unchanged afterwards. Runs on its own freshly seeded
 * database, so a successful attack could not hurt other test classes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InjectionIT {
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";
    private static final String KEY = "mserp_custcustomerv3entityid";
    private static final List<String> BAD_REQUEST_CODES =
            List.of("0x8ff00001", "0x8ff00002", "0x8ff00003", "0x80048d19");
    private static final List<String> HOSTILE_VALUES = List.of(
            "x' OR 1=1 --",
            "x' OR '1'='1",
            "'; DROP TABLE erp.customer; --",
            "\"; DROP TABLE erp.customer; --",
            "%",
            "_",
            "\\",
            "%_%",
            "\\%",
            "\\'",
            "100%",
            "Fresh_",
            "Back\\Slash",
            "O'Brien & Söhne",
            "50_50 Partners");

    private TestBackend backend;
    private Connection jdbc;
    private TestGateway gateway;
    private int customersBefore;
    private Set<String> tablesBefore;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        jdbc = backend.connect();
        customersBefore = customerCount();
        tablesBefore = tables();
        assertThat(customersBefore).isEqualTo(DemoData.Scale.TEST.counts().customers());
        assertThat(tablesBefore).contains("customer", "vendor", "sales_order_header");
        gateway = TestGateway.start(backend, null);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (jdbc != null) {
                jdbc.close();
            }
        }
    }

    // ---- values are data

    @Test
    @Order(1)
    void hostileValuesInEqualityAreBound() throws Exception {
        for (String value : HOSTILE_VALUES) {
            Response response = ok(
                    sam().get(CUSTOMERS + "?$select=" + KEY + "&$filter=" + encode("mserp_name eq " + literal(value))));
            assertThat(ids(response)).as(value).isEqualTo(idsWhereNameEquals(value));
        }
        assertThat(idsWhereNameEquals("O'Brien & Söhne"))
                .as("control: the tricky name exists once per company")
                .hasSize(3);
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void hostileValuesInStringFunctionsAreBoundAndEscaped() throws Exception {
        for (String value : HOSTILE_VALUES) {
            Set<String> contains =
                    idsWhereName(name -> name.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT)));
            Set<String> startsWith =
                    idsWhereName(name -> name.toLowerCase(Locale.ROOT).startsWith(value.toLowerCase(Locale.ROOT)));
            Set<String> endsWith =
                    idsWhereName(name -> name.toLowerCase(Locale.ROOT).endsWith(value.toLowerCase(Locale.ROOT)));
            assertThat(ids(ok(sam().get(CUSTOMERS + "?$select=" + KEY + "&$filter="
                            + encode("contains(mserp_name," + literal(value) + ")")))))
                    .as("contains %s", value)
                    .isEqualTo(contains);
            assertThat(ids(ok(sam().get(CUSTOMERS + "?$select=" + KEY + "&$filter="
                            + encode("startswith(mserp_name," + literal(value) + ")")))))
                    .as("startswith %s", value)
                    .isEqualTo(startsWith);
            assertThat(ids(ok(sam().get(CUSTOMERS + "?$select=" + KEY + "&$filter="
                            + encode("endswith(mserp_name," + literal(value) + ")")))))
                    .as("endswith %s", value)
                    .isEqualTo(endsWith);
        }
        // Controls: LIKE metacharacters match only themselves, and such names do exist.
        assertThat(idsWhereName(name -> name.contains("%"))).hasSize(3);
        assertThat(idsWhereName(name -> name.contains("_"))).hasSize(6);
        assertThat(idsWhereName(name -> name.contains("\\"))).hasSize(3);
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void hostileValuesInQueryExpressionConditionsAreBound() throws Exception {
        for (String value : HOSTILE_VALUES) {
            String body =
                    """
                    {"Query":{"EntityName":"mserp_custcustomerv3entity","ColumnSet":{"Columns":["%s"]},
                     "Criteria":{"FilterOperator":"And","Conditions":[{"AttributeName":"mserp_name","Operator":"Equal","Values":[{"Value":%s,"Type":"System.String"}]}]}}}
                    """
                            .formatted(KEY, json(value));
            Response response = ok(retrieveMultiple(body));
            assertThat(response.jsonPath().getString("EntityName")).isEqualTo("mserp_custcustomerv3entity");
            assertThat(ids(response)).as(value).isEqualTo(idsWhereNameEquals(value));
        }
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    // ---- names are identifiers from the catalog only

    @Test
    @Order(1)
    void hostilePropertyNamesInODataQueryOptions() throws Exception {
        List<String> queries = List.of(
                "$select=" + encode("mserp_name,(SELECT 1)"),
                "$select=" + encode("mserp_name;DROP TABLE erp.customer"),
                "$select=" + encode("mserp_name--"),
                "$select=" + encode("name"),
                "$select=" + encode("\"mserp_name\""),
                "$select=" + encode("mserp_name/*"),
                "$orderby=" + encode("mserp_name;DROP TABLE x"),
                "$orderby=" + encode("(SELECT 1)"),
                "$orderby=" + encode("mserp_name desc, 1"),
                "$orderby=" + encode("mserp_name asc nulls first"),
                "$orderby=" + encode("name"),
                "$filter=" + encode("mserp_name--"),
                "$filter=" + encode("mserp_name eq 'a' --"),
                "$filter=" + encode("mserp_name eq 'a';DROP TABLE erp.customer"),
                "$filter=" + encode("mserp_name eq 'a' OR 1=1"),
                "$filter=" + encode("name eq 'x'"),
                "$filter=" + encode("\"mserp_name\" eq 'x'"),
                "$filter=" + encode("mserp_name eq 'unterminated"),
                "$filter=" + encode("mserp_name eq x' OR '1'='1"),
                "$top=" + encode("1;DROP TABLE erp.customer"),
                "$skip=" + encode("0 OR 1=1"));
        for (String query : queries) {
            assertBadRequest(sam().get(CUSTOMERS + "?" + query), query);
        }
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void hostileKeysAndSegments() throws Exception {
        assertBadRequest(sam().get(CUSTOMERS + "(" + encode("'1' OR 1=1") + ")"), "key");
        assertClientError(sam().get(CUSTOMERS + encode(";DROP TABLE erp.customer")), "segment");
        assertClientError(sam().get("/" + encode("erp.customer")), "table name as segment");
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void hostileAttributeNamesInQueryExpression() throws Exception {
        List<String> bodies = List.of(
                queryExpression("\"ColumnSet\":{\"Columns\":[\"mserp_name\",\"name; DROP TABLE erp.customer; --\"]}"),
                queryExpression("\"ColumnSet\":{\"Columns\":[\"(SELECT 1)\"]}"),
                queryExpression("\"ColumnSet\":{\"Columns\":[\"name\"]}"),
                queryExpression(
                        "\"Criteria\":{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"mserp_name OR 1=1 --\",\"Operator\":\"Equal\",\"Values\":[\"x\"]}]}"),
                queryExpression(
                        "\"Criteria\":{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"1=1; DROP TABLE erp.customer\",\"Operator\":\"Null\"}]}"),
                queryExpression(
                        "\"Criteria\":{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"name\",\"Operator\":\"Equal\",\"Values\":[\"x\"]}]}"),
                queryExpression(
                        "\"Criteria\":{\"FilterOperator\":\"Or) OR (1=1\",\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\"Equal\",\"Values\":[\"x\"]}]}"),
                queryExpression(
                        "\"Criteria\":{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\"Equal; DROP TABLE x\",\"Values\":[\"x\"]}]}"),
                queryExpression(
                        "\"Orders\":[{\"AttributeName\":\"mserp_name; DROP TABLE erp.customer\",\"OrderType\":\"Ascending\"}]"),
                queryExpression(
                        "\"Orders\":[{\"AttributeName\":\"(CASE WHEN 1=1 THEN name END)\",\"OrderType\":\"Ascending\"}]"),
                queryExpression(
                        "\"Orders\":[{\"AttributeName\":\"mserp_name\",\"OrderType\":\"Ascending; DROP TABLE x\"}]"));
        for (String body : bodies) {
            assertBadRequest(retrieveMultiple(body), body);
        }
        assertClientError(
                retrieveMultiple(
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity; DROP TABLE erp.customer\"}}"),
                "EntityName");
        assertClientError(retrieveMultiple("{\"Query\":{\"EntityName\":\"erp.customer\"}}"), "EntityName as table");
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    // ---- size and syntax

    @Test
    @Order(1)
    void hugeFilterWithTwoThousandNestedOrs() throws Exception {
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            filter.append("mserp_name eq 'n").append(i).append("' or (");
        }
        filter.append("mserp_name eq 'last'").append(")".repeat(2000));
        assertClientError(sam().get(CUSTOMERS + "?$filter=" + encode(filter.toString())), "2000 nested ors");
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void hugeFilterWithTwoThousandFlatOrs() throws Exception {
        StringBuilder filter = new StringBuilder("mserp_name eq 'n0'");
        for (int i = 1; i < 2000; i++) {
            filter.append(" or mserp_name eq 'n").append(i).append('\'');
        }
        assertClientError(sam().get(CUSTOMERS + "?$filter=" + encode(filter.toString())), "2000 flat ors");
    }

    @Test
    @Order(1)
    void twoThousandNestedParenthesesWithinTheUrlLimit() {
        // Short enough for the URL limits (about 4 KiB), so the request reaches the parser.
        String filter = "(".repeat(2000) + encode("mserp_name eq 'x'") + ")".repeat(2000);
        assertBadRequest(sam().get(CUSTOMERS + "?$filter=" + filter), "2000 nested parentheses");
    }

    @Test
    @Order(1)
    void thousandNestedNotsWithinTheUrlLimit() {
        String nots = "not ".repeat(1000) + "(mserp_name eq 'x')";
        Response response = sam().get(CUSTOMERS + "?$select=" + KEY + "&$filter=" + encode(nots));
        assertThat(response.statusCode()).as(response.asString()).isIn(200, 400);
        if (response.statusCode() == 400) {
            assertBadRequest(response, "1000 nots");
        }
    }

    @Test
    @Order(1)
    void hugeQueryExpressionWithTwoThousandNestedFilters() throws Exception {
        String condition = "{\"AttributeName\":\"mserp_name\",\"Operator\":\"Equal\",\"Values\":[\"x\"]}";
        StringBuilder criteria = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            criteria.append("{\"FilterOperator\":\"Or\",\"Conditions\":[")
                    .append(condition)
                    .append("],\"Filters\":[");
        }
        criteria.append("{\"FilterOperator\":\"Or\",\"Conditions\":[")
                .append(condition)
                .append("]}");
        criteria.append("]}".repeat(2000));
        assertBadRequest(retrieveMultiple(queryExpression("\"Criteria\":" + criteria)), "2000 nested filters");
        StringBuilder flat = new StringBuilder("{\"FilterOperator\":\"Or\",\"Conditions\":[");
        for (int i = 0; i < 2000; i++) {
            flat.append(i == 0 ? "" : ",")
                    .append("{\"AttributeName\":\"mserp_name\",\"Operator\":\"Equal\",\"Values\":[\"n")
                    .append(i)
                    .append("\"]}");
        }
        flat.append("]}");
        Response response =
                retrieveMultiple(queryExpression("\"ColumnSet\":{\"Columns\":[\"" + KEY + "\"]},\"Criteria\":" + flat));
        assertThat(response.statusCode()).as(response.asString()).isLessThan(500);
        if (response.statusCode() == 200) {
            assertThat(ids(response)).isEmpty();
        }
        assertThat(customerCount()).isEqualTo(customersBefore);
    }

    @Test
    @Order(1)
    void malformedJsonBodies() {
        List<String> bodies = List.of(
                "{\"Query\":{",
                "not json",
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"}",
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"}}}",
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",}}",
                "{\"Query\":{\"EntityName\":'mserp_custcustomerv3entity'}}",
                "[]",
                "\"Query\"",
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"}} trailing",
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"EntityName\":\"mserp_vendvendorv2entity\"}}",
                "");
        for (String body : bodies) {
            Response response = retrieveMultiple(body);
            assertThat(response.statusCode())
                    .as("%s -> %s", body, response.asString())
                    .isEqualTo(400);
            assertThat(response.jsonPath().getString("error.code")).as(body).isEqualTo("0x80048d19");
            assertThat(response.jsonPath().getString("error.message")).isNotBlank();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void databaseIsUnchangedAfterAllAttacks() throws Exception {
        assertThat(customerCount()).isEqualTo(customersBefore);
        assertThat(tables()).isEqualTo(tablesBefore);
        Response all = ok(sam().get(CUSTOMERS + "?$select=" + KEY));
        assertThat(all.jsonPath().getList("value")).hasSize(customersBefore);
    }

    // ---- helpers

    private RequestSpecification sam() {
        return gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id());
    }

    private Response retrieveMultiple(String body) {
        return sam().contentType("application/json").body(body).post("/RetrieveMultiple");
    }

    private static String queryExpression(String rest) {
        return "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"," + rest + "}}";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An OData string literal: quotes doubled. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String json(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Response ok(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    private static void assertBadRequest(Response response, String what) {
        assertThat(response.statusCode())
                .as("%s -> %s", what, response.asString())
                .isEqualTo(400);
        assertThat(response.contentType()).as(what).startsWith("application/json");
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        assertThat(response.jsonPath().getString("error.code")).as(what).isIn(BAD_REQUEST_CODES);
        assertThat(response.jsonPath().getString("error.message"))
                .as(what)
                .isNotBlank()
                .doesNotContainIgnoringCase("syntax error in sql");
    }

    private static void assertClientError(Response response, String what) {
        assertThat(response.statusCode())
                .as("%s -> %s", what, response.asString())
                .isBetween(400, 499);
        assertThat(response.jsonPath().getString("error.code"))
                .as("%s answers the gateway's JSON error", what)
                .startsWith("0x");
        assertThat(response.header("x-ms-service-request-id")).as(what).isNotBlank();
    }

    private static Set<String> ids(Response response) {
        Set<String> ids = new TreeSet<>();
        for (Object id : response.jsonPath().getList("value." + KEY)) {
            ids.add(id.toString().toLowerCase(Locale.ROOT));
        }
        return ids;
    }

    private Set<String> idsWhereNameEquals(String name) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (PreparedStatement statement = jdbc.prepareStatement("SELECT id FROM erp.customer WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        return ids;
    }

    private Set<String> idsWhereName(java.util.function.Predicate<String> test) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Statement statement = jdbc.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, name FROM erp.customer")) {
            while (rows.next()) {
                if (test.test(rows.getString(2))) {
                    ids.add(rows.getObject(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        return ids;
    }

    private int customerCount() throws Exception {
        try (Statement statement = jdbc.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM erp.customer")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private Set<String> tables() throws Exception {
        Set<String> tables = new HashSet<>();
        try (ResultSet rows = jdbc.getMetaData().getTables(null, "erp", "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }
}
