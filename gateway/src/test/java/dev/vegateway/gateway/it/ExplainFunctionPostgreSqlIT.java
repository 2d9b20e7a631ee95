package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link ExplainFunctionIT} against embedded PostgreSQL. */
class ExplainFunctionPostgreSqlIT extends ExplainFunctionIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
