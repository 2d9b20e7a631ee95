package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AuthenticationIT} against embedded PostgreSQL. */
class AuthenticationPostgreSqlIT extends AuthenticationIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
