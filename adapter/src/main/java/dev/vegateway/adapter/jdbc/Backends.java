package dev.vegateway.adapter.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.config.GatewayConfig;

/** Creates the connection pool for the configured backend. */
public final class Backends {
    private Backends() {}

    public static HikariDataSource dataSource(GatewayConfig.Backend backend) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("vegateway-backend");
        config.setJdbcUrl(backend.url());
        config.setUsername(backend.username());
        config.setPassword(backend.password().reveal());
        config.setMaximumPoolSize(backend.poolSize());
        config.setMinimumIdle(Math.min(2, backend.poolSize()));
        config.setAutoCommit(false);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        config.setDriverClassName(
                switch (backend.kind()) {
                    case H2 -> "org.h2.Driver";
                    case POSTGRESQL -> "org.postgresql.Driver";
                });
        if (backend.kind() == GatewayConfig.BackendKind.POSTGRESQL) {
            config.setConnectionInitSql("SET TIME ZONE 'UTC'");
        }
        return new HikariDataSource(config);
    }
}
