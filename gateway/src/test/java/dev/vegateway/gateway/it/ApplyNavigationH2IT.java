package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ApplyNavigationIT} against embedded H2. */
class ApplyNavigationH2IT extends ApplyNavigationIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
