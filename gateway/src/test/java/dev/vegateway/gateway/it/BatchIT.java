package dev.vegateway.gateway.it;

import static dev.vegateway.gateway.it.Multipart.batch;
import static dev.vegateway.gateway.it.Multipart.changeset;
import static dev.vegateway.gateway.it.Multipart.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code $batch} over HTTPS against every backend: changesets atomic (checked with SQL), references, continue-on-error, limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BatchIT {
    static final String CUSTOMERS = "mserp_custcustomerv3entities";
    static final String ORDERS = "mserp_salesorderheaderv2entities";
    static final UUID ADMIN = UUID.fromString("00000000-0000-4000-8000-0000000008a1");
    static final UUID USMF_WRITER = UUID.fromString("00000000-0000-4000-8000-0000000008a2");
    static final UUID NO_ACTION = UUID.fromString("00000000-0000-4000-8000-0000000008a3");
    static final UUID PORTAL_USER = UUID.fromString("00000000-0000-4000-8000-0000000008a4");
    static final String SECURITY =
            """
            businessUnits:
              - name: Contoso
            companies: [usmf, demf, gbsi]
            roles:
              - name: USMF sales writer
                privileges:
                  - { entity: mserp_custcustomerv3entity, create: Global, read: Global, write: Global, delete: Global, append: Global, appendTo: Global }
                  - { entity: mserp_salesorderheaderv2entity, create: Global, read: Global, write: Global, delete: Global, append: Global, appendTo: Global }
                actions: [mserp_PlaceOnHold]
              - name: Customer writer without actions
                privileges:
                  - { entity: mserp_custcustomerv3entity, create: Global, read: Global, write: Global }
            users:
              - { id: 00000000-0000-4000-8000-0000000008a1, name: Batch Admin, businessUnit: Contoso, roles: [System administrator] }
              - { id: 00000000-0000-4000-8000-0000000008a2, name: Usmf Seller, businessUnit: Contoso, roles: [ { role: USMF sales writer, companies: [usmf] } ] }
              - { id: 00000000-0000-4000-8000-0000000008a3, name: No Action, businessUnit: Contoso, roles: [Customer writer without actions] }
              - { id: 00000000-0000-4000-8000-0000000008a4, name: Portal Customer, businessUnit: Contoso, roles: [CDSVirtualEntityAuthorizedPortalUser] }
            applications:
              - { appId: 11111111-1111-4111-8111-111111111111, name: Dataverse, kind: dataverse, enabled: true, roles: [CDSVirtualEntityApplication] }
            """;

    TestBackend backend;
    TestGateway gateway;
    TestGateway limited;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(backend, SECURITY);
        limited = TestGateway.start(
                backend,
                SECURITY,
                Map.of("VEGATEWAY_LIMITS_MAX_BATCH_PARTS", "3", "VEGATEWAY_LIMITS_MAX_BATCH_BODY_BYTES", "4096"));
    }

    @AfterAll
    void stop() throws Exception {
        limited.close();
        gateway.close();
    }

    private Response send(TestGateway target, UUID user, String body, String... headers) {
        var request = target.as(user)
                .contentType("multipart/mixed; boundary=batch_test")
                .body(body);
        for (int i = 0; i < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        return request.post("$batch");
    }

    private static List<Multipart.Part> parts(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("multipart/mixed");
        assertThat(Multipart.boundary(response.contentType())).startsWith("batchresponse_");
        return Multipart.parse(response.contentType(), response.asString());
    }

    private static String customer(String company, String account) {
        return "{\"mserp_dataareaid\":\"" + company + "\",\"mserp_customeraccount\":\"" + account
                + "\",\"mserp_name\":\"Batch " + account + "\"}";
    }

    private static String order(String company, String number, String customerReference) {
        return "{\"mserp_dataareaid\":\"" + company + "\",\"mserp_salesordernumber\":\"" + number
                + "\",\"mserp_orderingcustomeraccountnumber\":\"B\","
                + "\"mserp_orderdate\":\"2026-11-22\",\"mserp_salesorderstatus\":0,\"mserp_Customer@odata.bind\":\""
                + customerReference + "\"}";
    }

    private String absolute(String path) {
        return gateway.serviceRoot() + path;
    }

    private static UUID keyOf(String entityId) {
        return UUID.fromString(entityId.substring(entityId.lastIndexOf('(') + 1, entityId.length() - 1));
    }

    @Test
    void aChangesetCommitsTogetherAndContentIdReferencesWorkInUrlsAndBinds() throws SQLException {
        String body = batch(
                "batch_test",
                request(Optional.empty(), "GET", CUSTOMERS + "?$select=mserp_name&$top=1", null),
                changeset(
                        "changeset_a",
                        request(Optional.of("1"), "POST", absolute(CUSTOMERS), customer("usmf", "BATCH-001")),
                        request(
                                Optional.of("2"),
                                "POST",
                                "/api/data/v9.2/" + ORDERS,
                                order("usmf", "BATCH-SO-001", "$1")),
                        request(Optional.of("3"), "PATCH", "$1", "{\"mserp_creditlimit\":500}"),
                        request(Optional.of("4"), "POST", "$1/Microsoft.Dynamics.CRM.mserp_PlaceOnHold", null),
                        request(
                                Optional.of("5"),
                                "POST",
                                CUSTOMERS,
                                customer("usmf", "BATCH-002"),
                                "Prefer",
                                "return=representation")));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body));

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).status()).isEqualTo(200);
        assertThat(parts.get(0).body()).contains("\"value\":[");
        Multipart.Part changeset = parts.get(1);
        assertThat(Multipart.boundary(changeset.header("Content-Type"))).startsWith("changesetresponse_");
        assertThat(changeset.parts()).extracting(Multipart.Part::status).containsExactly(204, 204, 204, 204, 201);
        assertThat(changeset.parts())
                .extracting(part -> part.header("Content-ID"))
                .containsExactly("1", "2", "3", "4", "5");
        UUID customer = keyOf(changeset.parts().get(0).httpHeader("OData-EntityId"));
        assertThat(changeset.parts().get(0).httpHeader("Location"))
                .isEqualTo(changeset.parts().get(0).httpHeader("OData-EntityId"));
        UUID order = keyOf(changeset.parts().get(1).httpHeader("OData-EntityId"));
        assertThat(changeset.parts().get(2).httpHeader("OData-EntityId")).endsWith(CUSTOMERS + "(" + customer + ")");
        assertThat(changeset.parts().get(4).body())
                .as("read back inside the changeset's transaction")
                .contains("\"mserp_customeraccount\":\"BATCH-002\"");
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.sales_order_header WHERE id = ? AND customer_id = ?",
                        order,
                        customer))
                .isEqualTo(1);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.customer WHERE id = ? AND credit_limit = 500 AND on_hold = 2",
                        customer))
                .isEqualTo(1);
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num = 'BATCH-002'"))
                .isEqualTo(1);
        assertThat(backend.count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE record_key = ?", customer))
                .as("create, update and action audited")
                .isEqualTo(3);
    }

    @Test
    void aChangesetWhoseThirdRequestFailsLeavesNoTraceAndStopsTheBatch() throws SQLException {
        String body = batch(
                "batch_test",
                changeset(
                        "changeset_b",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-101")),
                        request(Optional.of("2"), "POST", ORDERS, order("usmf", "BATCH-SO-101", "$1")),
                        request(
                                Optional.of("3"),
                                "POST",
                                CUSTOMERS,
                                "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"BATCH-102\",\"mserp_name\":\"x\",\"mserp_nosuchfield\":1}")),
                request(Optional.empty(), "POST", CUSTOMERS, customer("usmf", "BATCH-103")));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body));

        assertThat(parts)
                .as("the failed changeset answers with one part, and nothing after it runs")
                .hasSize(1);
        assertThat(parts.get(0).isChangeset()).isFalse();
        assertThat(parts.get(0).status()).isEqualTo(400);
        assertThat(parts.get(0).header("Content-ID")).isEqualTo("3");
        assertThat(parts.get(0).body()).contains("mserp_nosuchfield");
        assertThat(
                        backend.count(
                                "SELECT COUNT(*) FROM erp.customer WHERE account_num IN ('BATCH-101', 'BATCH-102', 'BATCH-103')"))
                .isZero();
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.sales_order_header WHERE sales_order_number = 'BATCH-SO-101'"))
                .isZero();
        assertThat(backend.count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE changes LIKE '%BATCH-101%'"))
                .isZero();
    }

    @Test
    void aDatabaseErrorInAChangesetRollsItBackAndTheNextItemsRunOnAHealthyConnection() throws SQLException {
        UUID key = UUID.randomUUID();
        String keyed = "{\"mserp_custcustomerv3entityid\":\"" + key
                + "\",\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"%s\",\"mserp_name\":\"Keyed\"}";
        String body = batch(
                "batch_test",
                changeset(
                        "changeset_k",
                        request(Optional.of("1"), "POST", CUSTOMERS, keyed.formatted("BATCH-151")),
                        request(Optional.of("2"), "POST", CUSTOMERS, keyed.formatted("BATCH-152"))),
                request(Optional.empty(), "POST", CUSTOMERS, customer("usmf", "BATCH-153")));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body, "Prefer", "odata.continue-on-error"));

        assertThat(parts).extracting(Multipart.Part::status).containsExactly(409, 204);
        assertThat(parts.get(0).body()).contains("0x80040237");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num IN ('BATCH-151', 'BATCH-152')"))
                .isZero();
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num = 'BATCH-153'"))
                .isEqualTo(1);
    }

    @Test
    void concurrentChangesetsWithTheSameEtagsCommitExactlyOnceAndAllOrNothing() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String keyed =
                "{\"mserp_custcustomerv3entityid\":\"%s\",\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"%s\",\"mserp_name\":\"Race\"}";
        List<Multipart.Part> created = parts(send(
                gateway,
                USMF_WRITER,
                batch(
                        "batch_test",
                        changeset(
                                "changeset_r0",
                                request(Optional.of("1"), "POST", CUSTOMERS, keyed.formatted(first, "BATCH-701")),
                                request(Optional.of("2"), "POST", CUSTOMERS, keyed.formatted(second, "BATCH-702"))))));
        assertThat(created.get(0).isChangeset()).as(created.get(0).body()).isTrue();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Multipart.Part>>> outcomes = new ArrayList<>();
            for (String name : List.of("Left", "Right")) {
                String body = batch(
                        "batch_test",
                        changeset(
                                "changeset_" + name,
                                request(
                                        Optional.of("1"),
                                        "PATCH",
                                        CUSTOMERS + "(" + first + ")",
                                        "{\"mserp_name\":\"" + name + "\"}",
                                        "If-Match",
                                        "W/\"1\""),
                                request(
                                        Optional.of("2"),
                                        "PATCH",
                                        CUSTOMERS + "(" + second + ")",
                                        "{\"mserp_name\":\"" + name + "\"}",
                                        "If-Match",
                                        "W/\"1\"")));
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return parts(send(gateway, USMF_WRITER, body));
                }));
            }
            start.countDown();
            List<Boolean> committed = new ArrayList<>();
            for (Future<List<Multipart.Part>> outcome : outcomes) {
                Multipart.Part part = outcome.get().get(0);
                committed.add(part.isChangeset());
                if (!part.isChangeset()) {
                    assertThat(part.status()).as(part.body()).isIn(412, 503);
                }
            }
            assertThat(committed).containsExactlyInAnyOrder(true, false);
            assertThat(backend.count(
                            "SELECT COUNT(*) FROM erp.customer WHERE id IN (?, ?) AND version_number = 2",
                            first,
                            second))
                    .as("each record changed exactly once")
                    .isEqualTo(2);
            assertThat(backend.count("SELECT COUNT(DISTINCT name) FROM erp.customer WHERE id IN (?, ?)", first, second))
                    .as("both records carry the one winner's change")
                    .isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void continueOnErrorRunsEveryItemAndReportsEachOne() throws SQLException {
        String body = batch(
                "batch_test",
                request(Optional.empty(), "GET", CUSTOMERS + "(" + UUID.randomUUID() + ")", null),
                changeset(
                        "changeset_c",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-201")),
                        request(Optional.of("2"), "POST", CUSTOMERS, customer("demf", "BATCH-202"))),
                request(Optional.empty(), "POST", CUSTOMERS, customer("usmf", "BATCH-203")),
                request(
                        Optional.empty(),
                        "POST",
                        CUSTOMERS,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"BATCH-204\",\"mserp_name\":\"HOOK-REJECT me\"}"),
                request(
                        Optional.empty(),
                        "GET",
                        CUSTOMERS + "?$select=mserp_customeraccount&$filter=mserp_customeraccount%20eq%20'BATCH-203'",
                        null));

        Response response = send(gateway, USMF_WRITER, body, "Prefer", "odata.continue-on-error");
        List<Multipart.Part> parts = parts(response);

        assertThat(response.header("Preference-Applied")).isEqualTo("odata.continue-on-error");
        assertThat(parts).extracting(Multipart.Part::status).containsExactly(404, 403, 204, 400, 200);
        assertThat(parts.get(1).header("Content-ID"))
                .as("the changeset's failing request")
                .isEqualTo("2");
        assertThat(parts.get(3).body()).contains("0x80040265").contains("HOOK-REJECT");
        assertThat(parts.get(4).body()).contains("BATCH-203");
        assertThat(
                        backend.count(
                                "SELECT COUNT(*) FROM erp.customer WHERE account_num IN ('BATCH-201', 'BATCH-202', 'BATCH-204')"))
                .as("the out-of-scope DEMF create undid the USMF one of its changeset")
                .isZero();
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num = 'BATCH-203'"))
                .isEqualTo(1);
    }

    @Test
    void everyPartRunsUnderTheBatchCallersPrivileges() throws SQLException {
        String body = batch(
                "batch_test",
                changeset(
                        "changeset_d",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-301")),
                        request(Optional.of("2"), "POST", "$1/Microsoft.Dynamics.CRM.mserp_PlaceOnHold", null)));

        List<Multipart.Part> parts = parts(send(gateway, NO_ACTION, body));

        assertThat(parts).singleElement().satisfies(part -> {
            assertThat(part.status()).isEqualTo(403);
            assertThat(part.body()).contains("mserp_PlaceOnHold");
        });
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num = 'BATCH-301'"))
                .isZero();
    }

    @Test
    void thePortalMappingSetsCannotBeWrittenInAChangesetButOutsideOne() {
        String mapping = "{\"msdyn_contactid\":\"" + UUID.randomUUID() + "\",\"msdyn_userid\":\"" + PORTAL_USER + "\"}";
        String inChangeset = batch(
                "batch_test",
                changeset(
                        "changeset_p", request(Optional.of("1"), "POST", "msdyn_externalportalusermappings", mapping)));

        Multipart.Part refused = parts(send(gateway, ADMIN, inChangeset)).get(0);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("msdyn_externalportalusermappings").contains("outside a changeset");
        Multipart.Part alone = parts(send(
                        gateway,
                        ADMIN,
                        batch(
                                "batch_test",
                                request(Optional.empty(), "POST", "msdyn_externalportalusermappings", mapping))))
                .get(0);
        assertThat(alone.status()).as(alone.body()).isEqualTo(204);
    }

    @Test
    void aPartCannotActForAnotherCaller() {
        String body = batch(
                "batch_test",
                request(Optional.empty(), "GET", CUSTOMERS + "?$top=1", null, "MSCRMCallerID", ADMIN.toString()));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body));

        assertThat(parts.get(0).status()).isEqualTo(400);
        assertThat(parts.get(0).body()).contains("0x8ff0000e").contains("MSCRMCallerID");
    }

    @Test
    void aPartMayRepeatTheBatchsOwnCaller() {
        String body = batch(
                "batch_test",
                request(Optional.empty(), "GET", CUSTOMERS + "?$top=1", null, "MSCRMCallerID", USMF_WRITER.toString()));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body));

        assertThat(parts.get(0).status()).as(parts.get(0).body()).isEqualTo(200);
    }

    @Test
    void unknownAndDuplicateContentIdsAreRefused() throws SQLException {
        String unknown = batch(
                "batch_test",
                changeset(
                        "changeset_e",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-401")),
                        request(Optional.of("2"), "POST", ORDERS, order("usmf", "BATCH-SO-401", "$9"))));
        Multipart.Part refused = parts(send(gateway, USMF_WRITER, unknown)).get(0);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("$9").contains("mserp_Customer@odata.bind");

        String duplicate = batch(
                "batch_test",
                changeset(
                        "changeset_f",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-402")),
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-403"))));
        String etagReference = batch(
                "batch_test",
                changeset(
                        "changeset_q",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-404")),
                        request(Optional.of("2"), "PATCH", "$1", "{\"mserp_creditlimit\":1}", "If-Match", "$1")));
        Multipart.Part etag = parts(send(gateway, USMF_WRITER, etagReference)).get(0);
        assertThat(etag.status()).isEqualTo(400);
        assertThat(etag.body()).contains("0x8ff0000e").contains("If-Match");

        Multipart.Part twice = parts(send(gateway, USMF_WRITER, duplicate)).get(0);
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.body()).contains("Content-ID '1' is used twice");
        assertThat(
                        backend.count(
                                "SELECT COUNT(*) FROM erp.customer WHERE account_num IN ('BATCH-401', 'BATCH-402', 'BATCH-403', 'BATCH-404')"))
                .isZero();
    }

    @Test
    void referencesWorkOnlyInsideAChangesetAndSystemResourcesAreNoReferences() {
        String body = batch(
                "batch_test",
                request(Optional.empty(), "PATCH", "$1", "{\"mserp_creditlimit\":1}"),
                request(Optional.empty(), "GET", "$metadata", null));

        List<Multipart.Part> parts = parts(send(gateway, USMF_WRITER, body, "Prefer", "odata.continue-on-error"));

        assertThat(parts).extracting(Multipart.Part::status).containsExactly(400, 200);
        assertThat(parts.get(0).body()).contains("$1").contains("same changeset");
        assertThat(parts.get(1).body()).contains("<edmx:Edmx");
    }

    @Test
    void malformedBatchesAreRefusedWithTheLine() {
        Response noContentId = send(
                gateway,
                USMF_WRITER,
                batch(
                        "batch_test",
                        changeset(
                                "changeset_g",
                                request(Optional.empty(), "POST", CUSTOMERS, customer("usmf", "BATCH-501")))));
        assertThat(noContentId.statusCode()).isEqualTo(400);
        assertThat(noContentId.jsonPath().getString("error.code")).isEqualTo("0x8ff0000e");
        assertThat(noContentId.jsonPath().getString("error.message"))
                .contains("line")
                .contains("Content-ID");

        Response getInChangeset = send(
                gateway,
                USMF_WRITER,
                batch("batch_test", changeset("changeset_h", request(Optional.of("1"), "GET", CUSTOMERS, null))));
        assertThat(getInChangeset.statusCode()).isEqualTo(400);
        assertThat(getInChangeset.jsonPath().getString("error.message"))
                .contains("ChangeSet cannot contain retrieve requests");

        Response noBoundary = gateway.as(USMF_WRITER)
                .contentType("multipart/mixed")
                .body("--x--\r\n")
                .post("$batch");
        assertThat(noBoundary.statusCode()).isEqualTo(400);
        assertThat(noBoundary.jsonPath().getString("error.message")).contains("boundary");

        Response json = gateway.as(USMF_WRITER)
                .contentType("application/json")
                .body("{}")
                .post("$batch");
        assertThat(json.statusCode()).isEqualTo(415);

        Response nested =
                send(gateway, USMF_WRITER, batch("batch_test", request(Optional.empty(), "POST", "$batch", "{}")));
        assertThat(parts(nested).get(0).status()).isEqualTo(400);
        assertThat(parts(nested).get(0).body()).contains("cannot contain another $batch");
    }

    @Test
    void theRequestCountAndTheBodySizeAreLimited() throws SQLException {
        String four = batch(
                "batch_test",
                changeset(
                        "changeset_i",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("usmf", "BATCH-601")),
                        request(Optional.of("2"), "POST", CUSTOMERS, customer("usmf", "BATCH-602"))),
                request(Optional.empty(), "GET", CUSTOMERS + "?$top=1", null),
                request(Optional.empty(), "GET", CUSTOMERS + "?$top=1", null));
        Response tooMany = send(limited, USMF_WRITER, four);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.jsonPath().getString("error.code")).isEqualTo("0x8ff0000f");
        assertThat(tooMany.jsonPath().getString("error.message"))
                .contains("4 requests")
                .contains("at most 3");
        assertThat(backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num IN ('BATCH-601', 'BATCH-602')"))
                .isZero();

        String large = batch(
                "batch_test",
                request(
                        Optional.empty(),
                        "POST",
                        CUSTOMERS,
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"BATCH-603\",\"mserp_name\":\""
                                + "x".repeat(5000) + "\"}"));
        Response tooLarge = send(limited, USMF_WRITER, large);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.jsonPath().getString("error.message"))
                .contains("$batch body")
                .contains("4096");
    }

    @Test
    void aLargePartIsSentWholeWithItsLengthAndFinalTimings() {
        String body = batch(
                "batch_test",
                request(
                        Optional.empty(),
                        "GET",
                        "mserp_salesorderlinev2entities",
                        null,
                        "Prefer",
                        "odata.maxpagesize=5000"));

        Multipart.Part part = parts(send(gateway, ADMIN, body)).get(0);

        assertThat(part.status()).isEqualTo(200);
        int length = part.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(length)
                .as("larger than the 256 KiB a response sent alone buffers")
                .isGreaterThan(256 * 1024);
        assertThat(part.httpHeader("Content-Length")).isEqualTo(Integer.toString(length));
        assertThat(part.httpHeader("Server-Timing")).contains("total;dur=");
    }

    @Test
    void everyPartSaysItsOwnTimingsAndTheBatchItsTotal() {
        String body = batch("batch_test", request(Optional.empty(), "GET", CUSTOMERS + "?$top=2", null));

        Response response = send(gateway, ADMIN, body);

        assertThat(response.header("Server-Timing")).contains("total;dur=");
        assertThat(parts(response).get(0).httpHeader("Server-Timing")).contains("db;dur=");
        assertThat(parts(response).get(0).httpHeader("x-ms-service-request-id"))
                .isEqualTo(response.header("x-ms-service-request-id") + "/1");
    }
}
