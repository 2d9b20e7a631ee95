package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationIT} against embedded H2. */
class AdministrationH2IT extends AdministrationIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
