package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class WritePostgreSqlIT extends WriteIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
