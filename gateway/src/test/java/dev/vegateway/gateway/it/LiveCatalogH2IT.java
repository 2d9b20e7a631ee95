package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LiveCatalogIT} on H2: the nodes poll the catalog version every 250 ms. */
class LiveCatalogH2IT extends LiveCatalogIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
