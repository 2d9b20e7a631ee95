package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

final class ReadContractH2IT extends ReadContract {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
