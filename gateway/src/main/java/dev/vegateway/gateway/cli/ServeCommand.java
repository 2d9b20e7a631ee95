package dev.vegateway.gateway.cli;

import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.server.Gateway;
import dev.vegateway.gateway.server.LogSetup;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start the gateway with a configuration file.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
        LogSetup.apply(loaded.logging());
        Gateway gateway = Gateway.start(loaded);
        return Configs.serveUntilShutdown(gateway);
    }
}
