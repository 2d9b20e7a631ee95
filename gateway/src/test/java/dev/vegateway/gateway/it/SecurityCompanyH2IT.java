package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link SecurityCompanyIT} against embedded H2. */
class SecurityCompanyH2IT extends SecurityCompanyIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
