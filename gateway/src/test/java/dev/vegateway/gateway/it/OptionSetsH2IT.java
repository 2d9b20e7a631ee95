package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link OptionSetsIT} against embedded H2. */
class OptionSetsH2IT extends OptionSetsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
