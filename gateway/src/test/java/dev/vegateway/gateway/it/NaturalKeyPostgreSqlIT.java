package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link NaturalKeyIT} against embedded PostgreSQL. */
class NaturalKeyPostgreSqlIT extends NaturalKeyIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
