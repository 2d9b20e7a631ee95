package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class WriteH2IT extends WriteIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
