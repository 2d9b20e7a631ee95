package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class AuditLogTest {
    @Test
    void widensAnOperationColumnCreatedBeforeActionsWereAudited() throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:audit" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"audit\"");
            statement.execute(
                    "CREATE TABLE \"audit\".\"data_audit\" (id UUID PRIMARY KEY, changed_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                            + " user_id UUID NOT NULL, application_id VARCHAR(100) NOT NULL, operation VARCHAR(20) NOT NULL, entity VARCHAR(128) NOT NULL,"
                            + " record_key UUID NOT NULL, changes VARCHAR(1000000) NOT NULL)");
        }
        new AuditLog("audit").createIfMissing(dataSource, "audit");
        new AuditLog("audit").createIfMissing(dataSource, "audit");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT operation FROM \"audit\".\"data_audit\" WHERE 1 = 0")) {
            assertThat(result.getMetaData().getPrecision(1)).isEqualTo(100);
        }
    }
}
