package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.DevIssuer;
import dev.vegateway.gateway.demo.DemoCertificate;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.server.Gateway;
import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real gateway for integration tests: HTTPS on a free loopback port with a self-signed
 * certificate the client trusts (hostname verified), the dev issuer as the token source, the
 * demo catalog and security data, over a {@link TestBackend}.
 */
public final class TestGateway implements AutoCloseable {
    public static final String SERVICE_PATH = "/api/data/v9.2";
    public static final String DATAVERSE_APP =
            DemoIdentities.DATAVERSE_APPLICATION.appId().toString();
    public static final String PORTAL_APP =
            DemoIdentities.PORTAL_APPLICATION.appId().toString();
    private static final String TRUST_PASSWORD = "changeit";
    private static final String KEYSTORE_PASSWORD = "test-keystore";
    /**
     * One certificate for every gateway of this JVM: {@link DemoCertificate} runs {@code keytool}
     * twice (two JVM starts), which cost about a second per gateway when each made its own.
     */
    private static Path certificateFolder;

    private final Gateway gateway;
    private final Path folder;
    private final Path trustStore;
    private final DevIssuer issuer;

    private TestGateway(Gateway gateway, Path folder, Path trustStore, DevIssuer issuer) {
        this.gateway = gateway;
        this.folder = folder;
        this.trustStore = trustStore;
        this.issuer = issuer;
    }

    /** Starts a gateway over {@code backend} with the demo catalog and {@code securityYaml} (null = the demo security data). */
    public static TestGateway start(TestBackend backend, String securityYaml) throws Exception {
        return start(backend, securityYaml, Map.of());
    }

    /** As {@link #start(TestBackend, String)}, with {@code VEGATEWAY_*} environment overrides of the configuration. */
    public static TestGateway start(TestBackend backend, String securityYaml, Map<String, String> environment)
            throws Exception {
        return start(backend, securityYaml, environment, null, java.time.Clock.systemUTC());
    }

    /** As {@link #start(TestBackend, String, Map)}, serving {@code catalogYaml} (null = the demo catalog). */
    public static TestGateway start(
            TestBackend backend, String securityYaml, Map<String, String> environment, String catalogYaml)
            throws Exception {
        return start(backend, securityYaml, environment, catalogYaml, java.time.Clock.systemUTC());
    }

    /** As {@link #start(TestBackend, String, Map)}, with {@code clock} as the time of the data ({@link Gateway#start(GatewayConfig, java.time.Clock)}). */
    public static TestGateway start(
            TestBackend backend, String securityYaml, Map<String, String> environment, java.time.Clock clock)
            throws Exception {
        return start(backend, securityYaml, environment, null, clock);
    }

    /** The catalog ({@code null} = the demo's) and the clock of the data, both given. */
    public static TestGateway start(
            TestBackend backend,
            String securityYaml,
            Map<String, String> environment,
            String catalogYaml,
            java.time.Clock clock)
            throws Exception {
        Path folder = Files.createTempDirectory("vegateway-it");
        Path certificates = certificateFolder();
        Files.copy(certificates.resolve(DemoCertificate.KEYSTORE_FILE), folder.resolve(DemoCertificate.KEYSTORE_FILE));
        Files.copy(
                certificates.resolve(DemoCertificate.CERTIFICATE_FILE),
                folder.resolve(DemoCertificate.CERTIFICATE_FILE));
        if (catalogYaml == null) {
            copy("demo/catalog.yaml", folder.resolve("catalog.yaml"));
        } else {
            Files.writeString(folder.resolve("catalog.yaml"), catalogYaml, UTF_8);
        }
        if (securityYaml == null) {
            copy("demo/security.yaml", folder.resolve("security.yaml"));
        } else {
            Files.writeString(folder.resolve("security.yaml"), securityYaml, UTF_8);
        }
        Path trustStore = trustStore(folder);
        String yaml =
                """
                server: { host: 127.0.0.1, port: 0 }
                tls: { keystore: %s, keystorePassword: %s }
                admin: { host: 127.0.0.1, port: 0 }
                auth:
                  issuers: [urn:vegateway:dev-issuer]
                  audiences: [urn:vegateway:api]
                  devIssuer: { enabled: true, keyFile: dev-issuer-key.json }
                backend: { kind: %s, url: "%s", username: %s, password: "%s", poolSize: 8 }
                catalog: { file: catalog.yaml }
                security: { file: security.yaml, importOnStart: true }
                limits: { skipTokenSecret: "integration-test-secret-0123456789abcdef" }
                """
                        .formatted(
                                DemoCertificate.KEYSTORE_FILE,
                                KEYSTORE_PASSWORD,
                                backend.kind().name().toLowerCase(java.util.Locale.ROOT),
                                backend.url(),
                                backend.username(),
                                backend.password());
        Files.writeString(folder.resolve("vegateway.yaml"), yaml, UTF_8);
        GatewayConfig config = ConfigLoader.load(folder.resolve("vegateway.yaml"), environment);
        Gateway gateway = Gateway.start(config, clock);
        return new TestGateway(gateway, folder, trustStore, gateway.devIssuer().orElseThrow());
    }

    static synchronized Path certificateFolder() throws Exception {
        if (certificateFolder == null) {
            Path folder = Files.createTempDirectory("vegateway-it-certificate");
            DemoCertificate.ensure(folder, KEYSTORE_PASSWORD);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
            certificateFolder = folder;
        }
        return certificateFolder;
    }

    /** Deletes a test folder and everything in it; what cannot be deleted stays (it is under the temporary directory). */
    static void deleteQuietly(Path folder) {
        try (java.util.stream.Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // left for the system's temporary-file cleanup
        }
    }

    private static void copy(String resource, Path target) throws Exception {
        try (InputStream in = TestGateway.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    private static Path trustStore(Path folder) throws Exception {
        Certificate certificate;
        try (InputStream in = Files.newInputStream(folder.resolve(DemoCertificate.CERTIFICATE_FILE))) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("vegateway-test", certificate);
        Path path = folder.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, TRUST_PASSWORD.toCharArray());
        }
        return path;
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path folder() {
        return folder;
    }

    public int port() {
        return gateway.port();
    }

    public int adminPort() {
        return gateway.adminPort();
    }

    public String serviceRoot() {
        return "https://127.0.0.1:" + port() + SERVICE_PATH + "/";
    }

    public DevIssuer issuer() {
        return issuer;
    }

    public String token(String applicationId) {
        return issuer.mint(applicationId, Duration.ofMinutes(30), Map.of());
    }

    /** An SSL context that trusts only the test certificate. */
    public SSLContext sslContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, TRUST_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A REST Assured request to the service root with TLS verified against the test certificate, and no credentials. */
    public RequestSpecification anonymous() {
        return RestAssured.given()
                .config(RestAssured.config()
                        .sslConfig(SSLConfig.sslConfig()
                                .trustStore(trustStore.toString(), TRUST_PASSWORD)
                                .trustStoreType("PKCS12"))
                        // $batch bodies are written by hand, as text.
                        .encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                                .encodeContentTypeAs("multipart/mixed", io.restassured.http.ContentType.TEXT)))
                .baseUri("https://127.0.0.1")
                .port(port())
                .basePath(SERVICE_PATH)
                .urlEncodingEnabled(false);
    }

    /** A request of the Dataverse application with no caller header. */
    public RequestSpecification application() {
        return anonymous().header("Authorization", "Bearer " + token(DATAVERSE_APP));
    }

    /** A request of the Dataverse application on behalf of backend user {@code userId} (MSCRMCallerID). */
    public RequestSpecification as(UUID userId) {
        return application().header("MSCRMCallerID", userId.toString());
    }

    /** A request of the Dataverse application on behalf of the Entra user {@code objectId} (CallerObjectId). */
    public RequestSpecification asEntra(UUID objectId) {
        return application().header("CallerObjectId", objectId.toString());
    }

    /** A request of the portal application, for a contact or (null) the anonymous visitor. */
    public RequestSpecification portal(UUID contactId) {
        RequestSpecification request = anonymous().header("Authorization", "Bearer " + token(PORTAL_APP));
        return contactId == null ? request : request.header("X-Portal-Contact-Id", contactId.toString());
    }

    @Override
    public void close() throws Exception {
        try {
            gateway.close();
        } finally {
            deleteQuietly(folder);
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, UTF_8);
    }
}
