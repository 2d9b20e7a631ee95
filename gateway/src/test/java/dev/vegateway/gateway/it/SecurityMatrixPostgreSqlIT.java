package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityMatrixIT} against embedded PostgreSQL. */
class SecurityMatrixPostgreSqlIT extends SecurityMatrixIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
