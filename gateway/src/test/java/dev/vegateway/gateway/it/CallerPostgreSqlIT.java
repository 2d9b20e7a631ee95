package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CallerIT} against embedded PostgreSQL. */
class CallerPostgreSqlIT extends CallerIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
