package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link MultiSelectOptionSetsIT} against embedded H2. */
class MultiSelectOptionSetsH2IT extends MultiSelectOptionSetsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
