package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** PerformAction over HTTPS against every backend: privilege, visibility, parameters, results, handler, audit — each checked with SQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ActionIT {
    static final String CUSTOMERS = "mserp_custcustomerv3entities";
    static final String ORDERS = "mserp_salesorderheaderv2entities";
    static final String BOUND = "/Microsoft.Dynamics.CRM.";
    static final UUID ADMIN = UUID.fromString("00000000-0000-4000-8000-0000000008a1");
    static final UUID HOLDER = UUID.fromString("00000000-0000-4000-8000-0000000008a2");
    static final UUID READER = UUID.fromString("00000000-0000-4000-8000-0000000008a3");
    static final UUID OWN_ROWS_HOLDER = UUID.fromString("00000000-0000-4000-8000-0000000008a4");
    static final String SECURITY =
            """
            businessUnits:
              - name: Contoso
            companies: [usmf, demf, gbsi]
            roles:
              - name: Credit controller
                privileges:
                  - { entity: mserp_custcustomerv3entity, read: Global }
                actions: [mserp_PlaceOnHold]
              - name: Customer reader
                privileges:
                  - { entity: mserp_custcustomerv3entity, read: Global }
              - name: Own customers controller
                privileges:
                  - { entity: mserp_custcustomerv3entity, read: Basic }
                actions: [mserp_PlaceOnHold]
            users:
              - { id: 00000000-0000-4000-8000-0000000008a1, name: Action Admin, businessUnit: Contoso, roles: [System administrator] }
              - { id: 00000000-0000-4000-8000-0000000008a2, name: Credit Holder, businessUnit: Contoso, roles: [Credit controller] }
              - { id: 00000000-0000-4000-8000-0000000008a3, name: Plain Reader, businessUnit: Contoso, roles: [Customer reader] }
              - { id: 00000000-0000-4000-8000-0000000008a4, name: Own Holder, businessUnit: Contoso, roles: [Own customers controller] }
            applications:
              - { appId: 11111111-1111-4111-8111-111111111111, name: Dataverse, kind: dataverse, enabled: true, roles: [CDSVirtualEntityApplication] }
            """;

    static final UUID CUSTOMER = UUID.fromString("00000000-0000-4000-8000-00000000c001");
    static final UUID OTHER_CUSTOMER = UUID.fromString("00000000-0000-4000-8000-00000000c002");
    static final UUID ORDER_WITH_LINES = UUID.fromString("00000000-0000-4000-8000-00000000d001");
    static final UUID ORDER_WITHOUT_LINES = UUID.fromString("00000000-0000-4000-8000-00000000d002");
    static final UUID INVOICED_ORDER = UUID.fromString("00000000-0000-4000-8000-00000000d003");

    TestBackend backend;
    TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(backend, SECURITY);
        backend.execute(
                "INSERT INTO erp.customer (id, data_area_id, account_num, name, credit_limit, on_hold, version_number) VALUES (?, 'usmf', 'A-0001', 'Action One', 5000.00, 0, 1)",
                CUSTOMER);
        backend.execute(
                "INSERT INTO erp.customer (id, data_area_id, account_num, name, credit_limit, on_hold, version_number) VALUES (?, 'usmf', 'A-0002', 'Action Two', 100.00, 0, 1)",
                OTHER_CUSTOMER);
        insertOrder(ORDER_WITH_LINES, "A-SO-1", 0, "1200.50");
        insertOrder(ORDER_WITHOUT_LINES, "A-SO-2", 0, "300.25");
        insertOrder(INVOICED_ORDER, "A-SO-3", 2, "999.99");
        backend.execute(
                "INSERT INTO erp.sales_order_line (id, data_area_id, sales_order_id, line_number, item_number, quantity, unit_price, line_amount, version_number)"
                        + " VALUES (?, 'usmf', ?, 1, 'ITEM-1', 1, 1200.50, 1200.50, 1)",
                UUID.randomUUID(),
                ORDER_WITH_LINES);
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    private void insertOrder(UUID id, String number, int status, String total) throws SQLException {
        backend.execute(
                "INSERT INTO erp.sales_order_header (id, data_area_id, sales_order_number, customer_account, customer_id, order_date, status, total_amount, version_number)"
                        + " VALUES (?, 'usmf', ?, 'A-0001', ?, ?, ?, ?, 1)",
                id,
                number,
                CUSTOMER,
                LocalDate.of(2024, 5, 1),
                status,
                new BigDecimal(total));
    }

    private Response action(UUID user, String path, String body) {
        var request = gateway.as(user);
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        return request.post(path);
    }

    private static void assertError(Response response, int status, String code, String named) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).contains(named);
    }

    @Test
    void anAllowedBoundActionChangesTheRowAndIsAudited() throws SQLException {
        Response response = action(HOLDER, CUSTOMERS + "(" + CUSTOMER + ")" + BOUND + "mserp_PlaceOnHold", null);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        assertThat(((Number) backend.single("SELECT on_hold FROM erp.customer WHERE id = ?", CUSTOMER)).intValue())
                .isEqualTo(2);
        assertThat(((Number) backend.single("SELECT version_number FROM erp.customer WHERE id = ?", CUSTOMER))
                        .longValue())
                .isGreaterThan(1);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'action:mserp_PlaceOnHold' AND record_key = ? AND user_id = ?",
                        CUSTOMER,
                        HOLDER))
                .isEqualTo(1);
    }

    @Test
    void anEmptyJsonBodyIsNoParameters() {
        Response response =
                action(ADMIN, CUSTOMERS + "(" + OTHER_CUSTOMER + ")" + BOUND + "mserp_CreditAvailable", "{}");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    }

    @Test
    void aCallerWithoutTheActionPrivilegeGets403AndNothingChanges() throws SQLException {
        Response response = action(READER, CUSTOMERS + "(" + OTHER_CUSTOMER + ")" + BOUND + "mserp_PlaceOnHold", "{}");
        assertError(response, 403, "0x80040220", "mserp_PlaceOnHold");
        assertThat(((Number) backend.single("SELECT on_hold FROM erp.customer WHERE id = ?", OTHER_CUSTOMER))
                        .intValue())
                .isZero();
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation LIKE 'action:%' AND user_id = ?",
                        READER))
                .isZero();
    }

    @Test
    void aRowOutsideTheCallersReadScopeIs404AndNothingChanges() throws SQLException {
        Response response =
                action(OWN_ROWS_HOLDER, CUSTOMERS + "(" + OTHER_CUSTOMER + ")" + BOUND + "mserp_PlaceOnHold", "{}");
        assertError(response, 404, "0x80040217", OTHER_CUSTOMER.toString());
        assertThat(((Number) backend.single("SELECT on_hold FROM erp.customer WHERE id = ?", OTHER_CUSTOMER))
                        .intValue())
                .isZero();
    }

    @Test
    void badParametersAre400NamingTheParameter() throws SQLException {
        assertError(action(ADMIN, "mserp_CountOpenOrders", "{\"Company\": 5}"), 400, "0x80044331", "Company");
        assertError(action(ADMIN, "mserp_CountOpenOrders", "{}"), 400, "0x80044331", "Company");
        assertError(action(ADMIN, "mserp_CountOpenOrders", "{\"Company\": \"toolong\"}"), 400, "0x80044331", "Company");
        assertError(
                action(ADMIN, "mserp_CountOpenOrders", "{\"Company\": \"usmf\", \"Bogus\": 1}"),
                400,
                "0x80044331",
                "Bogus");
        assertError(
                action(
                        ADMIN,
                        CUSTOMERS + "(" + OTHER_CUSTOMER + ")" + BOUND + "mserp_PlaceOnHold",
                        "{\"Reason\": \"late\"}"),
                400,
                "0x80044331",
                "Reason");
        assertThat(((Number) backend.single("SELECT on_hold FROM erp.customer WHERE id = ?", OTHER_CUSTOMER))
                        .intValue())
                .isZero();
    }

    @Test
    void unknownAndMisboundActionsAreRefused() {
        assertError(
                action(ADMIN, CUSTOMERS + "(" + CUSTOMER + ")" + BOUND + "mserp_NoSuchAction", "{}"),
                404,
                "0x8ff00007",
                "mserp_NoSuchAction");
        assertError(
                action(ADMIN, ORDERS + "(" + ORDER_WITH_LINES + ")" + BOUND + "mserp_PlaceOnHold", "{}"),
                400,
                "0x8ff0000d",
                "mserp_custcustomerv3entity");
        assertError(action(ADMIN, "mserp_PlaceOnHold", "{}"), 400, "0x8ff0000d", "mserp_PlaceOnHold");
    }

    @Test
    void aBoundActionReturnsItsDecimalResult() throws SQLException {
        Response response = action(ADMIN, CUSTOMERS + "(" + CUSTOMER + ")" + BOUND + "mserp_CreditAvailable", "{}");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("'@odata.context'")).endsWith("$metadata#Edm.Decimal");
        BigDecimal expected = (BigDecimal) backend.single(
                "SELECT credit_limit - COALESCE((SELECT SUM(h.total_amount) FROM erp.sales_order_header h"
                        + " WHERE h.customer_id = ? AND h.status < 2), 0) FROM erp.customer WHERE id = ?",
                CUSTOMER,
                CUSTOMER);
        assertThat(new BigDecimal(response.jsonPath().getString("value")))
                .isEqualByComparingTo(expected)
                .isEqualByComparingTo("3499.25");
    }

    @Test
    void anUnboundActionReturnsItsResult() throws SQLException {
        Response response = action(ADMIN, "mserp_CountOpenOrders", "{\"Company\": \"usmf\"}");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("'@odata.context'")).endsWith("$metadata#Edm.Int64");
        assertThat(response.jsonPath().getLong("value"))
                .isEqualTo(backend.count(
                        "SELECT COUNT(*) FROM erp.sales_order_header WHERE data_area_id = 'usmf' AND status = 0"));
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'action:mserp_CountOpenOrders' AND entity = 'mserp_CountOpenOrders'"
                                + " AND record_key = ? AND changes LIKE '%usmf%'",
                        new UUID(0, 0)))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void theJavaHandlerRefusesAnOrderWithoutLinesAndConfirmsOneWithLines() throws SQLException {
        Response refused =
                action(ADMIN, ORDERS + "(" + ORDER_WITHOUT_LINES + ")" + BOUND + "mserp_ConfirmSalesOrder", "{}");
        assertError(refused, 400, "0x80040265", "has no lines");
        assertThat(((Number) backend.single(
                                "SELECT status FROM erp.sales_order_header WHERE id = ?", ORDER_WITHOUT_LINES))
                        .intValue())
                .isZero();
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE record_key = ?", ORDER_WITHOUT_LINES))
                .isZero();

        Response confirmed =
                action(ADMIN, ORDERS + "(" + ORDER_WITH_LINES + ")" + BOUND + "mserp_ConfirmSalesOrder", null);
        assertThat(confirmed.statusCode()).as(confirmed.asString()).isEqualTo(204);
        assertThat(((Number) backend.single("SELECT status FROM erp.sales_order_header WHERE id = ?", ORDER_WITH_LINES))
                        .intValue())
                .isEqualTo(1);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation LIKE 'action:%' AND record_key = ?",
                        ORDER_WITH_LINES))
                .isEqualTo(1);
    }

    @Test
    void actionsAppearInTheMetadata() {
        String metadata = gateway.as(ADMIN).get("$metadata").asString();
        assertThat(metadata)
                .contains("<Action Name=\"mserp_PlaceOnHold\" IsBound=\"true\"")
                .contains("<ActionImport Name=\"mserp_CountOpenOrders\"")
                .doesNotContain("<ActionImport Name=\"mserp_PlaceOnHold\"");
    }
}
