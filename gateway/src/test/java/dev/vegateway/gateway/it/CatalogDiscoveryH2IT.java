package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CatalogDiscoveryIT} against embedded H2. */
class CatalogDiscoveryH2IT extends CatalogDiscoveryIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
