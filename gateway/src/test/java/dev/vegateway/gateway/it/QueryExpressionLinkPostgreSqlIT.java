package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link QueryExpressionLinkIT} against embedded PostgreSQL. */
class QueryExpressionLinkPostgreSqlIT extends QueryExpressionLinkIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
