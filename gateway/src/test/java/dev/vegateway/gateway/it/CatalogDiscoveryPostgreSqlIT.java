package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CatalogDiscoveryIT} against embedded PostgreSQL. */
class CatalogDiscoveryPostgreSqlIT extends CatalogDiscoveryIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
