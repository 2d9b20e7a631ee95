package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link InjectionIT} against embedded H2. */
class InjectionH2IT extends InjectionIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
