package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CompositeDiscoveryIT} against PostgreSql. */
class CompositeDiscoveryPostgreSqlIT extends CompositeDiscoveryIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
