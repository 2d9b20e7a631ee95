package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityPortalWithoutAnonymousIT} against embedded PostgreSQL. */
class SecurityPortalWithoutAnonymousPostgreSqlIT extends SecurityPortalWithoutAnonymousIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
