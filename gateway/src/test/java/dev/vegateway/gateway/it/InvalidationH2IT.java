package dev.vegateway.gateway.it;

import dev.vegateway.config.GatewayConfig.BackendKind;
import java.util.Map;

/** {@link InvalidationIT} on H2: each node polls the version every 50 ms. */
class InvalidationH2IT extends InvalidationIT {
    @Override
    BackendKind kind() {
        return BackendKind.H2;
    }

    @Override
    Map<String, String> environment() {
        return Map.of("VEGATEWAY_SECURITY_INVALIDATION_POLL_INTERVAL", "50ms");
    }
}
