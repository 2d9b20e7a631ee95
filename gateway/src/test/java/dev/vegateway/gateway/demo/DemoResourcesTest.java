package dev.vegateway.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** demo/catalog.yaml and demo/security.yaml are well-formed and agree with schema.sql and {@link DemoIdentities}. */
class DemoResourcesTest {
    private static final Pattern TYPE = Pattern.compile(
            "String\\((\\d+)\\)|Int32|Int64|Decimal\\((\\d+),(\\d+)\\)|Double|Boolean|Date|DateTimeOffset|Guid|Enum\\((\\w+)\\)"
                    + "|Boolean\\((\\w+)\\)|MultiEnum\\((\\w+)\\)");
    private static final Set<String> BUILT_IN_ROLES = Set.of(
            "System administrator",
            "Security administrator",
            "CDSVirtualEntityApplication",
            "CDSVirtualEntityAuthorizedPortalUser");
    private static final Set<String> PRIVILEGE_KEYS =
            Set.of("entity", "create", "read", "write", "delete", "append", "appendTo");

    private static Map<String, Object> catalog;
    private static Map<String, Object> security;
    private static Map<String, Map<String, Object>> entities;

    @BeforeAll
    static void load() throws IOException {
        catalog = yaml("/demo/catalog.yaml");
        security = yaml("/demo/security.yaml");
        entities = new LinkedHashMap<>();
        for (Map<String, Object> entity : maps(catalog.get("entities"))) {
            assertThat(entities.put((String) entity.get("logicalName"), entity))
                    .as("duplicate entity")
                    .isNull();
        }
    }

    @Test
    void catalogDeclaresTheDemoEntitySets() {
        List<String> sets = new ArrayList<>();
        entities.values().forEach(entity -> sets.add((String) entity.get("entitySetName")));
        assertThat(sets)
                .containsExactly(
                        "mserp_legalentities",
                        "mserp_custcustomergroupentities",
                        "mserp_paymenttermentities",
                        "mserp_custcustomerv3entities",
                        "mserp_vendvendorv2entities",
                        "mserp_ecoresreleasedproductv2entities",
                        "mserp_salesorderheaderv2entities",
                        "mserp_salesorderlinev2entities");
        assertThat(entities.values())
                .allSatisfy(entity -> assertThat(entity.get("visible")).isEqualTo(true));
        assertThat(entities.get("mserp_legalentity"))
                .doesNotContainKeys("companyField", "ownerField", "businessUnitField");
        assertThat(entities.get("mserp_custcustomergroupentity"))
                .containsKey("companyField")
                .doesNotContainKey("ownerField");
        assertThat(entities.get("mserp_ecoresreleasedproductv2entity"))
                .containsKey("companyField")
                .doesNotContainKey("ownerField");
        assertThat(entities.get("mserp_salesorderlinev2entity"))
                .containsKey("companyField")
                .doesNotContainKey("ownerField");
        for (String owned :
                List.of("mserp_custcustomerv3entity", "mserp_vendvendorv2entity", "mserp_salesorderheaderv2entity")) {
            assertThat(entities.get(owned))
                    .containsKeys("companyField", "ownerField", "businessUnitField", "rowVersionField");
        }
    }

    @Test
    void catalogEntitiesAreConsistent() {
        Set<String> optionSets = new LinkedHashSet<>();
        for (Map<String, Object> optionSet : maps(catalog.get("optionSets"))) {
            optionSets.add((String) optionSet.get("name"));
            for (Map<String, Object> member : maps(optionSet.get("members"))) {
                assertThat(member.get("name"))
                        .as("member name of " + optionSet.get("name"))
                        .isInstanceOf(String.class);
                assertThat(member.get("value")).isInstanceOf(Integer.class);
            }
        }
        for (Map<String, Object> entity : entities.values()) {
            String logicalName = (String) entity.get("logicalName");
            Map<String, String> types = new LinkedHashMap<>();
            for (Map<String, Object> field : maps(entity.get("fields"))) {
                String type = (String) field.get("type");
                Matcher matcher = TYPE.matcher(type);
                assertThat(matcher.matches())
                        .as(logicalName + "." + field.get("name") + " type " + type)
                        .isTrue();
                if (matcher.group(4) != null) {
                    assertThat(optionSets)
                            .as(logicalName + "." + field.get("name"))
                            .contains(matcher.group(4));
                }
                if (matcher.group(5) != null) {
                    assertThat(optionSets)
                            .as(logicalName + "." + field.get("name"))
                            .contains(matcher.group(5));
                }
                if (matcher.group(6) != null) {
                    assertThat(optionSets)
                            .as(logicalName + "." + field.get("name"))
                            .contains(matcher.group(6));
                }
                assertThat(types.put((String) field.get("name"), type))
                        .as("duplicate field " + field.get("name"))
                        .isNull();
            }
            if (entity.get("key") instanceof List<?> naturalKey) {
                // a table without a GUID column: the key is natural, the GUID derived (and not declared)
                assertThat(types).as(logicalName + " natural key").containsKeys(naturalKey.toArray(new String[0]));
                assertThat(types).doesNotContainKey(logicalName + "id");
                assertThat(entity.get("companyField")).isEqualTo("mserp_dataareaid");
                continue;
            }
            assertThat(entity.get("key")).isEqualTo(logicalName + "id");
            assertThat(types.get(logicalName + "id")).as(logicalName + " key").isEqualTo("Guid");
            for (String role : List.of("companyField", "ownerField", "businessUnitField", "rowVersionField")) {
                if (entity.containsKey(role)) {
                    assertThat(types).as(logicalName + "." + role).containsKey((String) entity.get(role));
                }
            }
            if (entity.containsKey("companyField")) {
                assertThat(entity.get("companyField")).isEqualTo("mserp_dataareaid");
            }
            assertThat(types.get("mserp_versionnumber")).isEqualTo("Int64");
        }
    }

    @Test
    void everyCatalogColumnExistsInTheSchemaAndEveryColumnIsMapped() throws SQLException {
        try (Connection connection = DemoDataTest.newDatabase()) {
            try (Statement statement = connection.createStatement()) {
                for (String sql : DemoData.schemaStatements()) {
                    statement.execute(sql);
                }
            }
            DatabaseMetaData metaData = connection.getMetaData();
            for (Map<String, Object> entity : entities.values()) {
                String[] table = ((String) entity.get("table")).split("\\.");
                assertThat(table).hasSize(2);
                Map<String, String> columns = columns(metaData, table[0], table[1]);
                assertThat(columns).as(entity.get("table") + " exists").isNotEmpty();
                Map<String, String> mapped = new LinkedHashMap<>();
                for (Map<String, Object> field : maps(entity.get("fields"))) {
                    String column = ((String) field.get("column")).toLowerCase(Locale.ROOT);
                    assertThat(mapped.put(column, (String) field.get("type")))
                            .as("column mapped twice: " + column)
                            .isNull();
                    assertThat(columns)
                            .as(entity.get("table") + " has column " + column)
                            .containsKey(column);
                    assertThat(columns.get(column))
                            .as(entity.get("table") + "." + column)
                            .isEqualTo(sqlType((String) field.get("type")));
                }
                assertThat(mapped.keySet())
                        .as("columns of " + entity.get("table"))
                        .containsExactlyInAnyOrderElementsOf(columns.keySet());
            }
        }
    }

    @Test
    void securityDataIsWellFormedAndRefersToCatalogEntities() {
        assertThat(security)
                .containsOnlyKeys("businessUnits", "companies", "roles", "users", "teams", "applications", "portal");
        assertThat(security.get("companies")).isEqualTo(DemoData.COMPANIES);

        Map<String, String> units = new LinkedHashMap<>();
        for (Map<String, Object> unit : maps(security.get("businessUnits"))) {
            units.put((String) unit.get("name"), (String) unit.getOrDefault("parent", ""));
        }
        Map<String, String> expectedUnits = new LinkedHashMap<>();
        DemoIdentities.BUSINESS_UNITS.forEach(unit -> expectedUnits.put(unit.name(), unit.parent()));
        assertThat(units).isEqualTo(expectedUnits);
        assertThat(units.values()).containsOnlyOnce("");

        Set<String> roles = new LinkedHashSet<>(BUILT_IN_ROLES);
        for (Map<String, Object> role : maps(security.get("roles"))) {
            assertThat(roles.add((String) role.get("name")))
                    .as("duplicate role " + role.get("name"))
                    .isTrue();
            assertThat(role.get("actions")).isEqualTo(List.of());
            assertThat(role).containsKeys("name", "privileges");
            for (Map<String, Object> privilege : maps(role.get("privileges"))) {
                assertThat(PRIVILEGE_KEYS).containsAll(privilege.keySet());
                Map<String, Object> entity = entities.get((String) privilege.get("entity"));
                assertThat(entity).as("privilege of " + role.get("name")).isNotNull();
                // Demo roles read; only the Sales assistant also writes customers, to show field security on
                // writes. Basic needs an owner field, Local and Deep a business-unit field.
                if (role.get("name").equals("Sales assistant")
                        && privilege.get("entity").equals("mserp_custcustomerv3entity")) {
                    assertThat(privilege).containsOnlyKeys("entity", "read", "create", "write");
                } else if (role.get("name").equals("Sales assistant")
                        && privilege.get("entity").equals("mserp_paymenttermentity")) {
                    // and terms of payment, to show writes by derived GUID and alternate key
                    assertThat(privilege).containsOnlyKeys("entity", "read", "create", "write", "delete");
                } else {
                    assertThat(privilege).containsOnlyKeys("entity", "read");
                }
                String depth = (String) privilege.get("read");
                if (entity.containsKey("ownerField") && entity.containsKey("businessUnitField")) {
                    assertThat(depth)
                            .as(role.get("name") + " on " + entity.get("logicalName"))
                            .isIn("Basic", "Local", "Deep", "Global");
                } else {
                    assertThat(depth)
                            .as(role.get("name") + " on " + entity.get("logicalName"))
                            .isEqualTo("Global");
                }
            }
            for (String section : List.of("rowFilters", "fieldSecurity")) {
                if (role.containsKey(section)) {
                    for (Map<String, Object> entry : maps(role.get(section))) {
                        assertThat(entities)
                                .as(section + " of " + role.get("name"))
                                .containsKey((String) entry.get("entity"));
                    }
                }
            }
        }

        Map<String, Map<String, Object>> users = new LinkedHashMap<>();
        for (Map<String, Object> user : maps(security.get("users"))) {
            users.put((String) user.get("id"), user);
            assertThat(user.get("accessMode")).isIn("ReadWrite", "Administrative", "NonInteractive");
            assertThat(user.get("kind")).isIn("person", "stub");
            assertThat(user.get("enabled")).isInstanceOf(Boolean.class);
            assertThat(units).containsKey((String) user.get("businessUnit"));
            for (Object assignment : (List<?>) user.get("roles")) {
                String role = assignment instanceof Map<?, ?> restricted
                        ? (String) restricted.get("role")
                        : (String) assignment;
                assertThat(roles).as("role of " + user.get("name")).contains(role);
                if (assignment instanceof Map<?, ?> restricted) {
                    assertThat(DemoData.COMPANIES).containsAll(strings(restricted.get("companies")));
                }
            }
        }
        assertThat(users).hasSameSizeAs(DemoIdentities.USERS);
        for (DemoIdentities.User expected : DemoIdentities.USERS) {
            Map<String, Object> user = users.get(expected.id().toString());
            assertThat(user).as(expected.name()).isNotNull();
            assertThat(user.get("name")).isEqualTo(expected.name());
            assertThat(user.get("entraObjectId"))
                    .isEqualTo(expected.entraObjectId().toString());
            assertThat(user.get("businessUnit"))
                    .isEqualTo(expected.businessUnit().name());
        }

        for (Map<String, Object> team : maps(security.get("teams"))) {
            assertThat(units).containsKey((String) team.get("businessUnit"));
            assertThat(roles).containsAll(strings(team.get("roles")));
            // A group team (type AadSecurityGroup) lists no members: they come from tokens' groups claims.
            assertThat(users.keySet()).containsAll(strings(team.getOrDefault("members", List.of())));
        }
        assertThat(maps(security.get("teams")).get(0).get("members"))
                .isEqualTo(List.of(DemoIdentities.DAVE_TEAM_MEMBER.id().toString()));

        List<Map<String, Object>> applications = maps(security.get("applications"));
        assertThat(applications).hasSameSizeAs(DemoIdentities.APPLICATIONS);
        for (int index = 0; index < applications.size(); index++) {
            DemoIdentities.Application expected = DemoIdentities.APPLICATIONS.get(index);
            assertThat(applications.get(index))
                    .containsEntry("appId", expected.appId().toString())
                    .containsEntry("name", expected.name())
                    .containsEntry("kind", expected.kind())
                    .containsEntry(
                            "roles",
                            expected.kind().equals("provisioning")
                                    ? List.of()
                                    : List.of("CDSVirtualEntityApplication"));
        }
    }

    @Test
    void portalUsersHoldThePortalRoleAndOnlyMalloryWronglyHoldsAnAdministratorRole() {
        @SuppressWarnings("unchecked")
        Map<String, Object> portal = (Map<String, Object>) security.get("portal");
        assertThat(portal.get("anonymousUser"))
                .isEqualTo(DemoIdentities.ANONYMOUS_PORTAL.id().toString());
        List<Map<String, Object>> mappings = maps(portal.get("mappings"));
        assertThat(mappings)
                .containsExactly(
                        Map.of(
                                "contactId",
                                DemoIdentities.PAULA_CONTACT.id().toString(),
                                "user",
                                DemoIdentities.PAULA_PORTAL.id().toString(),
                                "company",
                                "usmf"),
                        Map.of(
                                "contactId",
                                DemoIdentities.MALLORY_CONTACT.id().toString(),
                                "user",
                                DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR.id().toString()));
        List<String> portalUsers = new ArrayList<>();
        portalUsers.add((String) portal.get("anonymousUser"));
        mappings.forEach(mapping -> portalUsers.add((String) mapping.get("user")));
        int checked = 0;
        for (Map<String, Object> user : maps(security.get("users"))) {
            if (!portalUsers.contains(user.get("id"))) {
                continue;
            }
            checked++;
            assertThat(strings(user.get("roles")))
                    .as(user.get("name") + " roles")
                    .contains("CDSVirtualEntityAuthorizedPortalUser");
            if (user.get("id")
                    .equals(DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR.id().toString())) {
                // Deliberately wrong: the import warns and the gateway refuses her contact with 403.
                assertThat(strings(user.get("roles"))).contains("System administrator");
            } else {
                assertThat(strings(user.get("roles")))
                        .as(user.get("name") + " roles")
                        .doesNotContain("System administrator", "Security administrator");
            }
        }
        assertThat(checked).isEqualTo(3);
    }

    private static String sqlType(String type) {
        Matcher matcher = TYPE.matcher(type);
        assertThat(matcher.matches()).isTrue();
        if (matcher.group(1) != null) {
            return "CHARACTER VARYING(" + matcher.group(1) + ")";
        }
        if (matcher.group(2) != null) {
            return "NUMERIC(" + matcher.group(2) + "," + matcher.group(3) + ")";
        }
        if (matcher.group(4) != null) {
            return "INTEGER";
        }
        if (matcher.group(5) != null) {
            return "BOOLEAN";
        }
        if (matcher.group(6) != null) {
            return "CHARACTER VARYING(200)"; // the demo's multi-select column, sales_channels VARCHAR(200)
        }
        return switch (type) {
            case "Int32" -> "INTEGER";
            case "Int64" -> "BIGINT";
            case "Double" -> "DOUBLE PRECISION";
            case "Boolean" -> "BOOLEAN";
            case "Date" -> "DATE";
            case "DateTimeOffset" -> "TIMESTAMP WITH TIME ZONE";
            case "Guid" -> "UUID";
            default -> throw new AssertionError(type);
        };
    }

    /** Lower-case column name → H2 type name with length or precision where it matters. */
    private static Map<String, String> columns(DatabaseMetaData metaData, String schema, String table)
            throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (ResultSet rows =
                metaData.getColumns(null, schema.toUpperCase(Locale.ROOT), table.toUpperCase(Locale.ROOT), null)) {
            while (rows.next()) {
                String type = rows.getString("TYPE_NAME");
                if (type.equals("CHARACTER VARYING")) {
                    type += "(" + rows.getInt("COLUMN_SIZE") + ")";
                } else if (type.equals("NUMERIC")) {
                    type += "(" + rows.getInt("COLUMN_SIZE") + "," + rows.getInt("DECIMAL_DIGITS") + ")";
                }
                columns.put(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), type);
            }
        }
        return columns;
    }

    private static Map<String, Object> yaml(String resource) throws IOException {
        try (InputStream in = DemoResourcesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Object document = new Yaml().load(in);
            assertThat(document).as(resource).isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) document;
            return map;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        assertThat(value).isInstanceOf(List.class);
        for (Object element : (List<?>) value) {
            assertThat(element).isInstanceOf(Map.class);
        }
        return (List<Map<String, Object>>) value;
    }

    private static List<String> strings(Object value) {
        assertThat(value).isInstanceOf(List.class);
        List<String> strings = new ArrayList<>();
        for (Object element : (List<?>) value) {
            assertThat(element).isInstanceOf(String.class);
            strings.add((String) element);
        }
        return strings;
    }
}
