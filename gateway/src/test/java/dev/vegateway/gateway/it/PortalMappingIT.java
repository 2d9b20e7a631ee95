package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.BuiltInRoles;
import dev.vegateway.adapter.security.Depth;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.security.UserKind;
import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The portal mapping table through the API (issue 3, item 7; SPEC 5): readable and writable only
 * by System and Security administrators, every change validated, written with its audit row in
 * one transaction and enforced at once on this node; and security changes made by another
 * process (a {@code vegateway security import} into the same database) enforced within about a
 * second. Every write is checked against the database directly.
 *
 * <p>The security data is the demo file's, read at run time, plus this test's own users and
 * roles (ids {@code 00000000-0000-4000-8000-0000000009NN}), so that the demo can change freely.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PortalMappingIT {
    private static final String MAPPINGS = "/msdyn_externalportalusermappings";
    private static final String AUDITS = "/msdyn_externalportalusermappingaudits";
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";
    private static final String CUSTOMER_ENTITY = "mserp_custcustomerv3entity";
    private static final String MAPPING_ENTITY = "msdyn_externalportalusermapping";
    private static final String SCHEMA = "\"vegateway_security\"";

    private static final String MALFORMED = "0x80048d19";
    private static final String VALIDATION = "0x80044331";
    private static final String MISSING_PRIVILEGE = "0x80040220";
    private static final String CALLER_NOT_ALLOWED = "0x8ff00032";
    private static final String RECORD_NOT_FOUND = "0x80040217";
    private static final String DUPLICATE = "0x80040237";
    private static final String METHOD_NOT_ALLOWED = "0x8ff00005";

    private static final UUID SECURITY_ADMINISTRATOR = id(901);
    private static final UUID SYSTEM_ADMINISTRATOR = id(902);
    private static final UUID SALES_MANAGER = id(903);
    private static final UUID PORTAL_USER = id(904);
    private static final UUID OTHER_PORTAL_USER = id(905);
    private static final UUID STUB_USER = id(906);
    private static final UUID MAPPED_CONTACT = id(951);
    private static final String SALES_MANAGER_ROLE = "Mapping test sales manager";
    private static final String PORTAL_ROLE = "Mapping test portal customer";

    private TestBackend backend;
    private TestGateway gateway;
    private SecurityDocument security;
    private String company;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        security = securityData(customersReadable(true));
        gateway = TestGateway.start(backend, security.toYaml());
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- who may

    @Test
    void securityAdministratorCreatesReadsUpdatesAndDeletesAMapping() throws Exception {
        UUID contact = UUID.randomUUID();
        RequestSpecification admin = gateway.as(SECURITY_ADMINISTRATOR);

        Response created = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"msdyn_contactid\":\"" + contact + "\",\"msdyn_userid\":\"" + PORTAL_USER
                                + "\",\"msdyn_company\":\"" + company.toUpperCase(java.util.Locale.ROOT) + "\"}")
                .post(MAPPINGS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        assertThat(created.header("OData-EntityId"))
                .isEqualTo(gateway.serviceRoot() + MAPPINGS.substring(1) + "(" + contact + ")");
        assertThat(created.header("Server-Timing")).contains("db;dur=");
        assertThat(storedMappings()).containsEntry(contact, PORTAL_USER + " " + company);

        Response read = admin.get(MAPPINGS + "(" + contact + ")");
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        assertThat(read.jsonPath().getString("msdyn_externalportalusermappingid"))
                .isEqualTo(contact.toString());
        assertThat(read.jsonPath().getString("msdyn_contactid")).isEqualTo(contact.toString());
        assertThat(read.jsonPath().getString("msdyn_userid")).isEqualTo(PORTAL_USER.toString());
        assertThat(read.jsonPath().getString("msdyn_company")).isEqualTo(company);
        assertThat(read.jsonPath().getString("msdyn_modifiedby")).isEqualTo("Sue Securityadmin");
        assertThat(OffsetDateTime.parse(read.jsonPath().getString("msdyn_modifiedon")))
                .isAfter(OffsetDateTime.now(ZoneId.systemDefault()).minusMinutes(5));

        Response filtered = gateway.as(SECURITY_ADMINISTRATOR)
                .get(MAPPINGS + "?$filter=msdyn_userid%20eq%20" + PORTAL_USER + "%20and%20msdyn_contactid%20eq%20"
                        + contact + "&$select=msdyn_company&$count=true");
        assertThat(filtered.statusCode()).as(filtered.asString()).isEqualTo(200);
        assertThat(filtered.jsonPath().getInt("'@odata.count'")).isEqualTo(1);
        assertThat(filtered.jsonPath().getList("value")).hasSize(1);
        assertThat(filtered.jsonPath().getMap("value[0]"))
                .containsOnlyKeys("msdyn_company", "msdyn_externalportalusermappingid");
        Response top = gateway.as(SECURITY_ADMINISTRATOR).get(MAPPINGS + "?$top=1&$orderby=msdyn_contactid%20desc");
        assertThat(top.jsonPath().getList("value")).hasSize(1);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR).get(MAPPINGS + "/$count").asString())
                .isEqualTo(Integer.toString(storedMappings().size()));

        Response patched = json(gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_company\":null}")
                .patch(MAPPINGS + "(" + contact + ")");
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(204);
        assertThat(storedMappings()).containsEntry(contact, PORTAL_USER + " null");

        Response represented = json(
                        gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_userid\":\"" + OTHER_PORTAL_USER + "\"}")
                .header("Prefer", "return=representation")
                .patch(MAPPINGS + "(" + contact + ")");
        assertThat(represented.statusCode()).as(represented.asString()).isEqualTo(200);
        assertThat(represented.header("Preference-Applied")).isEqualTo("return=representation");
        assertThat(represented.jsonPath().getString("msdyn_userid")).isEqualTo(OTHER_PORTAL_USER.toString());
        assertThat(represented.jsonPath().getString("msdyn_company")).isNull();
        assertThat(storedMappings()).containsEntry(contact, OTHER_PORTAL_USER + " null");

        Response deleted = gateway.as(SECURITY_ADMINISTRATOR).delete(MAPPINGS + "(" + contact + ")");
        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(204);
        assertThat(storedMappings()).doesNotContainKey(contact);
        assertError(gateway.as(SECURITY_ADMINISTRATOR).get(MAPPINGS + "(" + contact + ")"), 404, RECORD_NOT_FOUND);

        // the audit: one row per change, with before and after, by JDBC and through the audit entity set
        String withCompany = mappingJson(contact, PORTAL_USER, company);
        String anyCompany = mappingJson(contact, PORTAL_USER, null);
        String otherUser = mappingJson(contact, OTHER_PORTAL_USER, null);
        List<List<String>> expected = List.of(
                List.of("CREATE", "null", withCompany),
                List.of("UPDATE", withCompany, anyCompany),
                List.of("UPDATE", anyCompany, otherUser),
                List.of("DELETE", otherUser, "null"));
        assertThat(auditRows(contact)).isEqualTo(expected);
        assertThat(auditAuthors(contact)).containsOnly(SECURITY_ADMINISTRATOR + " " + TestGateway.DATAVERSE_APP);

        Response audit = gateway.as(SECURITY_ADMINISTRATOR)
                .get(AUDITS + "?$filter=msdyn_contactid%20eq%20" + contact + "&$orderby=msdyn_changedon");
        assertThat(audit.statusCode()).as(audit.asString()).isEqualTo(200);
        List<Map<String, Object>> entries = audit.jsonPath().getList("value");
        assertThat(entries)
                .extracting(entry -> List.of(
                        String.valueOf(entry.get("msdyn_operation")),
                        String.valueOf(entry.get("msdyn_before")),
                        String.valueOf(entry.get("msdyn_after"))))
                .isEqualTo(List.of(
                        List.of("create", "null", withCompany),
                        List.of("update", withCompany, anyCompany),
                        List.of("update", anyCompany, otherUser),
                        List.of("delete", otherUser, "null")));
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("msdyn_changedby")).isEqualTo(SECURITY_ADMINISTRATOR.toString());
            assertThat(entry.get("msdyn_applicationid")).isEqualTo(TestGateway.DATAVERSE_APP);
        });
        Object auditId = entries.get(0).get("msdyn_externalportalusermappingauditid");
        Response one = gateway.as(SECURITY_ADMINISTRATOR).get(AUDITS + "(" + auditId + ")");
        assertThat(one.statusCode()).as(one.asString()).isEqualTo(200);
        assertThat(one.jsonPath().getString("msdyn_operation")).isEqualTo("create");
    }

    @Test
    void systemAdministratorMayManageMappingsToo() throws Exception {
        UUID contact = UUID.randomUUID();
        Response created = json(
                        gateway.as(SYSTEM_ADMINISTRATOR),
                        "{\"msdyn_externalportalusermappingid\":\"" + contact + "\",\"msdyn_userid\":\"" + PORTAL_USER
                                + "\",\"@odata.type\":\"Microsoft.Dynamics.CRM.msdyn_externalportalusermapping\"}")
                .header("Prefer", "return=representation")
                .post(MAPPINGS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.jsonPath().getString("'@odata.context'"))
                .isEqualTo(gateway.serviceRoot() + "$metadata#" + MAPPINGS.substring(1) + "/$entity");
        assertThat(created.jsonPath().getString("msdyn_contactid")).isEqualTo(contact.toString());
        assertThat(created.jsonPath().getString("msdyn_modifiedby")).isEqualTo("Stan Sysadmin");
        assertThat(storedMappings()).containsEntry(contact, PORTAL_USER + " null");
        assertThat(gateway.as(SYSTEM_ADMINISTRATOR).get(AUDITS).statusCode()).isEqualTo(200);

        assertThat(gateway.as(SYSTEM_ADMINISTRATOR)
                        .delete(MAPPINGS + "(" + contact + ")")
                        .statusCode())
                .isEqualTo(204);
        assertThat(storedMappings()).doesNotContainKey(contact);
        assertThat(auditRows(contact)).extracting(row -> row.get(0)).containsExactly("CREATE", "DELETE");
        assertThat(auditAuthors(contact)).containsOnly(SYSTEM_ADMINISTRATOR + " " + TestGateway.DATAVERSE_APP);
    }

    @Test
    void othersAreRefusedWith403NamingTheEntityAndNothingIsWritten() throws Exception {
        Map<UUID, String> before = storedMappings();
        long audited = auditCount();
        String body = "{\"msdyn_contactid\":\"" + UUID.randomUUID() + "\",\"msdyn_userid\":\"" + PORTAL_USER + "\"}";
        Map<String, Supplier<RequestSpecification>> callers = new LinkedHashMap<>();
        callers.put("sales manager", () -> gateway.as(SALES_MANAGER));
        callers.put("portal contact", () -> gateway.portal(MAPPED_CONTACT));
        for (Map.Entry<String, Supplier<RequestSpecification>> caller : callers.entrySet()) {
            List<Response> responses = List.of(
                    caller.getValue().get().get(MAPPINGS),
                    caller.getValue().get().get(MAPPINGS + "(" + MAPPED_CONTACT + ")"),
                    caller.getValue().get().get(MAPPINGS + "/$count"),
                    json(caller.getValue().get(), body).post(MAPPINGS),
                    json(caller.getValue().get(), "{\"msdyn_company\":null}")
                            .patch(MAPPINGS + "(" + MAPPED_CONTACT + ")"),
                    caller.getValue().get().delete(MAPPINGS + "(" + MAPPED_CONTACT + ")"));
            for (Response response : responses) {
                assertThat(assertError(response, 403, MISSING_PRIVILEGE))
                        .as(caller.getKey())
                        .contains(MAPPING_ENTITY)
                        .contains("System administrator")
                        .contains("Security administrator");
            }
            assertThat(assertError(caller.getValue().get().get(AUDITS), 403, MISSING_PRIVILEGE))
                    .contains(MAPPING_ENTITY + "audit");
        }
        assertError(gateway.application().get(MAPPINGS), 403, CALLER_NOT_ALLOWED);
        assertThat(storedMappings()).isEqualTo(before);
        assertThat(auditCount()).isEqualTo(audited);
    }

    @Test
    void theAuditIsReadOnly() throws Exception {
        long audited = auditCount();
        UUID anyId = UUID.randomUUID();
        assertError(json(gateway.as(SECURITY_ADMINISTRATOR), "{}").post(AUDITS), 405, METHOD_NOT_ALLOWED);
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{}").patch(AUDITS + "(" + anyId + ")"),
                405,
                METHOD_NOT_ALLOWED);
        assertError(gateway.as(SECURITY_ADMINISTRATOR).delete(AUDITS + "(" + anyId + ")"), 405, METHOD_NOT_ALLOWED);
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{}").put(MAPPINGS + "(" + MAPPED_CONTACT + ")"),
                405,
                METHOD_NOT_ALLOWED);
        assertThat(auditCount()).isEqualTo(audited);
    }

    // ---- validation: each refusal names the property, and nothing is written

    @Test
    void invalidChangesAreRefusedNamingThePropertyAndWriteNothing() throws Exception {
        UUID contact = UUID.randomUUID();
        String portalUser = "\"msdyn_userid\":\"" + PORTAL_USER + "\"";
        String contactId = "\"msdyn_contactid\":\"" + contact + "\"";
        assertRefused(
                post("{" + contactId + "," + portalUser + ",\"msdyn_nickname\":\"x\"}"),
                400,
                VALIDATION,
                "'msdyn_nickname'");
        assertRefused(post("{" + contactId + ",\"msdyn_userid\":\"not-a-guid\"}"), 400, VALIDATION, "'msdyn_userid'");
        assertRefused(
                post("{\"msdyn_contactid\":\"1-2-3-4-5\"," + portalUser + "}"), 400, VALIDATION, "'msdyn_contactid'");
        assertRefused(
                post("{" + contactId + ",\"msdyn_userid\":\"" + SYSTEM_ADMINISTRATOR + "\"}"),
                400,
                VALIDATION,
                "'msdyn_userid'",
                "Stan Sysadmin",
                "System administrator");
        assertRefused(
                post("{" + contactId + ",\"msdyn_userid\":\"" + SECURITY_ADMINISTRATOR + "\"}"),
                400,
                VALIDATION,
                "'msdyn_userid'",
                "Security administrator");
        assertRefused(
                post("{" + contactId + ",\"msdyn_userid\":\"" + STUB_USER + "\"}"),
                400,
                VALIDATION,
                "'msdyn_userid'",
                "stub");
        assertRefused(
                post("{" + contactId + ",\"msdyn_userid\":\"" + SALES_MANAGER + "\"}"),
                400,
                VALIDATION,
                "'msdyn_userid'",
                BuiltInRoles.AUTHORIZED_PORTAL_USER);
        assertRefused(
                post("{" + contactId + ",\"msdyn_userid\":\"" + UUID.randomUUID() + "\"}"),
                400,
                VALIDATION,
                "'msdyn_userid'");
        assertRefused(
                post("{" + contactId + "," + portalUser + ",\"msdyn_company\":\"zzzz\"}"),
                400,
                VALIDATION,
                "'msdyn_company'",
                "zzzz");
        assertRefused(
                post("{" + contactId + "," + portalUser + ",\"msdyn_company\":\"toolong\"}"),
                400,
                VALIDATION,
                "'msdyn_company'");
        assertRefused(
                post("{" + contactId + "," + portalUser + ",\"msdyn_modifiedby\":\"me\"}"),
                400,
                VALIDATION,
                "'msdyn_modifiedby'");
        assertRefused(post("{" + portalUser + "}"), 400, VALIDATION, "'msdyn_contactid'");
        assertRefused(
                post("{\"msdyn_contactid\":\"" + MAPPED_CONTACT + "\"," + portalUser + "}"),
                409,
                DUPLICATE,
                MAPPED_CONTACT.toString());
        assertRefused(post("{" + contactId + "," + portalUser), 400, MALFORMED, "JSON");
        assertRefused(post("[\"" + PORTAL_USER + "\"]"), 400, MALFORMED, "JSON object");

        String mapped = MAPPINGS + "(" + MAPPED_CONTACT + ")";
        assertRefused(
                () -> json(gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_userid\":\"" + STUB_USER + "\"}")
                        .patch(mapped),
                400,
                VALIDATION,
                "'msdyn_userid'");
        assertRefused(
                () -> json(gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_contactid\":\"" + contact + "\"}")
                        .patch(mapped),
                400,
                VALIDATION,
                "'msdyn_contactid'");
        assertRefused(
                () -> json(gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_company\":\"zzzz\"}")
                        .patch(mapped),
                400,
                VALIDATION,
                "'msdyn_company'");
        assertRefused(
                () -> json(gateway.as(SECURITY_ADMINISTRATOR), "{\"msdyn_company\":null}")
                        .patch(MAPPINGS + "(" + contact + ")"),
                404,
                RECORD_NOT_FOUND,
                contact.toString());
        assertRefused(
                () -> gateway.as(SECURITY_ADMINISTRATOR).delete(MAPPINGS + "(" + contact + ")"),
                404,
                RECORD_NOT_FOUND,
                contact.toString());
    }

    // ---- enforcement

    @Test
    void aNewMappingIsUsableAtOnceAndADeletedOneIsRefusedAtOnce() {
        UUID contact = UUID.randomUUID();
        // the gateway now has the contact's absence in its caches
        assertThat(assertError(gateway.portal(contact).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED))
                .contains(contact.toString());

        Response created = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"msdyn_contactid\":\"" + contact + "\",\"msdyn_userid\":\"" + PORTAL_USER + "\"}")
                .post(MAPPINGS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        Response portal = gateway.portal(contact).get(CUSTOMERS + "?$top=1");
        assertThat(portal.statusCode()).as(portal.asString()).isEqualTo(200);

        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .delete(MAPPINGS + "(" + contact + ")")
                        .statusCode())
                .isEqualTo(204);
        assertThat(assertError(gateway.portal(contact).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED))
                .contains(contact.toString());
    }

    @Test
    void anImportByAnotherProcessIsEnforcedWithinASecond() throws Exception {
        assertThat(gateway.as(SALES_MANAGER).get(CUSTOMERS + "?$top=1").statusCode())
                .as("cached: may read customers")
                .isEqualTo(200);
        try (HikariDataSource dataSource =
                Backends.dataSource(gateway.gateway().config().backend())) {
            // another process (vegateway security import) with its own store on the same database
            SecurityStore otherProcess = new SecurityStore(
                    dataSource, gateway.gateway().config().backend().securitySchema());
            try {
                otherProcess.replaceAll(securityData(customersReadable(false)));
                Response refused = awaitStatus(
                        () -> gateway.as(SALES_MANAGER).get(CUSTOMERS + "?$top=1"), 403, Duration.ofMillis(1500));
                assertThat(assertError(refused, 403, MISSING_PRIVILEGE))
                        .contains("Manny Manager")
                        .contains(CUSTOMER_ENTITY);
            } finally {
                otherProcess.replaceAll(security);
            }
            awaitStatus(() -> gateway.as(SALES_MANAGER).get(CUSTOMERS + "?$top=1"), 200, Duration.ofMillis(1500));
        }
    }

    // ---- the security data: the demo file's plus this test's users

    private SecurityDocument securityData(Role salesManager) throws Exception {
        SecurityDocument demo;
        try (InputStream in = PortalMappingIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = SecurityDocument.parse("demo/security.yaml", new String(in.readAllBytes(), UTF_8), Optional.empty());
        }
        company = demo.companies().get(0);
        String unit = demo.businessUnits().stream()
                .filter(each -> each.parent().isEmpty())
                .findFirst()
                .orElseThrow()
                .name();
        List<Role> roles = new ArrayList<>(demo.roles());
        roles.add(salesManager);
        roles.add(new Role(PORTAL_ROLE, List.of(read(CUSTOMER_ENTITY)), List.of(), List.of(), List.of()));
        List<User> users = new ArrayList<>(demo.users());
        users.add(person(SECURITY_ADMINISTRATOR, "Sue Securityadmin", unit, BuiltInRoles.SECURITY_ADMINISTRATOR));
        users.add(person(SYSTEM_ADMINISTRATOR, "Stan Sysadmin", unit, BuiltInRoles.SYSTEM_ADMINISTRATOR));
        users.add(person(SALES_MANAGER, "Manny Manager", unit, SALES_MANAGER_ROLE));
        users.add(person(PORTAL_USER, "Petra Portal", unit, BuiltInRoles.AUTHORIZED_PORTAL_USER, PORTAL_ROLE));
        users.add(person(OTHER_PORTAL_USER, "Otto Portal", unit, BuiltInRoles.AUTHORIZED_PORTAL_USER, PORTAL_ROLE));
        users.add(new User(
                STUB_USER,
                "Stubby Owner",
                Optional.empty(),
                true,
                AccessMode.NON_INTERACTIVE,
                UserKind.STUB,
                Optional.of(unit),
                Map.of(),
                List.of(),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        List<PortalMapping> mappings = new ArrayList<>(demo.portal().mappings());
        mappings.add(new PortalMapping(MAPPED_CONTACT, PORTAL_USER, Optional.empty()));
        return new SecurityDocument(
                demo.businessUnits(),
                demo.companies(),
                roles,
                users,
                demo.teams(),
                demo.applications(),
                new Portal(demo.portal().anonymousUser(), mappings));
    }

    /** The sales manager role: customers readable or not; legal entities always, so that the user keeps a role. */
    private static Role customersReadable(boolean readable) {
        List<EntityPrivileges> privileges = new ArrayList<>();
        privileges.add(read("mserp_legalentity"));
        if (readable) {
            privileges.add(read(CUSTOMER_ENTITY));
        }
        return new Role(SALES_MANAGER_ROLE, privileges, List.of(), List.of(), List.of());
    }

    private static EntityPrivileges read(String entity) {
        return new EntityPrivileges(entity, Map.of(Privilege.READ, Depth.GLOBAL));
    }

    private static User person(UUID id, String name, String unit, String... roles) {
        return new User(
                id,
                name,
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of(unit),
                Map.of(),
                List.of(roles).stream().map(RoleAssignment::unrestricted).toList(),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE);
    }

    private static UUID id(int number) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", number));
    }

    // ---- helpers

    private Supplier<Response> post(String body) {
        return () -> json(gateway.as(SECURITY_ADMINISTRATOR), body).post(MAPPINGS);
    }

    private static RequestSpecification json(RequestSpecification request, String body) {
        return request.contentType("application/json").body(body);
    }

    /** Refused with this status and code, the message containing each of {@code mentions}; mappings and audit as before. */
    private void assertRefused(Supplier<Response> change, int status, String code, String... mentions)
            throws SQLException {
        Map<UUID, String> before = storedMappings();
        long audited = auditCount();
        String message = assertError(change.get(), status, code);
        assertThat(message).contains(mentions);
        assertThat(storedMappings()).isEqualTo(before);
        assertThat(auditCount()).isEqualTo(audited);
    }

    /** Repeats the request until it answers {@code status}, failing if that takes longer than {@code deadline}. */
    private static Response awaitStatus(Supplier<Response> request, int status, Duration deadline)
            throws InterruptedException {
        long started = System.nanoTime();
        while (true) {
            Response response = request.get();
            if (response.statusCode() == status) {
                return response;
            }
            long elapsed = System.nanoTime() - started;
            assertThat(Duration.ofNanos(elapsed))
                    .as("still %d, not %d: %s", response.statusCode(), status, response.asString())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Contact → "user company" as stored. */
    private Map<UUID, String> storedMappings() throws SQLException {
        Map<UUID, String> mappings = new LinkedHashMap<>();
        try (Connection connection = backend.connect();
                PreparedStatement select = connection.prepareStatement("SELECT contact_id, user_id, company_code FROM "
                        + SCHEMA + ".portal_mappings ORDER BY sort_order");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                mappings.put(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class) + " " + rows.getString(3));
            }
        }
        return mappings;
    }

    /** The contact's audit rows as [operation, before, after], oldest first. */
    private List<List<String>> auditRows(UUID contact) throws SQLException {
        List<List<String>> audit = new ArrayList<>();
        try (Connection connection = backend.connect();
                PreparedStatement select =
                        connection.prepareStatement("SELECT operation, before_value, after_value FROM " + SCHEMA
                                + ".portal_mapping_audit WHERE contact_id = ? ORDER BY changed_at")) {
            select.setObject(1, contact);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    audit.add(List.of(
                            rows.getString(1), String.valueOf(rows.getString(2)), String.valueOf(rows.getString(3))));
                }
            }
        }
        return audit;
    }

    private List<String> auditAuthors(UUID contact) throws SQLException {
        List<String> authors = new ArrayList<>();
        try (Connection connection = backend.connect();
                PreparedStatement select = connection.prepareStatement("SELECT changed_by, application_id FROM "
                        + SCHEMA + ".portal_mapping_audit WHERE contact_id = ?")) {
            select.setObject(1, contact);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    authors.add(rows.getObject(1, UUID.class) + " " + rows.getString(2));
                }
            }
        }
        return authors;
    }

    private long auditCount() throws SQLException {
        try (Connection connection = backend.connect();
                PreparedStatement select =
                        connection.prepareStatement("SELECT COUNT(*) FROM " + SCHEMA + ".portal_mapping_audit");
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String mappingJson(UUID contact, UUID user, String company) {
        return "{\"msdyn_contactid\":\"" + contact + "\",\"msdyn_userid\":\"" + user + "\",\"msdyn_company\":"
                + (company == null ? "null" : "\"" + company + "\"") + "}";
    }

    /** Asserts the status and the gateway's error JSON, and returns the message. */
    private static String assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        String message = response.jsonPath().getString("error.message");
        assertThat(message).isNotBlank().doesNotContain("Exception");
        return message;
    }
}
