package dev.vegateway.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The DDL runs on H2 as is and in H2's PostgreSQL mode. PostgreSQL itself is not run here
 * (embedded PostgreSQL is not a dependency of this module), so the DDL is also checked to use
 * only portable constructs.
 */
class SecuritySchemaTest {
    @Test
    void createsEveryTableOnceAndAgainWithoutHarm() throws SQLException {
        DataSource dataSource = SecurityFixtures.newDatabase();
        SecuritySchema schema = SecuritySchema.defaultSchema();
        schema.createIfMissing(dataSource);
        schema.createIfMissing(dataSource);
        assertThat(tables(dataSource, "vegateway_security")).containsExactlyInAnyOrderElementsOf(allTables());
        assertThat(versionRows(dataSource, "vegateway_security")).containsExactly(0L);
    }

    @Test
    void addsTheModificationColumnsToAPortalMappingTableFromBeforeTheyExisted() throws SQLException {
        DataSource dataSource = SecurityFixtures.newDatabase();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"vegateway_security\"");
            statement.execute(
                    "CREATE TABLE \"vegateway_security\".portal_mappings (contact_id UUID NOT NULL PRIMARY KEY,"
                            + " user_id UUID NOT NULL, company_code VARCHAR(255), sort_order INTEGER NOT NULL)");
        }
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(SecurityFixtures.validDocument());
        assertThat(store.storedPortalMappings()).hasSize(2).allSatisfy(stored -> {
            assertThat(stored.modifiedOn()).isEmpty();
            assertThat(stored.modifiedBy()).isEmpty();
        });
    }

    @Test
    void aFieldRuleStoredBeforeTheCreateFlagExistedProtectsCreateAsItProtectsUpdate() throws SQLException {
        DataSource dataSource = SecurityFixtures.newDatabase();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"vegateway_security\"");
            statement.execute("CREATE TABLE \"vegateway_security\".roles (name VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " sort_order INTEGER NOT NULL)");
            statement.execute("CREATE TABLE \"vegateway_security\".role_field_security (role_name VARCHAR(255) NOT NULL"
                    + " REFERENCES \"vegateway_security\".roles (name), entity_name VARCHAR(255) NOT NULL,"
                    + " field_name VARCHAR(255) NOT NULL, can_read BOOLEAN NOT NULL, can_update BOOLEAN NOT NULL,"
                    + " sort_order INTEGER NOT NULL, PRIMARY KEY (role_name, entity_name, field_name))");
        }
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(SecurityFixtures.validDocument());
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            // As an older gateway wrote the rule: no value for can_create
            statement.execute("UPDATE \"vegateway_security\".role_field_security SET can_create = NULL");
        }
        store.invalidateAll();
        SecurityDocument exported = store.exportAll();
        assertThat(exported.roles().stream().flatMap(role -> role.fieldSecurity().stream()))
                .isNotEmpty()
                .allSatisfy(rule -> assertThat(rule.create()).isEqualTo(rule.update()));
    }

    @Test
    void keepsTheCaseOfAConfiguredNameAndSeparatesSchemasInOneDatabase() throws SQLException {
        DataSource dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        new SecuritySchema("Tenant_B").createIfMissing(dataSource);
        assertThat(tables(dataSource, "Tenant_B")).containsExactlyInAnyOrderElementsOf(allTables());
        assertThat(indexes(dataSource, "Tenant_B")).contains("role_assignments_user_idx", "team_members_user_idx");
        assertThat(indexes(dataSource, "vegateway_security"))
                .contains("role_assignments_user_idx", "team_members_user_idx");

        SecurityStore tenantB = new SecurityStore(dataSource, "Tenant_B");
        tenantB.replaceAll(SecurityFixtures.validDocument());
        assertThat(new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME).exportAll())
                .isEqualTo(SecurityDocument.empty());
        assertThat(tenantB.exportAll()).isEqualTo(SecurityFixtures.validDocument());
    }

    @Test
    void runsInPostgreSqlCompatibilityMode() {
        DataSource dataSource =
                SecurityFixtures.newDatabase(";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(SecurityFixtures.validDocument());
        assertThat(store.exportAll()).isEqualTo(SecurityFixtures.validDocument());
        assertThat(store.permissionsOf(SecurityFixtures.ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
    }

    @Test
    void usesOnlyPortableSql() {
        for (String statement : SecuritySchema.defaultSchema().statements()) {
            String upper = statement.toUpperCase(Locale.ROOT);
            assertThat(upper)
                    .as(statement)
                    .doesNotContainPattern(
                            "AUTO_INCREMENT|IDENTITY|SERIAL|\\bTEXT\\b|CLOB|BLOB|TINYINT|DATETIME|JSON|ENGINE|ON CONFLICT|MERGE|CASCADE|DEFERRABLE|`");
            List<String> columnTypes = columnTypes(statement);
            assertThat(columnTypes.isEmpty()).as(statement).isEqualTo(!statement.startsWith("CREATE TABLE"));
            assertThat(columnTypes).as(statement).allMatch(type -> List.of(
                            "UUID", "VARCHAR", "BOOLEAN", "INTEGER", "BIGINT", "TIMESTAMP")
                    .contains(type));
            if (upper.contains("TIMESTAMP")) {
                assertThat(upper).as(statement).doesNotContainPattern("TIMESTAMP(?! WITH TIME ZONE)");
            }
        }
    }

    @Test
    void rejectsNamesThatAreNotPlainIdentifiers() {
        for (String name : List.of("", "1schema", "bad-name", "a.b", "x\"; DROP SCHEMA public; --", "a".repeat(64))) {
            assertThatThrownBy(() -> new SecuritySchema(name))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("security schema name must be a letter or underscore");
        }
        assertThat(new SecuritySchema("_" + "a".repeat(62)).name()).hasSize(63);
    }

    private static List<String> allTables() {
        List<String> all = new ArrayList<>(SecuritySchema.TABLES);
        all.addAll(SecuritySchema.KEPT_TABLES);
        return all;
    }

    private static List<Long> versionRows(DataSource dataSource, String schema) throws SQLException {
        List<Long> versions = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM \"" + schema + "\".security_version")) {
            while (rows.next()) {
                versions.add(rows.getLong(1));
            }
        }
        return versions;
    }

    /** The type of every column a CREATE TABLE statement defines (constraints skipped). */
    private static List<String> columnTypes(String statement) {
        List<String> types = new ArrayList<>();
        if (!statement.startsWith("CREATE TABLE")) {
            return types;
        }
        String body = statement.substring(statement.indexOf('(') + 1, statement.lastIndexOf(')'));
        int depth = 0;
        int start = 0;
        for (int index = 0; index <= body.length(); index++) {
            char character = index < body.length() ? body.charAt(index) : ',';
            if (character == '(') {
                depth++;
            } else if (character == ')') {
                depth--;
            } else if (character == ',' && depth == 0) {
                String[] words = body.substring(start, index).trim().split("[ (]");
                if (!List.of("PRIMARY", "CHECK", "UNIQUE", "FOREIGN", "CONSTRAINT")
                        .contains(words[0])) {
                    types.add(words[1]);
                }
                start = index + 1;
            }
        }
        return types;
    }

    private static List<String> tables(DataSource dataSource, String schema) throws SQLException {
        return names(dataSource, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?", schema);
    }

    private static List<String> indexes(DataSource dataSource, String schema) throws SQLException {
        return names(dataSource, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = ?", schema);
    }

    private static List<String> names(DataSource dataSource, String sql, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, schema);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }
}
