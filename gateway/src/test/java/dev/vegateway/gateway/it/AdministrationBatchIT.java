package dev.vegateway.gateway.it;

import static dev.vegateway.gateway.it.Multipart.batch;
import static dev.vegateway.gateway.it.Multipart.changeset;
import static dev.vegateway.gateway.it.Multipart.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.SecurityAdministration;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The administration sets and {@code vegateway_Explain} inside {@code $batch}: parts outside a
 * changeset run one after the other like single requests (a role given by one part is seen by the
 * next); a write inside a changeset is refused with 400 naming the set, and nothing is written; an
 * Administrative user cannot send a {@code $batch} at all (403, as for every request outside the
 * administration sets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdministrationBatchIT {
    private static final UUID NORA = DemoIdentities.NORA_NO_ROLE.id();

    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(
                TestBackend.fresh(kind()), AdministrationIT.securityData().toYaml());
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    private Response send(UUID user, String body) {
        return gateway.as(user)
                .contentType("multipart/mixed; boundary=batch_admin")
                .body(body)
                .post("$batch");
    }

    private static List<Multipart.Part> parts(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return Multipart.parse(response.contentType(), response.asString());
    }

    @Test
    void partsOutsideChangesetsReadAndChangeTheSetsInOrder() {
        UUID role = SecurityAdministration.roleId("Customer service Global");
        String body = batch(
                "batch_admin",
                request(Optional.empty(), "GET", "systemusers(" + NORA + ")?$select=fullname", null),
                request(
                        Optional.empty(),
                        "POST",
                        "systemusers(" + NORA + ")/systemuserroles_association/$ref",
                        "{\"@odata.id\":\"roles(" + role + ")\"}"),
                request(
                        Optional.empty(),
                        "GET",
                        "vegateway_Explain(UserId=" + NORA + ",EntityName='mserp_custcustomerv3entity')",
                        null),
                request(
                        Optional.empty(),
                        "POST",
                        "systemusers(" + NORA + ")/systemuserroles_association/$ref",
                        "{\"@odata.id\":\"roles(" + role + ")\"}"));

        List<Multipart.Part> parts = parts(send(AdministrationIT.SECURITY_ADMINISTRATOR, body));

        assertThat(parts).extracting(Multipart.Part::status).containsExactly(200, 204, 200, 409);
        assertThat(parts.get(0).body()).contains("\"fullname\":\"Nora Norole\"");
        assertThat(parts.get(2).body())
                .as("the explanation sees the role the part before gave")
                .contains("\"CanCall\":true")
                .contains("\"Role\":\"Customer service Global\"");
        assertThat(parts.get(3).body()).contains("0x80040237");
        Response nora = gateway.as(NORA).get("/mserp_custcustomerv3entities?$select=mserp_name&$top=1");
        assertThat(nora.statusCode()).as(nora.asString()).isEqualTo(200);
    }

    @Test
    void aWriteInsideAChangesetIsRefusedAndNothingIsWritten() {
        String body = batch(
                "batch_admin",
                changeset(
                        "changeset_admin",
                        request(
                                Optional.of("1"),
                                "PATCH",
                                "systemusers(" + DemoIdentities.BEA_BASIC.id() + ")",
                                "{\"fullname\":\"Renamed in a changeset\"}")));

        List<Multipart.Part> parts = parts(send(AdministrationIT.SECURITY_ADMINISTRATOR, body));

        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).status()).isEqualTo(400);
        assertThat(parts.get(0).body())
                .contains("0x8ff0000d")
                .contains("Entity set 'systemusers' is kept in the security store")
                .contains("outside a changeset");
        Response bea = gateway.as(AdministrationIT.SECURITY_ADMINISTRATOR)
                .get("/systemusers(" + DemoIdentities.BEA_BASIC.id() + ")?$select=fullname");
        assertThat(bea.jsonPath().getString("fullname")).isEqualTo("Bea Basic");
    }

    @Test
    void anAdministrativeUserCannotSendABatch() {
        String body =
                batch("batch_admin", request(Optional.empty(), "GET", "systemusers?$select=fullname&$top=1", null));

        Response response = send(AdministrationIT.ADMINISTRATIVE, body);

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(403);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x8ff00032");
        assertThat(response.jsonPath().getString("error.message")).contains("access mode Administrative");
    }
}
