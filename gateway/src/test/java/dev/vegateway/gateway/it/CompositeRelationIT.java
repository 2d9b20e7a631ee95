package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the demo's customer groups refer to their terms of payment over two fields (company and
 * terms id, the terms' natural key). Every use of the relation answers what direct SQL over the
 * pair of columns answers: the lookup is the terms' derived GUID, {@code $expand} both ways,
 * navigation paths, lambdas, FetchXML link-entity, {@code $apply}, and {@code @odata.bind} sets both
 * columns. A caller who may read the terms of one company only sees no other company's terms
 * through the relation.
 */
abstract class CompositeRelationIT extends SecurityIT {
    static final String GROUPS = "mserp_custcustomergroupentities";
    static final String TERMS = "mserp_paymenttermentities";
    static final String LOOKUP = "_mserp_paymenttermsid_value";
    static final UUID TERMS_OF_USMF_ONLY = UUID.fromString("00000000-0000-4000-8000-000000000077");
    static final UUID TERMS_ID_HIDDEN = UUID.fromString("00000000-0000-4000-8000-000000000078");

    @Override
    String backendName() {
        return "compositerelations";
    }

    /** The demo security data, with a user who reads every company's groups but the terms of usmf only. */
    @Override
    String securityYaml() throws Exception {
        String yaml;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("demo/security.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String roles = "\nroles:\n";
        assertThat(yaml).contains(roles);
        yaml = yaml.replace(
                roles,
                roles + "  - name: Group reader\n    privileges:\n"
                        + "      - { entity: mserp_custcustomergroupentity, read: Global }\n    actions: []\n"
                        + "  - name: Terms reader\n    privileges:\n"
                        + "      - { entity: mserp_paymenttermentity, read: Global }\n    actions: []\n"
                        + "  - name: Group reader without terms\n    privileges:\n"
                        + "      - { entity: mserp_custcustomergroupentity, read: Global }\n    actions: []\n"
                        + "    fieldSecurity:\n"
                        + "      - { entity: mserp_custcustomergroupentity, field: mserp_paymenttermid, read: false,"
                        + " update: false }\n");
        String users = "\nusers:\n";
        assertThat(yaml).contains(users);
        return yaml.replace(
                users,
                users + "  - { id: " + TERMS_OF_USMF_ONLY + ", name: Terry Terms, entraObjectId:"
                        + " 00000000-0000-4000-8000-000000000177, enabled: true, accessMode: ReadWrite, kind: person,"
                        + " businessUnit: Contoso US, roles: [ Group reader, { role: Terms reader, companies: [usmf] } ] }\n"
                        + "  - { id: " + TERMS_ID_HIDDEN + ", name: Hilda Hidden, entraObjectId:"
                        + " 00000000-0000-4000-8000-000000000178, enabled: true, accessMode: ReadWrite, kind: person,"
                        + " businessUnit: Contoso US, roles: [ Group reader without terms ] }\n");
    }

    /** group id → "company|terms" for every customer group, by direct SQL. */
    Map<String, String> termsOfGroups() throws Exception {
        Map<String, String> terms = new TreeMap<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT id, data_area_id, payment_terms FROM erp.customer_group");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                terms.put(
                        rows.getObject(1, UUID.class).toString(),
                        rows.getString(3) == null ? null : rows.getString(2) + "|" + rows.getString(3));
            }
        }
        return terms;
    }

    static UUID termsGuid(String companyAndTerms) throws Exception {
        String[] parts = companyAndTerms.split("\\|");
        return NaturalKeyIT.derivedKey().guid(List.of(parts[0], parts[1]));
    }

    @Test
    void theLookupIsTheTargetsDerivedGuidAndExpandJoinsOnBothFields() throws Exception {
        Map<String, String> expected = termsOfGroups();
        Response response = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(GROUPS + "?$select=mserp_custcustomergroupentityid," + LOOKUP
                        + "&$expand=mserp_PaymentTerms($select=mserp_paymenttermentityid,mserp_dataareaid,"
                        + "mserp_paymenttermid)"));
        List<Map<String, Object>> rows = response.jsonPath().getList("value");
        assertThat(rows).hasSize(expected.size());
        for (Map<String, Object> row : rows) {
            String terms = expected.get((String) row.get("mserp_custcustomergroupentityid"));
            String guid = termsGuid(terms).toString();
            assertThat(row.get(LOOKUP)).isEqualTo(guid);
            @SuppressWarnings("unchecked")
            Map<String, Object> target = (Map<String, Object>) row.get("mserp_PaymentTerms");
            assertThat(target).isNotNull();
            assertThat(target.get("mserp_paymenttermentityid")).isEqualTo(guid);
            assertThat(target.get("mserp_dataareaid") + "|" + target.get("mserp_paymenttermid"))
                    .isEqualTo(terms);
        }
        // a filter on the lookup finds the groups of exactly those terms
        String net30 = "usmf|Net30";
        Response filtered = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(GROUPS + "?$select=mserp_custcustomergroupentityid" + filter(LOOKUP + " eq " + termsGuid(net30))));
        assertThat(new TreeSet<>(filtered.jsonPath().getList("value.mserp_custcustomergroupentityid", String.class)))
                .isEqualTo(groupsWith(expected, net30::equals));
    }

    static Set<String> groupsWith(Map<String, String> termsOfGroups, java.util.function.Predicate<String> terms) {
        Set<String> groups = new TreeSet<>();
        termsOfGroups.forEach((group, companyAndTerms) -> {
            if (companyAndTerms != null && terms.test(companyAndTerms)) {
                groups.add(group);
            }
        });
        return groups;
    }

    @Test
    void thePartnerCollectionNavigationPathsAndLambdasMatchSql() throws Exception {
        Map<String, String> expected = termsOfGroups();
        UUID net30 = termsGuid("usmf|Net30");
        Response expanded = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(TERMS + "(" + net30 + ")?$expand=mserp_CustomerGroups($select=mserp_custcustomergroupentityid)"));
        assertThat(new TreeSet<>(expanded.jsonPath()
                        .getList("mserp_CustomerGroups.mserp_custcustomergroupentityid", String.class)))
                .isNotEmpty()
                .isEqualTo(groupsWith(expected, "usmf|Net30"::equals));
        Response related = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(TERMS + "(" + net30 + ")/mserp_CustomerGroups?$select=mserp_custcustomergroupentityid"));
        assertThat(new TreeSet<>(related.jsonPath().getList("value.mserp_custcustomergroupentityid", String.class)))
                .isEqualTo(groupsWith(expected, "usmf|Net30"::equals));

        Set<String> longTerms = sql("SELECT g.id FROM erp.customer_group g JOIN erp.payment_terms t"
                + " ON t.data_area_id = g.data_area_id AND t.payment_terms_id = g.payment_terms WHERE t.net_days > 30");
        Response path = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(GROUPS + "?$select=mserp_custcustomergroupentityid"
                        + filter("mserp_PaymentTerms/mserp_netdays gt 30")
                        + "&$orderby=" + encode("mserp_PaymentTerms/mserp_netdays desc")));
        assertThat(new TreeSet<>(path.jsonPath().getList("value.mserp_custcustomergroupentityid", String.class)))
                .isNotEmpty()
                .isEqualTo(longTerms);

        Response any = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(TERMS + "?$select=mserp_paymenttermentityid"
                        + filter("mserp_CustomerGroups/any(g: g/mserp_customergroupid eq '10')")));
        Set<String> termsOfGroup10 = new TreeSet<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT DISTINCT data_area_id, payment_terms FROM erp.customer_group WHERE group_id = '10'");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                termsOfGroup10.add(
                        termsGuid(rows.getString(1) + "|" + rows.getString(2)).toString());
            }
        }
        assertThat(new TreeSet<>(any.jsonPath().getList("value.mserp_paymenttermentityid", String.class)))
                .isNotEmpty()
                .isEqualTo(termsOfGroup10);
    }

    @Test
    void fetchXmlLinkEntityAndApplyGroupByFollowTheRelation() throws Exception {
        Map<String, String> expected = termsOfGroups();
        String fetch = "<fetch><entity name=\"mserp_custcustomergroupentity\">"
                + "<attribute name=\"mserp_custcustomergroupentityid\"/>"
                + "<link-entity name=\"mserp_paymenttermentity\" from=\"mserp_paymenttermentityid\""
                + " to=\"mserp_paymenttermsid\" alias=\"t\"><attribute name=\"mserp_paymenttermid\"/>"
                + "<attribute name=\"mserp_dataareaid\"/></link-entity></entity></fetch>";
        Response fetched = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .urlEncodingEnabled(false)
                .get(GROUPS + "?fetchXml="
                        + URLEncoder.encode(fetch, StandardCharsets.UTF_8).replace("+", "%20")));
        List<Map<String, Object>> rows = fetched.jsonPath().getList("value");
        assertThat(rows).hasSize(expected.size());
        for (Map<String, Object> row : rows) {
            assertThat(row.get("t.mserp_dataareaid") + "|" + row.get("t.mserp_paymenttermid"))
                    .isEqualTo(expected.get((String) row.get("mserp_custcustomergroupentityid")));
        }

        Response grouped = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(GROUPS + "?$apply="
                        + encode("groupby((mserp_PaymentTerms/mserp_netdays),aggregate($count as n))")));
        Map<Integer, Long> counts = new TreeMap<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT t.net_days, COUNT(*) FROM erp.customer_group g JOIN erp.payment_terms t ON"
                                + " t.data_area_id = g.data_area_id AND t.payment_terms_id = g.payment_terms"
                                + " GROUP BY t.net_days");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                counts.put(result.getInt(1), result.getLong(2));
            }
        }
        Map<Integer, Long> answered = new TreeMap<>();
        for (Map<String, Object> row : grouped.jsonPath().<Map<String, Object>>getList("value")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> terms = (Map<String, Object>) row.get("mserp_PaymentTerms");
            answered.put((Integer) terms.get("mserp_netdays"), ((Number) row.get("n")).longValue());
        }
        assertThat(answered).isEqualTo(counts);
    }

    @Test
    void bindingSetsBothFieldsAndRefusesAnotherCompany() throws Exception {
        UUID group = (UUID)
                backend.single("SELECT id FROM erp.customer_group WHERE data_area_id = 'usmf' AND group_id = '20'");
        Object before = backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group);
        try {
            Response byGuid = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + TERMS + "(" + termsGuid("usmf|Net60") + ")\"}")
                    .patch(GROUPS + "(" + group + ")");
            assertThat(byGuid.statusCode()).as(byGuid.asString()).isEqualTo(204);
            assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                    .isEqualTo("Net60");
            Response byAlternateKey = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + NaturalKeyIT.alternateKey("usmf", "Net10") + "\"}")
                    .patch(GROUPS + "(" + group + ")");
            assertThat(byAlternateKey.statusCode())
                    .as(byAlternateKey.asString())
                    .isEqualTo(204);
            assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                    .isEqualTo("Net10");
            Response read = assertOk(
                    as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR).get(GROUPS + "(" + group + ")?$select=" + LOOKUP));
            assertThat(read.jsonPath().getString(LOOKUP))
                    .isEqualTo(termsGuid("usmf|Net10").toString());

            Response otherCompany = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":\"/" + TERMS + "(" + termsGuid("demf|Net60") + ")\"}")
                    .patch(GROUPS + "(" + group + ")");
            assertThat(assertError(otherCompany, 400, NaturalKeyIT.VALIDATION))
                    .contains("mserp_PaymentTerms")
                    .contains("'demf'")
                    .contains("'usmf'");
            assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                    .isEqualTo("Net10");
            Response lookupSetDirectly = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .contentType("application/json")
                    .body("{\"" + LOOKUP + "\":\"" + termsGuid("usmf|Net60") + "\"}")
                    .patch(GROUPS + "(" + group + ")");
            assertThat(assertError(lookupSetDirectly, 400, "0x80048d19")).contains("mserp_PaymentTerms");

            Response cleared = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .contentType("application/json")
                    .body("{\"mserp_PaymentTerms@odata.bind\":null}")
                    .patch(GROUPS + "(" + group + ")");
            assertThat(cleared.statusCode()).as(cleared.asString()).isEqualTo(204);
            assertThat(backend.single("SELECT payment_terms FROM erp.customer_group WHERE id = ?", group))
                    .isNull();
            assertThat(backend.single("SELECT data_area_id FROM erp.customer_group WHERE id = ?", group))
                    .isEqualTo("usmf");
            Response none = assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                    .get(GROUPS + "(" + group + ")?$select=" + LOOKUP + "&$expand=mserp_PaymentTerms"));
            assertThat(none.jsonPath().getString(LOOKUP)).isNull();
            assertThat(none.jsonPath().getMap("mserp_PaymentTerms")).isNull();
        } finally {
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "UPDATE erp.customer_group SET payment_terms = ? WHERE id = ?")) {
                statement.setObject(1, before);
                statement.setObject(2, group);
                statement.executeUpdate();
            }
        }
    }

    @Test
    void aCallerWhoReadsTheTermsOfOneCompanySeesNoOtherCompanysTermsThroughTheRelation() throws Exception {
        Map<String, String> expected = termsOfGroups();
        Response response = assertOk(paged(gateway.as(TERMS_OF_USMF_ONLY))
                .get(GROUPS + "?$select=mserp_custcustomergroupentityid,mserp_dataareaid"
                        + "&$expand=mserp_PaymentTerms($select=mserp_dataareaid,mserp_paymenttermid)"));
        List<Map<String, Object>> rows = response.jsonPath().getList("value");
        assertThat(rows).hasSize(expected.size()); // every company's groups
        List<String> companiesOfExpandedTerms = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> terms = (Map<String, Object>) row.get("mserp_PaymentTerms");
            if ("usmf".equals(row.get("mserp_dataareaid"))
                    && expected.get((String) row.get("mserp_custcustomergroupentityid")) != null) {
                assertThat(terms).as(row.toString()).isNotNull();
            } else {
                assertThat(terms).as(row.toString()).isNull();
            }
            if (terms != null) {
                companiesOfExpandedTerms.add((String) terms.get("mserp_dataareaid"));
            }
        }
        assertThat(companiesOfExpandedTerms).isNotEmpty().containsOnly("usmf");
        // filtering through the relation only reaches usmf's terms
        Response filtered = assertOk(paged(gateway.as(TERMS_OF_USMF_ONLY))
                .get(GROUPS + "?$select=mserp_dataareaid" + filter("mserp_PaymentTerms/mserp_netdays ge 0")));
        assertThat(filtered.jsonPath().getList("value.mserp_dataareaid", String.class))
                .isNotEmpty()
                .containsOnly("usmf");
        // and the partner collection of a demf group's terms is out of reach
        Response demfTerms = paged(gateway.as(TERMS_OF_USMF_ONLY))
                .get(TERMS + "(" + termsGuid("demf|Net30") + ")?$expand=mserp_CustomerGroups");
        assertThat(demfTerms.statusCode()).isEqualTo(404);
    }

    @Test
    void fieldSecurityOnAFieldOfTheRelationHidesItsLookup() throws Exception {
        Response response =
                assertOk(paged(gateway.as(TERMS_ID_HIDDEN)).get(GROUPS + "?$select=mserp_customergroupid," + LOOKUP));
        List<Map<String, Object>> rows = response.jsonPath().getList("value");
        assertThat(rows).hasSize(termsOfGroups().size());
        assertThat(rows).allSatisfy(row -> {
            assertThat(row).containsKey(LOOKUP);
            assertThat(row.get(LOOKUP)).isNull();
        });
        Response filtered = paged(gateway.as(TERMS_ID_HIDDEN))
                .get(GROUPS + "?$select=mserp_customergroupid" + filter(LOOKUP + " eq " + termsGuid("usmf|Net30")));
        assertThat(filtered.statusCode()).as(filtered.asString()).isEqualTo(403);
    }
}
