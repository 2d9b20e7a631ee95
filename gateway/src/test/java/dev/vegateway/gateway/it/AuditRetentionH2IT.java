package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AuditRetentionIT} against embedded H2. */
class AuditRetentionH2IT extends AuditRetentionIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
