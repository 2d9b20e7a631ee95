package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link OptionSetsIT} against embedded PostgreSQL. */
class OptionSetsPostgreSqlIT extends OptionSetsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
