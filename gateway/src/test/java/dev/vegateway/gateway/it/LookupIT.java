package dev.vegateway.gateway.it;

import static dev.vegateway.gateway.it.Multipart.batch;
import static dev.vegateway.gateway.it.Multipart.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Lookups the Dataverse way (issue 10): the foreign key of an n:1 relation is the property
 * {@code _<field>_value} in $metadata, in answers (nested ones, by key, in $batch, after a write)
 * and in $select/$filter/$orderby; its annotations come on request; it is written only through the
 * navigation property's {@code @odata.bind}. Field security on the foreign key hides the value
 * and its annotations and refuses filtering on it.
 *
 * <p>This class's security data is the demo's, with one addition: Fiona's "Sales assistant" role
 * may not read the sales order's customer lookup.
 */
abstract class LookupIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String ORDER_KEY = EntitySet.SALES_ORDERS.key;
    private static final String LOOKUP = "_mserp_customerid_value";
    private static final String LOGICAL_NAME = LOOKUP + "@Microsoft.Dynamics.CRM.lookuplogicalname";
    private static final String NAVIGATION = LOOKUP + "@Microsoft.Dynamics.CRM.associatednavigationproperty";
    private static final String CUSTOMER_ENTITY = "mserp_custcustomerv3entity";
    private static final String ALL_ANNOTATIONS = "odata.include-annotations=\"*\"";
    private static final String SALES_ASSISTANT_RULE =
            "      - { entity: mserp_custcustomerv3entity, field: mserp_creditlimit, read: false, update: false }\n";

    @Override
    String backendName() {
        return "lookups";
    }

    @Override
    String securityYaml() throws Exception {
        String demo;
        try (InputStream in = LookupIT.class.getResourceAsStream("/demo/security.yaml")) {
            demo = new String(in.readAllBytes(), UTF_8);
        }
        assertThat(demo).contains(SALES_ASSISTANT_RULE);
        return demo.replace(
                SALES_ASSISTANT_RULE,
                SALES_ASSISTANT_RULE
                        + "      - { entity: mserp_salesorderheaderv2entity, field: mserp_customerid, read: false }\n");
    }

    private RequestSpecification sam() {
        return as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
    }

    /** A fresh request of Fiona's, asking for every annotation (a RequestSpecification keeps what a request added). */
    private RequestSpecification fiona() {
        return as(DemoIdentities.FIONA_FIELD_SECURITY).header("Prefer", ALL_ANNOTATIONS);
    }

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private static String order(String number, String extra) {
        return "{\"mserp_dataareaid\":\"usmf\",\"mserp_salesordernumber\":\"" + number
                + "\",\"mserp_orderingcustomeraccountnumber\":\"L\",\"mserp_orderdate\":\"2026-11-22\","
                + "\"mserp_salesorderstatus\":0" + extra + "}";
    }

    private String someCustomer(String company) throws SQLException {
        return sql(EntitySet.CUSTOMERS, "data_area_id = ?", company).iterator().next();
    }

    private String customerOf(String order) throws SQLException {
        return String.valueOf(
                backend.single("SELECT customer_id FROM erp.sales_order_header WHERE id = ?", UUID.fromString(order)));
    }

    @Test
    void metadataServesTheForeignKeyAsTheLookupProperty() {
        String metadata = sam().get("$metadata").asString();
        assertThat(metadata)
                .contains("<Property Name=\"_mserp_customerid_value\" Type=\"Edm.Guid\"")
                .contains("<Property Name=\"_mserp_salesorderid_value\" Type=\"Edm.Guid\"")
                .contains("<ReferentialConstraint Property=\"_mserp_customerid_value\""
                        + " ReferencedProperty=\"mserp_custcustomerv3entityid\"")
                .doesNotContain("Name=\"mserp_customerid\"")
                .doesNotContain("Name=\"mserp_salesorderid\"");
    }

    @Test
    void answersCarryTheLookupPropertyAndItsAnnotationsOnlyWhenAskedFor() throws Exception {
        String url = ORDERS + "?$select=" + ORDER_KEY + "," + LOOKUP + "&$top=5&$orderby=" + ORDER_KEY;
        Response plain = sam().get(url);
        JsonNode rows = json(plain).path("value");
        assertThat(rows.size()).isEqualTo(5);
        for (JsonNode row : rows) {
            assertThat(row.get(LOOKUP).asText())
                    .isEqualTo(customerOf(row.get(ORDER_KEY).asText()));
            assertThat(row.has("mserp_customerid")).isFalse();
            assertThat(row.has(LOGICAL_NAME)).isFalse();
            assertThat(row.has(NAVIGATION)).isFalse();
        }
        assertThat(json(plain).get("@odata.context").asText())
                .endsWith("$metadata#" + ORDERS + "(" + ORDER_KEY + "," + LOOKUP + ")");
        assertThat(plain.header("Preference-Applied")).isEqualTo("odata.maxpagesize=5000");

        Response annotated = sam().header("Prefer", ALL_ANNOTATIONS).get(url);
        assertThat(annotated.header("Preference-Applied"))
                .contains(ALL_ANNOTATIONS)
                .contains("odata.maxpagesize=5000");
        for (JsonNode row : json(annotated).path("value")) {
            assertThat(row.get(LOGICAL_NAME).asText()).isEqualTo(CUSTOMER_ENTITY);
            assertThat(row.get(NAVIGATION).asText()).isEqualTo("mserp_Customer");
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            assertThat(names.indexOf(LOGICAL_NAME))
                    .as("annotations precede the value they annotate")
                    .isLessThan(names.indexOf(LOOKUP));
        }

        JsonNode onlyLogicalName = json(sam().header(
                                "Prefer", "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\"")
                        .get(url))
                .path("value")
                .get(0);
        assertThat(onlyLogicalName.get(LOGICAL_NAME).asText()).isEqualTo(CUSTOMER_ENTITY);
        assertThat(onlyLogicalName.has(NAVIGATION)).isFalse();
        JsonNode excluded = json(sam().header("Prefer", "odata.include-annotations=\"*,-Microsoft.Dynamics.CRM.*\"")
                        .get(url))
                .path("value")
                .get(0);
        assertThat(excluded.has(LOGICAL_NAME)).isFalse();
        assertThat(excluded.has(NAVIGATION)).isFalse();
        assertThat(excluded.get(LOOKUP).asText()).isNotEmpty();
    }

    @Test
    void retrieveByKeyExpandedRecordsAndBatchPartsNameTheLookupAlike() throws Exception {
        String line = sql(EntitySet.SALES_ORDER_LINES, "").iterator().next();
        Object order =
                backend.single("SELECT sales_order_id FROM erp.sales_order_line WHERE id = ?", UUID.fromString(line));
        Object customer = backend.single("SELECT customer_id FROM erp.sales_order_header WHERE id = ?", order);
        String url = EntitySet.SALES_ORDER_LINES.set + "(" + line + ")?$select=_mserp_salesorderid_value"
                + "&$expand=mserp_SalesOrder($select=mserp_salesordernumber," + LOOKUP + ")";
        JsonNode one = json(sam().header("Prefer", ALL_ANNOTATIONS).get(url));
        assertThat(one.get("_mserp_salesorderid_value").asText()).isEqualTo(order.toString());
        assertThat(one.get("_mserp_salesorderid_value@Microsoft.Dynamics.CRM.lookuplogicalname")
                        .asText())
                .isEqualTo("mserp_salesorderheaderv2entity");
        assertThat(one.get("_mserp_salesorderid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")
                        .asText())
                .isEqualTo("mserp_SalesOrder");
        JsonNode nested = one.get("mserp_SalesOrder");
        assertThat(nested.get(LOOKUP).asText()).isEqualTo(customer.toString());
        assertThat(nested.get(LOGICAL_NAME).asText()).isEqualTo(CUSTOMER_ENTITY);
        assertThat(nested.has("mserp_customerid")).isFalse();
        assertThat(one.get("@odata.context").asText())
                .endsWith("(_mserp_salesorderid_value,mserp_SalesOrder())/$entity");

        // Every field, no $select: the lookup is there by its OData name.
        JsonNode whole = json(sam().get(ORDERS + "(" + order + ")"));
        assertThat(whole.get(LOOKUP).asText()).isEqualTo(customer.toString());
        assertThat(whole.has("mserp_customerid")).isFalse();

        Response response = sam().contentType("multipart/mixed; boundary=batch_lookup")
                .body(batch(
                        "batch_lookup",
                        request(
                                Optional.empty(),
                                "GET",
                                ORDERS + "(" + order + ")?$select=" + LOOKUP,
                                null,
                                "Prefer",
                                ALL_ANNOTATIONS)))
                .post("$batch");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        Multipart.Part part =
                Multipart.parse(response.contentType(), response.asString()).get(0);
        assertThat(part.status()).as(part.body()).isEqualTo(200);
        JsonNode fromBatch = JSON.readTree(part.body());
        assertThat(fromBatch.get(LOOKUP).asText()).isEqualTo(customer.toString());
        assertThat(fromBatch.get(LOGICAL_NAME).asText()).isEqualTo(CUSTOMER_ENTITY);
    }

    @Test
    void filterOrderAndSelectWorkOnTheLookupProperty() throws Exception {
        String customer = customerOf(sql(EntitySet.SALES_ORDERS, "").iterator().next());
        Set<String> expected = sql(EntitySet.SALES_ORDERS, "customer_id = ?", UUID.fromString(customer));
        assertThat(visible(sam(), EntitySet.SALES_ORDERS, filter(LOOKUP + " eq " + customer)))
                .isEqualTo(expected)
                .isNotEmpty();
        assertThat(visible(
                        sam(),
                        EntitySet.SALES_ORDERS,
                        filter("mserp_Customer/mserp_custcustomerv3entityid eq " + customer)))
                .isEqualTo(expected);
        assertThat(sam().get(ORDERS + "/$count?$filter=" + encode(LOOKUP + " eq " + customer))
                        .asString())
                .isEqualTo(Integer.toString(expected.size()));

        JsonNode sorted = json(sam().get(ORDERS + "?$select=" + LOOKUP + "&$orderby=" + LOOKUP + "%20desc&$top=50"))
                .path("value");
        List<String> values = new ArrayList<>();
        sorted.forEach(row -> values.add(row.get(LOOKUP).asText()));
        assertThat(values).hasSize(50);
        Set<String> keys = new TreeSet<>(values);
        assertThat(keys).isNotEmpty();
        // The database's order of UUIDs is its own; the answer is sorted by it: equal values are adjacent.
        for (int index = 1; index < values.size(); index++) {
            if (!values.get(index).equals(values.get(index - 1))) {
                assertThat(values.subList(index, values.size())).doesNotContain(values.get(index - 1));
            }
        }
    }

    @Test
    void theLogicalNameIsNotAnODataPropertyAnyMore() {
        for (String query : List.of(
                "?$select=mserp_customerid",
                "?$orderby=mserp_customerid",
                "?$filter=" + encode("mserp_customerid eq " + UUID.randomUUID()),
                "?$expand=mserp_Customer&$select=" + ORDER_KEY + "&$filter=" + encode("mserp_customerid ne null"))) {
            assertThat(assertError(sam().get(ORDERS + query), 400, "0x8ff00002"))
                    .as(query)
                    .contains("mserp_customerid")
                    .contains(LOOKUP);
        }
        assertThat(assertError(
                        sam().get(EntitySet.SALES_ORDER_LINES.set
                                + "?$expand=mserp_SalesOrder($select=mserp_customerid)"),
                        400,
                        "0x8ff00002"))
                .contains("mserp_customerid");
    }

    @Test
    void writesBindTheNavigationPropertyAndRefuseTheLookupPropertyAndTheLogicalName() throws Exception {
        String customer = someCustomer("usmf");
        String other = sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf' AND id <> ?", UUID.fromString(customer))
                .iterator()
                .next();
        long before = backend.count("SELECT COUNT(*) FROM erp.sales_order_header");
        for (String body : List.of(
                order("SO-L-1", ",\"" + LOOKUP + "\":\"" + customer + "\""),
                order("SO-L-1", ",\"mserp_customerid\":\"" + customer + "\""))) {
            String message =
                    assertError(sam().contentType("application/json").body(body).post(ORDERS), 400, "0x80048d19");
            assertThat(message).contains("mserp_Customer@odata.bind", "/mserp_custcustomerv3entities(");
            assertThat(message).contains(body.contains(LOOKUP) ? LOOKUP : "mserp_customerid");
        }
        assertThat(backend.count("SELECT COUNT(*) FROM erp.sales_order_header")).isEqualTo(before);

        Response created = sam().contentType("application/json")
                .header("Prefer", "return=representation, " + ALL_ANNOTATIONS)
                .body(order(
                        "SO-L-2", ",\"mserp_Customer@odata.bind\":\"/mserp_custcustomerv3entities(" + customer + ")\""))
                .post(ORDERS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.header("Preference-Applied"))
                .contains("return=representation")
                .contains(ALL_ANNOTATIONS);
        JsonNode representation = JSON.readTree(created.asString());
        assertThat(representation.get(LOOKUP).asText()).isEqualTo(customer);
        assertThat(representation.get(LOGICAL_NAME).asText()).isEqualTo(CUSTOMER_ENTITY);
        assertThat(representation.has("mserp_customerid")).isFalse();
        String id = representation.get(ORDER_KEY).asText();
        assertThat(customerOf(id)).isEqualTo(customer);

        Response updated = sam().contentType("application/json")
                .header("Prefer", "return=representation")
                .body("{\"mserp_Customer@odata.bind\":\"/mserp_custcustomerv3entities(" + other + ")\"}")
                .patch(ORDERS + "(" + id + ")");
        assertThat(updated.statusCode()).as(updated.asString()).isEqualTo(200);
        assertThat(JSON.readTree(updated.asString()).get(LOOKUP).asText()).isEqualTo(other);
        assertThat(customerOf(id)).isEqualTo(other);

        assertThat(assertError(
                        sam().contentType("application/json")
                                .body("{\"" + LOOKUP + "\":null}")
                                .patch(ORDERS + "(" + id + ")"),
                        400,
                        "0x80048d19"))
                .contains(LOOKUP, "mserp_Customer@odata.bind");
        // Binding null clears a lookup; the customer of an order is required, so this one is refused as such.
        assertThat(assertError(
                        sam().contentType("application/json")
                                .body("{\"mserp_Customer@odata.bind\":null}")
                                .patch(ORDERS + "(" + id + ")"),
                        400,
                        "0x80044331"))
                .contains("mserp_customerid", "required");
        assertThat(customerOf(id)).isEqualTo(other);
    }

    @Test
    void aHiddenLookupReadsNullWithoutAnnotationsAndMayNotBeFiltered() throws Exception {
        JsonNode rows = json(fiona().get(ORDERS + "?$top=10&$select=" + ORDER_KEY + "," + LOOKUP))
                .path("value");
        assertThat(rows.size()).isEqualTo(10);
        for (JsonNode row : rows) {
            assertThat(row.has(LOOKUP)).isTrue();
            assertThat(row.get(LOOKUP).isNull()).as(row.toString()).isTrue();
            assertThat(row.has(LOGICAL_NAME)).isFalse();
            assertThat(row.has(NAVIGATION)).isFalse();
        }
        String order = rows.get(0).get(ORDER_KEY).asText();
        JsonNode one = json(fiona().get(ORDERS + "(" + order + ")"));
        assertThat(one.get(LOOKUP).isNull()).isTrue();
        assertThat(one.has(LOGICAL_NAME)).isFalse();
        String customer = customerOf(order);
        for (String query : List.of("?$filter=" + encode(LOOKUP + " eq " + customer), "?$orderby=" + LOOKUP)) {
            assertThat(assertError(fiona().get(ORDERS + query), 403, MISSING_PRIVILEGE))
                    .as(query)
                    .contains("mserp_customerid");
        }
        // Sam, without the rule, sees it.
        assertThat(json(sam().get(ORDERS + "(" + order + ")")).get(LOOKUP).asText())
                .isEqualTo(customer);
    }
}
