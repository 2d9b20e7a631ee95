package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link UserOperatorsIT} against embedded PostgreSQL. */
class UserOperatorsPostgreSqlIT extends UserOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
