package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ShutdownIT} against embedded PostgreSQL. */
class ShutdownPostgreSqlIT extends ShutdownIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
