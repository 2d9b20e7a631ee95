package dev.vegateway.gateway.cli;

import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;

/** What the commands share: finding and loading the configuration file ({@code --config}, else {@code VEGATEWAY_CONFIG}), serving until shutdown. */
final class Configs {
    private Configs() {}

    static GatewayConfig load(Optional<Path> option) {
        Path file = option.or(() ->
                        Optional.ofNullable(System.getenv("VEGATEWAY_CONFIG")).map(Path::of))
                .orElseThrow(() -> new IllegalArgumentException(
                        "no configuration file: pass --config FILE or set VEGATEWAY_CONFIG"));
        return ConfigLoader.load(file, System.getenv());
    }

    /** Serves until the JVM is asked to stop (Ctrl+C, SIGTERM), then closes the gateway; the command's exit code. */
    static int serveUntilShutdown(dev.vegateway.gateway.server.Gateway gateway) throws InterruptedException {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                gateway.close();
                            } catch (Exception e) {
                                System.err.println("error while stopping: " + e.getMessage());
                            }
                        },
                        "vegateway-shutdown"));
        gateway.join();
        return 0;
    }
}
