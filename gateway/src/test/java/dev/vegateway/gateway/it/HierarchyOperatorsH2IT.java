package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;

/** {@link HierarchyOperatorsIT} against embedded H2. */
class HierarchyOperatorsH2IT extends HierarchyOperatorsIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }
}
