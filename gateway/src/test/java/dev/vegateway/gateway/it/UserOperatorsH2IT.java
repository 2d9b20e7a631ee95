package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link UserOperatorsIT} against embedded H2. */
class UserOperatorsH2IT extends UserOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
