package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 12: {@code catalog discover} turns a foreign key over several columns that refers to a natural
 * key (customer groups → terms of payment by company and terms id) into a relation over several fields,
 * and the discovered catalog, served, answers its {@code $expand} as the demo catalog does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CompositeDiscoveryIT {
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
    private static final String SECURITY =
            """
            businessUnits:
              - name: Contoso
            companies: [usmf, demf, gbsi]
            roles: []
            users:
              - { id: %s, name: Sam Admin, enabled: true, accessMode: ReadWrite, kind: person, businessUnit: Contoso, roles: [System administrator] }
            applications:
              - { appId: %s, name: Dataverse virtual entities, kind: dataverse, enabled: true, roles: [CDSVirtualEntityApplication] }
            """
                    .formatted(SAM, TestGateway.DATAVERSE_APP);

    private TestBackend backend;
    private String discoveredYaml;
    private TestGateway demo;
    private TestGateway discovered;

    abstract BackendKind kind();

    @BeforeAll
    void discoverAndStart() throws Exception {
        backend = TestBackend.shared(kind(), "compositediscovery");
        try (Connection connection = backend.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE erp.customer_group ADD CONSTRAINT fk_customer_group_terms FOREIGN KEY"
                    + " (data_area_id, payment_terms) REFERENCES erp.payment_terms (data_area_id, payment_terms_id)");
        }
        discoveredYaml = CatalogDiscoveryIT.discover(backend, kind());
        demo = TestGateway.start(backend, null);
        discovered = TestGateway.start(
                backend,
                SECURITY,
                Map.of("VEGATEWAY_BACKEND_SECURITY_SCHEMA", "vegateway_security_discovered"),
                discoveredYaml);
    }

    @AfterAll
    void stop() throws Exception {
        if (discovered != null) {
            discovered.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void theCompositeForeignKeyBecomesARelationOverSeveralFields() {
        assertThat(discoveredYaml)
                // mserp_PaymentTerms is taken by the field mserp_paymentterms (names compare ignoring case)
                .contains("- { name: mserp_PaymentTerms2, field: [mserp_dataareaid, mserp_paymentterms], target:"
                        + " mserp_paymenttermsentity, targetField: [mserp_dataareaid, mserp_paymenttermsid],"
                        + " lookupField: mserp_paymentterms2id }");
    }

    @Test
    void theDiscoveredRelationAnswersAsTheDemos() {
        Response demoAnswer = demo.as(SAM)
                .header("Prefer", "odata.maxpagesize=5000")
                .get("mserp_custcustomergroupentities?$select=mserp_dataareaid,mserp_customergroupid"
                        + "&$expand=mserp_PaymentTerms($select=mserp_netdays,mserp_description)"
                        + "&$orderby=mserp_dataareaid,mserp_customergroupid");
        Response discoveredAnswer = discovered
                .as(SAM)
                .header("Prefer", "odata.maxpagesize=5000")
                .get("mserp_customergroupentities?$select=mserp_dataareaid,mserp_groupid"
                        + "&$expand=mserp_PaymentTerms2($select=mserp_netdays,mserp_description)"
                        + "&$orderby=mserp_dataareaid,mserp_groupid");
        assertThat(demoAnswer.statusCode()).as(demoAnswer.asString()).isEqualTo(200);
        assertThat(discoveredAnswer.statusCode())
                .as(discoveredAnswer.asString())
                .isEqualTo(200);
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> row : demoAnswer.jsonPath().<Map<String, Object>>getList("value")) {
            expected.add(row.get("mserp_dataareaid") + "|" + row.get("mserp_customergroupid") + "|"
                    + row.get("mserp_PaymentTerms"));
        }
        List<String> actual = new ArrayList<>();
        for (Map<String, Object> row : discoveredAnswer.jsonPath().<Map<String, Object>>getList("value")) {
            actual.add(row.get("mserp_dataareaid") + "|" + row.get("mserp_groupid") + "|"
                    + row.get("mserp_PaymentTerms2"));
        }
        assertThat(actual).isNotEmpty().isEqualTo(expected);
        assertThat(expected).noneMatch(row -> row.endsWith("|null"));
    }
}
