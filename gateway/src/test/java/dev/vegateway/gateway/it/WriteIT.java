package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Create, Update and Delete over HTTPS against every backend, each outcome checked with SQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WriteIT {
    static final String SET = "mserp_custcustomerv3entities";
    static final UUID ADMIN = UUID.fromString("00000000-0000-4000-8000-0000000007a1");
    static final UUID USMF_WRITER = UUID.fromString("00000000-0000-4000-8000-0000000007a2");
    static final UUID BASIC_WRITER = UUID.fromString("00000000-0000-4000-8000-0000000007a3");
    static final UUID READER = UUID.fromString("00000000-0000-4000-8000-0000000007a4");
    static final UUID ORDER_TAKER = UUID.fromString("00000000-0000-4000-8000-0000000007a5");
    static final String SECURITY =
            """
            businessUnits:
              - name: Contoso
            companies: [usmf, demf, gbsi]
            roles:
              - name: USMF customer writer
                privileges:
                  - { entity: mserp_custcustomerv3entity, create: Global, read: Global, write: Global, delete: Global }
              - name: Own customers
                privileges:
                  - { entity: mserp_custcustomerv3entity, create: Basic, read: Basic, write: Basic, delete: Basic }
              - name: Customer reader
                privileges:
                  - { entity: mserp_custcustomerv3entity, read: Global }
              - name: Order taker
                privileges:
                  - { entity: mserp_salesorderheaderv2entity, create: Global, read: Global, write: Global, append: Basic }
                  - { entity: mserp_custcustomerv3entity, create: Basic, read: Global, appendTo: Basic }
            users:
              - { id: 00000000-0000-4000-8000-0000000007a1, name: Write Admin, businessUnit: Contoso, roles: [System administrator] }
              - { id: 00000000-0000-4000-8000-0000000007a2, name: Usmf Writer, businessUnit: Contoso, roles: [ { role: USMF customer writer, companies: [usmf] } ] }
              - { id: 00000000-0000-4000-8000-0000000007a3, name: Basic Writer, businessUnit: Contoso, roles: [Own customers] }
              - { id: 00000000-0000-4000-8000-0000000007a4, name: Read Only, businessUnit: Contoso, roles: [Customer reader] }
              - { id: 00000000-0000-4000-8000-0000000007a5, name: Order Taker, businessUnit: Contoso, roles: [Order taker] }
            applications:
              - { appId: 11111111-1111-4111-8111-111111111111, name: Dataverse, kind: dataverse, enabled: true, roles: [CDSVirtualEntityApplication] }
            """;

    TestBackend backend;
    TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(backend, SECURITY);
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    private Response post(UUID user, String body, String... headers) {
        var request = gateway.as(user).contentType("application/json").body(body);
        for (int i = 0; i < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        return request.post(SET);
    }

    private Response patch(UUID user, UUID key, String body, String... headers) {
        var request = gateway.as(user).contentType("application/json").body(body);
        for (int i = 0; i < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        return request.patch(SET + "(" + key + ")");
    }

    private String value(String column, UUID key) throws SQLException {
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT " + column + " FROM erp.customer WHERE id = ?")) {
            statement.setObject(1, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? String.valueOf(result.getObject(1)) : null;
            }
        }
    }

    private static UUID keyOf(Response response) {
        String id = response.header("OData-EntityId");
        return UUID.fromString(id.substring(id.lastIndexOf('(') + 1, id.length() - 1));
    }

    private UUID create(UUID user, String company, String account) {
        Response response = post(
                user,
                "{\"mserp_dataareaid\":\"" + company + "\",\"mserp_customeraccount\":\"" + account
                        + "\",\"mserp_name\":\"Created " + account + "\"}");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        return keyOf(response);
    }

    @Test
    void createAnswers204WithTheEntityIdAndStampsTheOwnerAndAnAuditRecord() throws SQLException {
        UUID key = create(USMF_WRITER, "usmf", "W-0001");
        assertThat(value("owner_id", key)).isEqualTo(USMF_WRITER.toString());
        assertThat(value("version_number", key)).isEqualTo("1");
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE record_key = ? AND operation = 'create'",
                        key))
                .isEqualTo(1);
    }

    @Test
    void createWithRepresentationAnswers201WithTheStoredRecord() {
        Response response = post(
                ADMIN,
                "{\"mserp_dataareaid\":\"demf\",\"mserp_customeraccount\":\"W-0002\",\"mserp_name\":\"Rep\",\"mserp_creditlimit\":12.5,"
                        + "\"mserp_creditstatus\":2,\"@odata.type\":\"Microsoft.Dynamics.CRM.mserp_custcustomerv3entity\"}",
                "Prefer",
                "return=representation");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        assertThat(response.header("Preference-Applied")).isEqualTo("return=representation");
        assertThat(response.header("Server-Timing"))
                .as("the write and its read-back are backend time")
                .contains("db;dur=")
                .doesNotContain("db;dur=0.000");
        assertThat(response.jsonPath().getString("'@odata.etag'")).isEqualTo("W/\"1\"");
        assertThat(response.jsonPath().getInt("mserp_creditstatus")).isEqualTo(2);
        assertThat(response.jsonPath().getDouble("mserp_creditlimit")).isEqualTo(12.5);
        assertThat(response.jsonPath().getString("mserp_ownerid")).isEqualTo(ADMIN.toString());
    }

    @Test
    void everyValidationFailureNamesThePropertyAndWritesNothing() throws SQLException {
        long before = backend.count("SELECT COUNT(*) FROM erp.customer");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"V1\",\"mserp_name\":\"x\",\"mserp_nosuch\":1}"),
                400,
                "0x80048d19",
                "mserp_nosuch");
        assertRefused(
                post(ADMIN, "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"V2\",\"mserp_name\":7}"),
                400,
                "0x80048d19",
                "mserp_name");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"" + "x".repeat(21)
                                + "\",\"mserp_name\":\"x\"}"),
                400,
                "0x80044331",
                "mserp_customeraccount");
        assertRefused(
                post(ADMIN, "{\"mserp_dataareaid\":\"usmf\",\"mserp_name\":\"x\"}"),
                400,
                "0x80044331",
                "mserp_customeraccount");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"V3\",\"mserp_name\":\"x\",\"mserp_creditstatus\":\"Closed\"}"),
                400,
                "0x80044331",
                "mserp_creditstatus");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"V4\",\"mserp_name\":\"x\",\"mserp_versionnumber\":5}"),
                400,
                "0x80044331",
                "mserp_versionnumber");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"V5\",\"mserp_name\":\"x\",\"mserp_establisheddate\":\"yesterday\"}"),
                400,
                "0x80048d19",
                "mserp_establisheddate");
        assertRefused(post(ADMIN, "[1,2]"), 400, "0x80048d19", "JSON object");
        assertRefused(post(ADMIN, "{\"mserp_name\": "), 400, "0x80048d19", "JSON");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"W-TRAIL\",\"mserp_name\":\"x\"} trailing"),
                400,
                "0x80048d19",
                "line 1");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer")).isEqualTo(before);
    }

    private static void assertRefused(Response response, int status, String code, String named) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).contains(named);
    }

    @Test
    void updateHonoursTheEtagsAndChangesOnlyTheSentFields() throws SQLException {
        UUID key = create(ADMIN, "usmf", "W-0003");
        Response updated = patch(ADMIN, key, "{\"mserp_name\":\"Renamed\"}", "If-Match", "W/\"1\"");
        assertThat(updated.statusCode()).as(updated.asString()).isEqualTo(204);
        assertThat(value("name", key)).isEqualTo("Renamed");
        assertThat(value("account_num", key)).isEqualTo("W-0003");
        assertThat(value("version_number", key)).isEqualTo("2");
        assertRefused(patch(ADMIN, key, "{\"mserp_name\":\"Stale\"}", "If-Match", "W/\"1\""), 412, "0x80060882", "");
        assertRefused(patch(ADMIN, key, "{\"mserp_name\":\"Again\"}", "If-None-Match", "*"), 412, "0x80040237", "");
        assertThat(value("name", key)).isEqualTo("Renamed");
        UUID missing = UUID.randomUUID();
        assertRefused(patch(ADMIN, missing, "{\"mserp_name\":\"x\"}", "If-Match", "*"), 404, "0x80040217", "");
        assertThat(value("name", missing)).isNull();
        Response withBody = patch(ADMIN, key, "{\"mserp_creditlimit\":99}", "Prefer", "return=representation");
        assertThat(withBody.statusCode()).isEqualTo(200);
        assertThat(withBody.jsonPath().getString("'@odata.etag'")).isEqualTo("W/\"3\"");
    }

    @Test
    void concurrentUpdatesWithTheSameEtagLetExactlyOneWin() throws Exception {
        UUID key = create(ADMIN, "usmf", "W-0004");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> outcomes = new ArrayList<>();
            for (String name : List.of("First", "Second")) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return patch(ADMIN, key, "{\"mserp_name\":\"" + name + "\"}", "If-Match", "W/\"1\"")
                            .statusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> outcome : outcomes) {
                statuses.add(outcome.get());
            }
            assertThat(statuses).containsExactlyInAnyOrder(204, 412);
            assertThat(value("version_number", key)).isEqualTo("2");
            assertThat(value("name", key)).isIn("First", "Second");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCompanyRestrictedWriterStaysInsideItsCompany() throws SQLException {
        UUID demf = create(ADMIN, "demf", "W-0005");
        UUID usmf = create(USMF_WRITER, "usmf", "W-0006");
        long before = backend.count("SELECT COUNT(*) FROM erp.customer");
        assertRefused(
                post(
                        USMF_WRITER,
                        "{\"mserp_dataareaid\":\"demf\",\"mserp_customeraccount\":\"W-0007\",\"mserp_name\":\"x\"}"),
                403,
                "0x80040220",
                "");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer")).isEqualTo(before);
        assertRefused(patch(USMF_WRITER, demf, "{\"mserp_name\":\"Hacked\"}"), 404, "0x80040217", "");
        assertRefused(patch(USMF_WRITER, usmf, "{\"mserp_dataareaid\":\"demf\"}"), 403, "0x80040220", "");
        assertThat(value("data_area_id", usmf)).isEqualTo("usmf");
        assertThat(value("version_number", usmf)).isEqualTo("1");
        assertRefused(gateway.as(USMF_WRITER).delete(SET + "(" + demf + ")"), 404, "0x80040217", "");
        assertThat(value("name", demf)).isEqualTo("Created W-0005");
    }

    @Test
    void aBasicDepthWriterCannotTouchAnotherOwnersRows() throws SQLException {
        UUID others = create(ADMIN, "usmf", "W-0008");
        UUID own = create(BASIC_WRITER, "usmf", "W-0009");
        assertRefused(patch(BASIC_WRITER, others, "{\"mserp_name\":\"Mine\"}"), 404, "0x80040217", "");
        assertRefused(gateway.as(BASIC_WRITER).delete(SET + "(" + others + ")"), 404, "0x80040217", "");
        assertThat(patch(BASIC_WRITER, own, "{\"mserp_name\":\"Mine\"}").statusCode())
                .isEqualTo(204);
        assertThat(value("name", own)).isEqualTo("Mine");
    }

    @Test
    void aReaderHasNoWritePrivilege() {
        assertRefused(
                post(
                        READER,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"W-0010\",\"mserp_name\":\"x\"}"),
                403,
                "0x80040220",
                "Create");
    }

    @Test
    void deleteRemovesTheRowAndAReferencedRowIsAClearConflict() throws SQLException {
        UUID key = create(ADMIN, "gbsi", "W-0011");
        Response deleted = gateway.as(ADMIN).header("If-Match", "W/\"1\"").delete(SET + "(" + key + ")");
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(value("name", key)).isNull();
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE record_key = ? AND operation = 'delete'",
                        key))
                .isEqualTo(1);
        gateway.as(ADMIN).get(SET + "(" + key + ")").then().statusCode(404);

        String referenced;
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT customer_id FROM erp.sales_order_header ORDER BY sales_order_number");
                ResultSet result = statement.executeQuery()) {
            result.next();
            referenced = result.getString(1);
        }
        Response conflict = gateway.as(ADMIN).delete(SET + "(" + referenced + ")");
        assertThat(conflict.statusCode()).as(conflict.asString()).isEqualTo(409);
        assertThat(conflict.jsonPath().getString("error.message")).contains("referenced");
        assertThat(value("id", UUID.fromString(referenced))).isNotNull();
    }

    @Test
    void aWriteHookFromTheClassPathRunsAndItsRejectionReachesTheClient() throws SQLException {
        long before = backend.count("SELECT COUNT(*) FROM erp.customer");
        assertRefused(
                post(
                        ADMIN,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"W-0012\",\"mserp_name\":\"HOOK-REJECT me\"}"),
                400,
                "0x80040265",
                "refused by the test hook");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer")).isEqualTo(before);
        UUID key = create(ADMIN, "usmf", "W-0013");
        assertThat(patch(ADMIN, key, "{\"mserp_name\":\"hook-unchanged on update\"}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(value("name", key)).isEqualTo("hook-unchanged on update");
        Response created = post(
                ADMIN,
                "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"W-0014\",\"mserp_name\":\"hook-shout\"}");
        assertThat(value("name", keyOf(created))).isEqualTo("HOOK-SHOUT");
    }

    @Test
    void theDataAuditIsReadableByAdministratorsOnlyAndNeverWritable() {
        UUID key = create(ADMIN, "usmf", "W-0015");
        assertThat(patch(ADMIN, key, "{\"mserp_name\":\"Audited\"}").statusCode())
                .isEqualTo(204);
        Response audit = gateway.as(ADMIN)
                .get("vegateway_dataaudits?$filter=vegateway_recordid%20eq%20" + key + "&$orderby=vegateway_changedon");
        assertThat(audit.statusCode()).as(audit.asString()).isEqualTo(200);
        assertThat(audit.jsonPath().getList("value.vegateway_operation")).containsExactly("create", "update");
        assertThat(audit.jsonPath().getString("value[1].vegateway_changes"))
                .contains("\"mserp_name\"")
                .contains("Created W-0015")
                .contains("Audited");
        assertThat(audit.jsonPath().getString("value[1].vegateway_userid")).isEqualTo(ADMIN.toString());
        assertRefused(gateway.as(USMF_WRITER).get("vegateway_dataaudits"), 403, "0x80040220", "vegateway_dataaudit");
        assertThat(gateway.as(ADMIN)
                        .contentType("application/json")
                        .body("{}")
                        .post("vegateway_dataaudits")
                        .statusCode())
                .isEqualTo(405);
        assertThat(gateway.as(ADMIN).delete("vegateway_dataaudits(" + key + ")").statusCode())
                .isEqualTo(405);
    }

    @Test
    void aLookupSetWithOdataBindStoresTheTargetsKeyAndAMissingTargetIs404() throws SQLException {
        UUID customer = create(ADMIN, "usmf", "W-0016");
        String order =
                "{\"mserp_dataareaid\":\"usmf\",\"mserp_salesordernumber\":\"SO-W-1\",\"mserp_orderingcustomeraccountnumber\":\"W-0016\","
                        + "\"mserp_orderdate\":\"2026-11-22\",\"mserp_salesorderstatus\":0,\"mserp_Customer@odata.bind\":\"/mserp_custcustomerv3entities(%s)\"}";
        Response created = gateway.as(ADMIN)
                .contentType("application/json")
                .body(order.formatted(customer))
                .post("mserp_salesorderheaderv2entities");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        UUID key = keyOf(created);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.sales_order_header WHERE id = ? AND customer_id = ?", key, customer))
                .isEqualTo(1);

        long before = backend.count("SELECT COUNT(*) FROM erp.sales_order_header");
        assertRefused(
                gateway.as(ADMIN)
                        .contentType("application/json")
                        .body(order.formatted(UUID.randomUUID()).replace("SO-W-1", "SO-W-2"))
                        .post("mserp_salesorderheaderv2entities"),
                404,
                "0x80040217",
                "mserp_custcustomerv3entity");
        assertRefused(
                gateway.as(ADMIN)
                        .contentType("application/json")
                        .body(order.replace(
                                        "/mserp_custcustomerv3entities(%s)",
                                        "/mserp_vendvendorv2entities(" + customer + ")")
                                .replace("SO-W-1", "SO-W-3"))
                        .post("mserp_salesorderheaderv2entities"),
                400,
                "0x80048d19",
                "mserp_custcustomerv3entities");
        assertRefused(
                gateway.as(ADMIN)
                        .contentType("application/json")
                        .body(order.formatted(customer)
                                .replace("mserp_Customer@", "mserp_Nothing@")
                                .replace("SO-W-1", "SO-W-4"))
                        .post("mserp_salesorderheaderv2entities"),
                400,
                "0x80048d19",
                "mserp_Nothing");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.sales_order_header")).isEqualTo(before);
        assertRefused(
                gateway.as(USMF_WRITER)
                        .contentType("application/json")
                        .body(order.formatted(customer).replace("SO-W-1", "SO-W-5"))
                        .post("mserp_salesorderheaderv2entities"),
                403,
                "0x80040220",
                "Append");
    }

    @Test
    void appendAndAppendToAreCheckedAgainstTheDepthOfTheRecordsTheyConcern() throws SQLException {
        UUID own = create(ORDER_TAKER, "usmf", "W-0030");
        UUID others = create(ADMIN, "usmf", "W-0031");
        String order =
                "{\"mserp_dataareaid\":\"usmf\",\"mserp_salesordernumber\":\"%s\",\"mserp_orderingcustomeraccountnumber\":\"W-0030\","
                        + "\"mserp_orderdate\":\"2026-11-22\",\"mserp_salesorderstatus\":0,\"mserp_Customer@odata.bind\":\"/mserp_custcustomerv3entities(%s)\"}";
        String rebind = "{\"mserp_Customer@odata.bind\":\"/mserp_custcustomerv3entities(%s)\"}";

        Response mine = gateway.as(ORDER_TAKER)
                .contentType("application/json")
                .body(order.formatted("SO-W-30", own))
                .post("mserp_salesorderheaderv2entities");
        assertThat(mine.statusCode()).as(mine.asString()).isEqualTo(204);
        assertRefused(
                gateway.as(ORDER_TAKER)
                        .contentType("application/json")
                        .body(order.formatted("SO-W-31", others))
                        .post("mserp_salesorderheaderv2entities"),
                403,
                "0x80040220",
                "AppendTo");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.sales_order_header WHERE sales_order_number = 'SO-W-31'"))
                .isZero();

        Response byAdmin = gateway.as(ADMIN)
                .contentType("application/json")
                .body(order.formatted("SO-W-32", others))
                .post("mserp_salesorderheaderv2entities");
        UUID adminOrder = keyOf(byAdmin);
        assertRefused(
                gateway.as(ORDER_TAKER)
                        .contentType("application/json")
                        .body(rebind.formatted(own))
                        .patch("mserp_salesorderheaderv2entities(" + adminOrder + ")"),
                403,
                "0x80040220",
                "Append privilege");
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.sales_order_header WHERE id = ? AND customer_id = ?",
                        adminOrder,
                        others))
                .isEqualTo(1);

        UUID ownOrder = keyOf(mine);
        Response moved = gateway.as(ORDER_TAKER)
                .contentType("application/json")
                .body(rebind.formatted(own))
                .patch("mserp_salesorderheaderv2entities(" + ownOrder + ")");
        assertThat(moved.statusCode()).as(moved.asString()).isEqualTo(204);
    }

    @Test
    void theCatalogSetIsReadOnlyAndActionsAreNotThereYet() {
        assertThat(gateway.as(ADMIN)
                        .contentType("application/json")
                        .body("{}")
                        .post("mserp_financeandoperationsentities")
                        .statusCode())
                .isEqualTo(405);
        assertThat(gateway.as(ADMIN).put(SET + "(" + UUID.randomUUID() + ")").statusCode())
                .isEqualTo(405);
    }
}
