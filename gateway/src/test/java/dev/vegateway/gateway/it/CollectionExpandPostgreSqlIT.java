package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CollectionExpandIT} against embedded PostgreSQL. */
class CollectionExpandPostgreSqlIT extends CollectionExpandIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
