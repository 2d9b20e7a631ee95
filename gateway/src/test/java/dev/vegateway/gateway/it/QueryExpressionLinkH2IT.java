package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link QueryExpressionLinkIT} against embedded H2. */
class QueryExpressionLinkH2IT extends QueryExpressionLinkIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
