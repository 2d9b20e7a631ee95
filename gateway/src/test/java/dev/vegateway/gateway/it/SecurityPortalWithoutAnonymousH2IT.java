package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityPortalWithoutAnonymousIT} against embedded H2. */
class SecurityPortalWithoutAnonymousH2IT extends SecurityPortalWithoutAnonymousIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
