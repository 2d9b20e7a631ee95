package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityFieldIT} against embedded H2. */
class SecurityFieldH2IT extends SecurityFieldIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
