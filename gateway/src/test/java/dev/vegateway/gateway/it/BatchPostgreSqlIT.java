package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class BatchPostgreSqlIT extends BatchIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
