package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ExpandIT} against embedded H2. */
class ExpandH2IT extends ExpandIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
