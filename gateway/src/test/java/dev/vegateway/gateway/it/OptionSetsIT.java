package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Option sets as Dataverse serves them (issue 12): Edm.Int32 values in filters, writes and
 * answers (with the catalog's stored values mapped both ways), the FormattedValue annotation in
 * the request's language, and the metadata sets EntityDefinitions and GlobalOptionSetDefinitions
 * describing exactly what the caller may read.
 */
abstract class OptionSetsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String FORMATTED = "@OData.Community.Display.V1.FormattedValue";
    private static final String ASK_FORMATTED =
            "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"";
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();

    private Catalog catalog;
    /** A gateway whose catalog serves credit status as 100000000 + n while the column stores n. */
    private TestGateway remapped;

    @Override
    String backendName() {
        return "option-sets";
    }

    @BeforeAll
    void startRemapped() throws Exception {
        String demo;
        try (InputStream in = OptionSetsIT.class.getResourceAsStream("/demo/catalog.yaml")) {
            demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catalog = CatalogLoader.load("demo/catalog.yaml", demo);
        String yaml = demo.replace("{ name: Normal, value: 0,", "{ name: Normal, value: 100000000, stored: 0,")
                .replace("{ name: Warning, value: 1,", "{ name: Warning, value: 100000001, stored: 1,")
                .replace("{ name: Blocked, value: 2,", "{ name: Blocked, value: 100000002, stored: 2,");
        assertThat(yaml).contains("value: 100000002, stored: 2");
        remapped = TestGateway.start(backend, null, Map.of(), yaml);
    }

    @AfterAll
    void stopRemapped() throws Exception {
        if (remapped != null) {
            remapped.close();
        }
    }

    private static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.asString());
    }

    private Set<String> ids(Supplier<RequestSpecification> request, String query) throws Exception {
        JsonNode value = json(assertOk(request.get().get(CUSTOMERS + "?$select=" + EntitySet.CUSTOMERS.key + query)))
                .path("value");
        Set<String> ids = new TreeSet<>();
        value.forEach(row -> ids.add(row.get(EntitySet.CUSTOMERS.key).asText()));
        return ids;
    }

    private Set<String> fetchIds(Supplier<RequestSpecification> request, String condition) throws Exception {
        String fetch =
                "<fetch><entity name=\"mserp_custcustomerv3entity\"><attribute name=\"mserp_custcustomerv3entityid\"/>"
                        + "<filter>" + condition + "</filter></entity></fetch>";
        JsonNode value = json(assertOk(request.get()
                        .get(CUSTOMERS + "?fetchXml="
                                + URLEncoder.encode(fetch, StandardCharsets.UTF_8)
                                        .replace("+", "%20"))))
                .path("value");
        Set<String> ids = new TreeSet<>();
        value.forEach(row -> ids.add(row.get(EntitySet.CUSTOMERS.key).asText()));
        return ids;
    }

    private Set<String> queryExpressionIds(Supplier<RequestSpecification> request, String criteria) throws Exception {
        JsonNode value = json(assertOk(queryExpression(
                        request.get(),
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"mserp_custcustomerv3entityid\"]},"
                                + "\"PageInfo\":{\"Count\":5000,\"PageNumber\":1},\"Criteria\":" + criteria + "}}")))
                .path("value");
        Set<String> ids = new TreeSet<>();
        value.forEach(row -> ids.add(row.get(EntitySet.CUSTOMERS.key).asText()));
        return ids;
    }

    // ---- values on the wire ----

    @Test
    void metadataDeclaresOptionSetsAsInt32() {
        String metadata = gateway.as(SAM).get("$metadata").asString();
        assertThat(metadata)
                .contains("Name=\"mserp_creditstatus\" Type=\"Edm.Int32\"")
                .contains("Name=\"mserp_iskeyaccount\" Type=\"Edm.Boolean\"");
        // the one enum type is Dataverse's PrivilegeDepth of the role operations, not an option set
        assertThat(metadata.split("<EnumType ", -1)).hasSize(2);
        assertThat(metadata).contains("<EnumType Name=\"PrivilegeDepth\"");
    }

    @Test
    void filtersTakeTheIntegerValueInEveryQueryLanguage() throws Exception {
        Set<String> blocked = sql(EntitySet.CUSTOMERS, "credit_status = 2");
        Set<String> normalOrWarning = sql(EntitySet.CUSTOMERS, "credit_status IN (0, 1)");
        assertThat(blocked).isNotEmpty();
        assertThat(normalOrWarning).isNotEmpty();
        Supplier<RequestSpecification> sam = () -> as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
        assertThat(ids(sam, filter("mserp_creditstatus eq 2"))).isEqualTo(blocked);
        assertThat(ids(sam, filter("mserp_creditstatus in (0,1)"))).isEqualTo(normalOrWarning);
        assertThat(fetchIds(sam, "<condition attribute=\"mserp_creditstatus\" operator=\"eq\" value=\"2\"/>"))
                .isEqualTo(blocked);
        assertThat(
                        fetchIds(
                                sam,
                                "<condition attribute=\"mserp_creditstatus\" operator=\"in\"><value>0</value><value>1</value></condition>"))
                .isEqualTo(normalOrWarning);
        assertThat(
                        queryExpressionIds(
                                sam,
                                "{\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\",\"Operator\":\"Equal\",\"Values\":[2]}]}"))
                .isEqualTo(blocked);
        assertThat(
                        queryExpressionIds(
                                sam,
                                "{\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\",\"Operator\":\"In\",\"Values\":"
                                        + "[{\"Value\":0,\"Type\":\"System.Int32\"},{\"Value\":\"1\",\"Type\":\"System.Int32\"}]}]}"))
                .isEqualTo(normalOrWarning);
        // answers carry the integer
        JsonNode rows = json(assertOk(
                        sam.get().get(CUSTOMERS + "?$select=mserp_creditstatus" + filter("mserp_creditstatus eq 2"))))
                .path("value");
        assertThat(rows.size()).isEqualTo(blocked.size());
        rows.forEach(row -> assertThat(row.get("mserp_creditstatus").isInt())
                .as(row.toString())
                .isTrue());
        rows.forEach(row -> assertThat(row.get("mserp_creditstatus").asInt()).isEqualTo(2));
    }

    @Test
    void aValueOutsideTheOptionSetIsRefusedNamingFieldAndValue() {
        Supplier<RequestSpecification> sam = () -> as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
        for (String bad :
                List.of("mserp_creditstatus eq 7", "mserp_creditstatus eq 'Blocked'", "mserp_creditstatus in (0,9)")) {
            String message =
                    assertError(sam.get().get(CUSTOMERS + "?" + filter(bad).substring(1)), 400, "0x8ff00001");
            assertThat(message).as(bad).contains("mserp_creditstatus");
        }
        String message = assertError(
                queryExpression(
                        sam.get(),
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"mserp_name\"]},"
                                + "\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\",\"Operator\":\"Equal\",\"Values\":[5]}]}}}"),
                400,
                "0x8ff00001");
        assertThat(message).contains("mserp_creditstatus").contains("'5'");
        for (String value : List.of("7", "\"Blocked\"", "1.5")) {
            Response response = gateway.as(SAM)
                    .contentType("application/json")
                    .body("{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"OS-BAD\",\"mserp_name\":\"x\","
                            + "\"mserp_creditstatus\":" + value + "}")
                    .post(CUSTOMERS);
            String refused = assertError(response, 400, "0x80044331");
            assertThat(refused).contains("mserp_creditstatus").contains(value.replace("\"", ""));
        }
    }

    @Test
    void writesTakeTheIntegerValue() throws Exception {
        Response created = gateway.as(SAM)
                .contentType("application/json")
                .header("Prefer", "return=representation")
                .body(
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"OS-0001\",\"mserp_name\":\"Option set\","
                                + "\"mserp_creditstatus\":2}")
                .post(CUSTOMERS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(json(created).get("mserp_creditstatus").asInt()).isEqualTo(2);
        String id = json(created).get(EntitySet.CUSTOMERS.key).asText();
        assertThat(sql(EntitySet.CUSTOMERS, "account_num = 'OS-0001' AND credit_status = 2"))
                .containsExactly(id);
        Response updated = gateway.as(SAM)
                .contentType("application/json")
                .body("{\"mserp_creditstatus\":1}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(updated.statusCode()).as(updated.asString()).isEqualTo(204);
        assertThat(sql(EntitySet.CUSTOMERS, "account_num = 'OS-0001' AND credit_status = 1"))
                .containsExactly(id);
    }

    @Test
    void storedValuesDifferentFromTheWireValuesAreMappedBothWays() throws Exception {
        Set<String> blocked = sql(EntitySet.CUSTOMERS, "credit_status = 2");
        Supplier<RequestSpecification> sam = () -> remapped.as(SAM).header("Prefer", "odata.maxpagesize=5000");
        assertThat(ids(sam, filter("mserp_creditstatus eq 100000002"))).isEqualTo(blocked);
        assertThat(fetchIds(sam, "<condition attribute=\"mserp_creditstatus\" operator=\"eq\" value=\"100000002\"/>"))
                .isEqualTo(blocked);
        assertError(
                sam.get()
                        .get(CUSTOMERS + "?" + filter("mserp_creditstatus eq 2").substring(1)),
                400,
                "0x8ff00001");
        JsonNode row = json(
                assertOk(sam.get().get(CUSTOMERS + "(" + blocked.iterator().next() + ")?$select=mserp_creditstatus")));
        assertThat(row.get("mserp_creditstatus").asInt()).isEqualTo(100000002);
        Response created = remapped.as(SAM)
                .contentType("application/json")
                .body(
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"OS-0002\",\"mserp_name\":\"Remapped\","
                                + "\"mserp_creditstatus\":100000001}")
                .post(CUSTOMERS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        assertThat(sql(EntitySet.CUSTOMERS, "account_num = 'OS-0002' AND credit_status = 1"))
                .hasSize(1);
        assertError(
                remapped.as(SAM)
                        .contentType("application/json")
                        .body(
                                "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"OS-0003\",\"mserp_name\":\"x\","
                                        + "\"mserp_creditstatus\":1}")
                        .post(CUSTOMERS),
                400,
                "0x80044331");
    }

    // ---- FormattedValue ----

    /** One customer with every formatted kind present: its key, credit status, key account flag, limit, dates. */
    private record Sample(
            String id,
            int status,
            boolean keyAccount,
            BigDecimal limit,
            LocalDate established,
            OffsetDateTime created) {}

    private Sample sample() throws Exception {
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, credit_status, is_key_account, credit_limit, established_date, created_on FROM erp.customer"
                                + " WHERE credit_status = 2 AND is_key_account IS NOT NULL AND credit_limit > 1000"
                                + " AND established_date IS NOT NULL AND created_on IS NOT NULL ORDER BY account_num");
                ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).as("a blocked customer with every value").isTrue();
            return new Sample(
                    rows.getObject(1, UUID.class).toString(),
                    rows.getInt(2),
                    rows.getBoolean(3),
                    rows.getBigDecimal(4),
                    rows.getObject(5, LocalDate.class),
                    rows.getObject(6, OffsetDateTime.class));
        }
    }

    @Test
    void aUsersLanguageSettingComesBeforeTheRequestsAcceptLanguage() throws Exception {
        String blocked = backend.single(
                        "SELECT MIN(CAST(id AS VARCHAR(36))) FROM erp.customer WHERE credit_status = 2 AND data_area_id = 'usmf'")
                .toString();
        // Cora Companies has language 1031 (German) in the demo security data; Sam has none
        UUID cora = DemoIdentities.CORA_COMPANIES.id();
        JsonNode own = json(assertOk(gateway.as(cora)
                .header("Prefer", ASK_FORMATTED)
                .get(CUSTOMERS + "(" + blocked + ")?$select=mserp_creditstatus")));
        assertThat(own.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Gesperrt");
        JsonNode asked = json(assertOk(gateway.as(cora)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "en-US")
                .get(CUSTOMERS + "(" + blocked + ")?$select=mserp_creditstatus")));
        assertThat(asked.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Gesperrt");
        JsonNode none = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .get(CUSTOMERS + "(" + blocked + ")?$select=mserp_creditstatus")));
        assertThat(none.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Blocked");
    }

    private static final String SAMPLE_SELECT =
            "?$select=mserp_creditstatus,mserp_iskeyaccount,mserp_creditlimit,mserp_establisheddate,mserp_createdon,mserp_name";

    @Test
    void formattedValuesComeInTheRequestedLanguage() throws Exception {
        Sample sample = sample();
        Response english = gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT);
        JsonNode row = json(assertOk(english));
        assertThat(english.header("Preference-Applied")).contains(ASK_FORMATTED);
        assertThat(row.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Blocked");
        assertThat(row.get("mserp_creditstatus").asInt()).isEqualTo(2);
        assertThat(row.get("mserp_iskeyaccount" + FORMATTED).asText()).isEqualTo(sample.keyAccount() ? "Yes" : "No");
        assertThat(row.get("mserp_creditlimit" + FORMATTED).asText())
                .isEqualTo(String.format(Locale.US, "%,.2f", sample.limit()));
        assertThat(row.get("mserp_establisheddate" + FORMATTED).asText())
                .isEqualTo(DateTimeFormatter.ofPattern("M/d/yyyy").format(sample.established()));
        assertThat(row.get("mserp_createdon" + FORMATTED).asText())
                .startsWith(DateTimeFormatter.ofPattern("M/d/yyyy")
                        .format(sample.created().withOffsetSameInstant(ZoneOffset.UTC)));
        assertThat(row.has("mserp_name" + FORMATTED)).as("text has none").isFalse();

        JsonNode german = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
                .get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT)));
        assertThat(german.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Gesperrt");
        assertThat(german.get("mserp_iskeyaccount" + FORMATTED).asText())
                .isEqualTo(sample.keyAccount() ? "Ja" : "Nein");
        assertThat(german.get("mserp_creditlimit" + FORMATTED).asText())
                .isEqualTo(String.format(Locale.GERMANY, "%,.2f", sample.limit()));
        assertThat(german.get("mserp_establisheddate" + FORMATTED).asText())
                .isEqualTo(DateTimeFormatter.ofPattern("dd.MM.yyyy").format(sample.established()));

        // a language the catalog has no labels in falls back per label to the default (en-US); "*" asks for it too
        JsonNode french = json(assertOk(gateway.as(SAM)
                .header("Prefer", "odata.include-annotations=\"*\"")
                .header("Accept-Language", "fr-FR")
                .get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT)));
        assertThat(french.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Blocked");

        // not asked: no annotation
        JsonNode plain = json(assertOk(gateway.as(SAM).get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT)));
        assertThat(plain.has("mserp_creditstatus" + FORMATTED)).isFalse();
        JsonNode excluded = json(assertOk(gateway.as(SAM)
                .header("Prefer", "odata.include-annotations=\"*,-OData.Community.Display.V1.FormattedValue\"")
                .get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT)));
        assertThat(excluded.has("mserp_creditstatus" + FORMATTED)).isFalse();
    }

    @Test
    void formattedValuesInCollectionsExpansionsAndFetchXml() throws Exception {
        Sample sample = sample();
        JsonNode collection = json(assertOk(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "de-DE")
                .get(CUSTOMERS + "?$select=mserp_creditstatus" + filter("mserp_creditstatus eq 2"))));
        assertThat(collection.path("value").size()).isPositive();
        collection.path("value").forEach(row -> assertThat(
                        row.get("mserp_creditstatus" + FORMATTED).asText())
                .isEqualTo("Gesperrt"));

        JsonNode orders = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .get(EntitySet.SALES_ORDERS.set + "?$select=mserp_salesorderstatus&$top=5"
                        + "&$expand=mserp_Customer($select=mserp_creditstatus)")));
        assertThat(orders.path("value").size()).isPositive();
        for (JsonNode order : orders.path("value")) {
            assertThat(order.has("mserp_salesorderstatus" + FORMATTED))
                    .as(order.toString())
                    .isTrue();
            JsonNode customer = order.get("mserp_Customer");
            if (!customer.isNull() && !customer.get("mserp_creditstatus").isNull()) {
                assertThat(customer.has("mserp_creditstatus" + FORMATTED))
                        .as(order.toString())
                        .isTrue();
            }
        }

        String fetch = "<fetch><entity name=\"mserp_custcustomerv3entity\"><attribute name=\"mserp_creditstatus\"/>"
                + "<filter><condition attribute=\"mserp_custcustomerv3entityid\" operator=\"eq\" value=\"" + sample.id()
                + "\"/></filter></entity></fetch>";
        JsonNode fetched = json(assertOk(gateway.as(SAM)
                .header("Prefer", ASK_FORMATTED)
                .header("Accept-Language", "de-DE")
                .get(CUSTOMERS + "?fetchXml="
                        + URLEncoder.encode(fetch, StandardCharsets.UTF_8).replace("+", "%20"))));
        assertThat(fetched.path("value")
                        .get(0)
                        .get("mserp_creditstatus" + FORMATTED)
                        .asText())
                .isEqualTo("Gesperrt");
    }

    @Test
    void aFieldHiddenByFieldSecurityHasNoFormattedValue() throws Exception {
        Sample sample = sample();
        JsonNode row = json(assertOk(gateway.as(DemoIdentities.FIONA_FIELD_SECURITY.id())
                .header("Prefer", ASK_FORMATTED)
                .get(CUSTOMERS + "(" + sample.id() + ")" + SAMPLE_SELECT)));
        assertThat(row.get("mserp_creditlimit").isNull()).isTrue();
        assertThat(row.has("mserp_creditlimit" + FORMATTED)).isFalse();
        assertThat(row.get("mserp_creditstatus" + FORMATTED).asText()).isEqualTo("Blocked");
    }

    // ---- metadata sets ----

    @Test
    void entityDefinitionsDescribeExactlyWhatEachCallerMayRead() throws Exception {
        List<DemoIdentities.User> users = List.of(
                DemoIdentities.ALICE_SALES_MANAGER,
                DemoIdentities.BOB_SALES_CLERK,
                DemoIdentities.CAROL_AP_CLERK,
                DemoIdentities.DAVE_TEAM_MEMBER,
                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR,
                DemoIdentities.DORA_DISABLED,
                DemoIdentities.NORA_NO_ROLE,
                DemoIdentities.BEA_BASIC,
                DemoIdentities.LEO_LOCAL,
                DemoIdentities.DEE_DEEP,
                DemoIdentities.GIL_GLOBAL,
                DemoIdentities.FIONA_FIELD_SECURITY,
                DemoIdentities.MIA_MIXED,
                DemoIdentities.CORA_COMPANIES,
                DemoIdentities.VINCE_VENDORS,
                DemoIdentities.SID_SECURITY_ADMINISTRATOR);
        for (DemoIdentities.User user : users) {
            Response definitions = gateway.as(user.id())
                    .get("EntityDefinitions?$select=LogicalName,EntitySetName&$expand=Attributes($select=LogicalName)");
            Map<String, Integer> dataStatus = new HashMap<>();
            for (EntityDefinition entity : catalog.entities()) {
                dataStatus.put(
                        entity.logicalName(),
                        gateway.as(user.id())
                                .get(entity.entitySetName() + "?$top=1")
                                .statusCode());
            }
            if (definitions.statusCode() != 200) {
                // a caller refused as a whole is refused for data too
                assertThat(dataStatus.values()).as(user.name()).allMatch(status -> status == definitions.statusCode());
                continue;
            }
            Set<String> listed = new TreeSet<>();
            for (JsonNode entity : json(definitions).path("value")) {
                String logicalName = entity.get("LogicalName").asText();
                listed.add(logicalName);
                Set<String> attributes = new TreeSet<>();
                entity.path("Attributes")
                        .forEach(attribute ->
                                attributes.add(attribute.get("LogicalName").asText()));
                Set<String> expected = new TreeSet<>();
                for (FieldDefinition field :
                        catalog.byLogicalName(logicalName).orElseThrow().fields()) {
                    expected.add(field.logicalName());
                }
                if (user.equals(DemoIdentities.FIONA_FIELD_SECURITY)
                        && logicalName.equals("mserp_custcustomerv3entity")) {
                    expected.remove("mserp_creditlimit");
                }
                assertThat(attributes).as(user.name() + " " + logicalName).isEqualTo(expected);
            }
            Set<String> readable = new TreeSet<>();
            dataStatus.forEach((entity, status) -> {
                if (status == 200) {
                    readable.add(entity);
                }
            });
            assertThat(listed).as(user.name()).isEqualTo(readable);
        }
        // an application without a caller reads no definitions
        assertThat(json(assertOk(gateway.application().get("EntityDefinitions")))
                        .path("value")
                        .size())
                .isZero();
    }

    @Test
    void entityDefinitionHasLocalizedLabelsAndAttributesWithOptions() throws Exception {
        JsonNode customer = json(assertOk(gateway.as(SAM)
                .header("Accept-Language", "de-DE")
                .get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')?$expand=Attributes")));
        assertThat(customer.get("EntitySetName").asText()).isEqualTo(CUSTOMERS);
        assertThat(customer.get("PrimaryIdAttribute").asText()).isEqualTo(EntitySet.CUSTOMERS.key);
        assertThat(customer.at("/DisplayName/UserLocalizedLabel/Label").asText())
                .isEqualTo("Debitoren V3");
        assertThat(customer.at("/DisplayName/UserLocalizedLabel/LanguageCode").asInt())
                .isEqualTo(1031);
        List<String> labels = new ArrayList<>();
        customer.at("/DisplayName/LocalizedLabels")
                .forEach(label -> labels.add(label.get("LanguageCode").asInt() + " "
                        + label.get("Label").asText()));
        assertThat(labels).containsExactly("1031 Debitoren V3", "1033 Customers V3");
        JsonNode status = null;
        JsonNode keyAccount = null;
        for (JsonNode attribute : customer.path("Attributes")) {
            if (attribute.get("LogicalName").asText().equals("mserp_creditstatus")) {
                status = attribute;
            }
            if (attribute.get("LogicalName").asText().equals("mserp_iskeyaccount")) {
                keyAccount = attribute;
            }
        }
        assertThat(status).isNotNull();
        assertThat(status.get("AttributeType").asText()).isEqualTo("Picklist");
        assertThat(status.at("/DisplayName/UserLocalizedLabel/Label").asText()).isEqualTo("Kreditstatus");
        List<String> options = new ArrayList<>();
        status.at("/OptionSet/Options")
                .forEach(option -> options.add(option.get("Value").asInt() + " "
                        + option.at("/Label/UserLocalizedLabel/Label").asText()));
        assertThat(options).containsExactly("0 Normal", "1 Warnung", "2 Gesperrt");
        assertThat(keyAccount.get("AttributeType").asText()).isEqualTo("Boolean");
        assertThat(keyAccount
                        .at("/OptionSet/TrueOption/Label/UserLocalizedLabel/Label")
                        .asText())
                .isEqualTo("Ja");

        JsonNode attributes = json(assertOk(
                gateway.as(SAM).get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')/Attributes")));
        assertThat(attributes.path("value").size())
                .isEqualTo(customer.path("Attributes").size());
        JsonNode one = json(
                assertOk(
                        gateway.as(SAM)
                                .get(
                                        "EntityDefinitions(LogicalName='mserp_custcustomerv3entity')/Attributes(LogicalName='mserp_name')")));
        assertThat(one.get("MaxLength").asInt()).isEqualTo(100);
        assertThat(one.at("/RequiredLevel/Value").asText()).isEqualTo("ApplicationRequired");

        assertError(gateway.as(SAM).get("EntityDefinitions(LogicalName='nope')"), 404, RECORD_NOT_FOUND);
        // Bob reads customers but not vendors: the vendor entity is not there for him
        assertOk(gateway.as(DemoIdentities.BOB_SALES_CLERK.id())
                .get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')"));
        assertError(
                gateway.as(DemoIdentities.BOB_SALES_CLERK.id())
                        .get("EntityDefinitions(LogicalName='mserp_vendvendorv2entity')"),
                404,
                RECORD_NOT_FOUND);
        assertError(
                gateway.as(SAM).get("EntityDefinitions?$filter=" + encode("LogicalName eq 'x'")), 400, "0x8ff00003");
        assertThat(assertError(gateway.as(SAM).get("EntityDefinitions?$select=LogicalName,Secret"), 400, "0x8ff00002"))
                .contains("'Secret'");
        assertError(
                gateway.as(SAM)
                        .get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')/Attributes?$select=Nope"),
                400,
                "0x8ff00002");
    }

    @Test
    void globalOptionSetDefinitionsListOnlyTheOptionSetsOfReadableFields() throws Exception {
        JsonNode status = json(assertOk(gateway.as(SAM)
                .header("Accept-Language", "de")
                .get("GlobalOptionSetDefinitions(Name='mserp_custcreditstatus')")));
        assertThat(status.get("Name").asText()).isEqualTo("mserp_custcreditstatus");
        List<String> options = new ArrayList<>();
        status.path("Options")
                .forEach(option -> options.add(option.get("Value").asInt() + " "
                        + option.at("/Label/UserLocalizedLabel/Label").asText()));
        assertThat(options).containsExactly("0 Normal", "1 Warnung", "2 Gesperrt");
        JsonNode named = json(assertOk(
                gateway.as(SAM).get("GlobalOptionSetDefinitions(Name='mserp_custcreditstatus')?$select=Name")));
        assertThat(named.get("Name").asText()).isEqualTo("mserp_custcreditstatus");
        assertThat(named.has("Options")).isFalse();
        // Carol (AP clerk) reads legal entities and vendors: vendor blocking, not the customers' credit status
        Set<String> carols = new TreeSet<>();
        json(assertOk(gateway.as(DemoIdentities.CAROL_AP_CLERK.id()).get("GlobalOptionSetDefinitions")))
                .path("value")
                .forEach(set -> carols.add(set.get("Name").asText()));
        assertThat(carols).containsExactly("mserp_custvendorblocked");
        assertError(
                gateway.as(DemoIdentities.CAROL_AP_CLERK.id())
                        .get("GlobalOptionSetDefinitions(Name='mserp_custcreditstatus')"),
                404,
                RECORD_NOT_FOUND);
    }
}
