package dev.vegateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaDiscoveryTest {
    private Connection connection;

    @BeforeEach
    void openDatabase() throws SQLException {
        connection = DriverManager.getConnection(
                "jdbc:h2:mem:discovery_" + UUID.randomUUID().toString().replace("-", "") + ";DATABASE_TO_LOWER=TRUE");
        execute(
                "CREATE SCHEMA shop",
                """
                CREATE TABLE shop.customer (
                    id UUID PRIMARY KEY,
                    data_area_id VARCHAR(4) NOT NULL,
                    account_num VARCHAR(20) NOT NULL,
                    name VARCHAR(100),
                    credit_limit NUMERIC(18,2),
                    rating DOUBLE PRECISION,
                    employees INTEGER NOT NULL DEFAULT 0,
                    sales BIGINT,
                    active BOOLEAN,
                    since DATE,
                    created_on TIMESTAMP WITH TIME ZONE,
                    photo VARBINARY(100),
                    owner_id UUID,
                    business_unit_id UUID,
                    version_number BIGINT NOT NULL,
                    CONSTRAINT uq_customer_account UNIQUE (data_area_id, account_num)
                )""",
                "COMMENT ON TABLE shop.customer IS 'Customers \"V3\"'",
                "COMMENT ON COLUMN shop.customer.account_num IS 'Customer account'",
                "CREATE TABLE shop.item (code VARCHAR(10) PRIMARY KEY, description VARCHAR(60))",
                """
                CREATE TABLE shop.sales_order (
                    id UUID PRIMARY KEY,
                    customer_id UUID NOT NULL REFERENCES shop.customer (id),
                    customer VARCHAR(20),
                    item_code VARCHAR(10),
                    CONSTRAINT fk_order_item FOREIGN KEY (item_code) REFERENCES shop.item (code)
                )""",
                "CREATE TABLE shop.order_line (order_id UUID, line_number INTEGER, PRIMARY KEY (order_id, line_number))",
                "CREATE VIEW shop.big_customer AS SELECT id, name FROM shop.customer WHERE credit_limit > 1000",
                "CREATE TABLE public.other (id UUID PRIMARY KEY)");
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        connection.close();
    }

    private Result discover(Optional<String> schema, List<String> tables) throws SQLException {
        SchemaDiscovery.Result result = SchemaDiscovery.discover(
                connection,
                new SchemaDiscovery.Options(
                        schema, tables, SchemaDiscovery.DEFAULT_PREFIX, "vegateway catalog discover"));
        return new Result(result, CatalogLoader.load("discovered.yaml", result.yaml()));
    }

    private record Result(SchemaDiscovery.Result discovery, Catalog catalog) {}

    @Test
    void writesACatalogTheLoaderReadsAndTheSchemaCheckAccepts() throws SQLException {
        Result result = discover(Optional.of("shop"), List.of());

        assertThat(result.discovery().entities())
                .containsExactly(
                        "shop.big_customer", "shop.customer", "shop.item", "shop.order_line", "shop.sales_order");
        assertThat(result.discovery().leftOut()).isEmpty();
        assertThat(result.catalog()
                        .byLogicalName("mserp_orderlineentity")
                        .orElseThrow()
                        .derivedKey()
                        .orElseThrow()
                        .fieldNames())
                .containsExactly("mserp_orderid", "mserp_linenumber");
        assertThat(SchemaCheck.check(result.catalog(), connection)).isEmpty();

        EntityDefinition customer =
                result.catalog().byLogicalName("mserp_customerentity").orElseThrow();
        assertThat(customer.entitySetName()).isEqualTo("mserp_customerentities");
        assertThat(customer.table()).hasToString("shop.customer");
        assertThat(customer.keyField()).isEqualTo("mserp_customerentityid");
        assertThat(customer.labels()).containsEntry("en-US", "Customers \"V3\"");
        assertThat(customer.companyField()).contains("mserp_dataareaid");
        assertThat(customer.ownerField()).contains("mserp_ownerid");
        assertThat(customer.businessUnitField()).contains("mserp_businessunitid");
        assertThat(customer.rowVersionField()).contains("mserp_versionnumber");
        assertThat(customer.fields())
                .extracting(field ->
                        field.logicalName() + " " + field.column() + " " + field.type() + " " + field.required())
                .containsExactly(
                        "mserp_customerentityid id Guid true",
                        "mserp_dataareaid data_area_id String(4) true",
                        "mserp_accountnum account_num String(20) true",
                        "mserp_name name String(100) false",
                        "mserp_creditlimit credit_limit Decimal(18,2) false",
                        "mserp_rating rating Double false",
                        "mserp_employees employees Int32 false",
                        "mserp_sales sales Int64 false",
                        "mserp_active active Boolean false",
                        "mserp_since since Date false",
                        "mserp_createdon created_on DateTimeOffset false",
                        "mserp_ownerid owner_id Guid false",
                        "mserp_businessunitid business_unit_id Guid false",
                        "mserp_versionnumber version_number Int64 false");
        assertThat(customer.field("mserp_accountnum").orElseThrow().labels())
                .containsEntry("en-US", "Customer account");
        assertThat(customer.field("mserp_versionnumber").orElseThrow().readOnly())
                .isTrue();

        EntityDefinition order =
                result.catalog().byLogicalName("mserp_salesorderentity").orElseThrow();
        assertThat(order.entitySetName()).isEqualTo("mserp_salesorderentities");
        // The field mserp_customer (column customer) takes the name first, so the relation gets a number.
        assertThat(order.relations())
                .extracting(relation -> relation.name() + " " + relation.field() + " " + relation.targetEntity())
                .containsExactly("mserp_Customer2 mserp_customerid mserp_customerentity");

        EntityDefinition view =
                result.catalog().byLogicalName("mserp_bigcustomerentity").orElseThrow();
        assertThat(view.keyField()).isEqualTo("mserp_bigcustomerentityid");

        assertThat(result.discovery().yaml())
                .startsWith("# Catalog discovered by: vegateway catalog discover\n")
                .contains("companyField: mserp_dataareaid  # guessed from the column name")
                .contains("# column photo (BINARY VARYING")
                .doesNotContain("mserp_photo")
                .containsPattern("# unique key uq_customer_account\\S* \\(data_area_id, account_num\\): not declared")
                // a primary key that is not one UUID column becomes a natural key, from which the GUID is derived
                .contains("    key: [mserp_code]  # the primary key (code): the gateway derives the Guid"
                        + " mserp_itementityid from it\n")
                .contains("    key: [mserp_orderid, mserp_linenumber]  # the primary key (order_id, line_number)")
                .contains("  - logicalName: mserp_itementity\n    entitySetName: mserp_itementities\n")
                .contains("is no relation: its table has a natural key")
                .contains("the key: guessed from the column name (the view declares no primary key)");
    }

    @Test
    void theOutputDependsOnlyOnTheSchema() throws SQLException {
        String first = discover(Optional.of("shop"), List.of()).discovery().yaml();
        String second = discover(Optional.of("SHOP"), List.of()).discovery().yaml();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void tablePatternsAreGlobsMatchedIgnoringCase() throws SQLException {
        Result result = discover(Optional.of("shop"), List.of("CUST*", "sales_?rder"));
        assertThat(result.discovery().entities()).containsExactly("shop.customer", "shop.sales_order");
        assertThat(result.discovery().yaml())
                .contains("# Schema shop: 2 table(s) and view(s) matching CUST*, sales_?rder.");
    }

    @Test
    void theCurrentSchemaIsTheDefault() throws SQLException {
        Result result = discover(Optional.empty(), List.of());
        assertThat(result.discovery().schema()).isEqualTo("public");
        assertThat(result.discovery().entities()).containsExactly("public.other");
    }

    @Test
    void anUnknownSchemaIsNamed() {
        assertThatThrownBy(() -> discover(Optional.of("nowhere"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema 'nowhere' not found")
                .hasMessageContaining("shop");
    }

    @Test
    void upperCaseNamesAreWrittenAsTheDatabaseHasThem() throws SQLException {
        try (Connection upper = DriverManager.getConnection(
                        "jdbc:h2:mem:discovery_" + UUID.randomUUID().toString().replace("-", ""));
                Statement statement = upper.createStatement()) {
            statement.execute("CREATE TABLE vendor_account (id UUID PRIMARY KEY, name VARCHAR(10) NOT NULL)");
            SchemaDiscovery.Result result = SchemaDiscovery.discover(
                    upper, new SchemaDiscovery.Options(Optional.empty(), List.of(), "x_", "discover"));
            Catalog catalog = CatalogLoader.load("discovered.yaml", result.yaml());
            EntityDefinition entity =
                    catalog.byLogicalName("x_vendoraccountentity").orElseThrow();
            assertThat(entity.table()).hasToString("PUBLIC.VENDOR_ACCOUNT");
            assertThat(entity.fields()).extracting(FieldDefinition::column).containsExactly("ID", "NAME");
            assertThat(SchemaCheck.check(catalog, upper)).isEmpty();
        }
    }

    @Test
    void namesFollowTheDocumentedRules() {
        assertThat(SchemaDiscovery.compact("Sales_Order_Header")).isEqualTo("salesorderheader");
        assertThat(SchemaDiscovery.pascal("sales_order_id")).isEqualTo("SalesOrder");
        assertThat(SchemaDiscovery.pascal("customerid")).isEqualTo("Customer");
        assertThat(SchemaDiscovery.pascal("id")).isEmpty();
        assertThat(SchemaDiscovery.name("on")).isEqualTo("\"on\"");
        assertThat(SchemaDiscovery.quoted("a \"b\" \\ c\n")).isEqualTo("\"a \\\"b\\\" \\\\ c\\n\"");
    }

    private void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
