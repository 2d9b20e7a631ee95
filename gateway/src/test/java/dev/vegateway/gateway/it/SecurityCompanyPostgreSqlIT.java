package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityCompanyIT} against embedded PostgreSQL. */
class SecurityCompanyPostgreSqlIT extends SecurityCompanyIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
