package dev.vegateway.gateway.server;

import static java.util.Objects.requireNonNull;

import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.http.JsonErrorHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server: the HTTPS API listener (TLS 1.2/1.3 only, PKCS#12 keystore), an optional
 * plain-HTTP listener (loopback only, enforced by configuration validation) and the admin
 * listener for health and metrics.
 */
public final class GatewayServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector https;
    private final ServerConnector admin;
    private final Optional<ServerConnector> plain;
    private final GracefulHandler graceful;

    private GatewayServer(
            Server server,
            ServerConnector https,
            ServerConnector admin,
            Optional<ServerConnector> plain,
            GracefulHandler graceful) {
        this.graceful = graceful;
        this.server = server;
        this.https = https;
        this.admin = admin;
        this.plain = plain;
    }

    /** {@code meters}: where Jetty's thread pool and connection meters are registered. */
    public static GatewayServer start(GatewayConfig config, MeterRegistry meters, Handler api, Handler adminHandler)
            throws Exception {
        requireNonNull(api, "api is null");
        requireNonNull(adminHandler, "adminHandler is null");
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("vegateway");
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(meters);
        Server server = new Server(threads);
        server.setStopAtShutdown(false);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // Room for a URL up to limits.maxUrlBytes (the gateway answers 414 itself beyond it, naming the lengths), a
        // token up to limits.maxTokenBytes and the other headers.
        http.setRequestHeaderSize(config.limits().maxRequestHeaderBytes());
        http.setSecureScheme("https");
        HttpConfiguration secure = new HttpConfiguration(http);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false);
        secure.addCustomizer(customizer);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(config.tls().keystore().toAbsolutePath().toString());
        tls.setKeyStorePassword(config.tls().keystorePassword().reveal());
        tls.setKeyStoreType("PKCS12");
        tls.setIncludeProtocols(config.tls().protocols().toArray(String[]::new));
        tls.setSniRequired(false);

        ServerConnector https = new ServerConnector(
                server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(secure));
        https.setName("api");
        https.setHost(config.server().host());
        https.setPort(config.server().port());
        server.addConnector(https);

        Optional<ServerConnector> plain = Optional.empty();
        if (config.server().plainHttpEnabled()) {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setName("plain");
            connector.setHost(config.server().host());
            connector.setPort(config.server().plainHttpPort());
            server.addConnector(connector);
            plain = Optional.of(connector);
        }

        ServerConnector admin = new ServerConnector(server, new HttpConnectionFactory(http));
        admin.setName("admin");
        admin.setHost(config.admin().host());
        admin.setPort(config.admin().port());
        server.addConnector(admin);

        server.setErrorHandler(new JsonErrorHandler(config.limits()));
        // The API handler counts its requests in flight, so that a stop can wait for them (drain); the admin listener
        // stays outside it and keeps answering readiness during a drain.
        GracefulHandler graceful = new GracefulHandler(api);
        server.setHandler(new Handler.Wrapper(graceful) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connector connector = request.getConnectionMetaData().getConnector();
                return connector == admin
                        ? adminHandler.handle(request, response, callback)
                        : super.handle(request, response, callback);
            }
        });
        JettyConnectionMetrics.addToAllConnectors(server, meters);
        server.start();
        return new GatewayServer(server, https, admin, plain, graceful);
    }

    public int port() {
        return https.getLocalPort();
    }

    public int adminPort() {
        return admin.getLocalPort();
    }

    public Optional<Integer> plainPort() {
        return plain.map(ServerConnector::getLocalPort);
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops the API listeners accepting connections (a request arriving meanwhile on an open
     * connection is answered 503) and waits up to {@code timeout} for every API request already
     * accepted to complete; whether they all did. Idle connections are not waited for.
     */
    public boolean drain(java.time.Duration timeout) throws InterruptedException {
        https.shutdown();
        plain.ifPresent(ServerConnector::shutdown);
        try {
            graceful.shutdown().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("draining the API listener failed", e.getCause());
        }
    }

    /** Stops at once: every listener and connection closes (drain first to let requests finish). */
    @Override
    public void close() throws Exception {
        server.stop();
    }
}
