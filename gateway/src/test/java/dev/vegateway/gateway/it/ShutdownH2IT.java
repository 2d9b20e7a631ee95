package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ShutdownIT} against embedded H2. */
class ShutdownH2IT extends ShutdownIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
