package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A gateway with a pool of one connection, held by a request whose statement waits for a table
 * lock: the next request waits {@code backend.acquireTimeout}, then is answered 503
 * {@code 0x8ff00012} with {@code Retry-After: 1} instead of queueing, and the node stays ready (a
 * busy pool is no outage). Once the lock goes, the held request completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class PoolBusyPostgreSqlIT {
    private static final String SET = "mserp_custcustomerv3entities";
    private static final UUID READER = UUID.fromString("00000000-0000-4000-8000-0000000009b1");
    private static final String SECURITY =
            """
            businessUnits:
              - name: Contoso
            companies: [usmf, demf, gbsi]
            roles:
              - name: Customer reader
                privileges:
                  - { entity: mserp_custcustomerv3entity, read: Global }
            users:
              - { id: 00000000-0000-4000-8000-0000000009b1, name: Pool Reader, businessUnit: Contoso, roles: [Customer reader] }
            applications:
              - { appId: 11111111-1111-4111-8111-111111111111, name: Dataverse, kind: dataverse, enabled: true, roles: [CDSVirtualEntityApplication] }
            """;

    private TestBackend backend;
    private TestGateway gateway;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(BackendKind.POSTGRESQL);
        gateway = TestGateway.start(
                backend,
                SECURITY,
                Map.of("VEGATEWAY_BACKEND_POOL_SIZE", "1", "VEGATEWAY_BACKEND_ACQUIRE_TIMEOUT", "250ms"));
    }

    @AfterAll
    void stop() throws Exception {
        executor.shutdownNow();
        if (gateway != null) {
            gateway.close();
        }
    }

    private Response read() {
        return gateway.as(READER).get(SET + "?$select=mserp_customeraccount&$top=1");
    }

    @Test
    void aRequestWaitingLongerThanTheAcquireTimeoutGets503WithRetryAfter() throws Exception {
        assertThat(read().statusCode())
                .as("warm: the caller is resolved and cached")
                .isEqualTo(200);
        Future<Response> held;
        Response refused;
        try (Connection lock = backend.connect()) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE erp.customer IN ACCESS EXCLUSIVE MODE");
            }
            held = executor.submit(this::read);
            awaitLockWaiter();

            refused = read();

            lock.rollback();
        }
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("0x8ff00012");
        assertThat(refused.jsonPath().getString("error.message"))
                .startsWith("Every backend connection stayed busy for ")
                .endsWith(" ms (backend.acquireTimeout); retry later.");
        assertThat(held.get(60, TimeUnit.SECONDS).statusCode())
                .as("the request that held the connection completes once the lock is gone")
                .isEqualTo(200);
        assertThat(read().statusCode()).isEqualTo(200);

        HttpClient admin = HttpClient.newHttpClient();
        HttpResponse<String> ready = admin.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/health/ready"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode())
                .as("a busy pool is no outage: " + ready.body())
                .isEqualTo(200);
    }

    /** Waits until a session of the test database waits for a lock: the held request's statement. */
    private void awaitLockWaiter() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) >= 1) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the first request never waited for the table lock");
    }
}
