package dev.vegateway.gateway.cli;

import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** What the commands share: finding and loading the configuration file ({@code --config}, else {@code VEGATEWAY_CONFIG}), serving until shutdown. */
final class Configs {
    private static final Logger LOG = LoggerFactory.getLogger(Configs.class);

    private Configs() {}

    static GatewayConfig load(Optional<Path> option) {
        Path file = option.or(() ->
                        Optional.ofNullable(System.getenv("VEGATEWAY_CONFIG")).map(Path::of))
                .orElseThrow(() -> new IllegalArgumentException(
                        "no configuration file: pass --config FILE or set VEGATEWAY_CONFIG"));
        return ConfigLoader.load(file, System.getenv());
    }

    /**
     * Serves until asked to stop (SIGTERM, Ctrl+C), then stops gracefully ({@link
     * dev.vegateway.gateway.server.Gateway#close}) and exits 0. A second signal during the drain
     * does not cut it short: it is logged with what is left (SIGKILL stops at once).
     */
    static int serveUntilShutdown(dev.vegateway.gateway.server.Gateway gateway) throws InterruptedException {
        return serveUntilShutdown(gateway, () -> {});
    }

    /** As {@link #serveUntilShutdown(dev.vegateway.gateway.server.Gateway)}, closing {@code afterwards} once the gateway stopped. */
    static int serveUntilShutdown(dev.vegateway.gateway.server.Gateway gateway, AutoCloseable afterwards)
            throws InterruptedException {
        return serveUntilShutdown(gateway, afterwards, () -> {});
    }

    /**
     * As {@link #serveUntilShutdown(dev.vegateway.gateway.server.Gateway, AutoCloseable)}, running
     * {@code ready} once the signal handlers are in place (a signal before that ends the JVM with
     * its default exit code).
     */
    static int serveUntilShutdown(
            dev.vegateway.gateway.server.Gateway gateway, AutoCloseable afterwards, Runnable ready)
            throws InterruptedException {
        AtomicInteger signals = new AtomicInteger();
        SignalHandler onSignal = signal -> {
            if (signals.getAndIncrement() == 0) {
                LOG.info("SIG{} received: stopping gracefully", signal.getName());
                Thread stopper = new Thread(
                        () -> {
                            closeQuietly(gateway, afterwards);
                            System.exit(0);
                        },
                        "vegateway-shutdown");
                stopper.start();
            } else {
                LOG.warn(
                        "SIG{} received again: the shutdown is already in progress, draining {} request(s) for up to"
                                + " {} more; send SIGKILL to stop at once",
                        signal.getName(),
                        gateway.requestsInFlight(),
                        gateway.drainTimeLeft());
            }
        };
        Signal.handle(new Signal("TERM"), onSignal);
        Signal.handle(new Signal("INT"), onSignal);
        // Any other way the JVM ends (System.exit elsewhere) still stops the gateway first.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> closeQuietly(gateway, afterwards), "vegateway-shutdown-hook"));
        ready.run();
        gateway.join();
        return 0;
    }

    private static void closeQuietly(dev.vegateway.gateway.server.Gateway gateway, AutoCloseable afterwards) {
        try {
            gateway.close();
        } catch (Exception e) {
            LOG.error("error while stopping", e);
        }
        try {
            afterwards.close();
        } catch (Exception e) {
            LOG.error("error while stopping", e);
        }
    }
}
