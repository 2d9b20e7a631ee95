package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class ReadContractPostgreSqlIT extends ReadContract {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }
}
