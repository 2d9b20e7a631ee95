package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityPortalIT} against embedded PostgreSQL. */
class SecurityPortalPostgreSqlIT extends SecurityPortalIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
