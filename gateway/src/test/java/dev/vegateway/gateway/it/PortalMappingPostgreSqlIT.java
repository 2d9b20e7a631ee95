package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link PortalMappingIT} against embedded PostgreSQL. */
class PortalMappingPostgreSqlIT extends PortalMappingIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
