package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ExplainFunctionIT} against embedded H2. */
class ExplainFunctionH2IT extends ExplainFunctionIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
