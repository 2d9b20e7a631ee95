package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationBatchIT} against embedded PostgreSQL. */
class AdministrationBatchPostgreSqlIT extends AdministrationBatchIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
