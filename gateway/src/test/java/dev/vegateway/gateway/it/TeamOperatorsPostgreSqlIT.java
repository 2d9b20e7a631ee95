package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link TeamOperatorsIT} against embedded PostgreSQL. */
class TeamOperatorsPostgreSqlIT extends TeamOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
