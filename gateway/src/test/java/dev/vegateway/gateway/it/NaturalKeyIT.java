package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.DerivedKey;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the demo's terms of payment live in a table without a GUID column (key: company + terms
 * id). The gateway serves a derived GUID key, the same across restarts and instances, and records
 * are addressed by it and by their alternate key, under the caller's security.
 */
abstract class NaturalKeyIT extends SecurityIT {
    static final String SET = "mserp_paymenttermentities";
    static final String KEY = "mserp_paymenttermentityid";
    static final String VALIDATION = "0x80044331";
    static final String QUERY_SYNTAX = "0x8ff00001";

    @Override
    String backendName() {
        return "naturalkeys";
    }

    static DerivedKey derivedKey() throws Exception {
        try (InputStream in = NaturalKeyIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return CatalogLoader.load("demo/catalog.yaml", yaml)
                    .byLogicalName("mserp_paymenttermentity")
                    .orElseThrow()
                    .derivedKey()
                    .orElseThrow();
        }
    }

    static String alternateKey(String company, String terms) {
        return SET + "(mserp_dataareaid='" + company + "',mserp_paymenttermid='" + terms + "')";
    }

    @Test
    void readsByTheDerivedGuidAndByTheAlternateKey() throws Exception {
        UUID net30 = derivedKey().guid(List.of("usmf", "Net30"));
        Response listed = assertOk(as(DemoIdentities.ALICE_SALES_MANAGER)
                .get(SET + "?$select=" + KEY + ",mserp_primaryfield"
                        + filter("mserp_dataareaid eq 'usmf' and" + " mserp_paymenttermid eq 'Net30'")));
        assertThat(listed.jsonPath().getList("value." + KEY)).containsExactly(net30.toString());
        assertThat(listed.jsonPath().getList("value.mserp_primaryfield")).containsExactly("usmf|Net30");

        Response byGuid = assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(SET + "(" + net30 + ")"));
        assertThat(byGuid.jsonPath().getString(KEY)).isEqualTo(net30.toString());
        assertThat(byGuid.jsonPath().getString("mserp_description")).isEqualTo("Net 30 days");
        assertThat(byGuid.jsonPath().getInt("mserp_netdays")).isEqualTo(30);

        Response byAlternateKey =
                assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(alternateKey("usmf", "Net30")));
        assertThat(byAlternateKey.jsonPath().getString(KEY)).isEqualTo(net30.toString());
        // percent-encoded, as clients send it, and with $select
        assertThat(assertOk(as(DemoIdentities.ALICE_SALES_MANAGER)
                                .urlEncodingEnabled(false)
                                .get(SET + "(mserp_paymenttermid=%27Net30%27,mserp_dataareaid=%27usmf%27)"
                                        + "?$select=mserp_description"))
                        .jsonPath()
                        .getString("mserp_description"))
                .isEqualTo("Net 30 days");
        // the derived key filters like any field
        assertThat(assertOk(as(DemoIdentities.ALICE_SALES_MANAGER)
                                .get(SET + "?$select=mserp_paymenttermid" + filter(KEY + " eq " + net30)))
                        .jsonPath()
                        .getList("value.mserp_paymenttermid"))
                .containsExactly("Net30");

        assertError(
                as(DemoIdentities.ALICE_SALES_MANAGER)
                        .get(SET + "(" + derivedKey().guid(List.of("usmf", "Nope")) + ")"),
                404,
                RECORD_NOT_FOUND);
        assertError(as(DemoIdentities.ALICE_SALES_MANAGER).get(alternateKey("usmf", "Nope")), 404, RECORD_NOT_FOUND);
    }

    @Test
    void aBadAlternateKeyIsAPrecise400() throws Exception {
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER)
                                .get(SET + "(mserp_dataareaid='usmf',mserp_description='x')"),
                        400,
                        QUERY_SYNTAX))
                .contains("'mserp_description' is not a field of any alternate key")
                .contains("naturalkey (mserp_dataareaid, mserp_paymenttermid)");
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER).get(SET + "(mserp_dataareaid='usmf')"),
                        400,
                        QUERY_SYNTAX))
                .contains("also needs mserp_paymenttermid");
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER)
                                .get(SET + "(mserp_dataareaid=7,mserp_paymenttermid='Net30')"),
                        400,
                        QUERY_SYNTAX))
                .contains("'mserp_dataareaid' must be a text in single quotes");
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER).get(SET + "(mserp_dataareaid='usmf',mserp_nothing='x')"),
                        400,
                        QUERY_SYNTAX))
                .contains("no property 'mserp_nothing'");
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER)
                                .get(SET + "(mserp_dataareaid='usmf',mserp_paymenttermid='Net30'"),
                        400,
                        QUERY_SYNTAX))
                .isNotBlank();
    }

    @Test
    void createUpdateDeleteAndUpsertByDerivedGuidAndAlternateKey() throws Exception {
        DerivedKey key = derivedKey();
        UUID fiona = DemoIdentities.FIONA_FIELD_SECURITY.id();
        String body = "{\"mserp_dataareaid\":\"demf\",\"mserp_paymenttermid\":\"IT-1\","
                + "\"mserp_description\":\"Created\",\"mserp_netdays\":5}";
        UUID created = key.guid(List.of("demf", "IT-1"));
        Response create = as(DemoIdentities.FIONA_FIELD_SECURITY)
                .contentType("application/json")
                .header("Prefer", "return=representation")
                .body(body)
                .post(SET);
        assertThat(create.statusCode()).as(create.asString()).isEqualTo(201);
        assertThat(create.jsonPath().getString(KEY)).isEqualTo(created.toString());
        assertThat(create.header("OData-EntityId")).endsWith(SET + "(" + created + ")");

        assertThat(assertError(
                        as(DemoIdentities.FIONA_FIELD_SECURITY)
                                .contentType("application/json")
                                .body("{\"" + KEY + "\":\"" + UUID.randomUUID()
                                        + "\",\"mserp_dataareaid\":\"demf\",\"mserp_paymenttermid\":\"IT-2\","
                                        + "\"mserp_description\":\"x\",\"mserp_netdays\":1}")
                                .post(SET),
                        400,
                        VALIDATION))
                .contains("'" + KEY + "' is derived from the key (mserp_dataareaid, mserp_paymenttermid)");

        Response patched = as(DemoIdentities.FIONA_FIELD_SECURITY)
                .contentType("application/json")
                .body("{\"mserp_description\":\"By GUID\"}")
                .patch(SET + "(" + created + ")");
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(204);
        assertThat(
                        backend.single(
                                "SELECT description FROM erp.payment_terms WHERE data_area_id = 'demf' AND payment_terms_id = 'IT-1'"))
                .isEqualTo("By GUID");
        Response patchedByAlternateKey = as(DemoIdentities.FIONA_FIELD_SECURITY)
                .contentType("application/json")
                .body("{\"mserp_netdays\":7}")
                .patch(alternateKey("demf", "IT-1"));
        assertThat(patchedByAlternateKey.statusCode())
                .as(patchedByAlternateKey.asString())
                .isEqualTo(204);
        assertThat(((Number)
                                backend.single(
                                        "SELECT net_days FROM erp.payment_terms WHERE data_area_id = 'demf' AND payment_terms_id = 'IT-1'"))
                        .intValue())
                .isEqualTo(7);
        assertThat(assertError(
                        as(DemoIdentities.FIONA_FIELD_SECURITY)
                                .contentType("application/json")
                                .body("{\"mserp_paymenttermid\":\"IT-9\"}")
                                .patch(SET + "(" + created + ")"),
                        400,
                        VALIDATION))
                .contains("'mserp_paymenttermid' is read-only");

        // upsert by alternate key: the URL's values make the new record
        Response upserted = as(DemoIdentities.FIONA_FIELD_SECURITY)
                .contentType("application/json")
                .body("{\"mserp_description\":\"Upserted\",\"mserp_netdays\":3}")
                .patch(alternateKey("gbsi", "IT-3"));
        assertThat(upserted.statusCode()).as(upserted.asString()).isEqualTo(204);
        assertThat(upserted.header("OData-EntityId")).endsWith(SET + "(" + key.guid(List.of("gbsi", "IT-3")) + ")");
        assertThat(
                        backend.single(
                                "SELECT description FROM erp.payment_terms WHERE data_area_id = 'gbsi' AND payment_terms_id = 'IT-3'"))
                .isEqualTo("Upserted");

        Response deleted = as(DemoIdentities.FIONA_FIELD_SECURITY).delete(alternateKey("demf", "IT-1"));
        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(204);
        Response deletedByGuid =
                as(DemoIdentities.FIONA_FIELD_SECURITY).delete(SET + "(" + key.guid(List.of("gbsi", "IT-3")) + ")");
        assertThat(deletedByGuid.statusCode()).as(deletedByGuid.asString()).isEqualTo(204);
        assertThat(backend.count("SELECT COUNT(*) FROM erp.payment_terms WHERE payment_terms_id LIKE 'IT-%'"))
                .isZero();
        assertError(as(DemoIdentities.FIONA_FIELD_SECURITY).get(SET + "(" + created + ")"), 404, RECORD_NOT_FOUND);
    }

    /**
     * For every demo caller and every row of the table: a read by alternate key answers the row
     * exactly when the caller's query shows it (404 otherwise, 403 for both without Read).
     */
    @Test
    void aReadByAlternateKeyNeverShowsARowTheCallersQueryDoesNot() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT data_area_id, payment_terms_id FROM erp.payment_terms");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(new String[] {result.getString(1), result.getString(2)});
            }
        }
        assertThat(rows).hasSizeGreaterThan(10);
        DerivedKey key = derivedKey();
        for (DemoIdentities.User user : List.of(
                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR,
                DemoIdentities.ALICE_SALES_MANAGER,
                DemoIdentities.BOB_SALES_CLERK,
                DemoIdentities.CORA_COMPANIES,
                DemoIdentities.MIA_MIXED,
                DemoIdentities.FIONA_FIELD_SECURITY,
                DemoIdentities.CAROL_AP_CLERK)) {
            Response query = as(user).get(SET + "?$select=" + KEY);
            if (query.statusCode() == 403) {
                for (String[] row : rows) {
                    assertThat(as(user).get(alternateKey(row[0], row[1])).statusCode())
                            .as(user.name())
                            .isEqualTo(403);
                }
                continue;
            }
            Set<String> visible = Set.copyOf(assertOk(query).jsonPath().getList("value." + KEY, String.class));
            int shown = 0;
            for (String[] row : rows) {
                Response read = as(user).get(alternateKey(row[0], row[1]) + "?$select=mserp_primaryfield");
                String id = key.guid(List.of(row[0], row[1])).toString();
                if (visible.contains(id)) {
                    assertThat(read.statusCode()).as(user.name() + " " + id).isEqualTo(200);
                    assertThat(read.jsonPath().getString(KEY)).isEqualTo(id);
                    shown++;
                } else {
                    assertError(read, 404, RECORD_NOT_FOUND);
                }
            }
            assertThat(shown).as(user.name()).isEqualTo(visible.size());
        }
        // Bob holds his role for usmf only: he sees usmf's terms and nothing else
        List<String> bobs = assertOk(as(DemoIdentities.BOB_SALES_CLERK).get(SET + "?$select=mserp_dataareaid"))
                .jsonPath()
                .getList("value.mserp_dataareaid", String.class);
        assertThat(bobs).containsOnly("usmf").hasSize((int)
                backend.count("SELECT COUNT(*) FROM erp.payment_terms WHERE data_area_id = 'usmf'"));
    }

    @Test
    void aLookupToANaturalKeyEntityIsBoundByTheDerivedGuid() throws Exception {
        String catalog;
        try (InputStream in = NaturalKeyIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            catalog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // the demo relates groups to terms over two fields; this test serves the relation over one field
        String demoRelation = "      - { name: mserp_PaymentTerms, field: [mserp_dataareaid, mserp_paymenttermid],"
                + " target: mserp_paymenttermentity, targetField: [mserp_dataareaid, mserp_paymenttermid],"
                + " partner: mserp_CustomerGroups }";
        assertThat(catalog).contains(demoRelation);
        catalog = catalog.replace(
                demoRelation,
                "      - { name: mserp_PaymentTerms, field: mserp_paymenttermid,"
                        + " target: mserp_paymenttermentity, targetField: mserp_paymenttermid }");
        UUID group = (UUID)
                backend.single("SELECT id FROM erp.customer_group WHERE data_area_id = 'usmf' AND group_id = '20'");
        Object before = backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group);
        try (TestGateway bound = TestGateway.start(backend, null, java.util.Map.of(), catalog)) {
            for (String terms : List.of("Net60", (String) before)) {
                UUID target = derivedKey().guid(List.of("usmf", terms));
                Response patched = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                        .contentType("application/json")
                        .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + SET + "(" + target + ")\"}")
                        .patch("mserp_custcustomergroupentities(" + group + ")");
                assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(204);
                assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                        .isEqualTo(terms);
            }
            // the reference may name the record by its alternate key, as a URL may
            for (String terms : List.of("Net60", (String) before)) {
                Response patched = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                        .contentType("application/json")
                        .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + alternateKey("usmf", terms) + "\"}")
                        .patch("mserp_custcustomergroupentities(" + group + ")");
                assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(204);
                assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                        .isEqualTo(terms);
            }
            Response noSuchTerms = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + alternateKey("usmf", "Nope") + "\"}")
                    .patch("mserp_custcustomergroupentities(" + group + ")");
            assertError(noSuchTerms, 404, RECORD_NOT_FOUND);
            Response notAKey = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + SET + "(mserp_description='Net')\"}")
                    .patch("mserp_custcustomergroupentities(" + group + ")");
            assertThat(assertError(notAKey, 400, QUERY_SYNTAX)).contains("mserp_description");
            // the terms id repeats in every company, so the relation binds but does not navigate (no wrong join)
            Response expanded = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                    .get("mserp_custcustomergroupentities(" + group + ")?$expand=mserp_PaymentTerms");
            assertThat(assertError(expanded, 400, "0x8ff00003"))
                    .contains("mserp_PaymentTerms")
                    .contains("does not identify one record");
            Response filtered = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                    .get("mserp_custcustomergroupentities?$filter=" + encode("mserp_PaymentTerms/mserp_netdays gt 10"));
            assertThat(assertError(filtered, 400, "0x8ff00003")).contains("mserp_PaymentTerms");
            // a GUID no record has is 404, as for any lookup
            Response missing = paged(bound.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()))
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + SET + "("
                            + derivedKey().guid(List.of("usmf", "Nope")) + ")\"}")
                    .patch("mserp_custcustomergroupentities(" + group + ")");
            assertError(missing, 404, RECORD_NOT_FOUND);
        }
    }

    @Test
    void aBoundSqlActionNamesTheRowByItsNaturalKeyParts() throws Exception {
        int days = ((Number)
                        backend.single(
                                "SELECT net_days FROM erp.payment_terms WHERE data_area_id = 'demf' AND payment_terms_id = 'Net10'"))
                .intValue();
        UUID net10 = derivedKey().guid(List.of("demf", "Net10"));
        Response byGuid = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .contentType("application/json")
                .body("{\"Days\":5}")
                .post(SET + "(" + net10 + ")/Microsoft.Dynamics.CRM.mserp_ExtendPaymentTerm");
        assertThat(byGuid.statusCode()).as(byGuid.asString()).isEqualTo(204);
        Response byAlternateKey = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .contentType("application/json")
                .body("{\"Days\":2}")
                .post(alternateKey("demf", "Net10") + "/Microsoft.Dynamics.CRM.mserp_ExtendPaymentTerm");
        assertThat(byAlternateKey.statusCode()).as(byAlternateKey.asString()).isEqualTo(204);
        assertThat(((Number)
                                backend.single(
                                        "SELECT net_days FROM erp.payment_terms WHERE data_area_id = 'demf' AND payment_terms_id = 'Net10'"))
                        .intValue())
                .isEqualTo(days + 7);
        // the same terms id of another company is untouched
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM erp.payment_terms WHERE payment_terms_id = 'Net10' AND net_days = ?",
                        days + 7))
                .isEqualTo(1);
        assertError(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .contentType("application/json")
                        .body("{\"Days\":1}")
                        .post(SET + "(" + derivedKey().guid(List.of("demf", "Nope"))
                                + ")/Microsoft.Dynamics.CRM.mserp_ExtendPaymentTerm"),
                404,
                RECORD_NOT_FOUND);
    }

    @Test
    void theDerivedGuidIsTheSameOnAnotherInstanceAndAfterARestart() throws Exception {
        String path = SET + "?$select=" + KEY + ",mserp_primaryfield&$orderby=mserp_primaryfield";
        List<String> first = assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(path))
                .jsonPath()
                .getList("value." + KEY, String.class);
        assertThat(first).hasSizeGreaterThan(10);
        try (TestGateway second = TestGateway.start(backend, null)) {
            assertThat(assertOk(paged(second.as(DemoIdentities.ALICE_SALES_MANAGER.id()))
                                    .get(path))
                            .jsonPath()
                            .getList("value." + KEY, String.class))
                    .isEqualTo(first);
        }
        gateway.close();
        gateway = TestGateway.start(backend, null);
        assertThat(assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(path))
                        .jsonPath()
                        .getList("value." + KEY, String.class))
                .isEqualTo(first);
        assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(SET + "(" + first.get(0) + ")"));
    }
}
