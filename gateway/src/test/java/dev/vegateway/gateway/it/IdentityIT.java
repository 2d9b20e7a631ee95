package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * First access and group teams (issue 15): a token issued for the user the request names
 * ({@code oid} = {@code CallerObjectId}) creates an unknown, eligible user on its first call (root
 * business unit, default roles, audited), enables a disabled one again, and makes the user a member
 * of the group teams its {@code groups} claim names; an ineligible or mismatched token changes
 * nothing. The invariant: with generated users and groups claims, each user reads exactly the rows
 * and fields its effective grants allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdentityIT {
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";
    private static final String VENDORS = "/mserp_vendvendorv2entities";
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final UUID ELIGIBLE_GROUP = UUID.fromString("00000000-0000-4000-8000-000000000399");
    /** A second group team, bound to this group, with "Sales assistant" (credit limits hidden). */
    private static final UUID ASSISTANTS_GROUP = UUID.fromString("00000000-0000-4000-8000-000000000341");

    private TestBackend backend;
    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        String security;
        try (InputStream in = IdentityIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            security = new String(in.readAllBytes(), UTF_8);
        }
        security = security.replace(
                "\nteams:\n",
                "\nteams:\n  - { name: Assistants (directory group), type: AadSecurityGroup, group: " + ASSISTANTS_GROUP
                        + ", roles: [Sales assistant] }\n");
        gateway = TestGateway.start(
                backend,
                security,
                Map.of(
                        "VEGATEWAY_IDENTITY_FIRST_ACCESS_ENABLED", "true",
                        "VEGATEWAY_IDENTITY_FIRST_ACCESS_TENANTS", TENANT,
                        "VEGATEWAY_IDENTITY_FIRST_ACCESS_GROUP", ELIGIBLE_GROUP.toString(),
                        "VEGATEWAY_IDENTITY_FIRST_ACCESS_DEFAULT_ROLES", "Purchasing agent",
                        "VEGATEWAY_IDENTITY_FIRST_ACCESS_RE_ENABLE", "true"));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A request of the Dataverse application with a token issued for {@code objectId}, naming it in CallerObjectId. */
    private RequestSpecification onBehalfOf(UUID objectId, String tenant, List<UUID> groups) {
        return onBehalfOf(objectId, objectId, tenant, groups);
    }

    private RequestSpecification onBehalfOf(UUID tokenObjectId, UUID header, String tenant, List<UUID> groups) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("oid", tokenObjectId.toString());
        if (tenant != null) {
            claims.put("tid", tenant);
        }
        if (groups != null) {
            claims.put("groups", groups.stream().map(UUID::toString).toList());
        }
        String token = gateway.issuer().mint(TestGateway.DATAVERSE_APP, Duration.ofMinutes(30), claims);
        return gateway.anonymous()
                .header("Authorization", "Bearer " + token)
                .header("CallerObjectId", header.toString());
    }

    private long users(UUID objectId) throws Exception {
        return backend.count("SELECT COUNT(*) FROM vegateway_security.users WHERE entra_object_id = ?", objectId);
    }

    private long audits(UUID objectId, String operation) throws Exception {
        return backend.count(
                "SELECT COUNT(*) FROM vegateway_security.first_access_audit WHERE entra_object_id = ? AND operation = ?",
                objectId,
                operation);
    }

    private long allCustomers() throws Exception {
        return backend.count("SELECT COUNT(*) FROM erp.customer");
    }

    @Test
    void anEligibleUnknownUserIsCreatedOnItsFirstCallInTheRootUnitWithTheDefaultRolesAudited() throws Exception {
        UUID objectId = UUID.randomUUID();
        Response first = onBehalfOf(objectId, TENANT, List.of(ELIGIBLE_GROUP)).get(VENDORS);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
        // Purchasing agent: every vendor; no customers.
        assertThat(first.jsonPath().getList("value")).hasSize((int) backend.count("SELECT COUNT(*) FROM erp.vendor"));
        assertThat(onBehalfOf(objectId, TENANT, List.of(ELIGIBLE_GROUP))
                        .get(CUSTOMERS)
                        .statusCode())
                .isEqualTo(403);
        assertThat(users(objectId)).isEqualTo(1);
        assertThat(backend.single(
                        "SELECT b.parent_id FROM vegateway_security.users u JOIN vegateway_security.business_units b"
                                + " ON b.id = u.business_unit_id WHERE u.entra_object_id = ?",
                        objectId))
                .isNull();
        assertThat(backend.single(
                        "SELECT a.role_name FROM vegateway_security.role_assignments a JOIN vegateway_security.users u"
                                + " ON u.id = a.user_id WHERE u.entra_object_id = ?",
                        objectId))
                .isEqualTo("Purchasing agent");
        assertThat(audits(objectId, "create")).isEqualTo(1);
        // Later calls find the user; nothing more is created or audited.
        assertThat(onBehalfOf(objectId, TENANT, List.of(ELIGIBLE_GROUP))
                        .get(VENDORS)
                        .statusCode())
                .isEqualTo(200);
        assertThat(users(objectId)).isEqualTo(1);
        assertThat(audits(objectId, "create")).isEqualTo(1);
    }

    @Test
    void anIneligibleOrMismatchedTokenKeepsTodaysRefusalAndCreatesNobody() throws Exception {
        UUID wrongTenant = UUID.randomUUID();
        Response refused = onBehalfOf(wrongTenant, "00000000-0000-0000-0000-00000000dead", List.of(ELIGIBLE_GROUP))
                .get(CUSTOMERS);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.jsonPath().getString("error.message")).contains("no backend user with CallerObjectId");
        UUID noGroup = UUID.randomUUID();
        assertThat(onBehalfOf(noGroup, TENANT, List.of()).get(CUSTOMERS).statusCode())
                .isEqualTo(403);
        UUID noClaims = UUID.randomUUID();
        assertThat(onBehalfOf(noClaims, null, null).get(CUSTOMERS).statusCode()).isEqualTo(403);
        // A token issued for another user does not speak for the one the header names.
        UUID header = UUID.randomUUID();
        assertThat(onBehalfOf(UUID.randomUUID(), header, TENANT, List.of(ELIGIBLE_GROUP))
                        .get(CUSTOMERS)
                        .statusCode())
                .isEqualTo(403);
        // Nor does the application's own token (no oid claim).
        UUID plain = UUID.randomUUID();
        assertThat(gateway.asEntra(plain).get(CUSTOMERS).statusCode()).isEqualTo(403);
        for (UUID objectId : List.of(wrongTenant, noGroup, noClaims, header, plain)) {
            assertThat(users(objectId)).as(objectId.toString()).isZero();
        }
    }

    @Test
    void concurrentFirstCallsCreateOneUser() throws Exception {
        UUID objectId = UUID.randomUUID();
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int index = 0; index < callers; index++) {
                RequestSpecification request = onBehalfOf(objectId, TENANT, List.of(ELIGIBLE_GROUP));
                Callable<Integer> call = () -> {
                    ready.countDown();
                    go.await();
                    return request.get(VENDORS).statusCode();
                };
                statuses.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(users(objectId)).isEqualTo(1);
        assertThat(audits(objectId, "create")).isEqualTo(1);
    }

    @Test
    void aDisabledUserWhoIsEligibleAgainIsEnabledOnAccess() throws Exception {
        UUID dora = DemoIdentities.DORA_DISABLED.entraObjectId();
        assertThat(gateway.asEntra(dora).get(CUSTOMERS).statusCode()).isEqualTo(403);
        assertThat(onBehalfOf(dora, "00000000-0000-0000-0000-00000000dead", List.of(ELIGIBLE_GROUP))
                        .get(CUSTOMERS)
                        .statusCode())
                .isEqualTo(403);
        Response enabled = onBehalfOf(dora, TENANT, List.of(ELIGIBLE_GROUP)).get(CUSTOMERS);
        assertThat(enabled.statusCode()).as(enabled.asString()).isEqualTo(200);
        assertThat(enabled.jsonPath().getList("value")).hasSize((int) allCustomers()); // Sales manager
        assertThat(backend.single("SELECT enabled FROM vegateway_security.users WHERE entra_object_id = ?", dora))
                .isEqualTo(true);
        assertThat(audits(dora, "enable")).isEqualTo(1);
        assertThat(users(dora)).isEqualTo(1);
    }

    @Test
    void aGroupTeamMembersAccessComesFromTheGroupsClaim() throws Exception {
        UUID gus = DemoIdentities.GUS_GROUP_TEAM.entraObjectId();
        // Without the group: no role, refused.
        assertThat(gateway.asEntra(gus).get(CUSTOMERS).statusCode()).isEqualTo(403);
        Response member = onBehalfOf(gus, TENANT, List.of(DemoIdentities.SALES_READERS_GROUP))
                .get(CUSTOMERS);
        assertThat(member.statusCode()).as(member.asString()).isEqualTo(200);
        assertThat(member.jsonPath().getList("value")).hasSize((int) allCustomers());
        // Cached for the TTL: a later call whose token carries no groups claim keeps the membership.
        assertThat(gateway.asEntra(gus).get(CUSTOMERS).statusCode()).isEqualTo(200);
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.group_claim_members g JOIN vegateway_security.users u"
                                + " ON u.id = g.user_id WHERE u.entra_object_id = ?",
                        gus))
                .isEqualTo(1);
    }

    /**
     * Generated first-access users, each with a random groups claim over the two group teams and
     * unbound groups: each reads exactly the customers and credit limits its grants allow (Sales
     * manager through the first group: every row and field; Sales assistant through the second: every
     * row, credit limits null; neither: only the default role, which grants no Read on customers: 403).
     */
    @Test
    void generatedUsersAndGroupsClaimsReadExactlyWhatTheirGrantsAllow() throws Exception {
        Random random = new Random(15);
        long all = allCustomers();
        long withCreditLimit = backend.count("SELECT COUNT(*) FROM erp.customer WHERE credit_limit IS NOT NULL");
        assertThat(withCreditLimit).isPositive();
        for (int index = 0; index < 24; index++) {
            UUID objectId = UUID.randomUUID();
            List<UUID> groups = new ArrayList<>(List.of(ELIGIBLE_GROUP));
            boolean managers = random.nextBoolean();
            boolean assistants = random.nextBoolean();
            if (managers) {
                groups.add(DemoIdentities.SALES_READERS_GROUP);
            }
            if (assistants) {
                groups.add(ASSISTANTS_GROUP);
            }
            for (int extra = random.nextInt(3); extra > 0; extra--) {
                groups.add(UUID.randomUUID());
            }
            java.util.Collections.shuffle(groups, random);
            Response response = onBehalfOf(objectId, TENANT, groups)
                    .header("Prefer", "odata.maxpagesize=5000")
                    .get(CUSTOMERS + "?$select=mserp_creditlimit");
            String description = "managers=" + managers + " assistants=" + assistants;
            if (!managers && !assistants) {
                assertThat(response.statusCode()).as(description).isEqualTo(403);
                continue;
            }
            assertThat(response.statusCode())
                    .as(description + response.asString())
                    .isEqualTo(200);
            List<Object> limits = response.jsonPath().getList("value.mserp_creditlimit");
            assertThat(limits).as(description).hasSize((int) all);
            long visibleLimits = limits.stream().filter(value -> value != null).count();
            assertThat(visibleLimits).as(description).isEqualTo(managers ? withCreditLimit : 0);
            // Filtering on a field hidden by every granting role is refused rather than answered.
            int filtered = onBehalfOf(objectId, TENANT, groups)
                    .get(CUSTOMERS + "?$filter=mserp_creditlimit%20gt%200")
                    .statusCode();
            assertThat(filtered).as(description).isEqualTo(managers ? 200 : 403);
        }
    }
}
