package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link FiscalAndMaskOperatorsIT} against embedded H2. */
class FiscalAndMaskOperatorsH2IT extends FiscalAndMaskOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
