package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SeparateSecurityDatabaseIT} with both databases on embedded PostgreSQL (two databases of one server). */
class SeparateSecurityDatabasePostgreSqlIT extends SeparateSecurityDatabaseIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
