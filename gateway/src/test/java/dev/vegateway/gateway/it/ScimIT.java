package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Directory provisioning over SCIM 2.0 (issue 15), conformance style: every operation and error
 * status of /scim/v2/Users and /scim/v2/Groups, only for the provisioning application; a user
 * created through SCIM calls the OData API at once (CallerObjectId = its externalId) with the
 * default roles' access, and is refused as soon as it is deactivated, deleted or leaves the
 * security group, its backend user kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScimIT {
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";
    private static final String SECURITY_GROUP = "VE Gateway users";
    private static final String SCIM_JSON = "application/scim+json";
    private static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private static final String PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

    private TestBackend backend;
    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(
                backend,
                null,
                Map.of(
                        "VEGATEWAY_PROVISIONING_DEFAULT_ROLES",
                        "Sales manager",
                        "VEGATEWAY_PROVISIONING_SECURITY_GROUP",
                        SECURITY_GROUP));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private RequestSpecification scim() {
        return gateway.anonymous()
                .urlEncodingEnabled(true)
                .basePath("/scim/v2")
                .header(
                        "Authorization",
                        "Bearer "
                                + gateway.token(DemoIdentities.PROVISIONING_APPLICATION
                                        .appId()
                                        .toString()))
                .contentType(SCIM_JSON);
    }

    private static String user(String userName, UUID externalId, boolean active) {
        return """
                {"schemas":["%s"],"userName":"%s","externalId":"%s","active":%s,
                 "name":{"givenName":"Sam","familyName":"Scim"},"displayName":"Sam Scim",
                 "emails":[{"value":"%s","type":"work","primary":true}]}
                """
                .formatted(USER_SCHEMA, userName, externalId, active, userName);
    }

    private static String patch(String operations) {
        return "{\"schemas\":[\"" + PATCH_SCHEMA + "\"],\"Operations\":[" + operations + "]}";
    }

    private static JsonPath error(Response response, int status, String scimType) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith(SCIM_JSON);
        JsonPath body = response.jsonPath();
        assertThat(body.getList("schemas")).containsExactly(ERROR_SCHEMA);
        assertThat(body.getString("status")).isEqualTo(Integer.toString(status));
        if (scimType != null) {
            assertThat(body.getString("scimType")).isEqualTo(scimType);
        }
        assertThat(body.getString("detail")).isNotBlank();
        return body;
    }

    private int customers(UUID objectId) {
        return gateway.asEntra(objectId).get(CUSTOMERS).statusCode();
    }

    private String createUser(String userName, UUID externalId) {
        Response created = scim().body(user(userName, externalId, true)).post("/Users");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        return created.jsonPath().getString("id");
    }

    private String createGroup(String displayName, List<String> members) {
        StringBuilder body = new StringBuilder("{\"schemas\":[\"" + GROUP_SCHEMA + "\"],\"displayName\":\""
                + displayName + "\",\"externalId\":\"" + UUID.randomUUID() + "\",\"members\":[");
        for (int index = 0; index < members.size(); index++) {
            body.append(index == 0 ? "" : ",")
                    .append("{\"value\":\"")
                    .append(members.get(index))
                    .append("\"}");
        }
        Response created = scim().body(body.append("]}").toString()).post("/Groups");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        return created.jsonPath().getString("id");
    }

    @Test
    void usersAreCreatedReadListedReplacedPatchedAndDeleted() {
        UUID externalId = UUID.randomUUID();
        Response created =
                scim().body(user("Sam.Scim@contoso.com", externalId, true)).post("/Users");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.contentType()).startsWith(SCIM_JSON);
        String id = created.jsonPath().getString("id");
        assertThat(created.header("Location")).endsWith("/scim/v2/Users/" + id);
        assertThat(created.jsonPath().getString("userName")).isEqualTo("Sam.Scim@contoso.com");
        assertThat(created.jsonPath().getString("externalId")).isEqualTo(externalId.toString());
        assertThat(created.jsonPath().getBoolean("active")).isTrue();
        assertThat(created.jsonPath().getString("name.givenName")).isEqualTo("Sam");
        assertThat(created.jsonPath().getString("meta.resourceType")).isEqualTo("User");

        Response read = scim().get("/Users/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.jsonPath().getString("displayName")).isEqualTo("Sam Scim");

        // the filters Entra ID and Okta send; userName compares without regard to case
        Response byName = scim().queryParam("filter", "userName eq \"sam.scim@CONTOSO.com\"")
                .get("/Users");
        assertThat(byName.statusCode()).as(byName.asString()).isEqualTo(200);
        assertThat(byName.jsonPath().getInt("totalResults")).isEqualTo(1);
        assertThat(byName.jsonPath().getString("Resources[0].id")).isEqualTo(id);
        Response byExternalId = scim().queryParam(
                        "filter", "externalId eq \"" + externalId + "\" and userName eq \"Sam.Scim@contoso.com\"")
                .get("/Users");
        assertThat(byExternalId.jsonPath().getInt("totalResults")).isEqualTo(1);
        Response none = scim().queryParam("filter", "userName eq \"nobody@contoso.com\"")
                .get("/Users");
        assertThat(none.jsonPath().getInt("totalResults")).isZero();
        assertThat(none.jsonPath().getList("Resources")).isEmpty();

        Response replaced = scim().body(
                        user("sam.renamed@contoso.com", externalId, true).replace("\"Sam Scim\"", "\"Samantha Scim\""))
                .put("/Users/" + id);
        assertThat(replaced.statusCode()).as(replaced.asString()).isEqualTo(200);
        assertThat(replaced.jsonPath().getString("userName")).isEqualTo("sam.renamed@contoso.com");
        assertThat(replaced.jsonPath().getString("displayName")).isEqualTo("Samantha Scim");

        // Entra ID sends booleans as strings and op in any case
        Response patched = scim().body(
                        patch(
                                "{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"},"
                                        + "{\"op\":\"replace\",\"value\":{\"displayName\":\"Sam S.\"}},"
                                        + "{\"op\":\"add\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"x@contoso.com\"}"))
                .patch("/Users/" + id);
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(200);
        assertThat(patched.jsonPath().getBoolean("active")).isFalse();
        assertThat(patched.jsonPath().getString("displayName")).isEqualTo("Sam S.");

        Response deleted = scim().delete("/Users/" + id);
        assertThat(deleted.statusCode()).isEqualTo(204);
        error(scim().get("/Users/" + id), 404, null);
        error(scim().delete("/Users/" + id), 404, null);
    }

    @Test
    void listsArePaged() {
        for (int index = 0; index < 3; index++) {
            createUser("paged" + index + "@contoso.com", UUID.randomUUID());
        }
        JsonPath all = scim().get("/Users").jsonPath();
        int total = all.getInt("totalResults");
        assertThat(total).isGreaterThanOrEqualTo(3);
        JsonPath page = scim().queryParam("startIndex", 2)
                .queryParam("count", 2)
                .get("/Users")
                .jsonPath();
        assertThat(page.getList("schemas")).containsExactly("urn:ietf:params:scim:api:messages:2.0:ListResponse");
        assertThat(page.getInt("totalResults")).isEqualTo(total);
        assertThat(page.getInt("startIndex")).isEqualTo(2);
        assertThat(page.getInt("itemsPerPage")).isEqualTo(2);
        assertThat(page.getList("Resources.id"))
                .containsExactlyElementsOf(all.getList("Resources.id").subList(1, 3));
        JsonPath countOnly = scim().queryParam("count", 0).get("/Users").jsonPath();
        assertThat(countOnly.getInt("totalResults")).isEqualTo(total);
        assertThat(countOnly.getList("Resources")).isEmpty();
    }

    @Test
    void errorsHaveScimShapeAndType() {
        UUID externalId = UUID.randomUUID();
        createUser("unique@contoso.com", externalId);
        error(scim().body(user("UNIQUE@contoso.com", UUID.randomUUID(), true)).post("/Users"), 409, "uniqueness");
        error(scim().body(user("other@contoso.com", externalId, true)).post("/Users"), 409, "uniqueness");
        // an imported user's Entra object id is taken too
        error(
                scim().body(user("alice2@contoso.com", DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(), true))
                        .post("/Users"),
                409,
                "uniqueness");
        error(
                scim().body(user("x@contoso.com", externalId, true).replace(externalId.toString(), "mailNickname"))
                        .post("/Users"),
                400,
                "invalidValue");
        error(scim().body("{\"schemas\":[\"" + USER_SCHEMA + "\"]}").post("/Users"), 400, "invalidValue");
        error(scim().body("{\"userName\":\"x\"}").post("/Users"), 400, "invalidValue");
        error(scim().body("{not json").post("/Users"), 400, "invalidSyntax");
        error(scim().queryParam("filter", "userName co \"a\"").get("/Users"), 400, "invalidFilter");
        error(
                scim().queryParam("filter", "userName eq \"a\" or userName eq \"b\"")
                        .get("/Users"),
                400,
                "invalidFilter");
        error(scim().queryParam("filter", "emails eq \"a\"").get("/Users"), 400, "invalidFilter");
        error(scim().queryParam("filter", "userName eq").get("/Users"), 400, "invalidFilter");
        error(scim().queryParam("count", "many").get("/Users"), 400, "invalidValue");
        String id = scim().queryParam("filter", "userName eq \"unique@contoso.com\"")
                .get("/Users")
                .jsonPath()
                .getString("Resources[0].id");
        error(
                scim().body(patch("{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}"))
                        .patch("/Users/" + id),
                400,
                "mutability");
        error(
                scim().body(user("unique@contoso.com", externalId, true)
                                .replace("{\"schemas\"", "{\"id\":\"" + UUID.randomUUID() + "\",\"schemas\""))
                        .put("/Users/" + id),
                400,
                "mutability");
        error(
                scim().body(patch("{\"op\":\"remove\",\"path\":\"userName\"}")).patch("/Users/" + id),
                400,
                "invalidValue");
        error(scim().body(patch("{\"op\":\"move\",\"path\":\"active\"}")).patch("/Users/" + id), 400, "invalidValue");
        error(scim().body(patch("{\"op\":\"remove\"}")).patch("/Users/" + id), 400, "noTarget");
        error(scim().get("/Users/" + UUID.randomUUID()), 404, null);
        error(scim().get("/Users/not-a-guid"), 404, null);
        error(scim().get("/Widgets"), 404, null);
        error(scim().put("/Users"), 405, null);
        error(scim().contentType("text/plain").body("x").post("/Users"), 415, null);
        error(scim().body(user("unique@contoso.com", externalId, true)).put("/Users/" + UUID.randomUUID()), 404, null);
    }

    @Test
    void onlyTheProvisioningApplicationMayCallScimAndItMayCallNothingElse() {
        RequestSpecification dataverse = gateway.anonymous()
                .basePath("/scim/v2")
                .header("Authorization", "Bearer " + gateway.token(TestGateway.DATAVERSE_APP));
        error(dataverse.get("/Users"), 403, null);
        error(gateway.anonymous().basePath("/scim/v2").get("/Users"), 401, null);
        error(
                gateway.anonymous()
                        .basePath("/scim/v2")
                        .header("Authorization", "Bearer nonsense")
                        .get("/Users"),
                401,
                null);
        Response odata = gateway.anonymous()
                .header(
                        "Authorization",
                        "Bearer "
                                + gateway.token(DemoIdentities.PROVISIONING_APPLICATION
                                        .appId()
                                        .toString()))
                .header(
                        "CallerObjectId",
                        DemoIdentities.ALICE_SALES_MANAGER.entraObjectId().toString())
                .get(CUSTOMERS);
        assertThat(odata.statusCode()).as(odata.asString()).isEqualTo(403);
        assertThat(odata.asString()).contains("provisioning application");
        assertThat(scim().get("/ServiceProviderConfig").jsonPath().getBoolean("patch.supported"))
                .isTrue();
    }

    @Test
    void aProvisionedUserCallsAtOnceWhileActiveAndInTheSecurityGroup() throws Exception {
        UUID externalId = UUID.randomUUID();
        String id = createUser("eve.eligible@contoso.com", externalId);
        // active, but not yet in the security group: refused
        assertThat(customers(externalId)).isEqualTo(403);

        String group = createGroup(SECURITY_GROUP, List.of(id));
        Response read = gateway.asEntra(externalId).get(CUSTOMERS);
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        // the default role (Sales manager) reads every customer
        assertThat(read.jsonPath().getList("value")).hasSize((int) backend.count("SELECT COUNT(*) FROM erp.customer"));
        assertThat(backend.single(
                        "SELECT t.name FROM vegateway_security.teams t JOIN vegateway_security.team_members m"
                                + " ON m.team_id = t.id WHERE m.user_id = ?",
                        UUID.fromString(id)))
                .isEqualTo(SECURITY_GROUP);

        // inactive → refused; active again → allowed
        assertThat(scim().body(patch("{\"op\":\"replace\",\"path\":\"active\",\"value\":false}"))
                        .patch("/Users/" + id)
                        .statusCode())
                .isEqualTo(200);
        assertThat(customers(externalId)).isEqualTo(403);
        scim().body(patch("{\"op\":\"replace\",\"path\":\"active\",\"value\":true}"))
                .patch("/Users/" + id);
        assertThat(customers(externalId)).isEqualTo(200);

        // leaving the security group → refused; joining again → allowed
        Response removed = scim().body(patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + id + "\\\"]\"}"))
                .patch("/Groups/" + group);
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(200);
        assertThat(removed.jsonPath().getList("members")).isEmpty();
        assertThat(customers(externalId)).isEqualTo(403);
        Response added = scim().body(
                        patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + id + "\"}]}"))
                .patch("/Groups/" + group);
        assertThat(added.jsonPath().getList("members.value")).containsExactly(id);
        assertThat(customers(externalId)).isEqualTo(200);

        // DELETE disables, never deletes: the backend user stays (its rows keep their owner)
        assertThat(scim().delete("/Users/" + id).statusCode()).isEqualTo(204);
        assertThat(customers(externalId)).isEqualTo(403);
        assertThat(backend.single("SELECT enabled FROM vegateway_security.users WHERE id = ?", UUID.fromString(id)))
                .isEqualTo(false);

        // created again (same externalId): the same backend user, enabled again
        Response again =
                scim().body(user("eve.eligible@contoso.com", externalId, true)).post("/Users");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.jsonPath().getString("id")).isEqualTo(id);
        assertThat(customers(externalId)).isEqualTo(200);
    }

    @Test
    void groupsAreCreatedReadListedReplacedPatchedAndDeleted() {
        String first = createUser("gina.group@contoso.com", UUID.randomUUID());
        String second = createUser("gus.group@contoso.com", UUID.randomUUID());
        String id = createGroup("Directory sales", List.of(first));
        JsonPath read = scim().get("/Groups/" + id).jsonPath();
        assertThat(read.getString("displayName")).isEqualTo("Directory sales");
        assertThat(read.getList("members.value")).containsExactly(first);
        assertThat(scim().queryParam("excludedAttributes", "members")
                        .get("/Groups/" + id)
                        .jsonPath()
                        .getList("members"))
                .isNull();
        JsonPath listed = scim().queryParam("filter", "displayName eq \"Directory sales\"")
                .get("/Groups")
                .jsonPath();
        assertThat(listed.getInt("totalResults")).isEqualTo(1);

        error(
                scim().body("{\"schemas\":[\"" + GROUP_SCHEMA + "\"],\"displayName\":\"Directory sales\"}")
                        .post("/Groups"),
                409,
                "uniqueness");
        error(
                scim().body("{\"schemas\":[\"" + GROUP_SCHEMA + "\"],\"displayName\":\"G2\",\"members\":[{\"value\":\""
                                + UUID.randomUUID() + "\"}]}")
                        .post("/Groups"),
                400,
                "invalidValue");
        error(
                scim().body(patch("{\"op\":\"replace\",\"path\":\"owner\",\"value\":\"x\"}"))
                        .patch("/Groups/" + id),
                400,
                "invalidPath");

        Response replaced = scim().body(
                        "{\"schemas\":[\"" + GROUP_SCHEMA + "\"],\"displayName\":\"Directory sales EU\","
                                + "\"members\":[{\"value\":\"" + second + "\"}]}")
                .put("/Groups/" + id);
        assertThat(replaced.statusCode()).as(replaced.asString()).isEqualTo(200);
        assertThat(replaced.jsonPath().getList("members.value")).containsExactly(second);
        Response patched = scim().body(patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + first
                        + "\"}]},{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Directory sales 2\"}"))
                .patch("/Groups/" + id);
        assertThat(patched.jsonPath().getList("members.value")).containsExactlyInAnyOrder(first, second);
        assertThat(patched.jsonPath().getString("displayName")).isEqualTo("Directory sales 2");

        assertThat(scim().delete("/Groups/" + id).statusCode()).isEqualTo(204);
        error(scim().get("/Groups/" + id), 404, null);
    }

    @Test
    void aGroupWhoseExternalIdIsAGroupTeamsDirectoryGroupFeedsThatTeam() throws Exception {
        // Gus holds no role of his own; the group team bound to SALES_READERS_GROUP gives Sales manager.
        UUID gus = DemoIdentities.GUS_GROUP_TEAM.id();
        UUID gusObjectId = DemoIdentities.GUS_GROUP_TEAM.entraObjectId();
        assertThat(customers(gusObjectId)).isEqualTo(403);
        long teamsBefore = backend.count("SELECT COUNT(*) FROM vegateway_security.teams");

        Response created = scim().body("{\"schemas\":[\"" + GROUP_SCHEMA + "\"],\"displayName\":\"Sales readers\","
                        + "\"externalId\":\"" + DemoIdentities.SALES_READERS_GROUP + "\",\"members\":[{\"value\":\""
                        + gus + "\"}]}")
                .post("/Groups");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String group = created.jsonPath().getString("id");
        // no owner team named after the group: the group team is fed, not renamed, and has no listed member
        assertThat(backend.count("SELECT COUNT(*) FROM vegateway_security.teams"))
                .isEqualTo(teamsBefore);
        assertThat(backend.single(
                        "SELECT name FROM vegateway_security.teams WHERE group_object_id = ?",
                        DemoIdentities.SALES_READERS_GROUP))
                .isEqualTo("Sales readers (directory group)");
        assertThat(backend.count("SELECT COUNT(*) FROM vegateway_security.team_members WHERE user_id = ?", gus))
                .isZero();

        // the application's token carries no groups claim: only the SCIM push makes Gus a member
        Response read = gateway.asEntra(gusObjectId).get(CUSTOMERS);
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        assertThat(read.jsonPath().getList("value")).hasSize((int) backend.count("SELECT COUNT(*) FROM erp.customer"));

        Response removed = scim().body(patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + gus + "\\\"]\"}"))
                .patch("/Groups/" + group);
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(200);
        assertThat(customers(gusObjectId)).isEqualTo(403);

        // added again, then the group deleted: the pushed membership goes, the team stays
        scim().body(patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"" + gus + "\"}]}"))
                .patch("/Groups/" + group);
        assertThat(customers(gusObjectId)).isEqualTo(200);
        assertThat(scim().delete("/Groups/" + group).statusCode()).isEqualTo(204);
        assertThat(customers(gusObjectId)).isEqualTo(403);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.teams WHERE group_object_id = ?",
                        DemoIdentities.SALES_READERS_GROUP))
                .isEqualTo(1);
    }
}
