package dev.vegateway.gateway.it;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Every customer row, read with plain JDBC: the independent reference the contract tests compare the gateway with. */
record CustomerRows(List<Row> rows) {
    record Row(
            UUID id,
            String dataArea,
            String account,
            String name,
            BigDecimal creditLimit,
            Integer creditStatus,
            Integer onHold,
            String email,
            String city,
            LocalDate established,
            OffsetDateTime createdOn,
            Double discount,
            Integer employees,
            Long salesYtd,
            Boolean keyAccount,
            UUID primaryContact,
            long version) {}

    static CustomerRows load(TestBackend backend) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = backend.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT id, data_area_id, account_num, name, credit_limit, credit_status, on_hold, email, city,"
                                + " established_date, created_on, discount_percent, employees, sales_ytd, is_key_account, primary_contact_id, version_number FROM erp.customer")) {
            while (result.next()) {
                OffsetDateTime created = result.getObject(11, OffsetDateTime.class);
                rows.add(new Row(
                        result.getObject(1, UUID.class),
                        result.getString(2),
                        result.getString(3),
                        result.getString(4),
                        result.getBigDecimal(5),
                        (Integer) result.getObject(6),
                        (Integer) result.getObject(7),
                        result.getString(8),
                        result.getString(9),
                        result.getObject(10, LocalDate.class),
                        created == null ? null : created.withOffsetSameInstant(ZoneOffset.UTC),
                        result.getObject(12) == null ? null : result.getDouble(12),
                        (Integer) result.getObject(13),
                        result.getObject(14) == null ? null : result.getLong(14),
                        (Boolean) result.getObject(15),
                        result.getObject(16, UUID.class),
                        result.getLong(17)));
            }
        }
        return new CustomerRows(List.copyOf(rows));
    }
}
