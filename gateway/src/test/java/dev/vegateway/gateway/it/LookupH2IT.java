package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LookupIT} against embedded H2. */
class LookupH2IT extends LookupIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
