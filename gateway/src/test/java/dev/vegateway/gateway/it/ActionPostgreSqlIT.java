package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class ActionPostgreSqlIT extends ActionIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
