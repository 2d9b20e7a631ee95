package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityRowFilterIT} against embedded H2. */
class SecurityRowFilterH2IT extends SecurityRowFilterIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
