package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoData;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Read replicas on PostgreSQL. The "replica" is a second database on the same embedded server,
 * seeded with the same data and then fed by the test, not a streaming replica (embedded
 * PostgreSQL here runs one server without replication): one customer's name differs between the
 * two, which shows which database served each read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaPostgreSqlIT {
    private static final String SET = "/mserp_custcustomerv3entities";
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();

    private TestBackend primary;
    private TestBackend replica;
    private TestGateway gateway;
    private UUID customer;
    private String replicaDatabase;

    @BeforeAll
    void start() throws Exception {
        primary = TestBackend.fresh(BackendKind.POSTGRESQL);
        replica = TestBackend.fresh(BackendKind.POSTGRESQL);
        String path = replica.url().substring(replica.url().lastIndexOf('/') + 1);
        replicaDatabase = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        customer = DemoData.customerId("usmf", DemoData.customerAccount("usmf", 1));
        replica.execute("UPDATE erp.customer SET name = 'Name on the replica' WHERE id = ?", customer);
        gateway = TestGateway.start(primary, null, Map.of("VEGATEWAY_BACKEND_REPLICAS", replica.url()));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Response read(String... preference) {
        var request = gateway.as(SAM);
        if (preference.length > 0) {
            request = request.header("Prefer", preference[0]);
        }
        return request.get(SET + "(" + customer + ")?$select=mserp_name");
    }

    @Test
    void readsGoToTheReplicaAndSayItStrongConsistencyReadsThePrimary() {
        Response fromReplica = read();
        Response fromPrimary = read("vegateway.consistency=strong");

        assertThat(fromReplica.statusCode()).isEqualTo(200);
        assertThat(fromReplica.jsonPath().getString("mserp_name")).isEqualTo("Name on the replica");
        assertThat(fromReplica.header("Server-Timing")).contains("desc=\"replica-1\"");
        assertThat(fromPrimary.jsonPath().getString("mserp_name")).isNotEqualTo("Name on the replica");
        assertThat(fromPrimary.header("Server-Timing")).contains("desc=\"primary\"");
        assertThat(fromPrimary.header("Preference-Applied")).contains("vegateway.consistency=strong");

        Response count = gateway.as(SAM).get(SET + "/$count");
        assertThat(count.header("Server-Timing")).contains("desc=\"replica-1\"");
    }

    @Test
    void aWriteGoesToThePrimaryAndReadsBackWhatItWrote() throws Exception {
        UUID other = DemoData.customerId("usmf", DemoData.customerAccount("usmf", 2));
        Response written = gateway.as(SAM)
                .contentType("application/json")
                .header("Prefer", "return=representation")
                .body("{\"mserp_name\":\"Written through the gateway\"}")
                .patch(SET + "(" + other + ")");

        assertThat(written.statusCode()).as(written.asString()).isEqualTo(200);
        assertThat(written.jsonPath().getString("mserp_name")).isEqualTo("Written through the gateway");
        assertThat(written.header("Server-Timing")).contains("desc=\"primary\"");
        assertThat(primary.single("SELECT name FROM erp.customer WHERE id = ?", other))
                .isEqualTo("Written through the gateway");
        assertThat(replica.single("SELECT name FROM erp.customer WHERE id = ?", other))
                .as("the test feeds the replica; the gateway never writes to it")
                .isNotEqualTo("Written through the gateway");
    }

    @Test
    void aReplicaThatGoesDownIsSkippedAndUsedAgainOnceItAnswers() throws Exception {
        try {
            admin("ALTER DATABASE " + replicaDatabase + " ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + replicaDatabase + "'");
            assertThat(eventually(() -> read().header("Server-Timing"), "desc=\"primary\""))
                    .as("reads fall back to the primary while the replica is down")
                    .isTrue();
            assertThat(read().statusCode()).isEqualTo(200);
        } finally {
            admin("ALTER DATABASE " + replicaDatabase + " ALLOW_CONNECTIONS true");
        }
        assertThat(eventually(() -> read().header("Server-Timing"), "desc=\"replica-1\""))
                .as("reads return to the replica once its probe sees it answer")
                .isTrue();
    }

    /** Polls (up to 15 s) until {@code value} contains {@code wanted}. */
    private static boolean eventually(Supplier<String> value, String wanted) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            String current = value.get();
            if (current != null && current.contains(wanted)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Runs {@code sql} on the server's maintenance database (not the replica's own). */
    private void admin(String sql) throws Exception {
        String url = replica.url().replace("/" + replicaDatabase, "/postgres");
        try (Connection connection = DriverManager.getConnection(url, replica.username(), replica.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
