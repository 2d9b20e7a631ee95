package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityPortalIT} against embedded H2. */
class SecurityPortalH2IT extends SecurityPortalIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
