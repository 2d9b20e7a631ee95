package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link FetchXmlIT} against embedded H2. */
class FetchXmlH2IT extends FetchXmlIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
