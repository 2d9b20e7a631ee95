package dev.vegateway.bench.jmh;

import com.sun.management.ThreadMXBean;
import dev.vegateway.gateway.auth.DevIssuer;
import dev.vegateway.gateway.cli.Main;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Bytes the gateway allocates per request, for the three calls of {@code vegateway-bench compare}:
 * GET a customer by key and GET the 50-row page (as Bob Clerk, Local depth on customers: row scope
 * on), POST a customer (as Sam, System administrator). It starts the H2 demo in this JVM, sends the
 * calls one after the other over one HTTPS keep-alive connection and reads, from the JVM's
 * per-thread allocation counters, what every thread but the client's allocated during the measured
 * requests. The figure does not depend on how busy the machine is, unlike time.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway,bench/jmh && java -cp
 * bench/jmh/target/vegateway-jmh.jar dev.vegateway.bench.jmh.RequestAllocation [warm-up requests]
 * [measured requests]} (defaults 3,000 and 2,000 per call). Add {@code
 * -XX:StartFlightRecording=filename=alloc.jfr,settings=profile} for the allocation samples.
 */
public final class RequestAllocation {
    private static final String ROOT = "/api/data/v9.2/";
    private static final String CUSTOMERS = "mserp_custcustomerv3entities";
    private static final String PAGE =
            CUSTOMERS + "?$top=50&$filter=mserp_dataareaid%20eq%20%27usmf%27&$orderby=mserp_name";
    private static final String BOB = "00000000-0000-4000-8000-000000000102";
    private static final String SAM = "00000000-0000-4000-8000-000000000105";

    private RequestAllocation() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dataDir = Files.createTempDirectory("vegateway-alloc");
        int port = freePort();
        int adminPort = freePort();
        Thread demo = new Thread(
                () -> Main.run(
                        "demo",
                        "--data-dir",
                        dataDir.toString(),
                        "--port",
                        Integer.toString(port),
                        "--admin-port",
                        Integer.toString(adminPort)),
                "demo");
        demo.setDaemon(true);
        demo.start();
        HttpClient client = null;
        String demoBase = "https://127.0.0.1:" + port + ROOT;
        for (int attempt = 0; client == null; attempt++) {
            Thread.sleep(500);
            try {
                client = client(dataDir.resolve("demo-ca.pem"));
                client.send(
                        HttpRequest.newBuilder(URI.create(demoBase)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception notYet) {
                client = null;
                if (attempt > 600) {
                    throw new IllegalStateException("the demo did not start", notYet);
                }
            }
        }
        // The demo's configuration without service protection limits (a run of thousands of requests
        // by one user would meet them), served by a second gateway on the demo's data.
        int servePort = freePort();
        Path config = dataDir.resolve("alloc.yaml");
        Files.writeString(
                config,
                Files.readString(dataDir.resolve("vegateway.yaml"))
                                .replace("port: " + port + "\n", "port: " + servePort + "\n")
                                .replace("port: " + adminPort + "\n", "port: " + freePort() + "\n")
                        + "throttling:\n  enabled: false\n");
        Thread serve = new Thread(() -> Main.run("serve", "--config", config.toString()), "serve");
        serve.setDaemon(true);
        serve.start();
        String api = "https://127.0.0.1:" + servePort + ROOT;
        awaitUp(client, api);
        DevIssuer issuer = DevIssuer.loadOrCreate(
                dataDir.resolve("dev-issuer-key.json"), "urn:vegateway:dev-issuer", "urn:vegateway:api");
        String token = issuer.mint(DemoFixture.DATAVERSE_APPLICATION, Duration.ofHours(2), Map.of());
        List<String> keys = new ArrayList<>();
        String keyPage =
                send(client, get(api + CUSTOMERS + "?$select=mserp_custcustomerv3entityid&$top=200", token, BOB));
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(
                        "\"mserp_custcustomerv3entityid\":\"([^\"]+)\"")
                .matcher(keyPage);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<Call> calls = List.of(
                new Call("GET by key", n -> get(api + CUSTOMERS + "(" + keys.get(n % keys.size()) + ")", token, BOB)),
                new Call("GET 50-row page", n -> get(api + PAGE, token, BOB)),
                new Call("POST create", n -> HttpRequest.newBuilder(URI.create(api + CUSTOMERS))
                        .header("Authorization", "Bearer " + token)
                        .header("CallerObjectId", SAM)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"mserp_dataareaid\":\"usmf\","
                                + "\"mserp_customeraccount\":\"A" + run + "-" + n + "\",\"mserp_name\":\"Alloc "
                                + n + "\"}"))
                        .build()));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        StringBuilder table = new StringBuilder("| call | bytes per request |\n|---|---|\n");
        int sequence = 0;
        for (Call call : calls) {
            for (int i = 0; i < warmup; i++) {
                send(client, call.request().build(sequence++));
            }
            long before = serverAllocated(threads);
            for (int i = 0; i < measured; i++) {
                send(client, call.request().build(sequence++));
            }
            long after = serverAllocated(threads);
            table.append(String.format(Locale.ROOT, "| %s | %,d |%n", call.name(), (after - before) / measured));
        }
        System.out.println();
        System.out.print(table);
        System.exit(0);
    }

    private static void awaitUp(HttpClient client, String base) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                client.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException notYet) {
                if (attempt > 600) {
                    throw notYet;
                }
                Thread.sleep(500);
            }
        }
    }

    private record Call(String name, RequestFactory request) {}

    private interface RequestFactory {
        HttpRequest build(int sequence);
    }

    private static HttpRequest get(String url, String token, String caller) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("CallerObjectId", caller)
                .build();
    }

    private static String send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** What the threads other than the client's (this one and the HTTP client's) have allocated so far. */
    private static long serverAllocated(ThreadMXBean threads) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread == Thread.currentThread() || name.startsWith("HttpClient") || name.startsWith("JFR")) {
                continue;
            }
            total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
        }
        return total;
    }

    private static HttpClient client(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry(
                    "demo", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(context)
                .build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
