package dev.vegateway.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoDataTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final List<String> TABLES = List.of(
            "erp.legal_entity",
            "erp.customer_group",
            "erp.customer",
            "erp.vendor",
            "erp.released_product",
            "erp.sales_order_header",
            "erp.sales_order_line");

    private static Connection connection;
    private static DemoData.Counts counts;

    @BeforeAll
    static void createTestScale() throws SQLException {
        connection = newDatabase();
        counts = DemoData.create(connection, DemoData.Scale.TEST);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @Test
    void insertsTheDocumentedCounts() throws SQLException {
        DemoData.Counts expected = new DemoData.Counts(3, 30, 100, 15, 25, 500, 2500);
        assertThat(counts).isEqualTo(expected);
        assertThat(DemoData.Scale.TEST.counts()).isEqualTo(expected);
        assertThat(DemoData.Scale.DEMO.counts()).isEqualTo(new DemoData.Counts(3, 30, 2000, 300, 500, 10_000, 50_000));
        List<Integer> actual = new ArrayList<>();
        for (String table : TABLES) {
            actual.add(count("SELECT COUNT(*) FROM " + table));
        }
        assertThat(actual).containsExactly(3, 30, 100, 15, 25, 500, 2500);
        assertThat(counts.total()).isEqualTo(3173);
    }

    @Test
    void isDeterministic() throws SQLException {
        try (Connection other = newDatabase()) {
            assertThat(DemoData.create(other, DemoData.Scale.TEST)).isEqualTo(counts);
            for (String table : TABLES) {
                assertThat(dump(other, table)).as(table).isEqualTo(dump(connection, table));
            }
        }
    }

    @Test
    void idsAreNameBasedAndComputable() throws SQLException {
        UUID expected =
                UUID.nameUUIDFromBytes("customer:usmf:US-0001".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(DemoData.customerId("usmf", DemoData.customerAccount("usmf", 1)))
                .isEqualTo(expected);
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT name, data_area_id FROM erp.customer WHERE id = ?")) {
            statement.setObject(1, expected);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("O'Brien & Söhne");
                assertThat(rows.getString(2)).isEqualTo("usmf");
            }
        }
        String order = DemoData.salesOrderNumber("demf", 7);
        assertThat(order).isEqualTo("SO-DE-000007");
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COUNT(*) FROM erp.sales_order_line WHERE sales_order_id = ? AND id = ?")) {
            statement.setObject(1, DemoData.salesOrderId("demf", order));
            statement.setObject(2, DemoData.salesOrderLineId("demf", order, 5));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
        assertThat(exists("erp.legal_entity", DemoData.legalEntityId("gbsi"))).isTrue();
        assertThat(exists("erp.customer_group", DemoData.customerGroupId("usmf", "10")))
                .isTrue();
        assertThat(exists("erp.vendor", DemoData.vendorId("gbsi", DemoData.vendorAccount("gbsi", 3))))
                .isTrue();
        assertThat(exists("erp.released_product", DemoData.releasedProductId("demf", DemoData.itemNumber(8))))
                .isTrue();
    }

    @Test
    void everyCompanyIsPresent() throws SQLException {
        for (String table : TABLES) {
            assertThat(strings("SELECT DISTINCT data_area_id FROM " + table + " ORDER BY data_area_id"))
                    .as(table)
                    .containsExactly("demf", "gbsi", "usmf");
        }
        assertThat(strings("SELECT name FROM erp.legal_entity ORDER BY data_area_id"))
                .containsExactly(
                        "Contoso Entertainment System Germany",
                        "Contoso Entertainment System UK",
                        "Contoso Entertainment System USA");
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE data_area_id = 'usmf'"))
                .isEqualTo(50);
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE data_area_id = 'demf'"))
                .isEqualTo(30);
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE data_area_id = 'gbsi'"))
                .isEqualTo(20);
    }

    @Test
    void nullableColumnsContainNulls() throws SQLException {
        for (String column : List.of("email", "phone", "city", "established_date", "employees", "primary_contact_id")) {
            assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE " + column + " IS NULL"))
                    .as(column)
                    .isPositive();
            assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE " + column + " IS NOT NULL"))
                    .as(column)
                    .isPositive();
        }
        // The documented rule: email is null exactly when n % 7 == 3 (usmf has 50 customers: n = 3, 10, ..., 45).
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE data_area_id = 'usmf' AND email IS NULL"))
                .isEqualTo(7);
        assertThat(strings("SELECT account_num FROM erp.customer WHERE primary_contact_id = '"
                        + DemoIdentities.PAULA_CONTACT.id() + "' ORDER BY account_num"))
                .containsExactly("US-0002", "US-0004");
    }

    @Test
    void trickyNamesArePresentInEveryCompany() throws SQLException {
        for (String name : DemoData.TRICKY_CUSTOMER_NAMES) {
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT data_area_id FROM erp.customer WHERE name = ? ORDER BY 1")) {
                statement.setString(1, name);
                assertThat(strings(statement)).as(name).containsExactly("demf", "gbsi", "usmf");
            }
        }
        // Only the tricky names contain LIKE wildcards, quotes or backslashes.
        assertThat(likeCount("%\\%%")).isEqualTo(3);
        assertThat(likeCount("%\\_%")).isEqualTo(6);
        assertThat(likeCount("%'%")).isEqualTo(6);
        assertThat(likeCount("%\\\\%")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE name <> UPPER(name) AND name <> LOWER(name)"))
                .isPositive();
        assertThat(count("SELECT COUNT(*) FROM erp.customer WHERE name = LOWER(name)"))
                .isPositive();
    }

    @Test
    void referencesResolve() throws SQLException {
        assertThat(count(
                        "SELECT COUNT(*) FROM erp.sales_order_line l LEFT JOIN erp.sales_order_header h ON h.id = l.sales_order_id"
                                + " WHERE h.id IS NULL OR h.data_area_id <> l.data_area_id"))
                .isZero();
        assertThat(
                        count(
                                "SELECT COUNT(*) FROM erp.sales_order_header h LEFT JOIN erp.customer c ON c.id = h.customer_id"
                                        + " WHERE c.id IS NULL OR c.account_num <> h.customer_account OR c.data_area_id <> h.data_area_id"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM erp.customer c LEFT JOIN erp.customer_group g"
                        + " ON g.data_area_id = c.data_area_id AND g.group_id = c.customer_group WHERE g.id IS NULL"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM erp.sales_order_line l LEFT JOIN erp.released_product p"
                        + " ON p.data_area_id = l.data_area_id AND p.item_number = l.item_number WHERE p.id IS NULL"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM erp.sales_order_header h WHERE h.total_amount <>"
                        + " (SELECT SUM(l.line_amount) FROM erp.sales_order_line l WHERE l.sales_order_id = h.id)"))
                .isZero();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT MIN(c), MAX(c) FROM (SELECT COUNT(*) c FROM erp.sales_order_line GROUP BY sales_order_id) x")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(3);
            assertThat(rows.getInt(2)).isEqualTo(7);
        }
    }

    @Test
    void everyOwnerOwnsRowsOfEveryOwnedTableInTheirBusinessUnit() throws SQLException {
        for (String table : List.of("erp.customer", "erp.vendor", "erp.sales_order_header")) {
            for (DemoIdentities.User owner : DemoIdentities.ROW_OWNERS) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT COUNT(*), COUNT(CASE WHEN business_unit_id <> ? THEN 1 END) FROM " + table
                                + " WHERE owner_id = ?")) {
                    statement.setObject(1, owner.businessUnit().id());
                    statement.setObject(2, owner.id());
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        assertThat(rows.getInt(1))
                                .as(table + " owned by " + owner.name())
                                .isPositive();
                        assertThat(rows.getInt(2))
                                .as(table + " owned by " + owner.name() + " in another unit")
                                .isZero();
                    }
                }
            }
            assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE owner_id IS NULL OR business_unit_id IS NULL"))
                    .isZero();
        }
    }

    @Test
    void existsAndRefusesToCreateTwice() throws SQLException {
        assertThat(DemoData.exists(connection)).isTrue();
        try (Connection empty = newDatabase()) {
            assertThat(DemoData.exists(empty)).isFalse();
        }
        assertThatThrownBy(() -> DemoData.create(connection, DemoData.Scale.TEST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void keepsTheAutoCommitSetting() throws SQLException {
        try (Connection other = newDatabase()) {
            other.setAutoCommit(true);
            DemoData.create(other, DemoData.Scale.TEST);
            assertThat(other.getAutoCommit()).isTrue();
        }
    }

    static Connection newDatabase() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:demo" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    }

    static List<List<Object>> dump(Connection connection, String table) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            ResultSetMetaData metaData = resultSet.getMetaData();
            while (resultSet.next()) {
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= metaData.getColumnCount(); column++) {
                    Object value = resultSet.getObject(column);
                    row.add(value instanceof BigDecimal decimal ? decimal.toPlainString() : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private boolean exists(String table, UUID id) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1) == 1;
            }
        }
    }

    private int likeCount(String pattern) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT COUNT(*) FROM erp.customer WHERE name LIKE ? ESCAPE '\\'")) {
            statement.setString(1, pattern);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static int count(String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            return strings(statement);
        }
    }

    private static List<String> strings(PreparedStatement statement) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
