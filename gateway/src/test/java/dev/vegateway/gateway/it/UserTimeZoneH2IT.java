package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link UserTimeZoneIT} against embedded H2. */
class UserTimeZoneH2IT extends UserTimeZoneIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
