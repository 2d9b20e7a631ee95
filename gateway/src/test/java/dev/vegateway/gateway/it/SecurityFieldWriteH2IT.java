package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityFieldWriteIT} against embedded H2. */
class SecurityFieldWriteH2IT extends SecurityFieldWriteIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
