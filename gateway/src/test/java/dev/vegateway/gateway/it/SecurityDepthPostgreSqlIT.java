package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityDepthIT} against embedded PostgreSQL. */
class SecurityDepthPostgreSqlIT extends SecurityDepthIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
