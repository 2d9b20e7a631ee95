package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link PortalMappingIT} against embedded H2. */
class PortalMappingH2IT extends PortalMappingIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
