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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user operators that need more than the caller's id: EqualUserOrUserHierarchy(AndTeams) over
 * a manager hierarchy of the security data (Alice manages Bob and Gil, Bob manages Mia and Dave,
 * Gil manages Bea), EqualUserLanguage over a user's language setting, and Contains /
 * DoesNotContain as substring matches with LIKE's wildcards taken literally. For every caller the
 * answer is exactly the rows it reads directly that satisfy the operator: the hierarchy never
 * widens what a manager reads.
 */
abstract class UserOperatorsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String KEY = EntitySet.CUSTOMERS.key;
    private static final UUID PURCHASING_TEAM =
            UUID.nameUUIDFromBytes("team:Purchasing team".getBytes(StandardCharsets.UTF_8));
    private static final String WILDCARD_NAME = "Sale 50% off_now \\ back";

    /** Manager of each managed user. */
    private static final Map<UUID, UUID> MANAGERS = Map.of(
            DemoIdentities.BOB_SALES_CLERK.id(), DemoIdentities.ALICE_SALES_MANAGER.id(),
            DemoIdentities.GIL_GLOBAL.id(), DemoIdentities.ALICE_SALES_MANAGER.id(),
            DemoIdentities.MIA_MIXED.id(), DemoIdentities.BOB_SALES_CLERK.id(),
            DemoIdentities.DAVE_TEAM_MEMBER.id(), DemoIdentities.BOB_SALES_CLERK.id(),
            DemoIdentities.BEA_BASIC.id(), DemoIdentities.GIL_GLOBAL.id());

    private static final Map<UUID, Integer> LANGUAGES = Map.of(
            DemoIdentities.ALICE_SALES_MANAGER.id(), 1031,
            DemoIdentities.BOB_SALES_CLERK.id(), 1033);

    private static final List<DemoIdentities.User> CALLERS = List.of(
            DemoIdentities.ALICE_SALES_MANAGER,
            DemoIdentities.BOB_SALES_CLERK,
            DemoIdentities.GIL_GLOBAL,
            DemoIdentities.BEA_BASIC,
            DemoIdentities.MIA_MIXED,
            DemoIdentities.LEO_LOCAL,
            DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);

    @Override
    String backendName() {
        return "useroperators";
    }

    /** The demo security data with the managers and languages above. */
    @Override
    String securityYaml() throws Exception {
        String yaml;
        try (InputStream in = UserOperatorsIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>();
        for (String line : yaml.split("\n", -1)) {
            // the demo's own managers and languages give way to this test's
            String changed = line.replaceAll(", (manager|language): [0-9a-f-]+", "");
            for (UUID user : union(MANAGERS.keySet(), LANGUAGES.keySet())) {
                String prefix = "  - { id: " + user + ", ";
                if (changed.startsWith(prefix)) {
                    StringBuilder settings = new StringBuilder();
                    Optional.ofNullable(MANAGERS.get(user))
                            .ifPresent(manager ->
                                    settings.append("manager: ").append(manager).append(", "));
                    Optional.ofNullable(LANGUAGES.get(user)).ifPresent(language -> settings.append("language: ")
                            .append(language)
                            .append(", "));
                    changed = prefix + settings + changed.substring(prefix.length());
                }
            }
            lines.add(changed);
        }
        String changed = String.join("\n", lines);
        assertThat(changed).contains("manager: " + DemoIdentities.GIL_GLOBAL.id());
        return changed;
    }

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        List<UUID> owners = new ArrayList<>();
        CALLERS.forEach(user -> owners.add(user.id()));
        owners.add(DemoIdentities.DAVE_TEAM_MEMBER.id());
        owners.add(PURCHASING_TEAM);
        try (Connection connection = backend.connect()) {
            List<UUID> ids = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT id FROM erp.customer ORDER BY account_num, id")) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE erp.customer SET owner_id = ?, employees = ? WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                    update.setObject(1, owners.get(i % owners.size()));
                    update.setInt(2, i % 4 == 0 ? 1031 : 1033 + i % 3);
                    update.setObject(3, ids.get(i));
                    update.executeUpdate();
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE erp.customer SET name = ? WHERE id = ?")) {
                update.setString(1, WILDCARD_NAME);
                update.setObject(2, ids.get(3));
                update.executeUpdate();
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        gateway = TestGateway.start(backend, securityYaml());
    }

    /** What {@code user} reads directly: each readable customer with the given field's value (null when absent). */
    private Map<String, String> direct(DemoIdentities.User user, String field) throws Exception {
        Map<String, String> values = new TreeMap<>();
        JSON.readTree(assertOk(as(user).get(CUSTOMERS + "?$select=" + KEY + "," + field))
                        .asString())
                .path("value")
                .forEach(row -> values.put(
                        row.get(KEY).asText(),
                        row.hasNonNull(field) ? row.get(field).asText() : null));
        return values;
    }

    private Set<String> fetched(DemoIdentities.User user, String condition) throws Exception {
        Response response = as(user).urlEncodingEnabled(false)
                .get(CUSTOMERS + "?fetchXml="
                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/>"
                                + "<filter>" + condition + "</filter></entity></fetch>"));
        return keys(assertOk(response));
    }

    private Set<String> queried(DemoIdentities.User user, String operator, String values) throws Exception {
        return keys(assertOk(queryExpression(
                as(user),
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                        + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\""
                        + operator + "\",\"Values\":" + values + "}]},\"PageInfo\":{\"Count\":5000}}}")));
    }

    private static Set<String> keys(Response response) throws Exception {
        Set<String> keys = new TreeSet<>();
        JsonNode root = JSON.readTree(response.asString());
        root.path("value").forEach(row -> keys.add(row.get(KEY).asText()));
        return keys;
    }

    /** The users under {@code user}, walking {@link #MANAGERS} down. */
    private static Set<UUID> reports(UUID user) {
        Set<UUID> reports = new TreeSet<>();
        List<UUID> frontier = new ArrayList<>(List.of(user));
        while (!frontier.isEmpty()) {
            List<UUID> next = new ArrayList<>();
            MANAGERS.forEach((report, manager) -> {
                if (frontier.contains(manager) && reports.add(report)) {
                    next.add(report);
                }
            });
            frontier.clear();
            frontier.addAll(next);
        }
        return reports;
    }

    @Test
    void theUserHierarchyOperatorsAnswerTheReadableRowsOfTheCallerAndEveryoneUnderIt() throws Exception {
        int widened = 0;
        for (DemoIdentities.User user : CALLERS) {
            Map<String, String> owners = direct(user, "mserp_ownerid");
            Set<String> hierarchy = new TreeSet<>();
            hierarchy.add(user.id().toString());
            reports(user.id()).forEach(report -> hierarchy.add(report.toString()));
            Set<String> withTeams = new TreeSet<>(hierarchy);
            if (hierarchy.contains(DemoIdentities.DAVE_TEAM_MEMBER.id().toString())) {
                withTeams.add(PURCHASING_TEAM.toString());
            }
            Set<String> expected = new TreeSet<>();
            Set<String> expectedWithTeams = new TreeSet<>();
            Set<String> own = new TreeSet<>();
            owners.forEach((key, owner) -> {
                if (hierarchy.contains(owner)) {
                    expected.add(key);
                }
                if (withTeams.contains(owner)) {
                    expectedWithTeams.add(key);
                }
                if (user.id().toString().equals(owner)) {
                    own.add(key);
                }
            });
            String condition = "<condition attribute='mserp_ownerid' operator='%s'/>";
            assertThat(fetched(user, String.format(condition, "eq-useroruserhierarchy")))
                    .as(user.name())
                    .isEqualTo(expected);
            assertThat(fetched(user, String.format(condition, "eq-useroruserhierarchyandteams")))
                    .as(user.name())
                    .isEqualTo(expectedWithTeams);
            if (expected.size() > own.size()) {
                widened++;
            }
        }
        assertThat(widened).as("managers who find their reports' rows").isPositive();
        // the same in QueryExpression, by number, and as a $filter query function
        DemoIdentities.User alice = DemoIdentities.ALICE_SALES_MANAGER;
        Set<String> viaFetch =
                fetched(alice, "<condition attribute='mserp_ownerid' operator='eq-useroruserhierarchy'/>");
        assertThat(keys(assertOk(queryExpression(
                        as(alice),
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\""
                                + KEY + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_ownerid\","
                                + "\"Operator\":80}]},\"PageInfo\":{\"Count\":5000}}}"))))
                .isEqualTo(viaFetch);
        assertThat(
                        keys(
                                assertOk(
                                        as(alice)
                                                .urlEncodingEnabled(false)
                                                .get(
                                                        CUSTOMERS + "?$select=" + KEY + "&$filter="
                                                                + encode(
                                                                        "Microsoft.Dynamics.CRM.EqualUserOrUserHierarchy(PropertyName='mserp_ownerid')")))))
                .isEqualTo(viaFetch);
    }

    @Test
    void equalUserLanguageComparesWithTheCallersLanguageSetting() throws Exception {
        for (DemoIdentities.User user : CALLERS) {
            Map<String, String> employees = direct(user, "mserp_numberofemployees");
            Integer language = LANGUAGES.get(user.id());
            Set<String> expected = new TreeSet<>();
            employees.forEach((key, value) -> {
                if (language != null && value != null && Integer.parseInt(value) == language) {
                    expected.add(key);
                }
            });
            assertThat(fetched(user, "<condition attribute='mserp_numberofemployees' operator='eq-userlanguage'/>"))
                    .as(user.name() + " (language " + language + ")")
                    .isEqualTo(expected);
            if (language != null) {
                assertThat(expected).as(user.name()).isNotEmpty();
            }
        }
        assertThat(assertError(
                        as(DemoIdentities.ALICE_SALES_MANAGER)
                                .urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><filter><condition"
                                                + " attribute='mserp_name' operator='eq-userlanguage'/></filter>"
                                                + "</entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("mserp_name");
    }

    @Test
    void containsMatchesASubstringIgnoringCaseWithWildcardsTakenLiterally() throws Exception {
        for (DemoIdentities.User user :
                List.of(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, DemoIdentities.BOB_SALES_CLERK)) {
            Map<String, String> names = direct(user, "mserp_name");
            for (String text : List.of("50% OFF_", "% off", "_now \\", "sale", "e", "%", "zz_no_such")) {
                Set<String> contains = new TreeSet<>();
                Set<String> doesNotContain = new TreeSet<>();
                names.forEach((key, name) -> {
                    if (name == null) {
                        return;
                    }
                    if (name.toLowerCase(java.util.Locale.ROOT).contains(text.toLowerCase(java.util.Locale.ROOT))) {
                        contains.add(key);
                    } else {
                        doesNotContain.add(key);
                    }
                });
                String values = JSON.writeValueAsString(List.of(text));
                assertThat(queried(user, "Contains", values))
                        .as(user.name() + " contains " + text)
                        .isEqualTo(contains);
                assertThat(queried(user, "DoesNotContain", values))
                        .as(user.name() + " does not contain " + text)
                        .isEqualTo(doesNotContain);
            }
        }
        assertThat(queried(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, "Contains", "[\"50% OFF_\"]"))
                .hasSize(1);
    }

    private static <T> Set<T> union(Set<T> first, Set<T> second) {
        Set<T> union = new java.util.LinkedHashSet<>(first);
        union.addAll(second);
        return union;
    }
}
