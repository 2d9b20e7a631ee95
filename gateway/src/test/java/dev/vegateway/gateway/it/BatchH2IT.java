package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class BatchH2IT extends BatchIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
