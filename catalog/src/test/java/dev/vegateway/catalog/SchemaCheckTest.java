package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {
    /** The tables behind {@link CatalogLoaderTest#VALID}, created unquoted (so H2 stores them in upper case). */
    private static final String CUSTOMER_COLUMNS =
            """
            id UUID PRIMARY KEY,
            account_num VARCHAR(20) NOT NULL,
            data_area_id CHAR(4),
            owner_id UUID,
            business_unit_id UUID,
            row_version BIGINT,
            credit_limit NUMERIC(18,2),
            credit_status SMALLINT,
            name CLOB,
            rating DOUBLE PRECISION,
            blocked BOOLEAN,
            since DATE,
            modified_on TIMESTAMP WITH TIME ZONE,
            visits INTEGER
            """;

    private Connection connection;

    @BeforeEach
    void openDatabase() throws SQLException {
        connection = DriverManager.getConnection(
                "jdbc:h2:mem:schemacheck_" + UUID.randomUUID().toString().replace("-", ""));
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        connection.close();
    }

    @Test
    void matchingSchemaPasses() throws SQLException {
        execute(
                "CREATE SCHEMA erp",
                "CREATE TABLE erp.customer (" + CUSTOMER_COLUMNS + ")",
                "CREATE TABLE vendor_data (id UUID)",
                "CREATE VIEW vendor AS SELECT id FROM vendor_data");

        assertThat(SchemaCheck.check(CatalogLoader.load("catalog.yaml", CatalogLoaderTest.VALID), connection))
                .isEmpty();
    }

    @Test
    void quotedMixedCaseNamesAreFoundAsWritten() throws SQLException {
        execute("CREATE TABLE \"Account_Data\" (\"AccountId\" UUID, \"Name\" VARCHAR(100))");
        Catalog catalog = CatalogLoader.load(
                "catalog.yaml",
                """
                entities:
                  - logicalName: account
                    entitySetName: accounts
                    table: Account_Data
                    fields:
                      - { name: accountid, column: AccountId, type: Guid }
                      - { name: name, column: Name, type: String(100) }
                """);

        assertThat(SchemaCheck.check(catalog, connection)).isEmpty();
    }

    @Test
    void actionSqlIsPreparedNotRunAndFailuresAreReportedAtTheAction() throws SQLException {
        execute("CREATE TABLE account (id UUID, on_hold INTEGER)", "INSERT INTO account VALUES (RANDOM_UUID(), 0)");
        Catalog catalog = CatalogLoader.load(
                "catalog.yaml",
                """
                entities:
                  - logicalName: account
                    entitySetName: accounts
                    table: account
                    fields:
                      - { name: accountid, column: id, type: Guid }
                actions:
                  - name: Hold
                    boundTo: account
                    sql: "UPDATE account SET on_hold = 2 WHERE id = :key"
                  - name: Missing
                    sql: "UPDATE no_such_table SET x = 1"
                  - name: Broken
                    boundTo: account
                    sql: "UPDATE account SET WHERE id = :key"
                  - name: Handled
                    handler: com.example.Handled
                """);

        assertThat(SchemaCheck.check(catalog, connection))
                .extracting(Problem::toString)
                .hasSize(2)
                .satisfiesExactly(
                        missing -> assertThat(missing)
                                .startsWith(
                                        "catalog.yaml:11: actions[1].sql: the action's SQL does not prepare against the backend: ")
                                .containsIgnoringCase("no_such_table"),
                        broken -> assertThat(broken)
                                .startsWith(
                                        "catalog.yaml:13: actions[2].sql: the action's SQL does not prepare against the backend: "));
        assertThat(connection.createStatement().executeQuery("SELECT on_hold FROM account"))
                .satisfies(rows -> {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).as("prepared, never run").isZero();
                });
    }

    @Test
    void missingTableIsReportedAtTheEntity() throws SQLException {
        // AXB matches the metadata pattern a_b ('_' is a wildcard there); a_b must still count as missing.
        execute("CREATE TABLE axb (id UUID)", "CREATE SCHEMA erp");
        Catalog catalog = CatalogLoader.load(
                "catalog.yaml",
                """
                entities:
                  - logicalName: account
                    entitySetName: accounts
                    table: a_b
                    fields:
                      - { name: accountid, column: id, type: Guid }
                  - logicalName: contact
                    entitySetName: contacts
                    table: erp.contact
                    fields:
                      - { name: contactid, column: id, type: Guid }
                """);

        assertThat(SchemaCheck.check(catalog, connection))
                .extracting(Problem::toString)
                .containsExactly(
                        "catalog.yaml:2: entities[0]: table or view a_b not found (looked up as written, in upper and in lower case)",
                        "catalog.yaml:7: entities[1]: table or view erp.contact not found (looked up as written, in upper and in lower case)");
    }

    @Test
    void missingColumnIncompatibleTypeAndShortVarcharAreReportedAtTheField() throws SQLException {
        String columns = CUSTOMER_COLUMNS
                .replace("credit_limit NUMERIC(18,2),\n", "")
                .replace("rating DOUBLE PRECISION", "rating VARCHAR(30)")
                .replace("owner_id UUID", "owner_id VARCHAR(36)")
                .replace("account_num VARCHAR(20)", "account_num VARCHAR(10)");
        execute("CREATE SCHEMA erp", "CREATE TABLE erp.customer (" + columns + ")", "CREATE TABLE vendor (id UUID)");

        List<Problem> problems =
                SchemaCheck.check(CatalogLoader.load("catalog.yaml", CatalogLoaderTest.VALID), connection);

        assertThat(problems)
                .extracting(Problem::toString)
                .containsExactly(
                        "catalog.yaml:17: entities[0].fields[1]: column erp.customer.account_num holds at most 10 characters, "
                                + "but the field is declared String(20)",
                        "catalog.yaml:23: entities[0].fields[3]: column erp.customer.owner_id has type CHARACTER VARYING, "
                                + "which does not fit Guid (expected UUID)",
                        "catalog.yaml:26: entities[0].fields[6]: column erp.customer.credit_limit not found",
                        "catalog.yaml:29: entities[0].fields[9]: column erp.customer.rating has type CHARACTER VARYING, "
                                + "which does not fit Double (expected DOUBLE, FLOAT or REAL)");
    }

    @Test
    void everyTypeRuleRefusesAnUnrelatedColumnType() throws SQLException {
        execute(
                "CREATE TABLE everything (id UUID, s INTEGER, i32 BIGINT, i64 VARCHAR(5), d DOUBLE PRECISION, f NUMERIC(5,1), "
                        + "b INTEGER, dt TIMESTAMP, dto DATE, e BIGINT)");
        Catalog catalog = CatalogLoader.load(
                "catalog.yaml",
                """
                optionSets:
                  - { name: status, members: [ { name: Open, value: 0 } ] }
                entities:
                  - logicalName: everything
                    entitySetName: everythings
                    table: everything
                    fields:
                      - { name: everythingid, column: id, type: Guid }
                      - { name: s, column: s, type: String }
                      - { name: i32, column: i32, type: Int32 }
                      - { name: i64, column: i64, type: Int64 }
                      - { name: d, column: d, type: "Decimal(10,2)" }
                      - { name: f, column: f, type: Double }
                      - { name: b, column: b, type: Boolean }
                      - { name: dt, column: dt, type: Date }
                      - { name: dto, column: dto, type: DateTimeOffset }
                      - { name: e, column: e, type: Enum(status) }
                """);

        assertThat(SchemaCheck.check(catalog, connection))
                .extracting(Problem::line, Problem::key)
                .containsExactly(
                        tuple(9, "entities[0].fields[1]"),
                        tuple(10, "entities[0].fields[2]"),
                        tuple(11, "entities[0].fields[3]"),
                        tuple(12, "entities[0].fields[4]"),
                        tuple(13, "entities[0].fields[5]"),
                        tuple(14, "entities[0].fields[6]"),
                        tuple(15, "entities[0].fields[7]"),
                        tuple(16, "entities[0].fields[8]"),
                        tuple(17, "entities[0].fields[9]"));
    }

    @Test
    void catalogBuiltInCodeIsReportedByName() throws SQLException {
        EntityDefinition entity = EntityDefinition.builder(
                        "account", "accounts", TableName.parse("account"), "accountid")
                .fields(List.of(new FieldDefinition(
                        "accountid", "id", FieldType.of(FieldType.Kind.GUID), true, true, Map.of())))
                .build();
        execute("CREATE TABLE account (other UUID)");

        assertThat(SchemaCheck.check(new Catalog(List.of(entity), List.of()), connection))
                .extracting(Problem::toString)
                .containsExactly("catalog: account.accountid: column account.id not found");
    }

    private void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
