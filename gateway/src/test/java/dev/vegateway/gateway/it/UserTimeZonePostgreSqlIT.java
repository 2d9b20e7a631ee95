package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link UserTimeZoneIT} against embedded PostgreSQL. */
class UserTimeZonePostgreSqlIT extends UserTimeZoneIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
