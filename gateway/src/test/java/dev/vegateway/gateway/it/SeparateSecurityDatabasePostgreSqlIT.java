package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link SeparateSecurityDatabaseIT} with both databases in one embedded PostgreSQL server; and
 * the security database refusing connections: readiness turns 503 and a caller that needs it is
 * answered 503, until it accepts them again.
 */
class SeparateSecurityDatabasePostgreSqlIT extends SeparateSecurityDatabaseIT {
    private static final Duration NON_DELIVERY = Duration.ofSeconds(10);
    private static final HttpClient ADMIN = HttpClient.newHttpClient();

    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }

    @Test
    void readinessAndCallerResolutionFollowTheSecurityDatabase() throws Exception {
        String name = (String) security.single("SELECT current_database()");
        assertThat(ready()).isEqualTo(200);
        try {
            business.execute("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS false");
            business.count("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ?", name);
            awaitReady(503);
            Response refused = gateway.as(UUID.randomUUID()).get("/mserp_custcustomerv3entities?$top=1");
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("0x8ff00010");
            assertThat(refused.jsonPath().getString("error.message")).contains("security store is unavailable");
        } finally {
            business.execute("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS true");
        }
        awaitReady(200);
    }

    private int ready() throws Exception {
        return ADMIN.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/health/ready"))
                                .timeout(NON_DELIVERY)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void awaitReady(int status) throws Exception {
        long deadline = System.nanoTime() + NON_DELIVERY.toNanos();
        while (ready() != status) {
            if (System.nanoTime() > deadline) {
                fail("readiness is not " + status + " within " + NON_DELIVERY);
            }
            Thread.sleep(20);
        }
    }
}
