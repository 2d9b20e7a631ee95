package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link MultiSelectOptionSetsIT} against embedded PostgreSQL. */
class MultiSelectOptionSetsPostgreSqlIT extends MultiSelectOptionSetsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
