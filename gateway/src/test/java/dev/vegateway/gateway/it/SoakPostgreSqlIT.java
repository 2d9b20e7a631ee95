package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * account stored twice. Printed: requests, statuses, heap after a full GC before and after.
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

    /** What a run saw: answers by status, and the keys and accounts of the creates it acknowledged. */
    private record Run(Map<Integer, Long> statuses, Map<String, String> acknowledged, long requests) {}

    @Test
    void mixedLoadLosesNothingAndAnswersOnly2xx() throws Exception {
        long heapBefore = heapAfterGc();
        Run run = load("STEADY", () -> {});
        long heapAfter = heapAfterGc();
        LOG.info(
                "soak: {} connections, {}: {} requests, statuses {}, heap after GC {} MiB before, {} MiB after",
                CONNECTIONS,
                DURATION,
                run.requests(),
                run.statuses(),
                heapBefore >> 20,
                heapAfter >> 20);
        assertThat(run.statuses().keySet()).as("statuses %s", run.statuses()).allMatch(status -> status / 100 == 2);
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
                "soak with two database restarts: {} connections, {}: {} requests, statuses {}",
                CONNECTIONS,
                DURATION,
                run.requests(),
                run.statuses());
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
        assertThat(accounts).as("no account stored twice").hasSize((int) rows);
        assertThat(stored).as("every acknowledged create is stored").containsAllEntriesOf(run.acknowledged());
        if (!outages) {
            assertThat(stored).as("nothing stored that was not acknowledged").hasSameSizeAs(run.acknowledged());
        }
        LOG.info(
                "{}: {} creates acknowledged, {} stored",
                prefix,
                run.acknowledged().size(),
                stored.size());
    }

    /** {@link #CONNECTIONS} clients in a closed loop for {@link #DURATION}: 50 % pages, 20 % by key, 30 % creates. */
    private Run load(String prefix, Runnable meanwhile) throws Exception {
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong requests = new AtomicLong();
        long deadline = System.nanoTime() + DURATION.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS + 1);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int number = 0; number < CONNECTIONS; number++) {
                int clientNumber = number;
                clients.add(pool.submit(() -> {
                    Random random = new Random(clientNumber);
                    int created = 0;
                    while (System.nanoTime() < deadline) {
                        int pick = random.nextInt(10);
                        HttpResponse<String> response;
                        if (pick < 5) {
                            response = send(request(SET + "?$select=mserp_customeraccount,mserp_name&$top=20"
                                            + "&$orderby=mserp_name")
                                    .GET());
                        } else if (pick < 7) {
                            response = send(request(SET + "(" + customers.get(random.nextInt(customers.size())) + ")")
                                    .GET());
                        } else {
                            String account = prefix + "-" + clientNumber + "-" + (++created);
                            response = send(request(SET)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"mserp_dataareaid\":\"usmf\"," + "\"mserp_customeraccount\":\"" + account
                                                    + "\",\"mserp_name\":\"Soak\"}")));
                            if (response.statusCode() == 204) {
                                String id = response.headers()
                                        .firstValue("OData-EntityId")
                                        .orElseThrow();
                                acknowledged.put(id.substring(id.lastIndexOf('(') + 1, id.length() - 1), account);
                            }
                        }
                        requests.incrementAndGet();
                        statuses.merge(response.statusCode(), 1L, Long::sum);
                    }
                    return null;
                }));
            }
            Future<?> faults = pool.submit(meanwhile);
            for (Future<?> future : clients) {
                future.get(DURATION.toSeconds() + 300, TimeUnit.SECONDS);
            }
            faults.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return new Run(new TreeMap<>(statuses), acknowledged, requests.get());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.serviceRoot() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("MSCRMCallerID", SAM.toString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
