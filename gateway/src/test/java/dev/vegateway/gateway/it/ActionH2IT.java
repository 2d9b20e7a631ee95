package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class ActionH2IT extends ActionIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
