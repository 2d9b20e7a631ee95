package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AdministrationBatchIT} against embedded H2. */
class AdministrationBatchH2IT extends AdministrationBatchIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
