package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationIT} against embedded PostgreSQL. */
class AdministrationPostgreSqlIT extends AdministrationIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
