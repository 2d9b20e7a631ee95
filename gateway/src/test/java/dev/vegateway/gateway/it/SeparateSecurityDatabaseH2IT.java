package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SeparateSecurityDatabaseIT} with both databases on H2 (two in-memory databases). */
class SeparateSecurityDatabaseH2IT extends SeparateSecurityDatabaseIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
