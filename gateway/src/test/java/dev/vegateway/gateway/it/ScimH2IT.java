package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ScimIT} against embedded H2. */
class ScimH2IT extends ScimIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
