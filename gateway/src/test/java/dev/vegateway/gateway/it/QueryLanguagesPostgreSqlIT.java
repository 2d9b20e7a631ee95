package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link QueryLanguagesIT} against embedded PostgreSQL. */
class QueryLanguagesPostgreSqlIT extends QueryLanguagesIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
