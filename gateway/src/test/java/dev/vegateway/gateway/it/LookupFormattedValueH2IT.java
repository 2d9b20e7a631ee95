package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link LookupFormattedValueIT} against embedded H2. */
class LookupFormattedValueH2IT extends LookupFormattedValueIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
