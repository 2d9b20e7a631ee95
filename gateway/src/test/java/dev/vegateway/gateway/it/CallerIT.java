package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End-to-end caller identity (SPEC 5): which caller headers each kind of application may send,
 * how they resolve to a backend user, and the user rules (enabled, access mode, at least one
 * role, entity privilege), each refused with its own message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CallerIT {
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";
    private static final String VENDORS = "/mserp_vendvendorv2entities";
    private static final String PRODUCTS = "/mserp_ecoresreleasedproductv2entities";
    private static final String CATALOG = "/mserp_financeandoperationsentities";
    private static final String CALLER_NOT_ALLOWED = "0x8ff00032";
    private static final String MISSING_PRIVILEGE = "0x80040220";
    private static final String MALFORMED = "0x80048d19";

    private TestBackend backend;
    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.shared(kind(), "demo");
        gateway = TestGateway.start(backend, null);
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- users that may not call, each with its own message

    @Test
    void refusedUsersGetDistinctMessagesNamingTheRule() {
        UUID unknownCallerId = UUID.randomUUID();
        UUID unknownObjectId = UUID.randomUUID();
        Map<String, Response> responses = new LinkedHashMap<>();
        responses.put("unknown MSCRMCallerID", gateway.as(unknownCallerId).get(CUSTOMERS));
        responses.put("unknown CallerObjectId", gateway.asEntra(unknownObjectId).get(CUSTOMERS));
        responses.put("disabled", gateway.as(DemoIdentities.DORA_DISABLED.id()).get(CUSTOMERS));
        responses.put(
                "administrative",
                gateway.as(DemoIdentities.ADAM_ADMINISTRATIVE.id()).get(CUSTOMERS));
        responses.put("no role", gateway.as(DemoIdentities.NORA_NO_ROLE.id()).get(CUSTOMERS));

        Map<String, String> messages = new LinkedHashMap<>();
        responses.forEach((name, response) -> messages.put(name, assertError(response, 403, CALLER_NOT_ALLOWED)));

        assertThat(messages.get("unknown MSCRMCallerID"))
                .contains("MSCRMCallerID")
                .contains(unknownCallerId.toString());
        assertThat(messages.get("unknown CallerObjectId"))
                .contains("CallerObjectId")
                .contains(unknownObjectId.toString());
        assertThat(messages.get("disabled"))
                .contains(DemoIdentities.DORA_DISABLED.name())
                .containsIgnoringCase("disabled");
        assertThat(messages.get("administrative"))
                .contains(DemoIdentities.ADAM_ADMINISTRATIVE.name())
                .contains("Administrative");
        assertThat(messages.get("no role"))
                .contains(DemoIdentities.NORA_NO_ROLE.name())
                .containsIgnoringCase("role");
        assertThat(messages.values()).doesNotHaveDuplicates();
    }

    @Test
    void refusedUsersAreRefusedThroughCallerObjectIdToo() {
        assertThat(assertError(
                        gateway.asEntra(DemoIdentities.DORA_DISABLED.entraObjectId())
                                .get(CUSTOMERS),
                        403,
                        CALLER_NOT_ALLOWED))
                .containsIgnoringCase("disabled");
        assertThat(assertError(
                        gateway.asEntra(DemoIdentities.ADAM_ADMINISTRATIVE.entraObjectId())
                                .get(CUSTOMERS),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("Administrative");
        assertThat(assertError(
                        gateway.asEntra(DemoIdentities.NORA_NO_ROLE.entraObjectId())
                                .get(CUSTOMERS),
                        403,
                        CALLER_NOT_ALLOWED))
                .containsIgnoringCase("role");
    }

    @Test
    void refusedUsersCannotReadEvenTheCatalog() {
        // A named caller who may not call is refused outright, not downgraded to "no caller".
        assertError(gateway.as(DemoIdentities.DORA_DISABLED.id()).get(CATALOG), 403, CALLER_NOT_ALLOWED);
        assertError(gateway.as(UUID.randomUUID()).get("/"), 403, CALLER_NOT_ALLOWED);
    }

    @Test
    void stubUserCannotCall() {
        assertThat(assertError(gateway.as(DemoIdentities.ROW_OWNER_US.id()).get(CUSTOMERS), 403, CALLER_NOT_ALLOWED))
                .containsIgnoringCase("stub");
    }

    @Test
    void callerHeadersNamingDifferentUsers() {
        Response response = gateway.application()
                .header(
                        "CallerObjectId",
                        DemoIdentities.ALICE_SALES_MANAGER.entraObjectId().toString())
                .header(
                        "MSCRMCallerID",
                        DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id().toString())
                .get(CUSTOMERS);
        assertError(response, 403, CALLER_NOT_ALLOWED);
        Response same = gateway.application()
                .header(
                        "CallerObjectId",
                        DemoIdentities.ALICE_SALES_MANAGER.entraObjectId().toString())
                .header("MSCRMCallerID", DemoIdentities.ALICE_SALES_MANAGER.id().toString())
                .get(CUSTOMERS + "?$top=1");
        assertOk(same);
    }

    // ---- privileges

    @Test
    void userWithoutReadPrivilegeOnEntity() {
        String message =
                assertError(gateway.as(DemoIdentities.BOB_SALES_CLERK.id()).get(VENDORS), 403, MISSING_PRIVILEGE);
        assertThat(message).contains(DemoIdentities.BOB_SALES_CLERK.name()).contains("mserp_vendvendorv2entity");
        assertError(
                gateway.asEntra(DemoIdentities.BOB_SALES_CLERK.entraObjectId()).get(VENDORS + "/$count"),
                403,
                MISSING_PRIVILEGE);
    }

    @Test
    void companyRestrictedRoleSeesOnlyItsCompany() throws Exception {
        Response response =
                assertOk(gateway.as(DemoIdentities.BOB_SALES_CLERK.id()).get(CUSTOMERS + "?$select=mserp_dataareaid"));
        List<String> companies = response.jsonPath().getList("value.mserp_dataareaid");
        assertThat(companies).isNotEmpty().containsOnly("usmf");
        // His role reads customers at depth Local: those of his business unit only.
        assertThat(companies)
                .hasSize(count(
                        "SELECT COUNT(*) FROM erp.customer WHERE data_area_id = ? AND business_unit_id = ?",
                        "usmf",
                        DemoIdentities.BOB_SALES_CLERK.businessUnit().id()));
    }

    @Test
    void roleThroughTeamGrantsRead() throws Exception {
        Response response = assertOk(
                gateway.asEntra(DemoIdentities.DAVE_TEAM_MEMBER.entraObjectId()).get(VENDORS));
        assertThat(response.jsonPath().getList("value")).hasSize(count("SELECT COUNT(*) FROM erp.vendor"));
        assertError(gateway.as(DemoIdentities.DAVE_TEAM_MEMBER.id()).get(CUSTOMERS), 403, MISSING_PRIVILEGE);
    }

    // ---- no caller header (Dataverse application)

    @Test
    void noCallerReadsServiceDocumentMetadataAndCatalog() {
        Response serviceDocument = assertOk(gateway.application().get("/"));
        assertThat(serviceDocument.jsonPath().getList("value.url", String.class))
                .contains(CATALOG.substring(1), CUSTOMERS.substring(1));
        Response metadata = gateway.application().get("/$metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.asString()).contains("<edmx:Edmx");
        Response catalog = assertOk(gateway.application().get(CATALOG));
        assertThat(catalog.jsonPath().getList("value")).isNotEmpty();
    }

    /** Prefer: odata.maxpagesize pages the catalog set too; walking its nextLinks reads every entity once. */
    @Test
    void theCatalogSetHonoursTheMaximumPageSize() {
        List<String> all = assertOk(gateway.application().get(CATALOG))
                .jsonPath()
                .getList("value.mserp_logicalname", String.class);
        List<String> walked = new ArrayList<>();
        Response page = assertOk(
                gateway.application().header("Prefer", "odata.maxpagesize=2").get(CATALOG));
        assertThat(page.header("Preference-Applied")).contains("odata.maxpagesize=2");
        while (true) {
            List<String> names = page.jsonPath().getList("value.mserp_logicalname", String.class);
            assertThat(names.size()).isLessThanOrEqualTo(2);
            walked.addAll(names);
            String next = page.jsonPath().getString("'@odata.nextLink'");
            if (next == null) {
                break;
            }
            String path = next.substring(next.indexOf("/api/data/v9.2/") + "/api/data/v9.2".length());
            page = assertOk(gateway.application()
                    .urlEncodingEnabled(false)
                    .header("Prefer", "odata.maxpagesize=2")
                    .get(path));
        }
        assertThat(walked).isEqualTo(all).hasSizeGreaterThan(2);
        assertError(gateway.application().get(CATALOG + "?$skiptoken=abc"), 400, "0x8ff00004");
    }

    /** WhoAmI names the mapped backend user: the Dataverse user, or the user a portal contact is mapped to. */
    @Test
    void whoAmINamesTheMappedUserAndItsBusinessUnit() {
        Response leo = assertOk(gateway.as(DemoIdentities.LEO_LOCAL.id()).get("/WhoAmI"));
        assertThat(leo.jsonPath().getString("UserId"))
                .isEqualTo(DemoIdentities.LEO_LOCAL.id().toString());
        assertThat(leo.jsonPath().getString("BusinessUnitId"))
                .isEqualTo(DemoIdentities.LEO_LOCAL.businessUnit().id().toString());
        assertThat(leo.jsonPath().getString("'@odata.context'"))
                .endsWith("$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse");
        Response paula =
                assertOk(gateway.portal(DemoIdentities.PAULA_CONTACT.id()).get("/WhoAmI()"));
        assertThat(paula.jsonPath().getString("UserId"))
                .isEqualTo(DemoIdentities.PAULA_PORTAL.id().toString());
        assertThat(paula.jsonPath().getString("OrganizationId"))
                .isEqualTo(leo.jsonPath().getString("OrganizationId"));
        assertError(gateway.application().get("/WhoAmI"), 403, "0x8ff00032");
        assertThat(gateway.application().get("/$metadata").asString())
                .contains("<Function Name=\"WhoAmI\"", "<FunctionImport Name=\"WhoAmI\"");
    }

    @Test
    void noCallerIsRefusedOnEveryDataEntitySet() {
        List<String> sets = new ArrayList<>(
                assertOk(gateway.application().get("/")).jsonPath().getList("value.url", String.class));
        sets.remove(CATALOG.substring(1));
        assertThat(sets).hasSizeGreaterThanOrEqualTo(7);
        for (String set : sets) {
            assertThat(assertError(gateway.application().get("/" + set), 403, CALLER_NOT_ALLOWED))
                    .as(set)
                    .contains("Unable to determine the user");
            assertThat(assertError(gateway.application().get("/" + set + "/$count"), 403, CALLER_NOT_ALLOWED))
                    .as(set)
                    .contains("Unable to determine the user");
        }
        assertThat(assertError(
                        gateway.application().get(CUSTOMERS + "(" + UUID.randomUUID() + ")"), 403, CALLER_NOT_ALLOWED))
                .contains("Unable to determine the user");
        Response queryExpression = gateway.application()
                .contentType("application/json")
                .body("{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"}}")
                .post("/RetrieveMultiple");
        assertThat(assertError(queryExpression, 403, CALLER_NOT_ALLOWED)).contains("Unable to determine the user");
    }

    @Test
    void malformedCallerHeaders() {
        assertThat(assertError(
                        gateway.application()
                                .header("MSCRMCallerID", "not-a-guid")
                                .get(CUSTOMERS),
                        400,
                        MALFORMED))
                .contains("MSCRMCallerID");
        assertThat(assertError(
                        gateway.application()
                                .header("CallerObjectId", "1' OR '1'='1")
                                .get(CUSTOMERS),
                        400,
                        MALFORMED))
                .contains("CallerObjectId");
        assertError(
                gateway.application()
                        .header("MSCRMCallerID", DemoIdentities.ALICE_SALES_MANAGER.id() + "0")
                        .get(CUSTOMERS),
                400,
                MALFORMED);
        assertThat(assertError(
                        gateway.portal(null)
                                .header("X-Portal-Contact-Id", "{guid}")
                                .get(PRODUCTS),
                        400,
                        MALFORMED))
                .contains("X-Portal-Contact-Id");
        // Malformed is refused even where no caller is needed.
        assertError(gateway.application().header("MSCRMCallerID", "12345").get("/"), 400, MALFORMED);
    }

    // ---- portal

    @Test
    void mappedPortalContactReadsItsCompany() throws Exception {
        Response response = assertOk(
                gateway.portal(DemoIdentities.PAULA_CONTACT.id()).get(CUSTOMERS + "?$select=mserp_dataareaid"));
        List<String> companies = response.jsonPath().getList("value.mserp_dataareaid");
        assertThat(companies).isNotEmpty().containsOnly("usmf");
        assertThat(companies).hasSize(count("SELECT COUNT(*) FROM erp.customer WHERE data_area_id = ?", "usmf"));
        assertOk(gateway.portal(DemoIdentities.PAULA_CONTACT.id()).get(PRODUCTS));
        assertError(gateway.portal(DemoIdentities.PAULA_CONTACT.id()).get(VENDORS), 403, MISSING_PRIVILEGE);
    }

    @Test
    void unmappedPortalContact() {
        UUID contact = UUID.randomUUID();
        assertThat(assertError(gateway.portal(contact).get(PRODUCTS), 403, CALLER_NOT_ALLOWED))
                .contains(contact.toString())
                .contains("not mapped");
        // Mallory's contact is mapped, but to a user holding System administrator: refused at run time.
        assertThat(assertError(
                        gateway.portal(DemoIdentities.MALLORY_CONTACT.id()).get(CUSTOMERS), 403, CALLER_NOT_ALLOWED))
                .contains("System administrator")
                .doesNotContain("not mapped");
    }

    @Test
    void anonymousPortalVisitor() throws Exception {
        Response products = assertOk(gateway.portal(null).get(PRODUCTS));
        // Role "Anonymous visitor" filters products to released ones.
        assertThat(products.jsonPath().getList("value"))
                .hasSize(count("SELECT COUNT(*) FROM erp.released_product WHERE is_released = ?", true));
        String message = assertError(gateway.portal(null).get(CUSTOMERS), 403, MISSING_PRIVILEGE);
        assertThat(message).contains(DemoIdentities.ANONYMOUS_PORTAL.name()).contains("mserp_custcustomerv3entity");
    }

    @Test
    void portalApplicationMayNotSendDataverseCallerHeaders() {
        String sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id().toString();
        String samEntra =
                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.entraObjectId().toString();
        assertThat(assertError(
                        gateway.portal(null).header("CallerObjectId", samEntra).get(CUSTOMERS),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("CallerObjectId")
                .contains("portal");
        assertThat(assertError(
                        gateway.portal(null).header("MSCRMCallerID", sam).get(CUSTOMERS), 403, CALLER_NOT_ALLOWED))
                .contains("MSCRMCallerID")
                .contains("portal");
        assertError(
                gateway.portal(DemoIdentities.PAULA_CONTACT.id())
                        .header("CallerObjectId", samEntra)
                        .get(CUSTOMERS),
                403,
                CALLER_NOT_ALLOWED);
    }

    @Test
    void dataverseApplicationMayNotSendPortalContact() {
        String contact = DemoIdentities.PAULA_CONTACT.id().toString();
        assertThat(assertError(
                        gateway.application()
                                .header("X-Portal-Contact-Id", contact)
                                .get(CUSTOMERS),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("X-Portal-Contact-Id");
        assertError(
                gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                        .header("X-Portal-Contact-Id", contact)
                        .get(CUSTOMERS),
                403,
                CALLER_NOT_ALLOWED);
    }

    // ---- helpers

    private int count(String sql, Object... parameters) throws Exception {
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static Response assertOk(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        return response;
    }

    /** Asserts the status and the gateway's error JSON, and returns the message. */
    private static String assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        assertThat(response.header("x-ms-service-request-id")).isNotBlank();
        assertThat(response.header("Server-Timing")).contains("auth;dur=").contains("total;dur=");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        String message = response.jsonPath().getString("error.message");
        assertThat(message).isNotBlank().doesNotContain("Exception");
        return message;
    }
}
