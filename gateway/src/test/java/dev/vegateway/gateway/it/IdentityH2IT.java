package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link IdentityIT} against embedded H2. */
class IdentityH2IT extends IdentityIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
