package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LookupFormattedValueIT} against embedded PostgreSQL. */
class LookupFormattedValuePostgreSqlIT extends LookupFormattedValueIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
