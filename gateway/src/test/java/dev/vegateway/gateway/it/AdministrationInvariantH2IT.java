package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationInvariantIT} against embedded H2. */
class AdministrationInvariantH2IT extends AdministrationInvariantIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
