package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CountLimitIT} against embedded PostgreSQL. */
class CountLimitPostgreSqlIT extends CountLimitIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
