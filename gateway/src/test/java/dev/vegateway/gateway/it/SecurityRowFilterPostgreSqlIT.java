package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityRowFilterIT} against embedded PostgreSQL. */
class SecurityRowFilterPostgreSqlIT extends SecurityRowFilterIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
