package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link HierarchyOperatorsIT} against embedded PostgreSQL. */
class HierarchyOperatorsPostgreSqlIT extends HierarchyOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
