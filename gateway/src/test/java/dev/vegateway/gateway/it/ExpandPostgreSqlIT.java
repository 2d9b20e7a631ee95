package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ExpandIT} against embedded PostgreSQL. */
class ExpandPostgreSqlIT extends ExpandIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
