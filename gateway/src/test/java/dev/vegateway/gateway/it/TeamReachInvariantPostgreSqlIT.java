package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link TeamReachInvariantIT} against embedded PostgreSQL. */
class TeamReachInvariantPostgreSqlIT extends TeamReachInvariantIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
