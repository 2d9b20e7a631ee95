package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CompositeDiscoveryIT} against H2. */
class CompositeDiscoveryH2IT extends CompositeDiscoveryIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
