package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AuditRetentionIT} against embedded PostgreSQL. */
class AuditRetentionPostgreSqlIT extends AuditRetentionIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
