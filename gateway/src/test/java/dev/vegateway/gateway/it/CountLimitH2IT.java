package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CountLimitIT} against embedded H2. */
class CountLimitH2IT extends CountLimitIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
