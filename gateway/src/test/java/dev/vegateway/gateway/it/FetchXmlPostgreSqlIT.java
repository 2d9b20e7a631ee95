package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link FetchXmlIT} against embedded PostgreSQL. */
class FetchXmlPostgreSqlIT extends FetchXmlIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
