package dev.vegateway.gateway.cli;

import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;

/** Finds and loads the configuration file for a command: {@code --config}, else {@code VEGATEWAY_CONFIG}. */
final class Configs {
    private Configs() {}

    static GatewayConfig load(Optional<Path> option) {
        Path file = option.or(() -> Optional.ofNullable(System.getenv("VEGATEWAY_CONFIG")).map(Path::of))
                .orElseThrow(() -> new IllegalArgumentException("no configuration file: pass --config FILE or set VEGATEWAY_CONFIG"));
        return ConfigLoader.load(file, System.getenv());
    }
}
