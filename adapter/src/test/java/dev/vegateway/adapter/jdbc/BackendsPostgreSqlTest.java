package dev.vegateway.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The PostgreSQL pool against a real server: every new connection is in UTC and outside any transaction. */
class BackendsPostgreSqlTest {
    @Test
    void aNewConnectionIsInUtcAndItsFirstBorrowerMaySetTheIsolationLevel() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                        .setServerConfig("timezone", "Europe/Berlin")
                        .start();
                HikariDataSource pool = Backends.dataSource(
                        new GatewayConfig.Backend(
                                GatewayConfig.BackendKind.POSTGRESQL,
                                postgres.getJdbcUrl("postgres", "postgres"),
                                "postgres",
                                Secret.of("postgres"),
                                2,
                                "vegateway_security",
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(5),
                                Duration.ofMillis(250)),
                        "backends-test")) {
            try (Connection connection = pool.getConnection()) {
                // Failed with "Cannot change transaction isolation level in the middle of a transaction" while the
                // init statement's transaction was left open.
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery("SHOW TIME ZONE")) {
                    result.next();
                    assertThat(result.getString(1)).isEqualTo("UTC");
                }
                connection.rollback();
            }
        }
    }
}
