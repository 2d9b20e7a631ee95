package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityFieldIT} against embedded PostgreSQL. */
class SecurityFieldPostgreSqlIT extends SecurityFieldIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
