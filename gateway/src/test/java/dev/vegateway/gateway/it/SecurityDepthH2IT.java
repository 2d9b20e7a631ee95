package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityDepthIT} against embedded H2. */
class SecurityDepthH2IT extends SecurityDepthIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
