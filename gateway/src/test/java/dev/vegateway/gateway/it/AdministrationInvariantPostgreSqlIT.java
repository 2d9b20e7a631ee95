package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationInvariantIT} against embedded PostgreSQL. */
class AdministrationInvariantPostgreSqlIT extends AdministrationInvariantIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
