package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Soak and faults on PostgreSQL: many connections of mixed reads and creates for a while, then the
 * same with the database restarted twice in the middle. Checked: no answer but 2xx (and only 503
 * while the database is down), every acknowledged create stored exactly once (counted by SQL), no
 * account stored twice, and a flat heap: after a full GC at the end it holds at most
 * {@link #HEAP_GROWTH_ALLOWED} more than at a fifth of the run. The clients behave as a Dataverse client
 * should: a 503 "backend busy" ({@code 0x8ff00012}: every pool connection stayed in use for
 * {@code backend.acquireTimeout}, so nothing was done) is sent again after its {@code Retry-After};
 * such retries are counted and printed, and every request's final answer must be 2xx. The test keeps
 * what it acknowledged in a file, not on the heap it measures. Printed: requests, statuses, busy
 * retries, the heap after a full GC at each fifth of the run.
 *
 * <p>{@code mvn verify} runs a short version (16 connections, 8 s each); the {@code soak} profile of
 * the gateway module runs the long one ({@code -Dvegateway.soak.connections=64
 * -Dvegateway.soak.duration=PT10M}). This class runs its own embedded PostgreSQL, because it stops it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoakPostgreSqlIT {
    private static final Logger LOG = LoggerFactory.getLogger(SoakPostgreSqlIT.class);
    private static final int CONNECTIONS = Integer.getInteger("vegateway.soak.connections", 16);
    private static final Duration DURATION = Duration.parse(System.getProperty("vegateway.soak.duration", "PT8S"));
    private static final String SET = "mserp_custcustomerv3entities";
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
    /** How much more the heap may hold after a full GC at the end than at a fifth of the run. */
    private static final long HEAP_GROWTH_ALLOWED = 64L << 20;

    private static final String BUSY = "0x8ff00012";

    private StoppablePostgres postgres;
    private TestBackend backend;
    private TestGateway gateway;
    private HttpClient client;
    private String token;
    private List<String> customers;

    @BeforeAll
    void start() throws Exception {
        postgres = StoppablePostgres.start("soak");
        backend = postgres.backend();
        // the load comes from one user: service protection limits would answer 429 long before the end
        gateway = TestGateway.start(backend, null, Map.of("VEGATEWAY_THROTTLING_ENABLED", "false"));
        client = HttpClient.newBuilder()
                .sslContext(gateway.sslContext())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4))
                .build();
        token = gateway.token(TestGateway.DATAVERSE_APP);
        customers = new ArrayList<>();
        try (Connection connection = backend.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM erp.customer")) {
            while (rows.next()) {
                customers.add(rows.getObject(1, UUID.class).toString());
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /**
     * What a run saw: final answers by status, the file of the keys and accounts of the creates it
     * acknowledged ({@code key,account} lines), busy answers sent again, and the heap after a full GC
     * at each fifth of the run (the last after it).
     */
    private record Run(
            Map<Integer, Long> statuses, Path acknowledged, long requests, long busyRetries, List<Long> heap) {

        Map<String, String> acknowledgedCreates() throws IOException {
            Map<String, String> creates = new TreeMap<>();
            for (String line : Files.readAllLines(acknowledged)) {
                int comma = line.indexOf(',');
                creates.put(line.substring(0, comma), line.substring(comma + 1));
            }
            return creates;
        }
    }

    @Test
    void mixedLoadLosesNothingAndAnswersOnly2xx() throws Exception {
        Run run = load("STEADY", () -> {});
        LOG.info(
                "soak: {} connections, {}: {} requests, final statuses {}, {} busy answers (0x8ff00012) sent again,"
                        + " heap after GC at each fifth {} MiB",
                CONNECTIONS,
                DURATION,
                run.requests(),
                run.statuses(),
                run.busyRetries(),
                run.heap().stream().map(bytes -> bytes >> 20).toList());
        assertThat(run.statuses().keySet()).as("statuses %s", run.statuses()).allMatch(status -> status / 100 == 2);
        assertThat(run.heap().get(run.heap().size() - 1))
                .as("heap after GC at the end against a fifth of the run, %s", run.heap())
                .isLessThanOrEqualTo(run.heap().get(0) + HEAP_GROWTH_ALLOWED);
        assertStoredExactlyOnce("STEADY", run, false);
    }

    @Test
    void twoDatabaseRestartsAnswer503OnlyAndLoseNothingAcknowledged() throws Exception {
        Run run = load("RESTART", () -> {
            try {
                for (int restart = 0; restart < 2; restart++) {
                    Thread.sleep(DURATION.toMillis() / 4);
                    postgres.stop();
                    Thread.sleep(1_000);
                    postgres.restart();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        LOG.info(
                "soak with two database restarts: {} connections, {}: {} requests, final statuses {}, {} busy answers"
                        + " (0x8ff00012) sent again",
                CONNECTIONS,
                DURATION,
                run.requests(),
                run.statuses(),
                run.busyRetries());
        assertThat(run.statuses().keySet())
                .as("statuses %s", run.statuses())
                .allMatch(status -> status / 100 == 2 || status == 503);
        assertThat(run.statuses()).as("the database was down twice").containsKey(503);
        assertStoredExactlyOnce("RESTART", run, true);
    }

    /** Every acknowledged create is stored; no account is stored twice; with outages, more may be stored than acknowledged. */
    private void assertStoredExactlyOnce(String prefix, Run run, boolean outages) throws Exception {
        Map<String, String> stored = new TreeMap<>();
        long rows = 0;
        try (Connection connection = backend.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT id, account_num FROM erp.customer WHERE account_num LIKE '" + prefix + "-%'")) {
            while (result.next()) {
                rows++;
                stored.put(result.getObject(1, UUID.class).toString(), result.getString(2));
            }
        }
        Set<String> accounts = new TreeSet<>(stored.values());
        Map<String, String> acknowledged = run.acknowledgedCreates();
        assertThat(accounts).as("no account stored twice").hasSize((int) rows);
        assertThat(stored).as("every acknowledged create is stored").containsAllEntriesOf(acknowledged);
        if (!outages) {
            assertThat(stored).as("nothing stored that was not acknowledged").hasSameSizeAs(acknowledged);
        }
        LOG.info("{}: {} creates acknowledged, {} stored", prefix, acknowledged.size(), stored.size());
    }

    /**
     * {@link #CONNECTIONS} clients in a closed loop for {@link #DURATION}: 50 % pages, 20 % by key, 30 %
     * creates; a busy answer is sent again after its {@code Retry-After}. Meanwhile the heap is measured
     * after a full GC at each fifth of the run.
     */
    private Run load(String prefix, Runnable meanwhile) throws Exception {
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        Path acknowledgedFile = Files.createTempFile("vegateway-soak-" + prefix, ".csv");
        acknowledgedFile.toFile().deleteOnExit();
        AtomicLong requests = new AtomicLong();
        AtomicLong busyRetries = new AtomicLong();
        List<Long> heap = new java.util.concurrent.CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        long deadline = started + DURATION.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS + 2);
        try (java.io.BufferedWriter acknowledged = Files.newBufferedWriter(acknowledgedFile, UTF_8)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int number = 0; number < CONNECTIONS; number++) {
                int clientNumber = number;
                clients.add(pool.submit(() -> {
                    Random random = new Random(clientNumber);
                    int created = 0;
                    while (System.nanoTime() < deadline) {
                        int pick = random.nextInt(10);
                        HttpRequest request;
                        String account = null;
                        if (pick < 5) {
                            request = request(SET + "?$select=mserp_customeraccount,mserp_name&$top=20"
                                            + "&$orderby=mserp_name")
                                    .GET()
                                    .build();
                        } else if (pick < 7) {
                            request = request(SET + "(" + customers.get(random.nextInt(customers.size())) + ")")
                                    .GET()
                                    .build();
                        } else {
                            account = prefix + "-" + clientNumber + "-" + (++created);
                            request = request(SET)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"mserp_dataareaid\":\"usmf\","
                                            + "\"mserp_customeraccount\":\"" + account + "\",\"mserp_name\":\"Soak\"}"))
                                    .build();
                        }
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        while (response.statusCode() == 503 && response.body().contains(BUSY)) {
                            busyRetries.incrementAndGet();
                            Thread.sleep(1_000L
                                    * response.headers()
                                            .firstValue("Retry-After")
                                            .map(Long::parseLong)
                                            .orElse(1L));
                            response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        }
                        if (account != null && response.statusCode() == 204) {
                            String id = response.headers()
                                    .firstValue("OData-EntityId")
                                    .orElseThrow();
                            String line = id.substring(id.lastIndexOf('(') + 1, id.length() - 1) + "," + account + "\n";
                            synchronized (acknowledged) {
                                acknowledged.write(line);
                            }
                        }
                        requests.incrementAndGet();
                        statuses.merge(response.statusCode(), 1L, Long::sum);
                    }
                    return null;
                }));
            }
            Future<?> faults = pool.submit(meanwhile);
            Future<?> heapSampler = pool.submit(() -> {
                for (int fifth = 1; fifth < 5; fifth++) {
                    Thread.sleep(
                            Math.max(0, (started + DURATION.toNanos() * fifth / 5 - System.nanoTime()) / 1_000_000));
                    heap.add(heapAfterGc());
                }
                return null;
            });
            for (Future<?> future : clients) {
                future.get(DURATION.toSeconds() + 300, TimeUnit.SECONDS);
            }
            faults.get(60, TimeUnit.SECONDS);
            heapSampler.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        heap.add(heapAfterGc());
        return new Run(new TreeMap<>(statuses), acknowledgedFile, requests.get(), busyRetries.get(), List.copyOf(heap));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.serviceRoot() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("MSCRMCallerID", SAM.toString());
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
