package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ScimIT} against embedded PostgreSQL. */
class ScimPostgreSqlIT extends ScimIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
