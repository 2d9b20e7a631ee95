package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LookupIT} against embedded PostgreSQL. */
class LookupPostgreSqlIT extends LookupIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
