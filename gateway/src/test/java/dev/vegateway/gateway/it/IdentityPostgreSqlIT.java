package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link IdentityIT} against embedded PostgreSQL. */
class IdentityPostgreSqlIT extends IdentityIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
