package dev.vegateway.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The baseline's three calls on a real PostgreSQL (embedded) through a real Jetty (plain HTTP on
 * 127.0.0.1 here; {@link BareServer} adds only TLS): it reads only rows of its scope, pages them by
 * name, and creates a row with its audit row in one transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BareHandlerTest {
    private static final UUID UNIT = UUID.fromString("00000000-0000-4000-8000-00000000a001");
    private static final UUID OTHER_UNIT = UUID.fromString("00000000-0000-4000-8000-00000000a002");
    private static final UUID OWNER = UUID.fromString("00000000-0000-4000-8000-00000000b001");
    private static final UUID IN_SCOPE = UUID.fromString("00000000-0000-4000-8000-00000000c001");
    private static final UUID OTHER_UNITS_ROW = UUID.fromString("00000000-0000-4000-8000-00000000c002");

    private EmbeddedPostgres postgres;
    private Server server;
    private String root;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA erp");
            statement.execute("CREATE TABLE erp.customer (id UUID PRIMARY KEY, data_area_id VARCHAR(4) NOT NULL,"
                    + " account_num VARCHAR(20) NOT NULL, name VARCHAR(100) NOT NULL, customer_group VARCHAR(10),"
                    + " credit_limit NUMERIC(18,2), credit_status INTEGER, on_hold INTEGER, currency VARCHAR(3),"
                    + " email VARCHAR(100), phone VARCHAR(30), city VARCHAR(60), country_region VARCHAR(3),"
                    + " established_date DATE, created_on TIMESTAMP WITH TIME ZONE, discount_percent DOUBLE PRECISION,"
                    + " employees INTEGER, sales_ytd BIGINT, is_key_account BOOLEAN, primary_contact_id UUID,"
                    + " owner_id UUID, business_unit_id UUID, version_number BIGINT NOT NULL,"
                    + " CONSTRAINT uq_customer_account UNIQUE (data_area_id, account_num))");
            statement.execute("INSERT INTO erp.customer (id, data_area_id, account_num, name, credit_limit,"
                    + " established_date, created_on, discount_percent, is_key_account, business_unit_id,"
                    + " version_number) VALUES"
                    + " ('" + IN_SCOPE + "', 'usmf', 'US-1', 'Zed \"Quoted\" Ltd', 1234.50, '2020-02-03',"
                    + " '2021-01-02T03:04:05Z', 2.5, true, '" + UNIT + "', 7),"
                    + " ('00000000-0000-4000-8000-00000000c003', 'usmf', 'US-3', 'Alpha', NULL, NULL, NULL, NULL,"
                    + " NULL, '" + UNIT + "', 1),"
                    + " ('" + OTHER_UNITS_ROW + "', 'usmf', 'US-2', 'Beta', NULL, NULL, NULL, NULL, NULL, '"
                    + OTHER_UNIT + "', 1),"
                    + " ('00000000-0000-4000-8000-00000000c004', 'demf', 'DE-1', 'Aaron', NULL, NULL, NULL, NULL,"
                    + " NULL, '" + UNIT + "', 1)");
        }
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(2);
        config.setAutoCommit(false);
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
        BareHandler.createAuditTable(pool);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new BareHandler(pool, new BareHandler.Scope("usmf", UNIT, OWNER)));
        server.start();
        root = "http://127.0.0.1:" + connector.getLocalPort() + BareHandler.SERVICE_ROOT;
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(root + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(root + BareHandler.CUSTOMERS))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRowOfTheScopeIsReadByKeyWithEveryField() throws Exception {
        HttpResponse<String> response = get(BareHandler.CUSTOMERS + "(" + IN_SCOPE + ")");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode row = new ObjectMapper().readTree(response.body());
        assertThat(row.path("@odata.etag").asText()).isEqualTo("W/\"7\"");
        assertThat(row.path("mserp_custcustomerv3entityid").asText()).isEqualTo(IN_SCOPE.toString());
        assertThat(row.path("mserp_name").asText()).isEqualTo("Zed \"Quoted\" Ltd");
        assertThat(row.path("mserp_creditlimit").decimalValue()).isEqualByComparingTo("1234.50");
        assertThat(row.path("mserp_establisheddate").asText()).isEqualTo("2020-02-03");
        assertThat(row.path("mserp_createdon").asText()).isEqualTo("2021-01-02T03:04:05Z");
        assertThat(row.path("mserp_discountpercentage").asDouble()).isEqualTo(2.5);
        assertThat(row.path("mserp_iskeyaccount").asBoolean()).isTrue();
        assertThat(row.path("mserp_creditstatus").isNull()).isTrue();
        assertThat(row.path("mserp_owningbusinessunit").asText()).isEqualTo(UNIT.toString());
        assertThat(row.path("mserp_versionnumber").asLong()).isEqualTo(7);
    }

    @Test
    void aRowOutsideTheScopeIsNotFound() throws Exception {
        assertThat(get(BareHandler.CUSTOMERS + "(" + OTHER_UNITS_ROW + ")").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aPageHoldsOnlyRowsOfTheScopeOrderedByName() throws Exception {
        HttpResponse<String> response =
                get(BareHandler.CUSTOMERS + "?$top=50&$filter=mserp_dataareaid%20eq%20%27usmf%27&$orderby=mserp_name");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        new ObjectMapper()
                .readTree(response.body())
                .path("value")
                .forEach(row -> names.add(row.path("mserp_name").asText()));
        assertThat(names).containsExactly("Alpha", "Zed \"Quoted\" Ltd");
        HttpResponse<String> one = get(BareHandler.CUSTOMERS
                + "?$top=1&$filter=mserp_dataareaid%20eq%20%27usmf%27&$orderby=mserp_name%20desc");
        assertThat(new ObjectMapper().readTree(one.body()).path("value")).hasSize(1);
        assertThat(one.body()).contains("Zed");
        assertThat(get(BareHandler.CUSTOMERS + "?$filter=mserp_name%20eq%20%27x%27")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aCreateWritesTheRowAndItsAuditRowOrConflicts() throws Exception {
        HttpResponse<String> created =
                post("{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"B-NEW\",\"mserp_name\":\"New\"}");

        assertThat(created.statusCode()).isEqualTo(204);
        String entityId = created.headers().firstValue("OData-EntityId").orElseThrow();
        UUID key = UUID.fromString(entityId.substring(entityId.indexOf('(') + 1, entityId.indexOf(')')));
        assertThat(single("SELECT owner_id::text || ' ' || business_unit_id::text FROM erp.customer WHERE id = '" + key
                        + "'"))
                .isEqualTo(OWNER + " " + UNIT);
        assertThat(single("SELECT count(*)::text FROM erp.bare_audit WHERE record_key = '" + key + "'"))
                .isEqualTo("1");
        assertThat(post("{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"B-NEW\",\"mserp_name\":\"Again\"}")
                        .statusCode())
                .isEqualTo(409);
        assertThat(post("{\"mserp_dataareaid\":\"demf\",\"mserp_customeraccount\":\"B-DE\",\"mserp_name\":\"X\"}")
                        .statusCode())
                .as("outside the scope's company")
                .isEqualTo(403);
        assertThat(post("{\"mserp_dataareaid\":\"usmf\"}").statusCode()).isEqualTo(400);
    }

    private String single(String sql) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    @Test
    void jsonStringsAreEscaped() {
        StringBuilder json = new StringBuilder();
        BareHandler.string("a\"b\\c\nd\u0001", json);
        assertThat(json.toString()).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
