package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Service protection limits through the whole chain, with real tokens and users: the per-user
 * request limit (set to 5 here) counts each user apart, is refused with Dataverse's code before
 * any database work, and the anonymous portal visitor, who stands for many people, has none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlingIT {
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities?$top=1";

    private TestGateway gateway;

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(
                TestBackend.shared(BackendKind.H2, "demo"),
                null,
                Map.of("VEGATEWAY_THROTTLING_USER_REQUESTS", "5", "VEGATEWAY_THROTTLING_WINDOW", "5m"));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void eachUserHasTheirOwnCountAndTheOneOverIsRefusedWithDataversesError() {
        for (int remaining = 4; remaining >= 0; remaining--) {
            Response answer =
                    gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id()).get(CUSTOMERS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.header("x-ms-ratelimit-burst-remaining-xrm-requests"))
                    .isEqualTo(Integer.toString(remaining));
            assertThat(answer.header("x-ms-ratelimit-time-remaining-xrm-requests"))
                    .matches("\\d+\\.\\d\\d");
        }
        Response refused = gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id()).get(CUSTOMERS);
        Response otherUser = gateway.as(DemoIdentities.BOB_SALES_CLERK.id()).get(CUSTOMERS);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("0x80072322");
        assertThat(refused.jsonPath().getString("error.message"))
                .contains("exceeded the limit of 5 over time window of 300 seconds for this user");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 301L);
        assertThat(refused.header("Server-Timing")).contains("db;dur=0.000");
        assertThat(otherUser.statusCode()).isEqualTo(200);
        assertThat(otherUser.header("x-ms-ratelimit-burst-remaining-xrm-requests"))
                .isEqualTo("4");
    }

    @Test
    void theAnonymousPortalVisitorIsNotLimitedAsOneUser() {
        for (int i = 0; i < 8; i++) {
            Response answer = gateway.anonymous().get("/mserp_ecoresreleasedproductv2entities?$top=1");
            assertThat(answer.statusCode()).as("request %d", i).isNotEqualTo(429);
            assertThat(answer.header("x-ms-ratelimit-burst-remaining-xrm-requests"))
                    .isNull();
        }
    }
}
