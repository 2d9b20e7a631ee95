package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LiveCatalogIT} on embedded PostgreSQL: catalog changes are announced with {@code NOTIFY}. */
class LiveCatalogPostgreSqlIT extends LiveCatalogIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
