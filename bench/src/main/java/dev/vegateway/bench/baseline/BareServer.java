package dev.vegateway.bench.baseline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline the gateway is measured against: a bare Jetty 12 handler with HikariCP and pgJDBC
 * over HTTPS, serving the three calls of {@code vegateway-bench compare} on the demo's customer
 * table with hand-written SQL and JSON, and nothing else (no token, no caller, no OData parser).
 * It runs the same row scope as a constant predicate, so that both servers read the same rows.
 * Not part of the gateway; it lives in the bench jar only.
 *
 * <pre>
 * java -cp bench/target/vegateway-bench.jar dev.vegateway.bench.baseline.BareServer \
 *     --keystore .vegateway-demo/demo-keystore.p12 --keystore-password vegateway-demo \
 *     --jdbc-url jdbc:postgresql://127.0.0.1:5432/postgres --business-unit … --owner …
 * </pre>
 */
@Command(
        name = "bare-server",
        mixinStandardHelpOptions = true,
        description = "Bare Jetty + HikariCP + pgJDBC baseline over HTTPS (127.0.0.1 only); prints its URL when ready.")
public final class BareServer implements Callable<Integer>, AutoCloseable {
    /** The line printed once the server listens; {@code compare} waits for it. */
    public static final String READY_PREFIX = "bare-server listening on ";

    @Option(names = "--port", defaultValue = "0", description = "HTTPS port on 127.0.0.1 (default: any free port)")
    int port;

    @Option(names = "--keystore", required = true, description = "PKCS#12 keystore with the server certificate")
    Path keystore;

    @Option(names = "--keystore-password", required = true, description = "Its password")
    String keystorePassword;

    @Option(names = "--jdbc-url", required = true, description = "jdbc:postgresql://… of the demo database")
    String jdbcUrl;

    @Option(names = "--username", defaultValue = "postgres")
    String username;

    @Option(names = "--password", defaultValue = "")
    String password;

    @Option(names = "--pool-size", defaultValue = "10", description = "Connections (default: ${DEFAULT-VALUE})")
    int poolSize;

    @Option(
            names = "--business-unit",
            required = true,
            description = "Row scope: only rows of this business unit are read; created rows get it")
    UUID businessUnit;

    @Option(names = "--company", defaultValue = "usmf", description = "Row scope: the one company (default: usmf)")
    String company;

    @Option(names = "--owner", required = true, description = "Owner (user id) stamped on created rows and audit rows")
    UUID owner;

    private Server server;
    private HikariDataSource pool;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BareServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int bound = start();
        System.out.println(READY_PREFIX + "https://127.0.0.1:" + bound + BareHandler.SERVICE_ROOT);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bare-server-stop"));
        server.join();
        return 0;
    }

    /** Starts and answers the bound port. */
    int start() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bare-server");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(false);
        config.setConnectionInitSql("SET TIME ZONE 'UTC'");
        pool = new HikariDataSource(config);
        BareHandler.createAuditTable(pool);

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("bare");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false);
        http.addCustomizer(customizer);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toAbsolutePath().toString());
        tls.setKeyStorePassword(keystorePassword);
        tls.setKeyStoreType("PKCS12");
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        tls.setSniRequired(false);
        ServerConnector connector =
                new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new BareHandler(pool, new BareHandler.Scope(company, businessUnit, owner)));
        server.start();
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            // Stopping anyway.
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }
}
