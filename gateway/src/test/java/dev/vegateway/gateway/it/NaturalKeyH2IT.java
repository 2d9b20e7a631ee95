package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link NaturalKeyIT} against embedded H2. */
class NaturalKeyH2IT extends NaturalKeyIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
