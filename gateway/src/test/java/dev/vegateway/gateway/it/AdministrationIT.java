package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.BuiltInRoles;
import dev.vegateway.adapter.security.SecurityAdministration;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.security.UserKind;
import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Dataverse administration sets (issue 15): {@code systemusers}, {@code businessunits},
 * {@code teams}, {@code roles} and their {@code $ref} associations, read and written by System and
 * Security administrators only, every change validated by the import's rules, audited, enforced at
 * once and exported; an Administrative-mode user reaches these sets and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdministrationIT {
    static final String MISSING_PRIVILEGE = "0x80040220";
    static final String CALLER_NOT_ALLOWED = "0x8ff00032";
    static final String VALIDATION = "0x80044331";
    static final String RECORD_NOT_FOUND = "0x80040217";
    static final String DUPLICATE = "0x80040237";
    static final String METHOD_NOT_ALLOWED = "0x8ff00005";
    static final String UNSUPPORTED_QUERY = "0x8ff00003";
    static final String CUSTOMERS = "/mserp_custcustomerv3entities";

    static final UUID SECURITY_ADMINISTRATOR = id(801);
    static final UUID SYSTEM_ADMINISTRATOR = id(802);
    static final UUID ADMINISTRATIVE = id(803);
    static final UUID PLAIN = id(804);
    static final UUID PORTAL_USER = UUID.fromString("00000000-0000-4000-8000-000000000009");

    private TestBackend backend;
    private TestGateway gateway;
    private UUID root;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        SecurityDocument security = securityData();
        root = security.businessUnits().stream()
                .filter(unit -> unit.parent().isEmpty())
                .findFirst()
                .orElseThrow()
                .id();
        gateway = TestGateway.start(backend, security.toYaml());
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void securityAdministratorCreatesAUserAndGivesItARoleThroughRef() throws Exception {
        UUID user = UUID.randomUUID();
        UUID objectId = UUID.randomUUID();
        Response created = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"systemuserid\":\"" + user
                                + "\",\"fullname\":\"Nina New\",\"azureactivedirectoryobjectid\":\"" + objectId
                                + "\",\"businessunitid@odata.bind\":\"/businessunits(" + root + ")\"}")
                .post("/systemusers");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        assertThat(created.header("OData-EntityId")).isEqualTo(gateway.serviceRoot() + "systemusers(" + user + ")");

        Response read = gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers(" + user + ")");
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        assertThat(read.jsonPath().getString("fullname")).isEqualTo("Nina New");
        assertThat(read.jsonPath().getString("azureactivedirectoryobjectid")).isEqualTo(objectId.toString());
        assertThat(read.jsonPath().getBoolean("isdisabled")).isFalse();
        assertThat(read.jsonPath().getInt("accessmode")).isEqualTo(0);
        assertThat(read.jsonPath().getString("_businessunitid_value")).isEqualTo(root.toString());

        // no role yet: refused
        assertError(gateway.as(user).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED);

        UUID role = SecurityAdministration.roleId("Customer service Global");
        Response associated = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"@odata.id\":\"" + gateway.serviceRoot() + "roles(" + role + ")\"}")
                .post("/systemusers(" + user + ")/systemuserroles_association/$ref");
        assertThat(associated.statusCode()).as(associated.asString()).isEqualTo(204);
        // enforced at once on this node
        Response customers = gateway.as(user).get(CUSTOMERS + "?$count=true&$top=1");
        assertThat(customers.statusCode()).as(customers.asString()).isEqualTo(200);
        assertThat(customers.jsonPath().getInt("'@odata.count'")).isPositive();

        Response roles =
                gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers(" + user + ")/systemuserroles_association");
        assertThat(roles.statusCode()).as(roles.asString()).isEqualTo(200);
        assertThat(roles.jsonPath().getList("value.name")).containsExactly("Customer service Global");
        Response references =
                gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers(" + user + ")/systemuserroles_association/$ref");
        assertThat(references.jsonPath().getList("value.'@odata.id'"))
                .containsExactly(gateway.serviceRoot() + "roles(" + role + ")");
        Response holders = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/roles(" + role + ")/systemuserroles_association?$select=fullname&$filter=systemuserid%20eq%20"
                        + user);
        assertThat(holders.jsonPath().getList("value.fullname")).containsExactly("Nina New");

        // a second association of the same role: duplicate
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"roles(" + role + ")\"}")
                        .post("/systemusers(" + user + ")/systemuserroles_association/$ref"),
                409,
                DUPLICATE);

        // exported as before
        SecurityDocument exported = export();
        User stored = exported.user(user).orElseThrow();
        assertThat(stored.roles()).containsExactly(RoleAssignment.unrestricted("Customer service Global"));
        assertThat(stored.entraObjectId()).contains(objectId);

        // disassociate: refused at once again
        Response removed = gateway.as(SECURITY_ADMINISTRATOR)
                .delete("/systemusers(" + user + ")/systemuserroles_association(" + role + ")/$ref");
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(204);
        assertThat(assertError(gateway.as(user).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED))
                .contains("holds no security role");
        assertError(
                gateway.as(SECURITY_ADMINISTRATOR)
                        .delete("/systemusers(" + user + ")/systemuserroles_association(" + role + ")/$ref"),
                404,
                RECORD_NOT_FOUND);

        // disable instead of delete
        assertError(gateway.as(SECURITY_ADMINISTRATOR).delete("/systemusers(" + user + ")"), 405, METHOD_NOT_ALLOWED);
        Response disabled = json(gateway.as(SECURITY_ADMINISTRATOR), "{\"isdisabled\":true}")
                .header("Prefer", "return=representation")
                .patch("/systemusers(" + user + ")");
        assertThat(disabled.statusCode()).as(disabled.asString()).isEqualTo(200);
        assertThat(disabled.jsonPath().getBoolean("isdisabled")).isTrue();
        assertThat(export().user(user).orElseThrow().enabled()).isFalse();

        // audited, one row per change, by the administrator through the Dataverse application
        List<SecurityAdministration.AuditEntry> audit = audit().stream()
                .filter(entry -> entry.recordId().startsWith(user.toString()))
                .toList();
        assertThat(audit)
                .extracting(SecurityAdministration.AuditEntry::operation)
                .containsExactly("create", "associate", "disassociate", "update");
        assertThat(audit).allSatisfy(entry -> {
            assertThat(entry.changedBy()).isEqualTo(SECURITY_ADMINISTRATOR);
            assertThat(entry.applicationId()).isEqualTo(TestGateway.DATAVERSE_APP);
        });
        assertThat(audit.get(0).before()).isEmpty();
        assertThat(audit.get(0).after().orElseThrow()).contains("Nina New");
        assertThat(audit.get(3).after().orElseThrow()).contains("\"enabled\":false");
    }

    @Test
    void collectionsTakeFilterSelectTopAndOrderbyAndRefuseWhatTheyCannotDo() {
        Response units = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/businessunits?$select=name&$filter=startswith(name,'Contoso%20U')&$orderby=name%20desc&$top=5");
        assertThat(units.statusCode()).as(units.asString()).isEqualTo(200);
        assertThat(units.jsonPath().getList("value.name")).containsExactly("Contoso US", "Contoso UK");
        assertThat(units.jsonPath().getMap("value[0]")).containsOnlyKeys("name", "businessunitid");

        Response users = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/systemusers?$filter=accessmode%20eq%201&$select=fullname&$orderby=fullname");
        assertThat(users.jsonPath().getList("value.fullname")).contains("Ada Administrative", "Adam Administrative");
        Response count = gateway.as(SECURITY_ADMINISTRATOR).get("/roles/$count");
        assertThat(count.statusCode()).as(count.asString()).isEqualTo(200);
        assertThat(Integer.parseInt(count.asString())).isGreaterThanOrEqualTo(BuiltInRoles.ALL.size());

        assertError(gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers?$filter=nosuch%20eq%201"), 400, null);
        assertThat(assertError(
                        gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers?$apply=groupby((fullname))"),
                        400,
                        UNSUPPORTED_QUERY))
                .contains("$apply");
        assertThat(assertError(
                        gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers?$expand=systemuserroles_association"),
                        400,
                        null))
                .isNotBlank();
        assertError(
                gateway.as(SECURITY_ADMINISTRATOR).get("/systemusers(" + UUID.randomUUID() + ")"),
                404,
                RECORD_NOT_FOUND);
        assertError(
                gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/systemusers(" + SECURITY_ADMINISTRATOR + ")/nosuch_association"),
                400,
                null);
    }

    @Test
    void onlyAdministratorsReadOrWriteTheSets() {
        for (String set : List.of("/systemusers", "/businessunits", "/teams", "/roles")) {
            assertThat(assertError(gateway.as(PLAIN).get(set), 403, MISSING_PRIVILEGE))
                    .contains("Pete Plain")
                    .contains("System administrator or a Security administrator");
            assertError(gateway.application().get(set), 403, CALLER_NOT_ALLOWED);
            assertThat(gateway.as(SYSTEM_ADMINISTRATOR).get(set).statusCode()).isEqualTo(200);
        }
        assertError(json(gateway.as(PLAIN), "{\"fullname\":\"Sneaky\"}").post("/systemusers"), 403, MISSING_PRIVILEGE);
        assertError(
                json(
                                gateway.as(PLAIN),
                                "{\"@odata.id\":\"roles(" + SecurityAdministration.roleId("Sales manager") + ")\"}")
                        .post("/systemusers(" + PLAIN + ")/systemuserroles_association/$ref"),
                403,
                MISSING_PRIVILEGE);
    }

    @Test
    void aSecurityAdministratorCannotMakeAnyoneSystemAdministrator() throws Exception {
        UUID systemAdministrator = SecurityAdministration.roleId(BuiltInRoles.SYSTEM_ADMINISTRATOR);
        assertThat(assertError(
                        json(
                                        gateway.as(SECURITY_ADMINISTRATOR),
                                        "{\"@odata.id\":\"roles(" + systemAdministrator + ")\"}")
                                .post("/systemusers(" + SECURITY_ADMINISTRATOR + ")/systemuserroles_association/$ref"),
                        403,
                        MISSING_PRIVILEGE))
                .contains("only a System administrator may grant");
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{\"isdisabled\":true}")
                        .patch("/systemusers(" + SYSTEM_ADMINISTRATOR + ")"),
                403,
                MISSING_PRIVILEGE);
        assertThat(export().user(SECURITY_ADMINISTRATOR).orElseThrow().roles())
                .extracting(RoleAssignment::role)
                .doesNotContain(BuiltInRoles.SYSTEM_ADMINISTRATOR);
        assertThat(export().user(SYSTEM_ADMINISTRATOR).orElseThrow().enabled()).isTrue();
    }

    @Test
    void changesAreValidatedByTheImportRules() throws Exception {
        long audited = audit().size();
        // a business-unit cycle: Contoso Europe under its own child Contoso Germany
        UUID europe = SecurityDocument.BusinessUnit.idFor("Contoso Europe");
        UUID germany = SecurityDocument.BusinessUnit.idFor("Contoso Germany");
        assertThat(assertError(
                        json(
                                        gateway.as(SECURITY_ADMINISTRATOR),
                                        "{\"parentbusinessunitid@odata.bind\":\"businessunits(" + germany + ")\"}")
                                .patch("/businessunits(" + europe + ")"),
                        400,
                        VALIDATION))
                .contains("cycle");
        // a portal user may not hold an administrator role (an import warning; refused here)
        UUID securityAdministrator = SecurityAdministration.roleId(BuiltInRoles.SECURITY_ADMINISTRATOR);
        assertThat(assertError(
                        json(
                                        gateway.as(SYSTEM_ADMINISTRATOR),
                                        "{\"@odata.id\":\"roles(" + securityAdministrator + ")\"}")
                                .post("/systemusers(" + PORTAL_USER + ")/systemuserroles_association/$ref"),
                        400,
                        VALIDATION))
                .contains("which a portal user may not hold");
        // a mapped portal user keeps CDSVirtualEntityAuthorizedPortalUser
        assertThat(assertError(
                        gateway.as(SECURITY_ADMINISTRATOR)
                                .delete("/systemusers(" + PORTAL_USER + ")/systemuserroles_association("
                                        + SecurityAdministration.roleId(BuiltInRoles.AUTHORIZED_PORTAL_USER)
                                        + ")/$ref"),
                        400,
                        VALIDATION))
                .contains(BuiltInRoles.AUTHORIZED_PORTAL_USER);
        // precise property errors
        assertThat(assertError(
                        json(gateway.as(SECURITY_ADMINISTRATOR), "{\"fullname\":\"X\",\"nosuch\":1}")
                                .post("/systemusers"),
                        400,
                        VALIDATION))
                .contains("nosuch");
        assertThat(assertError(
                        json(gateway.as(SECURITY_ADMINISTRATOR), "{\"fullname\":\"X\",\"accessmode\":7}")
                                .post("/systemusers"),
                        400,
                        VALIDATION))
                .contains("accessmode");
        assertThat(assertError(
                        json(
                                        gateway.as(SECURITY_ADMINISTRATOR),
                                        "{\"fullname\":\"X\",\"_businessunitid_value\":\"" + UUID.randomUUID() + "\"}")
                                .post("/systemusers"),
                        400,
                        VALIDATION))
                .contains("_businessunitid_value");
        assertError(
                json(
                                gateway.as(SECURITY_ADMINISTRATOR),
                                "{\"name\":\"Contoso US\",\"parentbusinessunitid@odata.bind\":\"businessunits(" + root
                                        + ")\"}")
                        .post("/businessunits"),
                409,
                DUPLICATE);
        assertThat(audit()).hasSize((int) audited);
    }

    @Test
    void teamsGiveTheirRolesToTheirMembers() throws Exception {
        UUID member = UUID.randomUUID();
        assertThat(json(
                                gateway.as(SECURITY_ADMINISTRATOR),
                                "{\"systemuserid\":\"" + member + "\",\"fullname\":\"Tim Teammate\"}")
                        .post("/systemusers")
                        .statusCode())
                .isEqualTo(204);
        UUID unit = UUID.randomUUID();
        Response createdUnit = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"businessunitid\":\"" + unit + "\",\"name\":\"Team test unit " + kind()
                                + "\",\"parentbusinessunitid@odata.bind\":\"/businessunits(" + root + ")\"}")
                .post("/businessunits");
        assertThat(createdUnit.statusCode()).as(createdUnit.asString()).isEqualTo(204);
        Response createdTeam = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"name\":\"Admin test team\",\"businessunitid@odata.bind\":\"/businessunits(" + unit + ")\"}")
                .header("Prefer", "return=representation")
                .post("/teams");
        assertThat(createdTeam.statusCode()).as(createdTeam.asString()).isEqualTo(201);
        UUID team = UUID.fromString(createdTeam.jsonPath().getString("teamid"));
        assertThat(createdTeam.jsonPath().getInt("teamtype")).isZero();

        UUID role = SecurityAdministration.roleId("Customer service Global");
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"/roles(" + role + ")\"}")
                        .post("/teams(" + team + ")/teamroles_association/$ref")
                        .statusCode())
                .isEqualTo(204);
        assertError(gateway.as(member).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED);
        Response joined = json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"systemusers(" + member + ")\"}")
                .post("/teams(" + team + ")/teammembership_association/$ref");
        assertThat(joined.statusCode()).as(joined.asString()).isEqualTo(204);
        assertThat(gateway.as(member).get(CUSTOMERS + "?$top=1").statusCode()).isEqualTo(200);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/systemusers(" + member + ")/teammembership_association")
                        .jsonPath()
                        .getList("value.name"))
                .containsExactly("Admin test team");
        assertThat(export().teams().stream()
                        .filter(each -> each.id().equals(team))
                        .findFirst()
                        .orElseThrow()
                        .members())
                .containsExactly(member);

        // a unit with a team cannot go; without it, it can
        assertError(gateway.as(SECURITY_ADMINISTRATOR).delete("/businessunits(" + unit + ")"), 400, VALIDATION);
        Response left = gateway.as(SECURITY_ADMINISTRATOR)
                .delete("/teams(" + team + ")/teammembership_association/$ref?$id=" + gateway.serviceRoot()
                        + "systemusers(" + member + ")");
        assertThat(left.statusCode()).as(left.asString()).isEqualTo(204);
        assertError(gateway.as(member).get(CUSTOMERS + "?$top=1"), 403, CALLER_NOT_ALLOWED);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .delete("/teams(" + team + ")")
                        .statusCode())
                .isEqualTo(204);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .delete("/businessunits(" + unit + ")")
                        .statusCode())
                .isEqualTo(204);
        assertError(gateway.as(SECURITY_ADMINISTRATOR).get("/teams(" + team + ")"), 404, RECORD_NOT_FOUND);
    }

    @Test
    void anAdministrativeUserUsesTheAdministrationSetsAndNoBusinessData() {
        Response users = gateway.as(ADMINISTRATIVE).get("/systemusers?$select=fullname");
        assertThat(users.statusCode()).as(users.asString()).isEqualTo(200);
        assertThat(users.jsonPath().getList("value.fullname")).contains("Ada Administrative");
        assertThat(assertError(gateway.as(ADMINISTRATIVE).get(CUSTOMERS), 403, CALLER_NOT_ALLOWED))
                .contains("access mode Administrative")
                .contains("only the administration sets");
        assertError(gateway.as(ADMINISTRATIVE).get("/msdyn_externalportalusermappings"), 403, CALLER_NOT_ALLOWED);
        assertError(
                json(gateway.as(ADMINISTRATIVE), "{\"QueryExpression\":{}}").post("/RetrieveMultiple"),
                403,
                CALLER_NOT_ALLOWED);
        // an Administrative user without an administrator role reaches the sets but may not read them
        assertError(
                gateway.as(UUID.fromString("00000000-0000-4000-8000-000000000007"))
                        .get("/systemusers"),
                403,
                MISSING_PRIVILEGE);
    }

    @Test
    void aRoleGetsPrivilegesThroughTheApiTheDataverseWay() throws Exception {
        String ns = "Microsoft.Dynamics.CRM.";
        Response createdRole = json(gateway.as(SYSTEM_ADMINISTRATOR), "{\"name\":\"Customer reader (API)\"}")
                .post("/roles");
        assertThat(createdRole.statusCode()).as(createdRole.asString()).isEqualTo(204);
        UUID role = SecurityAdministration.roleId("Customer reader (API)");

        // the privileges set: one per entity and access right the gateway enforces, ids derived from the name
        Response listed = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/privileges?$filter=name%20eq%20'prvReadmserp_custcustomerv3entity'");
        assertThat(listed.statusCode()).as(listed.asString()).isEqualTo(200);
        assertThat(listed.jsonPath().getList("value")).hasSize(1);
        String read = listed.jsonPath().getString("value[0].privilegeid");
        assertThat(read)
                .isEqualTo(UUID.nameUUIDFromBytes("privilege:prvReadmserp_custcustomerv3entity".getBytes(UTF_8))
                        .toString());
        assertThat(listed.jsonPath().getInt("value[0].accessright")).isEqualTo(1);
        assertThat(listed.jsonPath().getBoolean("value[0].canbelocal")).isTrue();
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/privileges?$filter=startswith(name,'prvAppendTomserp_custcustomerv3entity')")
                        .jsonPath()
                        .getList("value"))
                .hasSize(1);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/privileges?$filter=startswith(name,'prvAssign')")
                        .jsonPath()
                        .getList("value"))
                .isEmpty();
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{\"name\":\"x\"}").post("/privileges"),
                405,
                METHOD_NOT_ALLOWED);

        Response added = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Local\"}]}")
                .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole");
        assertThat(added.statusCode()).as(added.asString()).isEqualTo(204);
        Response held = gateway.as(SECURITY_ADMINISTRATOR).get("/roles(" + role + ")/roleprivileges_association");
        assertThat(held.statusCode()).as(held.asString()).isEqualTo(200);
        assertThat(held.jsonPath().getList("value.name")).containsExactly("prvReadmserp_custcustomerv3entity");
        Response retrieved =
                gateway.as(SECURITY_ADMINISTRATOR).get("/roles(" + role + ")/" + ns + "RetrieveRolePrivilegesRole()");
        assertThat(retrieved.statusCode()).as(retrieved.asString()).isEqualTo(200);
        assertThat(retrieved.jsonPath().getList("RolePrivileges.Depth")).containsExactly("Local");
        assertThat(retrieved.jsonPath().getList("RolePrivileges.PrivilegeId")).containsExactly(read);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/privileges(" + read + ")/roleprivileges_association?$select=name")
                        .jsonPath()
                        .getList("value.name"))
                .contains("Customer reader (API)");

        // a user of Contoso US holding the role reads exactly its unit's customers
        UUID unit = SecurityDocument.BusinessUnit.idFor("Contoso US");
        UUID user = UUID.randomUUID();
        assertThat(json(
                                gateway.as(SECURITY_ADMINISTRATOR),
                                "{\"systemuserid\":\"" + user + "\",\"fullname\":\"Rita Reader\","
                                        + "\"businessunitid@odata.bind\":\"/businessunits(" + unit + ")\"}")
                        .post("/systemusers")
                        .statusCode())
                .isEqualTo(204);
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"roles(" + role + ")\"}")
                        .post("/systemusers(" + user + ")/systemuserroles_association/$ref")
                        .statusCode())
                .isEqualTo(204);
        Response customers = gateway.as(user).get(CUSTOMERS + "?$select=mserp_custcustomerv3entityid");
        assertThat(customers.statusCode()).as(customers.asString()).isEqualTo(200);
        List<String> expected = new ArrayList<>();
        for (Object id : column("SELECT id FROM erp.customer WHERE business_unit_id = ?", unit)) {
            expected.add(id.toString());
        }
        assertThat(expected).isNotEmpty();
        assertThat(customers.jsonPath().getList("value.mserp_custcustomerv3entityid", String.class))
                .containsExactlyInAnyOrderElementsOf(expected);
        // raised by AddPrivilegesRole (never lowered), exported, audited
        json(gateway.as(SECURITY_ADMINISTRATOR), "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":0}]}")
                .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole");
        SecurityDocument.Role exported = export().role("Customer reader (API)").orElseThrow();
        assertThat(exported.depth("mserp_custcustomerv3entity", dev.vegateway.adapter.security.Privilege.READ))
                .isEqualTo(dev.vegateway.adapter.security.Depth.LOCAL);
        assertThat(audit().stream()
                        .filter(entry -> entry.recordType().equals("role")
                                && entry.recordId().equals(role.toString())
                                && entry.operation().equals("update"))
                        .map(entry -> entry.after().orElseThrow()))
                .anyMatch(after -> after.contains("\"READ\":\"LOCAL\""));

        // removed: the user holds a role that grants nothing on customers
        Response removed = json(gateway.as(SECURITY_ADMINISTRATOR), "{\"PrivilegeId\":\"" + read + "\"}")
                .post("/roles(" + role + ")/" + ns + "RemovePrivilegeRole");
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(204);
        assertError(gateway.as(user).get(CUSTOMERS), 403, MISSING_PRIVILEGE);
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{\"PrivilegeId\":\"" + read + "\"}")
                        .post("/roles(" + role + ")/" + ns + "RemovePrivilegeRole"),
                404,
                RECORD_NOT_FOUND);

        // replace: exactly the given privileges
        Response replaced = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Global\"}]}")
                .post("/roles(" + role + ")/" + ns + "ReplacePrivilegesRole");
        assertThat(replaced.statusCode()).as(replaced.asString()).isEqualTo(204);
        assertThat(gateway.as(user)
                        .get(CUSTOMERS + "?$count=true&$top=1")
                        .jsonPath()
                        .getLong("'@odata.count'"))
                .isEqualTo(backend.count("SELECT COUNT(*) FROM erp.customer"));

        // errors: unknown privilege, bad depth, a depth the entity cannot have, not an administrator
        UUID unknown = UUID.randomUUID();
        assertThat(assertError(
                        json(
                                        gateway.as(SECURITY_ADMINISTRATOR),
                                        "{\"Privileges\":[{\"PrivilegeId\":\"" + unknown + "\",\"Depth\":\"Local\"}]}")
                                .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole"),
                        400,
                        VALIDATION))
                .contains("Privileges[0].PrivilegeId")
                .contains(unknown.toString());
        assertThat(assertError(
                        json(
                                        gateway.as(SECURITY_ADMINISTRATOR),
                                        "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Division\"}]}")
                                .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole"),
                        400,
                        VALIDATION))
                .contains("Privileges[0].Depth")
                .contains("Division");
        String legalEntities = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/privileges?$filter=name%20eq%20'prvReadmserp_legalentity'")
                .jsonPath()
                .getString("value[0].privilegeid");
        if (legalEntities != null) {
            assertThat(assertError(
                            json(
                                            gateway.as(SECURITY_ADMINISTRATOR),
                                            "{\"Privileges\":[{\"PrivilegeId\":\"" + legalEntities
                                                    + "\",\"Depth\":\"Basic\"}]}")
                                    .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole"),
                            400,
                            VALIDATION))
                    .contains("Basic");
        }
        assertError(
                json(gateway.as(PLAIN), "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Local\"}]}")
                        .post("/roles(" + role + ")/" + ns + "AddPrivilegesRole"),
                403,
                MISSING_PRIVILEGE);
        assertError(gateway.as(PLAIN).get("/privileges"), 403, MISSING_PRIVILEGE);
        // a Security administrator may not change the built-in administrator roles
        assertError(
                json(
                                gateway.as(SECURITY_ADMINISTRATOR),
                                "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Global\"}]}")
                        .post("/roles(" + SecurityAdministration.roleId(BuiltInRoles.SECURITY_ADMINISTRATOR) + ")/" + ns
                                + "AddPrivilegesRole"),
                403,
                MISSING_PRIVILEGE);
        assertError(
                json(
                                gateway.as(SYSTEM_ADMINISTRATOR),
                                "{\"Privileges\":[{\"PrivilegeId\":\"" + read + "\",\"Depth\":\"Global\"}]}")
                        .post("/roles(" + SecurityAdministration.roleId(BuiltInRoles.SYSTEM_ADMINISTRATOR) + ")/" + ns
                                + "ReplacePrivilegesRole"),
                400,
                VALIDATION);
        assertError(
                gateway.as(SECURITY_ADMINISTRATOR).get("/roles(" + role + ")/" + ns + "AddPrivilegesRole"),
                405,
                METHOD_NOT_ALLOWED);
    }

    @Test
    void aUserAndATeamHoldARoleOfAnotherBusinessUnitThroughItsCopy() throws Exception {
        UUID germany = SecurityDocument.BusinessUnit.idFor("Contoso Germany");
        UUID root = SecurityAdministration.roleId("Customer service Local");
        UUID copy = SecurityAdministration.roleId("Customer service Local", germany);
        // every unit has its copy; the root copy keeps its id and stands for the holder's own unit
        Response copies = gateway.as(SECURITY_ADMINISTRATOR)
                .get("/roles?$filter=name%20eq%20'Customer%20service%20Local'&$select=roleid,_businessunitid_value,"
                        + "_parentrootroleid_value");
        assertThat(copies.statusCode()).as(copies.asString()).isEqualTo(200);
        assertThat(copies.jsonPath().getList("value.roleid")).contains(root.toString(), copy.toString());
        assertThat(copies.jsonPath().getList("value._parentrootroleid_value")).containsOnly(root.toString());
        Response germanCopy = gateway.as(SECURITY_ADMINISTRATOR).get("/roles(" + copy + ")");
        assertThat(germanCopy.jsonPath().getString("_businessunitid_value")).isEqualTo(germany.toString());
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/roles(" + root + ")")
                        .jsonPath()
                        .getString("_businessunitid_value"))
                .isEqualTo(this.root.toString());

        // a user of Contoso US given Germany's copy reads Germany's customers (Local), not its own unit's
        UUID user = UUID.randomUUID();
        UUID us = SecurityDocument.BusinessUnit.idFor("Contoso US");
        assertThat(json(
                                gateway.as(SECURITY_ADMINISTRATOR),
                                "{\"systemuserid\":\"" + user + "\",\"fullname\":\"Uma Otherunit\","
                                        + "\"businessunitid@odata.bind\":\"/businessunits(" + us + ")\"}")
                        .post("/systemusers")
                        .statusCode())
                .isEqualTo(204);
        Response associated = json(
                        gateway.as(SECURITY_ADMINISTRATOR),
                        "{\"@odata.id\":\"" + gateway.serviceRoot() + "roles(" + copy + ")\"}")
                .post("/systemusers(" + user + ")/systemuserroles_association/$ref");
        assertThat(associated.statusCode()).as(associated.asString()).isEqualTo(204);
        assertThat(customerIds(user)).containsExactlyInAnyOrderElementsOf(unitCustomers(germany));
        assertThat(export().user(user).orElseThrow().roles())
                .containsExactly(
                        new RoleAssignment("Customer service Local", Optional.empty(), Optional.of("Contoso Germany")));
        assertError(
                json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"roles(" + copy + ")\"}")
                        .post("/systemusers(" + user + ")/systemuserroles_association/$ref"),
                409,
                DUPLICATE);
        // the root copy too: its own unit as well
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"roles(" + root + ")\"}")
                        .post("/systemusers(" + user + ")/systemuserroles_association/$ref")
                        .statusCode())
                .isEqualTo(204);
        List<String> both = new ArrayList<>(unitCustomers(germany));
        both.addAll(unitCustomers(us));
        assertThat(customerIds(user)).containsExactlyInAnyOrderElementsOf(both);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/systemusers(" + user + ")/systemuserroles_association/$ref")
                        .jsonPath()
                        .getList("value.'@odata.id'"))
                .containsExactlyInAnyOrder(
                        gateway.serviceRoot() + "roles(" + copy + ")", gateway.serviceRoot() + "roles(" + root + ")");
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/roles(" + copy + ")/systemuserroles_association?$select=fullname")
                        .jsonPath()
                        .getList("value.fullname"))
                .containsExactly("Uma Otherunit");

        // disassociating the copy removes only that assignment
        Response removed = gateway.as(SECURITY_ADMINISTRATOR)
                .delete("/systemusers(" + user + ")/systemuserroles_association(" + copy + ")/$ref");
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(204);
        assertThat(customerIds(user)).containsExactlyInAnyOrderElementsOf(unitCustomers(us));
        assertThat(export().user(user).orElseThrow().roles())
                .containsExactly(RoleAssignment.unrestricted("Customer service Local"));
        assertError(
                gateway.as(SECURITY_ADMINISTRATOR)
                        .delete("/systemusers(" + user + ")/systemuserroles_association(" + copy + ")/$ref"),
                404,
                RECORD_NOT_FOUND);

        // a team: teamroles_association with a copy gives the role in that unit to its members
        UUID team = UUID.randomUUID();
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"teamid\":\"" + team + "\",\"name\":\"Germany desk\"}")
                        .post("/teams")
                        .statusCode())
                .isEqualTo(204);
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"roles(" + copy + ")\"}")
                        .post("/teams(" + team + ")/teamroles_association/$ref")
                        .statusCode())
                .isEqualTo(204);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .get("/teams(" + team + ")/teamroles_association/$ref")
                        .jsonPath()
                        .getList("value.'@odata.id'"))
                .containsExactly(gateway.serviceRoot() + "roles(" + copy + ")");
        assertThat(json(gateway.as(SECURITY_ADMINISTRATOR), "{\"@odata.id\":\"systemusers(" + user + ")\"}")
                        .post("/teams(" + team + ")/teammembership_association/$ref")
                        .statusCode())
                .isEqualTo(204);
        assertThat(customerIds(user)).containsExactlyInAnyOrderElementsOf(both);
        assertThat(gateway.as(SECURITY_ADMINISTRATOR)
                        .delete("/teams(" + team + ")/teamroles_association(" + copy + ")/$ref")
                        .statusCode())
                .isEqualTo(204);
        assertThat(customerIds(user)).containsExactlyInAnyOrderElementsOf(unitCustomers(us));

        // a copy is not deleted nor given privileges on its own
        assertError(gateway.as(SYSTEM_ADMINISTRATOR).delete("/roles(" + copy + ")"), 400, VALIDATION);
        assertError(gateway.as(SECURITY_ADMINISTRATOR).get("/roles(" + UUID.randomUUID() + ")"), 404, RECORD_NOT_FOUND);
    }

    private List<String> customerIds(UUID user) {
        Response customers = gateway.as(user).get(CUSTOMERS + "?$select=mserp_custcustomerv3entityid");
        assertThat(customers.statusCode()).as(customers.asString()).isEqualTo(200);
        return customers.jsonPath().getList("value.mserp_custcustomerv3entityid", String.class);
    }

    private List<String> unitCustomers(UUID unit) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Object id : column("SELECT id FROM erp.customer WHERE business_unit_id = ?", unit)) {
            ids.add(id.toString());
        }
        assertThat(ids).isNotEmpty();
        return ids;
    }

    @Test
    void metadataDeclaresTheSets() {
        String metadata = gateway.application().get("/$metadata").asString();
        assertThat(metadata)
                .contains("<EntityType Name=\"systemuser\"")
                .contains("<EntitySet Name=\"systemusers\"")
                .contains("<EntitySet Name=\"businessunits\"")
                .contains("<EntitySet Name=\"teams\"")
                .contains("<EntitySet Name=\"roles\"")
                .contains("Name=\"_businessunitid_value\"")
                .contains("<NavigationProperty Name=\"systemuserroles_association\" Type=\"Collection(")
                .contains("<NavigationPropertyBinding Path=\"teammembership_association\" Target=\"systemusers\"");
    }

    // ---- the security data: the demo file's plus this test's users

    static SecurityDocument securityData() throws Exception {
        SecurityDocument demo;
        try (InputStream in = AdministrationIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = SecurityDocument.parse("demo/security.yaml", new String(in.readAllBytes(), UTF_8), Optional.empty());
        }
        String unit = demo.businessUnits().stream()
                .filter(each -> each.parent().isEmpty())
                .findFirst()
                .orElseThrow()
                .name();
        List<User> users = new ArrayList<>(demo.users().stream()
                .filter(user -> !user.id().equals(ADMINISTRATIVE))
                .toList());
        users.add(person(
                SECURITY_ADMINISTRATOR,
                "Sue Secadmin",
                unit,
                AccessMode.READ_WRITE,
                BuiltInRoles.SECURITY_ADMINISTRATOR));
        users.add(person(
                SYSTEM_ADMINISTRATOR, "Stan Sysadmin", unit, AccessMode.READ_WRITE, BuiltInRoles.SYSTEM_ADMINISTRATOR));
        users.add(person(
                ADMINISTRATIVE,
                "Ada Administrative",
                unit,
                AccessMode.ADMINISTRATIVE,
                BuiltInRoles.SECURITY_ADMINISTRATOR));
        users.add(person(PLAIN, "Pete Plain", unit, AccessMode.READ_WRITE, "Customer service Global"));
        return new SecurityDocument(
                demo.businessUnits(),
                demo.companies(),
                demo.roles(),
                users,
                demo.teams(),
                demo.applications(),
                demo.portal());
    }

    static User person(UUID id, String name, String unit, AccessMode mode, String... roles) {
        return new User(
                id,
                name,
                Optional.empty(),
                true,
                mode,
                UserKind.PERSON,
                Optional.of(unit),
                Map.of(),
                List.of(roles).stream().map(RoleAssignment::unrestricted).toList(),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE);
    }

    static UUID id(int number) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", number));
    }

    // ---- helpers

    private SecurityDocument export() {
        try (HikariDataSource dataSource =
                Backends.dataSource(gateway.gateway().config().backend())) {
            return new SecurityStore(dataSource, "vegateway_security").exportAll();
        }
    }

    private List<SecurityAdministration.AuditEntry> audit() {
        try (HikariDataSource dataSource =
                Backends.dataSource(gateway.gateway().config().backend())) {
            return new SecurityStore(dataSource, "vegateway_security")
                    .administration()
                    .audit();
        }
    }

    /** The first column of every row {@code sql} answers; direct SQL. */
    private List<Object> column(String sql, Object... parameters) throws Exception {
        List<Object> values = new ArrayList<>();
        try (java.sql.Connection connection = backend.connect();
                java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.length; index++) {
                statement.setObject(index + 1, parameters[index]);
            }
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getObject(1));
                }
            }
        }
        return values;
    }

    static RequestSpecification json(RequestSpecification request, String body) {
        return request.contentType("application/json").body(body);
    }

    /** The error's message, after checking status and (unless null) code. */
    static String assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        if (code != null) {
            assertThat(response.jsonPath().getString("error.code"))
                    .as(response.asString())
                    .isEqualTo(code);
        }
        return response.jsonPath().getString("error.message");
    }
}
