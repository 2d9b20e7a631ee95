package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link TeamOperatorsIT} against embedded H2. */
class TeamOperatorsH2IT extends TeamOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
