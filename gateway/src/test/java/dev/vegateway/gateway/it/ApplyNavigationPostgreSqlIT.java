package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ApplyNavigationIT} against embedded PostgreSQL. */
class ApplyNavigationPostgreSqlIT extends ApplyNavigationIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
