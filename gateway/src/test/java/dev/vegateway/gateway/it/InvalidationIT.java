package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two gateway nodes (two {@code Gateway.start} in this JVM) on one database: a change of the
 * security data through one node is enforced by the other, which learns of it from its
 * invalidation listener ({@code LISTEN/NOTIFY} on PostgreSQL, the poller on H2) and never from
 * its request path. The other node has the old state cached before every change (its caches
 * would keep it for 5 minutes), so only the listener can make it enforce the new one. Printed,
 * not asserted (p50/max over the changes), from the moment the changing node answered: when the
 * other node dropped its caches, and when it first answered with the change enforced (which adds
 * the time of its requests, also printed); a change not enforced within {@link #NON_DELIVERY} fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InvalidationIT {
    /** Only to detect a change that never arrives. */
    static final Duration NON_DELIVERY = Duration.ofSeconds(10);

    static final String MAPPINGS = "/msdyn_externalportalusermappings";
    static final String CUSTOMERS = "/mserp_custcustomerv3entities?$top=1";
    static final UUID ALICE = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final UUID PAULA = UUID.fromString("00000000-0000-4000-8000-000000000009");
    static final UUID SECURITY_ADMINISTRATOR = UUID.fromString("00000000-0000-4000-8000-000000000022");

    private static final int MAPPING_CHANGES = 100;
    private static final int IMPORTS = 20;

    TestBackend backend;
    TestGateway first;
    TestGateway second;
    /** When the second node last dropped its security caches. */
    private final AtomicLong secondDropped = new AtomicLong();

    abstract BackendKind kind();

    /** The configuration overrides of both nodes. */
    abstract Map<String, String> environment();

    @BeforeAll
    void startTwoNodes() throws Exception {
        backend = TestBackend.fresh(kind());
        first = TestGateway.start(backend, null, environment());
        second = TestGateway.start(backend, null, environment());
        second.gateway().securityStore().addChangeListener(() -> secondDropped.set(System.nanoTime()));
    }

    @AfterAll
    void stop() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void portalMappingChangesThroughOneNodeAreEnforcedByTheOther() throws Exception {
        UUID contact = UUID.randomUUID();
        assertThat(second.portal(contact).get(CUSTOMERS).statusCode())
                .as("the other node caches: not mapped")
                .isEqualTo(403);
        Delays delays = new Delays();
        for (int change = 0; change < MAPPING_CHANGES; change++) {
            boolean map = change % 2 == 0;
            Response changed = map ? map(first, contact) : unmap(first, contact);
            long answered = System.nanoTime();
            assertThat(changed.statusCode()).as(changed.asString()).isEqualTo(204);
            delays.enforced(answered, awaitStatus(() -> second.portal(contact).get(CUSTOMERS), map ? 200 : 403));
        }
        delays.print("portal-mapping changes");
    }

    @Test
    void securityImportsThroughOneNodeAreEnforcedByTheOther() throws Exception {
        SecurityDocument demo = demoSecurity();
        SecurityDocument aliceWithoutRoles = withoutRoles(demo, ALICE);
        assertThat(second.as(ALICE).get(CUSTOMERS).statusCode())
                .as("the other node caches: Alice reads customers")
                .isEqualTo(200);
        Delays delays = new Delays();
        try {
            for (int change = 0; change < IMPORTS; change++) {
                boolean revoke = change % 2 == 0;
                first.gateway().securityStore().replaceAll(revoke ? aliceWithoutRoles : demo);
                long answered = System.nanoTime();
                delays.enforced(answered, awaitStatus(() -> second.as(ALICE).get(CUSTOMERS), revoke ? 403 : 200));
            }
        } finally {
            first.gateway().securityStore().replaceAll(demo);
        }
        delays.print("security imports");
    }

    Response map(TestGateway node, UUID contact) {
        return node.as(SECURITY_ADMINISTRATOR)
                .contentType("application/json")
                .body("{\"msdyn_contactid\":\"" + contact + "\",\"msdyn_userid\":\"" + PAULA + "\"}")
                .post(MAPPINGS);
    }

    Response unmap(TestGateway node, UUID contact) {
        return node.as(SECURITY_ADMINISTRATOR).delete(MAPPINGS + "(" + contact + ")");
    }

    /** Repeats the request until it answers {@code status}; when the answer came, and how long its request took. */
    static Enforced awaitStatus(Supplier<Response> request, int status) {
        long started = System.nanoTime();
        while (true) {
            long sent = System.nanoTime();
            Response response = request.get();
            long received = System.nanoTime();
            if (response.statusCode() == status) {
                return new Enforced(received, received - sent);
            }
            if (received - started > NON_DELIVERY.toNanos()) {
                fail(
                        "the other node still answers %d, not %d, after %s: %s",
                        response.statusCode(), status, NON_DELIVERY, response.asString());
            }
        }
    }

    /** The first answer that enforced a change: when it arrived, and how long its request took. */
    record Enforced(long received, long requestNanos) {}

    /** The delays of one series of changes. */
    final class Delays {
        private final List<Long> dropped = new ArrayList<>();
        private final List<Long> enforced = new ArrayList<>();
        private final List<Long> requests = new ArrayList<>();

        void enforced(long answered, Enforced first) {
            // The other node may drop its caches before the changing node's answer reaches the client: then 0.
            dropped.add(Math.max(0, secondDropped.get() - answered));
            enforced.add(first.received() - answered);
            requests.add(first.requestNanos());
        }

        void print(String what) {
            System.out.printf(
                    Locale.ROOT,
                    "invalidation (%s, %s): %d changes through one node; the other node dropped its caches after"
                            + " p50 %s, max %s; answered with the change after p50 %s, max %s (one request to it"
                            + " takes p50 %s)%n",
                    kind().name().toLowerCase(Locale.ROOT),
                    what,
                    enforced.size(),
                    p50(dropped),
                    max(dropped),
                    p50(enforced),
                    max(enforced),
                    p50(requests));
        }

        private static String p50(List<Long> nanos) {
            return millis(nanos.stream().sorted().toList().get(nanos.size() / 2));
        }

        private static String max(List<Long> nanos) {
            return millis(nanos.stream().max(Long::compare).orElseThrow());
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
    }

    static SecurityDocument demoSecurity() throws Exception {
        try (InputStream in = InvalidationIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            return SecurityDocument.parse("demo/security.yaml", new String(in.readAllBytes(), UTF_8), Optional.empty());
        }
    }

    static SecurityDocument withoutRoles(SecurityDocument document, UUID userId) {
        List<User> users = new ArrayList<>();
        for (User user : document.users()) {
            users.add(
                    user.id().equals(userId)
                            ? new User(
                                    user.id(),
                                    user.name(),
                                    user.entraObjectId(),
                                    user.enabled(),
                                    user.accessMode(),
                                    user.kind(),
                                    user.businessUnit(),
                                    user.attributes(),
                                    List.of(),
                                    dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE)
                            : user);
        }
        return new SecurityDocument(
                document.businessUnits(),
                document.companies(),
                document.roles(),
                users,
                document.teams(),
                document.applications(),
                document.portal());
    }
}
