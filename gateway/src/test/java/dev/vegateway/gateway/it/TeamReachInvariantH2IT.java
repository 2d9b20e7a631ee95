package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link TeamReachInvariantIT} against embedded H2. */
class TeamReachInvariantH2IT extends TeamReachInvariantIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
