package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Multi-select option sets (Dataverse's MultiSelectPicklist, issues 11 and 12) on the demo's
 * {@code mserp_saleschannels}: served as comma-separated option values, filtered with
 * ContainValues/DoesNotContainValues in OData, QueryExpression and FetchXML (whole items: 1 never
 * matches 11), formatted as labels joined with "; " in the caller's language, written with
 * validation and described in EntityDefinitions. The reference is the column read directly and
 * split in Java.
 */
abstract class MultiSelectOptionSetsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String KEY = EntitySet.CUSTOMERS.key;
    private static final String FIELD = "mserp_saleschannels";
    private static final String FORMATTED = "@OData.Community.Display.V1.FormattedValue";
    private static final String ASK_FORMATTED =
            "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"";
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();

    @Override
    String backendName() {
        return "multi-select"; // the write tests add rows
    }

    /** Every customer's id and stored sales channels (null when none), as the backend holds them now. */
    private Map<String, String> stored() throws Exception {
        Map<String, String> stored = new HashMap<>();
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT id, sales_channels FROM erp.customer");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                stored.put(rows.getObject(1, UUID.class).toString(), rows.getString(2));
            }
        }
        return stored;
    }

    @Test
    void theDemoDataHoldsListsWithAndWithoutOne() throws Exception {
        assertThat(stored().values()).contains("11", "1,2,3,11", "1", "1,11").containsNull();
    }

    private Set<String> reference(Predicate<Set<Integer>> holds) throws Exception {
        return stored().entrySet().stream()
                .filter(entry -> holds.test(items(entry.getValue())))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> items(String list) {
        return list == null
                ? Set.of()
                : Arrays.stream(list.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
    }

    private static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.asString());
    }

    private RequestSpecification sam() {
        return as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
    }

    private static Set<String> keys(JsonNode value) {
        Set<String> ids = new TreeSet<>();
        value.forEach(row -> ids.add(row.get(KEY).asText()));
        return ids;
    }

    private Set<String> odata(String filter) throws Exception {
        return keys(json(assertOk(sam().get(CUSTOMERS + "?$select=" + KEY + filter(filter))))
                .path("value"));
    }

    private Set<String> fetch(String condition) throws Exception {
        String fetch = "<fetch><entity name=\"mserp_custcustomerv3entity\"><attribute name=\"" + KEY + "\"/>"
                + "<filter>" + condition + "</filter></entity></fetch>";
        return keys(json(assertOk(sam().get(CUSTOMERS + "?fetchXml=" + encode(fetch))))
                .path("value"));
    }

    private Set<String> queryExpression(String operator, String values) throws Exception {
        return keys(json(assertOk(queryExpression(
                        sam(),
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                                + "\"]},\"PageInfo\":{\"Count\":5000,\"PageNumber\":1},\"Criteria\":{\"Conditions\":"
                                + "[{\"AttributeName\":\"" + FIELD + "\",\"Operator\":"
                                + (operator.matches("\\d+") ? operator : "\"" + operator + "\"")
                                + ",\"Values\":" + values + "}]}}}")))
                .path("value"));
    }

    @Test
    void metadataDeclaresTheFieldAsText() {
        assertThat(gateway.as(SAM).get("$metadata").asString()).contains("Name=\"" + FIELD + "\" Type=\"Edm.String\"");
    }

    @Test
    void answersCarryTheOptionValuesCommaSeparated() throws Exception {
        Map<String, String> stored = stored();
        JsonNode rows = json(assertOk(sam().get(CUSTOMERS + "?$select=" + KEY + "," + FIELD)))
                .path("value");
        assertThat(rows.size()).isEqualTo(stored.size());
        for (JsonNode row : rows) {
            String expected = stored.get(row.get(KEY).asText());
            if (expected == null) {
                assertThat(row.get(FIELD).isNull()).as(row.toString()).isTrue();
            } else {
                assertThat(row.get(FIELD).isTextual()).as(row.toString()).isTrue();
                assertThat(row.get(FIELD).asText()).isEqualTo(expected);
            }
        }
    }

    @Test
    void containValuesMatchesWholeItemsInEveryQueryLanguage() throws Exception {
        Set<String> withOnline = reference(chosen -> chosen.contains(1));
        Set<String> withMarketplace = reference(chosen -> chosen.contains(11));
        Set<String> onlineOrWholesale = reference(chosen -> chosen.contains(1) || chosen.contains(3));
        Set<String> neitherOnlineNorWholesale = reference(chosen -> !chosen.contains(1) && !chosen.contains(3));
        // 1 does not match 11: some customers have Marketplace (11) without Online shop (1)
        assertThat(withOnline).isNotEmpty().doesNotContainAnyElementsOf(reference(chosen -> chosen.equals(Set.of(11))));
        assertThat(reference(chosen -> chosen.equals(Set.of(11)))).isNotEmpty();
        assertThat(withOnline).isNotEmpty();
        assertThat(neitherOnlineNorWholesale).isNotEmpty().containsAll(reference(Set::isEmpty));

        assertThat(odata("Microsoft.Dynamics.CRM.ContainValues(PropertyName='" + FIELD + "',PropertyValues=['1'])"))
                .isEqualTo(withOnline);
        assertThat(odata("Microsoft.Dynamics.CRM.ContainValues(PropertyName='" + FIELD + "',PropertyValues=['11'])"))
                .isEqualTo(withMarketplace);
        assertThat(odata("Microsoft.Dynamics.CRM.ContainValues(PropertyName='" + FIELD + "',PropertyValues=['1','3'])"))
                .isEqualTo(onlineOrWholesale);
        assertThat(odata("Microsoft.Dynamics.CRM.DoesNotContainValues(PropertyName='" + FIELD
                        + "',PropertyValues=['1','3'])"))
                .isEqualTo(neitherOnlineNorWholesale);
        assertThat(odata("mserp_saleschannels eq null")).isEqualTo(reference(Set::isEmpty));

        assertThat(fetch("<condition attribute=\"" + FIELD
                        + "\" operator=\"contain-values\"><value>1</value></condition>"))
                .isEqualTo(withOnline);
        assertThat(fetch("<condition attribute=\"" + FIELD
                        + "\" operator=\"contain-values\"><value>1</value><value>3</value></condition>"))
                .isEqualTo(onlineOrWholesale);
        assertThat(fetch("<condition attribute=\"" + FIELD
                        + "\" operator=\"not-contain-values\"><value>1</value><value>3</value></condition>"))
                .isEqualTo(neitherOnlineNorWholesale);

        assertThat(queryExpression("ContainValues", "[1]")).isEqualTo(withOnline);
        assertThat(queryExpression("ContainValues", "[\"11\"]")).isEqualTo(withMarketplace);
        assertThat(queryExpression("87", "[{\"Value\":1,\"Type\":\"System.Int32\"},3]"))
                .isEqualTo(onlineOrWholesale);
        assertThat(queryExpression("DoesNotContainValues", "[1,3]")).isEqualTo(neitherOnlineNorWholesale);
        assertThat(queryExpression("88", "[1,3]")).isEqualTo(neitherOnlineNorWholesale);
    }

    @Test
    void aBadValueOrAttributeIsRefusedByName() {
        String message = assertError(
                sam().get(CUSTOMERS + "?$select=" + KEY
                        + filter("Microsoft.Dynamics.CRM.ContainValues(PropertyName='" + FIELD
                                + "',PropertyValues=['1','7'])")),
                400,
                "0x8ff00001");
        assertThat(message).contains(FIELD).contains("'7'");
        // the values are bound, never SQL: an injection attempt is an unknown value
        message = assertError(
                sam().get(CUSTOMERS + "?$select=" + KEY
                        + filter("Microsoft.Dynamics.CRM.ContainValues(PropertyName='" + FIELD
                                + "',PropertyValues=['1'' OR 1=1 --'])")),
                400,
                "0x8ff00001");
        assertThat(message).contains(FIELD).contains("OR 1=1");
        message = assertError(
                sam().get(CUSTOMERS + "?$select=" + KEY
                        + filter("Microsoft.Dynamics.CRM.ContainValues(PropertyName='mserp_creditstatus',"
                                + "PropertyValues=['1'])")),
                400,
                "0x8ff00001");
        assertThat(message).contains("ContainValues").contains("mserp_creditstatus");
        message = assertError(sam().get(CUSTOMERS + "?$select=" + KEY + filter(FIELD + " eq '1'")), 400, "0x8ff00001");
        assertThat(message).contains(FIELD).contains("ContainValues");
        message = assertError(
                queryExpression(
                        sam(),
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                                + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"" + FIELD
                                + "\",\"Operator\":\"ContainValues\",\"Values\":[]}]}}}"),
                400,
                "0x8ff00001");
        assertThat(message).contains("ContainValues").contains(FIELD);
    }

    @Test
    void formattedValueJoinsTheLabelsInTheCallersLanguage() throws Exception {
        Map<String, String> stored = stored();
        String id = stored.entrySet().stream()
                .filter(entry -> "1,11".equals(entry.getValue()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseGet(() -> stored.entrySet().stream()
                        .filter(entry -> "1,2,3,11".equals(entry.getValue()))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow());
        String list = stored.get(id);
        JsonNode english = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "en-US")
                .get(CUSTOMERS + "(" + id + ")?$select=" + FIELD)));
        JsonNode german = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "de-DE")
                .get(CUSTOMERS + "(" + id + ")?$select=" + FIELD)));
        if (list.equals("1,11")) {
            assertThat(english.path(FIELD + FORMATTED).asText()).isEqualTo("Online shop; Marketplace");
            assertThat(german.path(FIELD + FORMATTED).asText()).isEqualTo("Onlineshop; Marktplatz");
        } else {
            assertThat(english.path(FIELD + FORMATTED).asText())
                    .isEqualTo("Online shop; Retail; Wholesale; Marketplace");
            assertThat(german.path(FIELD + FORMATTED).asText())
                    .isEqualTo("Onlineshop; Einzelhandel; Großhandel; Marktplatz");
        }
        assertThat(english.path(FIELD).asText()).isEqualTo(list);
    }

    @Test
    void writesTakeCommaSeparatedOptionValuesAndRefuseOthers() throws Exception {
        Response created = gateway.as(SAM)
                .contentType("application/json")
                .header("Prefer", "return=representation")
                .body("{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"MS-0001\",\"mserp_name\":\"Multi\","
                        + "\"" + FIELD + "\":\"11, 1,11\"}")
                .post(CUSTOMERS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = json(created).path(KEY).asText();
        assertThat(json(created).path(FIELD).asText()).isEqualTo("1,11");
        assertThat(column(id)).isEqualTo("1,11");

        Response patched = gateway.as(SAM)
                .contentType("application/json")
                .body("{\"" + FIELD + "\":\"3\"}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(204);
        assertThat(column(id)).isEqualTo("3");

        for (String bad : List.of("\"1,7\"", "\"1,x\"", "\"\"")) {
            Response refused = gateway.as(SAM)
                    .contentType("application/json")
                    .body("{\"" + FIELD + "\":" + bad + "}")
                    .patch(CUSTOMERS + "(" + id + ")");
            String message = assertError(refused, 400, "0x80044331");
            assertThat(message).as(bad).contains(FIELD).contains("mserp_saleschannel");
        }
        String message = assertError(
                gateway.as(SAM)
                        .contentType("application/json")
                        .body("{\"" + FIELD + "\":\"1,7\"}")
                        .patch(CUSTOMERS + "(" + id + ")"),
                400,
                "0x80044331");
        assertThat(message).contains("'7'");
        Response number = gateway.as(SAM)
                .contentType("application/json")
                .body("{\"" + FIELD + "\":1}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(number.statusCode()).as(number.asString()).isEqualTo(400);
        assertThat(column(id)).isEqualTo("3");

        Response cleared = gateway.as(SAM)
                .contentType("application/json")
                .body("{\"" + FIELD + "\":null}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(cleared.statusCode()).as(cleared.asString()).isEqualTo(204);
        assertThat(column(id)).isNull();
    }

    private String column(String id) throws Exception {
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT sales_channels FROM erp.customer WHERE id = ?")) {
            statement.setObject(1, UUID.fromString(id));
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            }
        }
    }

    @Test
    void entityDefinitionsDescribeAMultiSelectPicklist() throws Exception {
        JsonNode attribute = json(assertOk(gateway.as(SAM)
                .header("Accept-Language", "de-DE")
                .get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')/Attributes(LogicalName='" + FIELD
                        + "')")));
        assertThat(attribute.path("@odata.type").asText())
                .isEqualTo("#Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata");
        assertThat(attribute.path("AttributeType").asText()).isEqualTo("Virtual");
        assertThat(attribute.path("AttributeTypeName").path("Value").asText()).isEqualTo("MultiSelectPicklistType");
        assertThat(attribute
                        .path("DisplayName")
                        .path("UserLocalizedLabel")
                        .path("Label")
                        .asText())
                .isEqualTo("Vertriebskanäle");
        List<Integer> values = attribute.path("OptionSet").path("Options").findValues("Value").stream()
                .filter(JsonNode::isInt)
                .map(JsonNode::asInt)
                .toList();
        assertThat(values).containsExactly(1, 2, 3, 11);
        assertThat(attribute.path("OptionSet").path("Name").asText()).isEqualTo("mserp_saleschannel");
    }
}
