package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.GroupBinding;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.adapter.security.TeamInheritance;
import dev.vegateway.adapter.security.UserKind;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The function {@code vegateway_Explain}: the explanation {@code vegateway explain} prints, as JSON,
 * for System and Security administrators only; roles held directly, through a team, through a group
 * team of either inheritance and applied in another business unit, with their depth, unit, companies
 * and row filter, and for a row whether each one opens it. Every parameter error is a precise 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExplainFunctionIT {
    private static final String CUSTOMERS = "mserp_custcustomerv3entity";
    /** A user in Contoso US holding Customer service Local in Contoso Germany, and a team role only through a TeamPrivilegesOnly group team. */
    static final UUID OTTO = UUID.fromString("00000000-0000-4000-8000-000000000901");

    static final UUID OTTO_OBJECT_ID = UUID.fromString("00000000-0000-4000-8000-000000000911");
    static final UUID TEAM_ONLY_GROUP = UUID.fromString("00000000-0000-4000-8000-000000000941");

    private TestGateway gateway;
    private TestBackend backend;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        SecurityDocument demo;
        try (InputStream in = ExplainFunctionIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = SecurityDocument.parse("demo/security.yaml", new String(in.readAllBytes(), UTF_8), Optional.empty());
        }
        List<User> users = new ArrayList<>(demo.users());
        users.add(new User(
                OTTO,
                "Otto Otherunit",
                Optional.of(OTTO_OBJECT_ID),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso US"),
                Map.of(),
                List.of(new RoleAssignment(
                        "Customer service Local", Optional.of(Set.of("demf")), Optional.of("Contoso Germany"))),
                SecurityDocument.UserSettings.NONE));
        List<Team> teams = new ArrayList<>(demo.teams());
        teams.add(new Team(
                Team.idFor("Europe service (directory group)"),
                "Europe service (directory group)",
                "Contoso Europe",
                List.of(RoleAssignment.unrestricted("Customer service Deep")),
                List.of(),
                Optional.of(new GroupBinding(TEAM_ONLY_GROUP, TeamInheritance.TEAM_PRIVILEGES_ONLY))));
        SecurityDocument document = new SecurityDocument(
                demo.businessUnits(), demo.companies(), demo.roles(), users, teams, demo.applications(), demo.portal());
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(backend, document.toYaml());
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    private Response explain(RequestSpecification request, String parameters) {
        return request.get("/vegateway_Explain(" + parameters + ")");
    }

    private RequestSpecification sam() {
        return gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id());
    }

    @Test
    void explainsWhyFionaCannotSeeCreditLimits() {
        Response response = explain(
                sam(),
                "UserId=" + DemoIdentities.FIONA_FIELD_SECURITY.id()
                        + ",EntityName='mserp_custcustomerv3entity',Field='mserp_creditlimit'");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonPath json = response.jsonPath();
        assertThat(json.getString("'@odata.context'"))
                .endsWith("$metadata#Microsoft.Dynamics.CRM.vegateway_ExplainResponse");
        assertThat(json.getBoolean("CanCall")).isTrue();
        assertThat(json.getString("UserName")).isEqualTo("Fiona Fieldsec");
        assertThat(json.getList("Roles", String.class)).containsExactly("Sales assistant");
        assertThat(json.getString("Privileges[0].Privilege")).isEqualTo("Read");
        assertThat(json.getBoolean("Privileges[0].Allowed")).isTrue();
        assertThat(json.getString("Privileges[0].Grants[0].Role")).isEqualTo("Sales assistant");
        assertThat(json.getString("Privileges[0].Grants[0].Depth")).isEqualTo("Global");
        assertThat(json.getString("Privileges[0].Grants[0].Via")).isEqualTo("directly");
        assertThat(json.getString("Privileges[3].Privilege")).isEqualTo("Delete");
        assertThat(json.getBoolean("Privileges[3].Allowed")).isFalse();
        assertThat(json.getList("FieldSecurity.HiddenFromReads", String.class)).containsExactly("mserp_creditlimit");
        assertThat(json.getBoolean("Field.Read")).isFalse();
        assertThat(json.getBoolean("Field.Create")).isFalse();
        assertThat(json.getBoolean("Field.Update")).isFalse();
        // the namespace-qualified name and parameter aliases answer the same
        Response qualified = sam().get("/Microsoft.Dynamics.CRM.vegateway_Explain(UserId=@u,EntityName=@e,Field=@f)?@u="
                + DemoIdentities.FIONA_FIELD_SECURITY.id() + "&@e='mserp_custcustomerv3entity'&@f='mserp_creditlimit'");
        assertThat(qualified.statusCode()).as(qualified.asString()).isEqualTo(200);
        assertThat(qualified.asString()).isEqualTo(response.asString());
        // quotes percent-encoded, as the demo's curl line sends them
        Response encoded = sam().get("/vegateway_Explain(UserId=" + DemoIdentities.FIONA_FIELD_SECURITY.id()
                + ",EntityName=%27mserp_custcustomerv3entity%27,Field=%27mserp_creditlimit%27)");
        assertThat(encoded.statusCode()).as(encoded.asString()).isEqualTo(200);
        assertThat(encoded.asString()).isEqualTo(response.asString());
    }

    @Test
    void explainsTeamGroupTeamAndOtherUnitRolesAndWhetherEachOpensARow() throws Exception {
        // Dave holds Purchasing agent through the owner team
        JsonPath dave = explain(
                        sam(),
                        "UserId=" + DemoIdentities.DAVE_TEAM_MEMBER.id() + ",EntityName='mserp_vendvendorv2entity'")
                .jsonPath();
        assertThat(dave.getString("Privileges[0].Grants[0].Via")).isEqualTo("through team 'Purchasing team'");
        assertThat(dave.getString("Privileges[0].Grants[0].TeamId"))
                .isEqualTo(Team.idFor("Purchasing team").toString());

        // Otto: Customer service Local applied in Contoso Germany (demf only), and after a token whose groups claim
        // names
        // the TeamPrivilegesOnly group team, Customer service Deep in Contoso Europe, on rows the team owns for Basic
        String token = gateway.issuer()
                .mint(
                        TestGateway.DATAVERSE_APP,
                        Duration.ofMinutes(10),
                        Map.of("oid", OTTO_OBJECT_ID.toString(), "groups", List.of(TEAM_ONLY_GROUP.toString())));
        Response call = gateway.anonymous()
                .header("Authorization", "Bearer " + token)
                .header("CallerObjectId", OTTO_OBJECT_ID.toString())
                .get("/mserp_custcustomerv3entities?$top=1");
        assertThat(call.statusCode()).as(call.asString()).isEqualTo(200);
        UUID germany = SecurityDocument.BusinessUnit.idFor("Contoso Germany");
        Object germanRow = backend.single(
                "SELECT id FROM erp.customer WHERE business_unit_id = ? AND data_area_id = 'demf' ORDER BY id",
                germany);
        Object usRow = backend.single(
                "SELECT id FROM erp.customer WHERE business_unit_id = ? ORDER BY id",
                SecurityDocument.BusinessUnit.idFor("Contoso US"));
        assertThat(germanRow).isNotNull();
        JsonPath otto = explain(sam(), "UserId=" + OTTO + ",EntityName='" + CUSTOMERS + "',Key=" + germanRow)
                .jsonPath();
        assertThat(otto.getBoolean("CanCall")).isTrue();
        assertThat(otto.getList("Privileges[0].Grants.Role", String.class))
                .containsExactly("Customer service Local", "Customer service Deep");
        assertThat(otto.getString("Privileges[0].Grants[0].Via")).isEqualTo("directly");
        assertThat(otto.getString("Privileges[0].Grants[0].BusinessUnitName")).isEqualTo("Contoso Germany");
        assertThat(otto.getBoolean("Privileges[0].Grants[0].BusinessUnitFromAssignment"))
                .isTrue();
        assertThat(otto.getList("Privileges[0].Grants[0].Companies", String.class))
                .containsExactly("demf");
        assertThat(otto.getBoolean("Privileges[0].Grants[0].OpensRow")).isTrue();
        assertThat(otto.getString("Privileges[0].Grants[1].Via"))
                .isEqualTo("through group team 'Europe service (directory group)' (TeamPrivilegesOnly)");
        assertThat(otto.getString("Privileges[0].Grants[1].BusinessUnitName")).isEqualTo("Contoso Europe");
        assertThat(otto.getList("Privileges[0].Grants[1].Owners", String.class))
                .containsExactly(Team.idFor("Europe service (directory group)").toString());
        assertThat(otto.getBoolean("Privileges[0].Grants[1].OpensRow")).isTrue(); // Germany lies below Europe
        assertThat(otto.getBoolean("Row.Exists")).isTrue();
        assertThat(otto.getString("Row.Privileges[0].Privilege")).isEqualTo("Read");
        assertThat(otto.getBoolean("Row.Privileges[0].Allowed")).isTrue();
        // a row of his own unit: neither role opens it (the Local role applies in Germany only)
        JsonPath own = explain(sam(), "UserId=" + OTTO + ",EntityName='" + CUSTOMERS + "',Key=" + usRow)
                .jsonPath();
        assertThat(own.getList("Privileges[0].Grants.OpensRow", Boolean.class)).containsExactly(false, false);
        assertThat(own.getBoolean("Row.Privileges[0].Allowed")).isFalse();
        // and the API agrees
        Response direct = gateway.as(OTTO).get("/mserp_custcustomerv3entities(" + usRow + ")");
        assertThat(direct.statusCode()).isEqualTo(404);
        Response german = gateway.as(OTTO).get("/mserp_custcustomerv3entities(" + germanRow + ")");
        assertThat(german.statusCode()).as(german.asString()).isEqualTo(200);
    }

    @Test
    void aRowFilterIsEvaluatedForTheRow() throws Exception {
        Object vendor = backend.single("SELECT id FROM erp.vendor WHERE vendor_group = '30' ORDER BY id");
        JsonPath vince = explain(
                        sam(),
                        "UserId=" + DemoIdentities.VINCE_VENDORS.id() + ",EntityName='mserp_vendvendorv2entity',Key="
                                + vendor)
                .jsonPath();
        assertThat(vince.getList("Privileges[0].Grants.Role", String.class))
                .containsExactly("AP clerk", "Vendor group lead");
        assertThat(vince.getString("Privileges[0].Grants[0].RowFilter"))
                .isEqualTo("mserp_vendorgroupid in ('10', '40')");
        assertThat(vince.getBoolean("Privileges[0].Grants[0].RowFilterHolds")).isFalse();
        assertThat(vince.getBoolean("Privileges[0].Grants[1].RowFilterHolds")).isTrue();
        assertThat(vince.getBoolean("Privileges[0].Grants[1].OpensRow")).isTrue();
    }

    @Test
    void aUserWhoCannotCallIsSaidSoWithTheGatewaysMessage() {
        JsonPath unknown = explain(sam(), "UserId=00000000-0000-4000-8000-00000000dead,EntityName='" + CUSTOMERS + "'")
                .jsonPath();
        assertThat(unknown.getBoolean("CanCall")).isFalse();
        assertThat(unknown.getString("Refusal")).contains("no backend user with MSCRMCallerID");
        JsonPath disabled = explain(
                        sam(), "UserId=" + DemoIdentities.DORA_DISABLED.id() + ",EntityName='" + CUSTOMERS + "'")
                .jsonPath();
        assertThat(disabled.getString("Refusal")).isEqualTo("user Dora Disabled is disabled");
        assertThat(unknown.getList("Privileges")).isEmpty();
    }

    @Test
    void aDisabledOrAdministrativeUserGetsTheFullBreakdownAndTheRefusalThatOverridesIt() {
        JsonPath disabled = explain(
                        sam(),
                        "UserId=" + DemoIdentities.DORA_DISABLED.id() + ",EntityName='" + CUSTOMERS
                                + "',Field='mserp_creditlimit'")
                .jsonPath();
        assertThat(disabled.getBoolean("CanCall")).isFalse();
        assertThat(disabled.getString("Refusal")).isEqualTo("user Dora Disabled is disabled");
        assertThat(disabled.getString("UserName")).isEqualTo("Dora Disabled");
        assertThat(disabled.getList("Roles", String.class)).containsExactly("Sales manager");
        assertThat(disabled.getString("BusinessUnitName")).isEqualTo("Contoso Germany");
        assertThat(disabled.getList("Privileges.Privilege", String.class))
                .containsExactly("Read", "Create", "Write", "Delete");
        assertThat(disabled.getBoolean("Privileges[0].Allowed")).isTrue();
        assertThat(disabled.getString("Privileges[0].Grants[0].Role")).isEqualTo("Sales manager");
        assertThat(disabled.getString("Privileges[0].Grants[0].Via")).isEqualTo("directly");
        assertThat(disabled.getString("Privileges[0].Grants[0].Depth")).isNotBlank();
        assertThat(disabled.getString("Field.Name")).isEqualTo("mserp_creditlimit");

        JsonPath administrative = explain(
                        sam(), "UserId=" + DemoIdentities.ADAM_ADMINISTRATIVE.id() + ",EntityName='" + CUSTOMERS + "'")
                .jsonPath();
        assertThat(administrative.getBoolean("CanCall")).isFalse();
        assertThat(administrative.getString("Refusal")).contains("access mode Administrative");
        assertThat(administrative.getList("Roles", String.class)).containsExactly("Sales manager");
        assertThat(administrative.getBoolean("Privileges[0].Allowed")).isTrue();
        assertThat(administrative.getString("Privileges[0].Grants[0].Role")).isEqualTo("Sales manager");
        assertThat(administrative.getString("Privileges[0].Grants[0].BusinessUnitName"))
                .isEqualTo("Contoso");
    }

    @Test
    void onlyAdministratorsMayCallIt() {
        String parameters = "UserId=" + DemoIdentities.FIONA_FIELD_SECURITY.id() + ",EntityName='" + CUSTOMERS + "'";
        // an Administrative user with Security administrator, as for the administration sets
        Response ava = explain(gateway.as(DemoIdentities.AVA_ADMINISTRATIVE.id()), parameters);
        assertThat(ava.statusCode()).as(ava.asString()).isEqualTo(200);
        Response alice = explain(gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id()), parameters);
        assertThat(alice.statusCode()).isEqualTo(403);
        assertThat(alice.jsonPath().getString("error.code")).isEqualTo("0x80040220");
        assertThat(alice.jsonPath().getString("error.message"))
                .contains("Alice Sales")
                .contains("vegateway_Explain");
        Response application = explain(gateway.application(), parameters);
        assertThat(application.statusCode()).isEqualTo(403);
        assertThat(application.jsonPath().getString("error.code")).isEqualTo("0x8ff00032");
        Response noToken = explain(gateway.anonymous(), parameters);
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    @Test
    void everyParameterErrorIsAPrecise400() {
        String fiona = DemoIdentities.FIONA_FIELD_SECURITY.id().toString();
        assertError(explain(sam(), "EntityName='" + CUSTOMERS + "'"), 400, "0x8ff00001", "needs parameter UserId");
        assertError(explain(sam(), "UserId=" + fiona), 400, "0x8ff00001", "needs parameter EntityName");
        assertError(
                explain(sam(), "UserId=12,EntityName='" + CUSTOMERS + "'"),
                400,
                "0x8ff00001",
                "Parameter UserId must be a GUID, was '12'");
        assertError(
                explain(sam(), "UserId=" + fiona + ",EntityName=" + CUSTOMERS),
                400,
                "0x8ff00001",
                "Parameter EntityName must be a quoted text");
        assertError(
                explain(sam(), "UserId=" + fiona + ",EntityName='nosuch'"),
                400,
                "0x80044331",
                "Parameter EntityName: the catalog has no entity 'nosuch'");
        assertError(
                explain(sam(), "UserId=" + fiona + ",EntityName='" + CUSTOMERS + "',Field='nosuch'"),
                400,
                "0x80044331",
                "has no field 'nosuch'");
        assertError(
                explain(sam(), "UserId=" + fiona + ",EntityName='" + CUSTOMERS + "',Colour='red'"),
                400,
                "0x8ff00001",
                "has no parameter 'Colour'");
        assertError(
                explain(sam(), "UserId=@u,EntityName='" + CUSTOMERS + "'"),
                400,
                "0x8ff00001",
                "names the alias @u, which the query does not give");
        assertError(
                sam().get("/vegateway_Explain(UserId=" + fiona + ",EntityName='" + CUSTOMERS + "')?$top=1"),
                400,
                "0x8ff00001",
                "takes no query options");
        assertError(
                sam().post("/vegateway_Explain(UserId=" + fiona + ",EntityName='" + CUSTOMERS + "')"),
                405,
                "0x8ff00005",
                "call it with GET");
    }

    private static void assertError(Response response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).contains(message);
    }
}
