package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CompositeRelationIT} against PostgreSql. */
class CompositeRelationPostgreSqlIT extends CompositeRelationIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
