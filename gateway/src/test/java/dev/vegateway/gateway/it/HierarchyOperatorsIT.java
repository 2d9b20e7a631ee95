package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hierarchy operators over a hierarchical relation of the catalog: customers get a parent
 * customer (a tree of three children per node, across companies and business units), declared
 * {@code hierarchical: true}. For every reader of customers, each operator answers exactly the rows
 * a walk of the tree through the rows that caller reads directly gives: a hierarchy query never
 * returns, nor walks through, a row the caller could not read.
 */
abstract class HierarchyOperatorsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String KEY = EntitySet.CUSTOMERS.key;

    private final List<String> tree = new ArrayList<>();

    private static final List<String> GENERATED_ROLES = List.of(
            "Sales manager",
            "Customer service Basic",
            "Customer service Local",
            "Customer service Deep",
            "Customer service Global",
            "{ role: Sales manager, companies: [usmf] }",
            "{ role: Customer service Deep, companies: [demf] }",
            "Sales assistant");

    /** Generated readers of customers: a random business unit and role (depth, company restriction) each. */
    private static final List<DemoIdentities.User> GENERATED = generatedUsers();

    private static List<DemoIdentities.User> generatedUsers() {
        List<DemoIdentities.BusinessUnit> units = List.of(
                DemoIdentities.CONTOSO,
                DemoIdentities.CONTOSO_US,
                DemoIdentities.CONTOSO_EUROPE,
                DemoIdentities.CONTOSO_GERMANY,
                DemoIdentities.CONTOSO_UK);
        java.util.Random random = new java.util.Random(11);
        List<DemoIdentities.User> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            users.add(new DemoIdentities.User(
                    UUID.nameUUIDFromBytes(("hierarchy-user-" + i).getBytes(StandardCharsets.UTF_8)),
                    "Generated " + i + " " + GENERATED_ROLES.get(i % GENERATED_ROLES.size()),
                    UUID.nameUUIDFromBytes(("hierarchy-entra-" + i).getBytes(StandardCharsets.UTF_8)),
                    units.get(random.nextInt(units.size()))));
        }
        return users;
    }

    /** The demo security data and the generated users. */
    private static String securityYaml(List<DemoIdentities.User> generated) throws Exception {
        String demo;
        try (InputStream in = HierarchyOperatorsIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder users = new StringBuilder("users:\n");
        for (int i = 0; i < generated.size(); i++) {
            DemoIdentities.User user = generated.get(i);
            users.append("  - { id: ")
                    .append(user.id())
                    .append(", name: \"")
                    .append(user.name())
                    .append("\", entraObjectId: ")
                    .append(user.entraObjectId())
                    .append(", businessUnit: ")
                    .append(user.businessUnit().name())
                    .append(", roles: [")
                    .append(GENERATED_ROLES.get(i % GENERATED_ROLES.size()))
                    .append("] }\n");
        }
        assertThat(demo).contains("\nusers:\n");
        return demo.replace("\nusers:\n", "\n" + users);
    }

    @Override
    String backendName() {
        return "hierarchy";
    }

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        try (Connection connection = backend.connect()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE erp.customer ADD COLUMN IF NOT EXISTS parent_id UUID");
            }
            List<UUID> ids = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT id FROM erp.customer ORDER BY account_num, id")) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE erp.customer SET parent_id = ? WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                    update.setObject(1, i == 0 ? null : ids.get((i - 1) / 3));
                    update.setObject(2, ids.get(i));
                    update.executeUpdate();
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            // generated users own some customers, so that their Basic depth reads some
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE erp.customer SET owner_id = ? WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i += 4) {
                    update.setObject(
                            1, GENERATED.get((i / 4) % GENERATED.size()).id());
                    update.setObject(2, ids.get(i));
                    update.executeUpdate();
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            ids.forEach(id -> tree.add(id.toString()));
        }
        gateway = TestGateway.start(backend, securityYaml(GENERATED), Map.of(), catalog(), Clock.systemUTC());
    }

    /** The demo catalog, with a parent customer on customers, declared as their hierarchy. */
    private static String catalog() throws Exception {
        String demo;
        try (InputStream in = HierarchyOperatorsIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String key = "      - { name: mserp_custcustomerv3entityid, column: id, type: Guid }\n";
        assertThat(demo).contains(key);
        return demo.replace(key, key + "      - { name: mserp_parentcustomerid, column: parent_id, type: Guid }\n")
                .replace(
                        "    key: mserp_custcustomerv3entityid\n",
                        "    key: mserp_custcustomerv3entityid\n    relations:\n      - { name: mserp_ParentCustomer, field:"
                                + " mserp_parentcustomerid, target: mserp_custcustomerv3entity, partner: mserp_ChildCustomers,"
                                + " hierarchical: true }\n");
    }

    private JsonNode fetch(DemoIdentities.User user, String fetch) throws Exception {
        Response response = as(user).urlEncodingEnabled(false).get(CUSTOMERS + "?fetchXml=" + encode(fetch));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private Set<String> keys(DemoIdentities.User user, String operator, String start) throws Exception {
        Set<String> keys = new TreeSet<>();
        fetch(
                        user,
                        "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/><filter>"
                                + "<condition attribute='" + KEY + "' operator='" + operator + "' value='" + start
                                + "'/></filter></entity></fetch>")
                .path("value")
                .forEach(row -> keys.add(row.get(KEY).asText()));
        return keys;
    }

    @Test
    void everyHierarchyOperatorWalksOnlyTheRowsTheCallerReads() throws Exception {
        int nonEmpty = 0;
        List<DemoIdentities.User> readers = new ArrayList<>(READERS_OF_ORDERS_AND_CUSTOMERS);
        readers.addAll(GENERATED);
        for (DemoIdentities.User user : readers) {
            // what the caller reads directly: each row and its parent
            Map<String, String> parents = new HashMap<>();
            fetch(
                            user,
                            "<fetch><entity name='mserp_custcustomerv3entity'><attribute"
                                    + " name='mserp_parentcustomerid'/></entity></fetch>")
                    .path("value")
                    .forEach(row -> parents.put(
                            row.get(KEY).asText(),
                            row.has("_mserp_parentcustomerid_value")
                                    ? row.get("_mserp_parentcustomerid_value").asText()
                                    : null));
            List<String> starts = new ArrayList<>(
                    List.of(tree.get(0), tree.get(1), tree.get(4), tree.get(14), tree.get(tree.size() - 1)));
            tree.stream().filter(id -> !parents.containsKey(id)).findFirst().ifPresent(starts::add);
            for (String start : starts) {
                Set<String> under = new TreeSet<>();
                if (parents.containsKey(start)) {
                    List<String> frontier = new ArrayList<>(List.of(start));
                    while (!frontier.isEmpty()) {
                        List<String> next = new ArrayList<>();
                        parents.forEach((child, parent) -> {
                            if (frontier.contains(parent) && under.add(child)) {
                                next.add(child);
                            }
                        });
                        frontier.clear();
                        frontier.addAll(next);
                    }
                }
                Set<String> above = new TreeSet<>();
                if (parents.containsKey(start)) {
                    String parent = parents.get(start);
                    while (parent != null && parents.containsKey(parent)) {
                        above.add(parent);
                        parent = parents.get(parent);
                    }
                }
                Set<String> self = parents.containsKey(start) ? Set.of(start) : Set.of();
                Set<String> notUnder = new TreeSet<>(parents.keySet());
                notUnder.removeAll(under);
                String description = user.name() + " from " + start;
                assertThat(keys(user, "under", start)).as(description).isEqualTo(under);
                assertThat(keys(user, "child-of", start)).as(description).isEqualTo(under);
                assertThat(keys(user, "eq-or-under", start)).as(description).isEqualTo(union(self, under));
                assertThat(keys(user, "not-under", start)).as(description).isEqualTo(notUnder);
                assertThat(keys(user, "above", start)).as(description).isEqualTo(above);
                assertThat(keys(user, "eq-or-above", start)).as(description).isEqualTo(union(self, above));
                if (!under.isEmpty() && !above.isEmpty()) {
                    nonEmpty++;
                }
            }
        }
        assertThat(nonEmpty).as("walks that went both ways").isPositive();
    }

    /**
     * rowaggregate="CountChildren": each row comes with the number of its direct children in the
     * hierarchy that the caller reads, never counting a row the caller could not read.
     */
    @Test
    void countChildrenCountsTheReadableChildrenOfEachRow() throws Exception {
        int counted = 0;
        List<DemoIdentities.User> readers = new ArrayList<>(READERS_OF_ORDERS_AND_CUSTOMERS);
        readers.addAll(GENERATED);
        for (DemoIdentities.User user : readers) {
            Map<String, String> parents = new HashMap<>();
            Map<String, Long> children = new HashMap<>();
            JsonNode answer = fetch(
                    user,
                    "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_parentcustomerid'/>"
                            + "<attribute name='" + KEY + "' rowaggregate='CountChildren' alias='children'/>"
                            + "</entity></fetch>");
            answer.path("value").forEach(row -> {
                parents.put(
                        row.get(KEY).asText(),
                        row.has("_mserp_parentcustomerid_value")
                                ? row.get("_mserp_parentcustomerid_value").asText()
                                : null);
                children.put(row.get(KEY).asText(), row.get("children").asLong());
            });
            for (Map.Entry<String, Long> row : children.entrySet()) {
                long readable = parents.values().stream()
                        .filter(parent -> row.getKey().equals(parent))
                        .count();
                assertThat(row.getValue()).as(user.name() + " " + row.getKey()).isEqualTo(readable);
                counted += readable > 0 ? 1 : 0;
            }
        }
        assertThat(counted).as("rows with children").isPositive();
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        JsonNode root = fetch(
                sam,
                "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/><attribute name='" + KEY
                        + "' rowaggregate='CountChildren' alias='n'/><filter><condition attribute='" + KEY
                        + "' operator='eq' value='" + tree.get(0) + "'/></filter></entity></fetch>");
        assertThat(root.path("value").get(0).get("n").asLong()).isEqualTo(3);
        assertThat(assertError(
                        as(sam).urlEncodingEnabled(false)
                                .get(EntitySet.SALES_ORDERS.set + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_salesorderheaderv2entity'><attribute"
                                                + " name='mserp_salesorderheaderv2entityid' rowaggregate='CountChildren'"
                                                + " alias='n'/></entity></fetch>")),
                        400,
                        "0x8ff00003"))
                .contains("needs a hierarchical relation");
        assertThat(assertError(
                        as(sam).urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><attribute"
                                                + " name='mserp_name' rowaggregate='CountChildren' alias='n'/>"
                                                + "</entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("applies to '" + KEY + "'");
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> union = new TreeSet<>(first);
        union.addAll(second);
        return union;
    }

    @Test
    void queryExpressionWalksTheSameHierarchyAndTheRestIsRefusedByName() throws Exception {
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        Response viaQueryExpression = queryExpression(
                as(sam),
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                        + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"" + KEY
                        + "\",\"Operator\":\"Under\",\"Values\":[\"" + tree.get(1)
                        + "\"]}]},\"PageInfo\":{\"Count\":5000}}}");
        Set<String> keys = new TreeSet<>();
        JSON.readTree(assertOk(viaQueryExpression).asString())
                .path("value")
                .forEach(row -> keys.add(row.get(KEY).asText()));
        assertThat(keys).isNotEmpty().isEqualTo(keys(sam, "under", tree.get(1)));
        assertThat(assertError(
                        as(sam).urlEncodingEnabled(false)
                                .get(EntitySet.SALES_ORDERS.set + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_salesorderheaderv2entity'><filter>"
                                                + "<condition attribute='mserp_salesorderheaderv2entityid'"
                                                + " operator='under' value='" + tree.get(1) + "'/></filter>"
                                                + "</entity></fetch>")),
                        400,
                        "0x8ff00003"))
                .contains("'Under' (75)")
                .contains("needs a hierarchical relation on entity 'mserp_salesorderheaderv2entity'");
        assertThat(assertError(
                        as(sam).urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><filter><condition"
                                                + " attribute='mserp_ownerid' operator='above' value='" + tree.get(1)
                                                + "'/></filter></entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("applies to '" + KEY + "'");
        // ChildOf (45), internal in the SDK, is read as Under
        Response childOf = queryExpression(
                as(sam),
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                        + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"" + KEY
                        + "\",\"Operator\":\"ChildOf\",\"Values\":[\"" + tree.get(1)
                        + "\"]}]},\"PageInfo\":{\"Count\":5000}}}");
        Set<String> children = new TreeSet<>();
        JSON.readTree(assertOk(childOf).asString())
                .path("value")
                .forEach(row -> children.add(row.get(KEY).asText()));
        assertThat(children).isEqualTo(keys);
    }
}
