package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in a JVM process of its own, as an operator runs it: the test's {@code java} binary and
 * class path, main class {@code dev.vegateway.gateway.cli.Main}, {@code serve --config FILE}. The
 * configuration file is written next to the shared files of {@code folder} (certificate, dev-issuer
 * key, catalog, security data) with the API and admin listeners on free loopback ports; the
 * process's output goes to a file under {@code target/gateway-processes}. {@link #close()} stops the
 * process by its own handle (SIGTERM, then SIGKILL after {@link #STOP_WITHIN}), and a shutdown hook of
 * the test JVM kills it should the test JVM end first.
 */
final class GatewayProcess implements AutoCloseable {
    static final String MAIN_CLASS = "dev.vegateway.gateway.cli.Main";
    /** Only to detect a process that never becomes ready (JVM start-up on busy shared cores included). */
    static final Duration READY_WITHIN = Duration.ofSeconds(120);

    static final Duration STOP_WITHIN = Duration.ofSeconds(20);
    /** Another process may take a port between our probe and the gateway's bind: then start again on others. */
    private static final int ATTEMPTS = 3;

    private final String name;
    private final Path folder;
    private final String configuration;
    private final int attempt;
    private final Process process;
    private final Thread killer;
    private final int port;
    private final int adminPort;
    private final Path log;

    private GatewayProcess(
            String name,
            Path folder,
            String configuration,
            int attempt,
            Process process,
            Thread killer,
            int port,
            int adminPort,
            Path log) {
        this.name = name;
        this.folder = folder;
        this.configuration = configuration;
        this.attempt = attempt;
        this.process = process;
        this.killer = killer;
        this.port = port;
        this.adminPort = adminPort;
        this.log = log;
    }

    /**
     * Starts a gateway process named {@code name} and waits until its readiness endpoint answers 200.
     * {@code configuration} is the YAML of everything but {@code server} and {@code admin}, its paths
     * relative to {@code folder}.
     */
    static GatewayProcess start(String name, Path folder, String configuration) throws Exception {
        return launch(name, folder, configuration, 1).awaitReady();
    }

    /** Starts the process without waiting (to start several at once); then {@link #awaitReady}. */
    static GatewayProcess launch(String name, Path folder, String configuration) throws IOException {
        return launch(name, folder, configuration, 1);
    }

    private static GatewayProcess launch(String name, Path folder, String configuration, int attempt)
            throws IOException {
        int port = freePort();
        int adminPort = freePort();
        while (adminPort == port) {
            adminPort = freePort();
        }
        Path config = folder.resolve(name + ".yaml");
        Files.writeString(
                config,
                "server: { host: 127.0.0.1, port: " + port + " }\n"
                        + "admin: { host: 127.0.0.1, port: " + adminPort + " }\n"
                        + configuration,
                UTF_8);
        Path logs =
                Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "gateway-processes");
        Files.createDirectories(logs);
        Path log = logs.resolve(String.format(
                Locale.ROOT, "%s-%s-%d.log", name, Instant.now().toString().replace(':', '-'), attempt));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElseThrow(() -> new IllegalStateException("the test JVM's java binary is unknown")));
        command.addAll(
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        command.addAll(List.of("serve", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Only the file configures it: no VEGATEWAY_* overrides from the environment of the build.
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("VEGATEWAY_"));
        Process process = builder.start();
        Thread killer = new Thread(process::destroyForcibly, "kill-gateway-process-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
        return new GatewayProcess(name, folder, configuration, attempt, process, killer, port, adminPort, log);
    }

    /**
     * Waits until the readiness endpoint answers 200; a process that exits first because a port was
     * taken meanwhile is started again on other ports (up to {@link #ATTEMPTS} times); any other exit
     * fails with the process's output.
     * Use the process it answers (this one, or the one started again).
     */
    GatewayProcess awaitReady() throws Exception {
        GatewayProcess current = this;
        while (true) {
            if (current.pollReady()) {
                return current;
            }
            current.close();
            String output = current.output();
            boolean portTaken = output.contains("BindException") || output.contains("Address already in use");
            if (!portTaken || current.attempt == ATTEMPTS) {
                throw new IllegalStateException(
                        "gateway process " + name + " exited with " + current.process.exitValue()
                                + " before it was ready; its output (" + current.log + "):\n" + output);
            }
            current = launch(name, folder, configuration, current.attempt + 1);
        }
    }

    /** True once ready; false when the process exited first; fails after {@link #READY_WITHIN}. */
    private boolean pollReady() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListeningYet) {
                // the JVM is still starting
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("gateway process " + name + " was not ready within " + READY_WITHIN
                + "; its output (" + log + "):\n" + output());
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    int adminPort() {
        return adminPort;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The process's output so far (its log file). */
    String output() {
        try {
            return Files.readString(log, UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM: a graceful stop), killing it when it did not end within {@link #STOP_WITHIN}. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
