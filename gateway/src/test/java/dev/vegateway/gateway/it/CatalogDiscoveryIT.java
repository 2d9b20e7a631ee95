package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import dev.vegateway.catalog.SchemaCheck;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.cli.Main;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The round trip of issue 12: {@code vegateway catalog discover} on the demo schema writes a
 * catalog that loads, fits the backend, and serves the same rows and values as the hand-written
 * demo catalog for the fields both have. Entity and field names differ between the two, so every
 * query is written once over table columns ({@code {column}}) and translated into each catalog's
 * names; answers are compared by column, with the demo's option-set member names turned back into
 * the integers the discovered catalog serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CatalogDiscoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final Pattern LOOKUP = Pattern.compile("_(.+)_value");
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
    /** Only System administrator, who reads everything: the discovered catalog's names are not the demo's. */
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
    private Catalog demoCatalog;
    private Catalog discoveredCatalog;
    private TestGateway demo;
    private TestGateway discovered;

    abstract BackendKind kind();

    @BeforeAll
    void discoverAndStart() throws Exception {
        backend = TestBackend.shared(kind(), "discovery");
        discoveredYaml = discover(backend, kind());
        try (InputStream in = CatalogDiscoveryIT.class.getResourceAsStream("/demo/catalog.yaml")) {
            demoCatalog = CatalogLoader.load("demo/catalog.yaml", new String(in.readAllBytes(), UTF_8));
        }
        discoveredCatalog = CatalogLoader.load("catalog.yaml", discoveredYaml);
        demo = TestGateway.start(backend, null);
        // Its own security schema, so that the two gateways' security imports do not replace each other's.
        discovered = TestGateway.start(
                backend,
                SECURITY,
                Map.of("VEGATEWAY_BACKEND_SECURITY_SCHEMA", "vegateway_security_discovered"),
                discoveredYaml);
    }

    /** Runs {@code vegateway catalog discover} on schema {@code erp} of {@code backend}; the catalog YAML it wrote. */
    static String discover(TestBackend backend, BackendKind kind) throws Exception {
        Path folder = Files.createTempDirectory("vegateway-discover");
        Files.writeString(
                folder.resolve("vegateway.yaml"),
                "backend: { kind: %s, url: \"%s\", username: %s, password: \"%s\" }\n"
                        .formatted(
                                kind.name().toLowerCase(Locale.ROOT),
                                backend.url(),
                                backend.username(),
                                backend.password()),
                UTF_8);
        Path out = folder.resolve("catalog.yaml");
        int exitCode = Main.run(
                "catalog",
                "discover",
                "--config",
                folder.resolve("vegateway.yaml").toString(),
                "--schema",
                "erp",
                "--out",
                out.toString());
        assertThat(exitCode).isZero();
        return Files.readString(out, UTF_8);
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
    void theDiscoveredCatalogLoadsAndFitsTheBackend() throws Exception {
        assertThat(discoveredYaml).startsWith("# Catalog discovered by: vegateway catalog discover --config ");
        assertThat(discoveredCatalog.entities())
                .extracting(entity -> entity.table() + " " + entity.logicalName() + " " + entity.entitySetName())
                .containsExactly(
                        "erp.customer mserp_customerentity mserp_customerentities",
                        "erp.customer_group mserp_customergroupentity mserp_customergroupentities",
                        "erp.legal_entity mserp_legalentity mserp_legalentities",
                        "erp.payment_terms mserp_paymenttermsentity mserp_paymenttermsentities",
                        "erp.released_product mserp_releasedproductentity mserp_releasedproductentities",
                        "erp.sales_order_header mserp_salesorderheaderentity mserp_salesorderheaderentities",
                        "erp.sales_order_line mserp_salesorderlineentity mserp_salesorderlineentities",
                        "erp.vendor mserp_vendorentity mserp_vendorentities");
        try (Connection connection = backend.connect()) {
            assertThat(SchemaCheck.check(discoveredCatalog, connection)).isEmpty();
        }
        EntityDefinition customer =
                discoveredCatalog.byLogicalName("mserp_customerentity").orElseThrow();
        assertThat(customer.companyField()).contains("mserp_dataareaid");
        assertThat(customer.ownerField()).contains("mserp_ownerid");
        assertThat(customer.businessUnitField()).contains("mserp_businessunitid");
        assertThat(customer.rowVersionField()).contains("mserp_versionnumber");
        assertThat(discoveredCatalog
                        .byLogicalName("mserp_salesorderlineentity")
                        .orElseThrow()
                        .relations())
                .extracting(relation -> relation.name() + " -> " + relation.targetEntity())
                .containsExactly("mserp_SalesOrder -> mserp_salesorderheaderentity");
        assertThat(discoveredYaml)
                .containsPattern("# unique key uq_customer_account\\S* \\(data_area_id, account_num\\)")
                .contains("companyField: mserp_dataareaid  # guessed from the column name");
        // Every column of the demo catalog is discovered, with the same type (option sets become their integers,
        // Booleans with labels plain Booleans).
        for (EntityDefinition demoEntity : demoCatalog.entities()) {
            EntityDefinition discoveredEntity =
                    entityFor(discoveredCatalog, demoEntity.table().toString());
            for (FieldDefinition field : demoEntity.fields()) {
                if (field.computed()) {
                    continue; // the derived GUID and mserp_primaryfield have no column
                }
                FieldDefinition found = fieldFor(discoveredEntity, field.column());
                FieldType expected =
                        switch (field.type().kind()) {
                            case ENUM -> FieldType.of(FieldType.Kind.INT32);
                                // the demo's multi-select column: sales_channels VARCHAR(200)
                            case MULTI_ENUM -> FieldType.string(200);
                            case BOOLEAN -> FieldType.of(FieldType.Kind.BOOLEAN);
                            default -> field.type();
                        };
                assertThat(found.type())
                        .as(demoEntity.table() + "." + field.column())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void aPageOfCustomersWithSelectFilterOrderByAndCount() throws Exception {
        assertSameAnswers(
                "erp.customer",
                "?$select={account_num},{name},{credit_limit},{credit_status},{on_hold},{created_on},{established_date},"
                        + "{discount_percent},{employees},{sales_ytd},{is_key_account},{primary_contact_id}"
                        + "&$filter={data_area_id} eq 'usmf' and {credit_limit} gt 1000"
                        + "&$orderby={name} desc,{account_num}&$top=25&$count=true",
                true);
    }

    @Test
    void everyColumnOfASalesOrderByKey() throws Exception {
        Object id = backend.single("SELECT id FROM erp.sales_order_header ORDER BY sales_order_number");
        assertSameAnswers("erp.sales_order_header", "(" + id + ")", false);
    }

    @Test
    void salesOrdersWithTheirCustomerExpandedAndLookupFilter() throws Exception {
        Object customer = backend.single("SELECT customer_id FROM erp.sales_order_header ORDER BY sales_order_number");
        assertSameAnswers(
                "erp.sales_order_header",
                "?$select={sales_order_number},{total_amount},{status},{customer_id}" + "&$filter={customer_id} eq "
                        + customer + "&$orderby={sales_order_number}",
                true);
        Response demoAnswer = demo.as(SAM)
                .get(
                        "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber&$expand=mserp_Customer($select=mserp_name)"
                                + "&$orderby=mserp_salesordernumber&$top=5");
        Response discoveredAnswer = discovered
                .as(SAM)
                .get(
                        "mserp_salesorderheaderentities?$select=mserp_salesordernumber&$expand=mserp_Customer($select=mserp_name)"
                                + "&$orderby=mserp_salesordernumber&$top=5");
        assertThat(discoveredAnswer.statusCode())
                .as(discoveredAnswer.asString())
                .isEqualTo(200);
        assertThat(names(discoveredAnswer)).isEqualTo(names(demoAnswer)).hasSize(5);
    }

    @Test
    void countsOfEveryEntity() throws Exception {
        for (EntityDefinition demoEntity : demoCatalog.entities()) {
            EntityDefinition discoveredEntity =
                    entityFor(discoveredCatalog, demoEntity.table().toString());
            String demoCount =
                    demo.as(SAM).get(demoEntity.entitySetName() + "/$count").asString();
            Response discoveredCount = discovered.as(SAM).get(discoveredEntity.entitySetName() + "/$count");
            assertThat(discoveredCount.statusCode()).isEqualTo(200);
            assertThat(discoveredCount.asString())
                    .as(demoEntity.table().toString())
                    .isEqualTo(demoCount)
                    .isEqualTo(String.valueOf(backend.count("SELECT COUNT(*) FROM " + demoEntity.table())));
        }
    }

    // ---- comparing answers ----

    /** Runs {@code query} (columns as {@code {column}}) on both gateways; the answers must be equal by column. */
    private void assertSameAnswers(String table, String query, boolean collection) throws Exception {
        EntityDefinition demoEntity = entityFor(demoCatalog, table);
        EntityDefinition discoveredEntity = entityFor(discoveredCatalog, table);
        JsonNode demoAnswer = get(demo, demoEntity, query);
        JsonNode discoveredAnswer = get(discovered, discoveredEntity, query);
        if (collection) {
            assertThat(discoveredAnswer.path("@odata.count")).isEqualTo(demoAnswer.path("@odata.count"));
            List<Map<String, JsonNode>> demoRows = new ArrayList<>();
            demoAnswer.get("value").forEach(row -> demoRows.add(byColumn(demoCatalog, demoEntity, row)));
            List<Map<String, JsonNode>> discoveredRows = new ArrayList<>();
            discoveredAnswer
                    .get("value")
                    .forEach(row -> discoveredRows.add(byColumn(discoveredCatalog, discoveredEntity, row)));
            assertThat(demoRows).isNotEmpty();
            assertThat(discoveredRows).isEqualTo(demoRows);
        } else {
            Map<String, JsonNode> demoRow = byColumn(demoCatalog, demoEntity, demoAnswer);
            Map<String, JsonNode> discoveredRow = byColumn(discoveredCatalog, discoveredEntity, discoveredAnswer);
            discoveredRow.keySet().retainAll(demoRow.keySet());
            assertThat(discoveredRow)
                    .isEqualTo(demoRow)
                    .hasSize(demoEntity.fields().size());
        }
    }

    private static JsonNode get(TestGateway gateway, EntityDefinition entity, String query) throws Exception {
        Matcher placeholders = PLACEHOLDER.matcher(query);
        StringBuilder translated = new StringBuilder();
        while (placeholders.find()) {
            FieldDefinition field = fieldFor(entity, placeholders.group(1));
            boolean lookup = entity.relations().stream()
                    .anyMatch(relation -> relation.field().equals(field.logicalName()));
            String name = lookup ? "_" + field.logicalName() + "_value" : field.logicalName();
            placeholders.appendReplacement(translated, Matcher.quoteReplacement(name));
        }
        placeholders.appendTail(translated);
        Response response = gateway.as(SAM)
                .get(entity.entitySetName()
                        + translated.toString().replace(" ", "%20").replace("'", "%27"));
        assertThat(response.statusCode())
                .as(translated + ": " + response.asString())
                .isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    /** A row's values by column; lookups by their foreign-key column, option-set members as their integers. */
    private static Map<String, JsonNode> byColumn(Catalog catalog, EntityDefinition entity, JsonNode row) {
        Map<String, JsonNode> values = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> properties = row.fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            if (property.getKey().contains("@")) {
                continue;
            }
            Matcher lookup = LOOKUP.matcher(property.getKey());
            String fieldName = lookup.matches() ? lookup.group(1) : property.getKey();
            FieldDefinition field = entity.field(fieldName).orElse(null);
            if (field == null) {
                continue; // a navigation property
            }
            JsonNode value = property.getValue();
            if (field.type().kind() == FieldType.Kind.ENUM && value.isTextual()) {
                OptionSet optionSet = catalog.optionSet(field.type().optionSet().orElseThrow())
                        .orElseThrow();
                value = IntNode.valueOf(optionSet.members().stream()
                        .filter(member ->
                                member.name().equals(property.getValue().asText()))
                        .findFirst()
                        .orElseThrow()
                        .value());
            }
            values.put(field.column(), value);
        }
        return values;
    }

    private static List<String> names(Response response) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode row : JSON.readTree(response.asString()).get("value")) {
            ObjectNode customer = (ObjectNode) row.get("mserp_Customer");
            names.add(row.get("mserp_salesordernumber").asText() + " "
                    + customer.get("mserp_name").asText());
        }
        return names;
    }

    private static EntityDefinition entityFor(Catalog catalog, String table) {
        return catalog.entities().stream()
                .filter(entity -> entity.table().toString().equals(table))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entity for table " + table));
    }

    private static FieldDefinition fieldFor(EntityDefinition entity, String column) {
        Map<String, FieldDefinition> byColumn = new LinkedHashMap<>();
        entity.fields().forEach(field -> byColumn.put(field.column(), field));
        FieldDefinition field = byColumn.get(column);
        assertThat(field)
                .as(entity.logicalName() + " has no field for column " + column)
                .isNotNull();
        return field;
    }
}
