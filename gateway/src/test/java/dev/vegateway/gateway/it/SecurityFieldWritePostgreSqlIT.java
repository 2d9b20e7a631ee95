package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityFieldWriteIT} against embedded PostgreSQL. */
class SecurityFieldWritePostgreSqlIT extends SecurityFieldWriteIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
