package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link InjectionIT} against embedded PostgreSQL. */
class InjectionPostgreSqlIT extends InjectionIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
