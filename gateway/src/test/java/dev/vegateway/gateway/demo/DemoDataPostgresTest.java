package dev.vegateway.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema and the data are portable: the same TEST-scale rows on PostgreSQL 17 as on H2. */
class DemoDataPostgresTest {
    @Test
    void createsTheSameRowsOnPostgreSql() throws Exception {
        assumeTrue(
                embeddedPostgresCanExtract(),
                "embedded PostgreSQL needs commons-io >= 2.16 (commons-compress 1.26 calls IOUtils.skip(InputStream, long, Supplier));"
                        + " the test class path has an older one");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
                Connection connection = postgres.getPostgresDatabase().getConnection();
                Connection h2 = DemoDataTest.newDatabase()) {
            assertThat(DemoData.exists(connection)).isFalse();
            DemoData.Counts counts = DemoData.create(connection, DemoData.Scale.TEST);
            assertThat(counts).isEqualTo(DemoData.Scale.TEST.counts());
            assertThat(DemoData.exists(connection)).isTrue();
            DemoData.create(h2, DemoData.Scale.TEST);
            for (String query : List.of(
                    "SELECT CAST(id AS VARCHAR(36)), name, CAST(credit_limit AS VARCHAR(30)), email, CAST(established_date AS VARCHAR(10)),"
                            + " CAST(CAST(discount_percent * 2 AS INTEGER) AS VARCHAR(10)), CAST(sales_ytd AS VARCHAR(30)),"
                            + " CASE WHEN is_key_account THEN 'y' ELSE 'n' END, CAST(primary_contact_id AS VARCHAR(36))"
                            + " FROM erp.customer ORDER BY account_num, data_area_id",
                    "SELECT CAST(id AS VARCHAR(36)), CAST(total_amount AS VARCHAR(30)), CAST(order_date AS VARCHAR(10))"
                            + " FROM erp.sales_order_header ORDER BY sales_order_number",
                    "SELECT CAST(COUNT(*) AS VARCHAR(10)), CAST(SUM(line_amount) AS VARCHAR(30)), CAST(SUM(quantity) AS VARCHAR(30))"
                            + " FROM erp.sales_order_line")) {
                assertThat(rows(connection, query)).as(query).isEqualTo(rows(h2, query));
            }
        }
    }

    private static boolean embeddedPostgresCanExtract() {
        try {
            Class.forName("org.apache.commons.io.IOUtils")
                    .getMethod("skip", java.io.InputStream.class, long.class, java.util.function.Supplier.class);
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            int columns = resultSet.getMetaData().getColumnCount();
            while (resultSet.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(resultSet.getString(column));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
