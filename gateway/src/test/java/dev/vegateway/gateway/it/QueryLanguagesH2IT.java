package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link QueryLanguagesIT} against embedded H2. */
class QueryLanguagesH2IT extends QueryLanguagesIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
