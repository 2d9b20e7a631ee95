package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CompositeRelationIT} against H2. */
class CompositeRelationH2IT extends CompositeRelationIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
