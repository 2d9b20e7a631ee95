package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link InvalidationIT} on embedded PostgreSQL ({@code LISTEN/NOTIFY}), and the listeners'
 * connections ended with {@code pg_terminate_backend}: a change made at once (while they
 * reconnect) and a change made after they are back both reach the other node.
 */
class InvalidationPostgreSqlIT extends InvalidationIT {
    @Override
    BackendKind kind() {
        return BackendKind.POSTGRESQL;
    }

    @Override
    Map<String, String> environment() {
        return Map.of();
    }

    @Test
    void changesArriveAfterTheListenersConnectionsWereKilled() throws Exception {
        UUID contact = UUID.randomUUID();
        assertThat(second.portal(contact).get(CUSTOMERS).statusCode()).isEqualTo(403);
        long connectsBefore = second.gateway().security().listener().connects();

        assertThat(backend.count(
                        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE application_name = ? AND datname = current_database()",
                        Backends.LISTENER_APPLICATION_NAME))
                .as("both nodes' listeners")
                .isEqualTo(2);
        Response mapped = map(first, contact);
        assertThat(mapped.statusCode()).as(mapped.asString()).isEqualTo(204);
        awaitStatus(() -> second.portal(contact).get(CUSTOMERS), 200);

        long deadline = System.nanoTime() + NON_DELIVERY.toNanos();
        while (second.gateway().security().listener().connects() <= connectsBefore) {
            if (System.nanoTime() > deadline) {
                fail("the listener did not reconnect within " + NON_DELIVERY);
            }
            Thread.sleep(10);
        }
        Response unmapped = unmap(first, contact);
        assertThat(unmapped.statusCode()).as(unmapped.asString()).isEqualTo(204);
        awaitStatus(() -> second.portal(contact).get(CUSTOMERS), 403);
    }
}
