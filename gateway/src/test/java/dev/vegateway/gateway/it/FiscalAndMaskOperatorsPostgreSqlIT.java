package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link FiscalAndMaskOperatorsIT} against embedded PostgreSQL. */
class FiscalAndMaskOperatorsPostgreSqlIT extends FiscalAndMaskOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
