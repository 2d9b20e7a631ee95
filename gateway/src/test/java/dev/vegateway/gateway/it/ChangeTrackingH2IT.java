package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ChangeTrackingIT} against embedded H2. */
class ChangeTrackingH2IT extends ChangeTrackingIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
