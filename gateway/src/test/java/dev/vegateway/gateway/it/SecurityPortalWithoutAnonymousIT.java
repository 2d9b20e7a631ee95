package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** A portal request without a contact when no anonymous portal user is configured is 401 (issue 3). */
abstract class SecurityPortalWithoutAnonymousIT extends SecurityIT {
    private static final String ANONYMOUS_LINE = "  anonymousUser: " + DemoIdentities.ANONYMOUS_PORTAL.id() + "\n";

    @Override
    String backendName() {
        return "security-without-anonymous";
    }

    @Override
    String securityYaml() throws Exception {
        String demo;
        try (InputStream in = SecurityPortalWithoutAnonymousIT.class.getResourceAsStream("/demo/security.yaml")) {
            demo = new String(in.readAllBytes(), UTF_8);
        }
        assertThat(demo).contains(ANONYMOUS_LINE);
        return demo.replace(ANONYMOUS_LINE, "");
    }

    @Test
    void aPortalRequestWithoutContactIs401() {
        for (EntitySet set : EntitySet.values()) {
            assertThat(assertError(gateway.portal(null).get(set.set), 401, UNAUTHENTICATED_CALLER))
                    .contains("anonymous");
        }
        assertError(gateway.portal(null).get(EntitySet.PRODUCTS.set + "/$count"), 401, UNAUTHENTICATED_CALLER);
    }

    @Test
    void mappedContactsAreUnaffected() throws Exception {
        assertThat(visible(paged(gateway.portal(DemoIdentities.PAULA_CONTACT.id())), EntitySet.CUSTOMERS, ""))
                .isEqualTo(sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf'"));
    }
}
