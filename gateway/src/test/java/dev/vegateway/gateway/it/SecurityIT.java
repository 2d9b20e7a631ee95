package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The common ground of the security integration tests (SPEC 5, issue 3): one gateway per test
 * class over a backend seeded with the demo data at TEST scale and shared (read-only) by the
 * security tests of the JVM, the demo security data unless {@link #securityYaml()} says
 * otherwise, and the helpers that compare what a caller sees with a direct SQL query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecurityIT {
    static final String CALLER_NOT_ALLOWED = "0x8ff00032";
    static final String UNAUTHENTICATED_CALLER = "0x8ff00033";
    static final String MISSING_PRIVILEGE = "0x80040220";
    static final String RECORD_NOT_FOUND = "0x80040217";

    /** The demo entity sets: the entity set name, the table behind it and the key field. */
    enum EntitySet {
        LEGAL_ENTITIES("mserp_legalentities", "erp.legal_entity", "mserp_legalentityid"),
        CUSTOMER_GROUPS("mserp_custcustomergroupentities", "erp.customer_group", "mserp_custcustomergroupentityid"),
        CUSTOMERS("mserp_custcustomerv3entities", "erp.customer", "mserp_custcustomerv3entityid"),
        VENDORS("mserp_vendvendorv2entities", "erp.vendor", "mserp_vendvendorv2entityid"),
        PRODUCTS(
                "mserp_ecoresreleasedproductv2entities",
                "erp.released_product",
                "mserp_ecoresreleasedproductv2entityid"),
        SALES_ORDERS("mserp_salesorderheaderv2entities", "erp.sales_order_header", "mserp_salesorderheaderv2entityid"),
        SALES_ORDER_LINES("mserp_salesorderlinev2entities", "erp.sales_order_line", "mserp_salesorderlinev2entityid");

        final String set;
        final String table;
        final String key;

        EntitySet(String set, String table, String key) {
            this.set = set;
            this.table = table;
            this.key = key;
        }
    }

    static final UUID CONTOSO_US = DemoIdentities.CONTOSO_US.id();
    static final UUID CONTOSO_EUROPE = DemoIdentities.CONTOSO_EUROPE.id();
    static final UUID CONTOSO_GERMANY = DemoIdentities.CONTOSO_GERMANY.id();
    static final UUID CONTOSO_UK = DemoIdentities.CONTOSO_UK.id();

    /**
     * Demo users who read sales orders and customers under different depths, company
     * restrictions and field security: the callers of the join invariant tests.
     */
    static final List<DemoIdentities.User> READERS_OF_ORDERS_AND_CUSTOMERS = List.of(
            DemoIdentities.SAM_SYSTEM_ADMINISTRATOR,
            DemoIdentities.ALICE_SALES_MANAGER,
            DemoIdentities.BOB_SALES_CLERK,
            DemoIdentities.BEA_BASIC,
            DemoIdentities.LEO_LOCAL,
            DemoIdentities.DEE_DEEP,
            DemoIdentities.FIONA_FIELD_SECURITY,
            DemoIdentities.MIA_MIXED,
            DemoIdentities.CORA_COMPANIES);

    TestBackend backend;
    TestGateway gateway;

    abstract BackendKind kind();

    /** The security YAML of this class's gateway; null (the default) means the demo security data. */
    String securityYaml() throws Exception {
        return null;
    }

    /** The name of the shared backend: the classes with the demo security data share one; others (see {@link #securityYaml}) name their own. */
    String backendName() {
        return "security";
    }

    @BeforeAll
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        gateway = TestGateway.start(backend, securityYaml());
    }

    @AfterAll
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- the reference: direct SQL

    /** The ids of {@code SELECT id FROM <table> [WHERE <where>]}, bound with {@code parameters}. */
    Set<String> sql(EntitySet set, String where, Object... parameters) throws SQLException {
        return sql("SELECT id FROM " + set.table + (where.isEmpty() ? "" : " WHERE " + where), parameters);
    }

    /** The first column (a UUID) of every row of {@code query}, as lower-case text. */
    Set<String> sql(String query, Object... parameters) throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(query)) {
            for (int index = 0; index < parameters.length; index++) {
                statement.setObject(index + 1, parameters[index]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class).toString());
                }
            }
        }
        return ids;
    }

    // ---- what the gateway answers

    /** A request of the Dataverse application on behalf of {@code user}, with pages of up to 5,000 rows. */
    RequestSpecification as(DemoIdentities.User user) {
        return paged(gateway.as(user.id()));
    }

    static RequestSpecification paged(RequestSpecification request) {
        return request.header("Prefer", "odata.maxpagesize=5000");
    }

    /** The keys of every row of {@code set} the request answers (one page, no duplicates, no next link); {@code query} starts with '&' or is empty. */
    static Set<String> visible(RequestSpecification request, EntitySet set, String query) {
        Response response = request.get(set.set + "?$select=" + set.key + query);
        assertThat(response.statusCode())
                .as("%s%s: %s", set.set, query, response.asString())
                .isEqualTo(200);
        assertThat(response.jsonPath().getString("'@odata.nextLink'"))
                .as("one page holds every row")
                .isNull();
        List<String> ids = response.jsonPath().getList("value." + set.key, String.class);
        assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
        return new TreeSet<>(ids);
    }

    /** {@code $filter=<filter>} URL-encoded, as a query-string continuation. */
    static String filter(String filter) {
        return "&$filter=" + encode(filter);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Response queryExpression(RequestSpecification request, String json) {
        return request.contentType("application/json").body(json).post("RetrieveMultiple");
    }

    static Response assertOk(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    /** Asserts the status and the gateway's error JSON, and returns the message. */
    static String assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.jsonPath().getString("error.code"))
                .as(response.asString())
                .isEqualTo(code);
        String message = response.jsonPath().getString("error.message");
        assertThat(message).isNotBlank();
        return message;
    }
}
