package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityMatrixIT} against embedded H2. */
class SecurityMatrixH2IT extends SecurityMatrixIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
