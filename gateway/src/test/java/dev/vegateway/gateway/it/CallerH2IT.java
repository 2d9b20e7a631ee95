package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link CallerIT} against embedded H2. */
class CallerH2IT extends CallerIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
