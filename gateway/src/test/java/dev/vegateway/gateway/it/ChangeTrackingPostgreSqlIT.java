package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ChangeTrackingIT} against embedded PostgreSQL. */
class ChangeTrackingPostgreSqlIT extends ChangeTrackingIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
