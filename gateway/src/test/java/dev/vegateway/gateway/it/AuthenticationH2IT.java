package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link AuthenticationIT} against embedded H2. */
class AuthenticationH2IT extends AuthenticationIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
