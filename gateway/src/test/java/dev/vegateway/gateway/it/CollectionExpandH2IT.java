package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CollectionExpandIT} against embedded H2. */
class CollectionExpandH2IT extends CollectionExpandIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
