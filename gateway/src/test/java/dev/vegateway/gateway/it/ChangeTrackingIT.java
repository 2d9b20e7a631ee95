package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Change tracking end to end ({@code Prefer: odata.track-changes}, delta links): a delta link
 * answers exactly what changed and what was deleted since it was given, pages keep the version
 * of their first page, no change committed by concurrent writers is missed, every row of a
 * delta is what the caller reads directly, and bad or old tokens are refused precisely.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChangeTrackingIT {
    private static final String SET = "mserp_custcustomerv3entities";
    private static final String KEY = "mserp_custcustomerv3entityid";
    private static final String TRACK = "odata.track-changes";
    private static final DemoIdentities.User SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditRetentionIT.TestClock clock =
            new AuditRetentionIT.TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TestBackend backend;
    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway =
                TestGateway.start(backend, null, Map.of("VEGATEWAY_AUDIT_RETENTION", "7d"), trackedCustomers(), clock);
    }

    /**
     * The demo catalog with its customers change-tracked too (their security has every part: company, owner, unit,
     * field rules), and their bound action storing the change version.
     */
    static String trackedCustomers() throws Exception {
        String catalog;
        try (var in = ChangeTrackingIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            catalog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String customers = "    fields:\n      - { name: mserp_custcustomerv3entityid,";
        String placeOnHold = "version_number = version_number + 1 WHERE id = :key\"";
        assertThat(catalog).contains(customers).contains(placeOnHold);
        return catalog.replace(customers, customers.replace("    fields:", "    changeTracking: true\n    fields:"))
                .replace(placeOnHold, "version_number = :change_version WHERE id = :key\"");
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    /** One change-tracking answer walked to its end: its rows, its deleted keys and its delta link. */
    private record Delta(Map<String, JsonNode> rows, Set<String> deleted, String deltaLink, int pages) {}

    private RequestSpecification tracking(DemoIdentities.User user, int pageSize) {
        return gateway.as(user.id()).header("Prefer", TRACK + ",odata.maxpagesize=" + pageSize);
    }

    /** GET {@code pathAndQuery} (relative to the service root, or a link of an answer), following nextLinks. */
    private Delta walk(DemoIdentities.User user, String pathAndQuery, int pageSize) throws Exception {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        Set<String> deleted = new TreeSet<>();
        String next = pathAndQuery;
        int pages = 0;
        while (true) {
            Response response = tracking(user, pageSize).get(relative(next));
            assertThat(response.statusCode())
                    .as(next + ": " + response.asString())
                    .isEqualTo(200);
            assertThat(response.header("Preference-Applied")).contains(TRACK);
            JsonNode page = JSON.readTree(response.asString());
            assertThat(page.get("@odata.context").asText()).endsWith("/$delta");
            pages++;
            for (JsonNode entry : page.get("value")) {
                if (entry.has("@odata.context")) {
                    assertThat(entry.get("@odata.context").asText()).endsWith(SET + "/$deletedEntity");
                    assertThat(entry.get("reason").asText()).isEqualTo("deleted");
                    assertThat(deleted.add(entry.get("id").asText()))
                            .as("deleted once")
                            .isTrue();
                } else {
                    assertThat(rows.put(entry.get(KEY).asText(), entry))
                            .as("each row once")
                            .isNull();
                }
            }
            if (page.has("@odata.nextLink")) {
                assertThat(page.has("@odata.deltaLink"))
                        .as("the delta link ends the last page")
                        .isFalse();
                next = page.get("@odata.nextLink").asText();
            } else {
                assertThat(page.has("@odata.deltaLink")).as(page.toString()).isTrue();
                return new Delta(rows, deleted, page.get("@odata.deltaLink").asText(), pages);
            }
        }
    }

    private String relative(String link) {
        String root = gateway.serviceRoot();
        return link.startsWith(root) ? link.substring(root.length()) : link;
    }

    @Test
    void aDeltaLinkAnswersWhatWasCreatedChangedAndDeletedSince() throws Exception {
        UUID doomed = create("usmf", "CT-DOOMED");
        Delta initial = walk(SAM, SET + "?$select=mserp_name," + KEY, 5000);
        assertThat(initial.rows().keySet()).isEqualTo(ids("SELECT id FROM erp.customer"));
        assertThat(initial.deleted()).isEmpty();
        assertThat(initial.deltaLink()).contains("$select=mserp_name," + KEY).contains("$deltatoken=");

        Delta nothingYet = walk(SAM, initial.deltaLink(), 5000);
        assertThat(nothingYet.rows()).isEmpty();
        assertThat(nothingYet.deleted()).isEmpty();

        UUID created = create("demf", "CT-NEW");
        String changed = initial.rows().keySet().stream()
                .filter(id -> !id.equals(doomed.toString()))
                .findFirst()
                .orElseThrow();
        patch(UUID.fromString(changed), "{\"mserp_name\":\"Changed since\"}");
        delete(doomed);

        Delta since = walk(SAM, initial.deltaLink(), 5000);
        assertThat(since.rows().keySet()).containsExactlyInAnyOrder(created.toString(), changed);
        assertThat(since.rows().get(changed).get("mserp_name").asText()).isEqualTo("Changed since");
        assertThat(since.rows().get(changed).has("mserp_creditlimit"))
                .as("the delta keeps the $select")
                .isFalse();
        assertThat(since.deleted()).containsExactly(doomed.toString());
        // a link given before the changes answers them too; the newest answers nothing
        assertThat(walk(SAM, nothingYet.deltaLink(), 5000).rows().keySet())
                .containsExactlyInAnyOrder(created.toString(), changed);
        Delta after = walk(SAM, since.deltaLink(), 5000);
        assertThat(after.rows()).isEmpty();
        assertThat(after.deleted()).isEmpty();
    }

    @Test
    void thePagesOfOneAnswerKeepTheVersionOfItsFirstPage() throws Exception {
        Set<String> all = ids("SELECT id FROM erp.customer");
        Response first = tracking(SAM, 3).get(SET + "?$select=" + KEY);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
        String next = first.jsonPath().getString("'@odata.nextLink'");
        assertThat(next)
                .as("a page of three of %s rows", all.size())
                .isNotNull()
                .contains("$skiptoken=~");
        // changed after the first page was read: not a row of this answer's version, so its delta link names it
        String changed = first.jsonPath().getString("value[0]." + KEY);
        patch(UUID.fromString(changed), "{\"mserp_name\":\"Changed between pages\"}");
        Delta rest = walk(SAM, next, 3);
        Set<String> seen = new TreeSet<>(rest.rows().keySet());
        seen.addAll(first.jsonPath().getList("value." + KEY, String.class));
        assertThat(seen).isEqualTo(all);
        assertThat(rest.pages()).isGreaterThan(1);
        Delta since = walk(SAM, rest.deltaLink(), 3);
        assertThat(since.rows().keySet()).contains(changed);
    }

    @Test
    void noChangeCommittedByConcurrentWritersIsMissed() throws Exception {
        List<String> customers = new ArrayList<>(ids("SELECT id FROM erp.customer WHERE data_area_id = 'usmf'"));
        Map<String, String> latest = new ConcurrentHashMap<>();
        String link = walk(SAM, SET + "?$select=mserp_name," + KEY, 5000).deltaLink();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                int number = writer;
                writers.add(pool.submit(() -> {
                    Random random = new Random(number);
                    for (int change = 0; change < 20; change++) {
                        String id = customers.get(random.nextInt(customers.size()));
                        patch(UUID.fromString(id), "{\"mserp_name\":\"W" + number + "-" + change + "\"}");
                    }
                    return null;
                }));
            }
            // a reader follows delta links while the writers write, keeping the newest name of each row
            Future<String> reader = pool.submit(() -> {
                String current = link;
                while (writing.get()) {
                    Delta delta = walk(SAM, current, 5000);
                    delta.rows()
                            .forEach((id, row) ->
                                    latest.put(id, row.get("mserp_name").asText()));
                    current = delta.deltaLink();
                }
                return current;
            });
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            String last = reader.get(120, TimeUnit.SECONDS);
            walk(SAM, last, 5000)
                    .rows()
                    .forEach((id, row) -> latest.put(id, row.get("mserp_name").asText()));
        } finally {
            pool.shutdownNow();
        }
        Map<String, String> stored = new HashMap<>();
        try (var connection = backend.connect();
                var statement = connection.createStatement();
                var result = statement.executeQuery("SELECT id, name FROM erp.customer WHERE data_area_id = 'usmf'")) {
            while (result.next()) {
                stored.put(result.getObject(1, UUID.class).toString(), result.getString(2));
            }
        }
        stored.entrySet().removeIf(entry -> !entry.getValue().startsWith("W"));
        assertThat(stored).as("rows the writers changed").isNotEmpty();
        assertThat(latest).containsAllEntriesOf(stored);
    }

    @Test
    void everyRowOfADeltaIsWhatTheCallerReadsDirectly() throws Exception {
        List<DemoIdentities.User> readers = SecurityIT.READERS_OF_ORDERS_AND_CUSTOMERS;
        String select = "?$select=" + KEY + ",mserp_name,mserp_creditlimit,mserp_dataareaid,mserp_ownerid";
        Map<DemoIdentities.User, String> links = new LinkedHashMap<>();
        for (DemoIdentities.User reader : readers) {
            links.put(reader, walk(reader, SET + select, 5000).deltaLink());
        }
        // the administrator changes rows of every company and unit, creates and deletes some
        Random random = new Random(11);
        List<String> all = new ArrayList<>(ids("SELECT id FROM erp.customer"));
        Set<String> changed = new HashSet<>();
        for (int change = 0; change < 25; change++) {
            String id = all.get(random.nextInt(all.size()));
            patch(
                    UUID.fromString(id),
                    "{\"mserp_name\":\"Invariant " + change + "\",\"mserp_creditlimit\":" + change + "}");
            changed.add(id);
        }
        for (String company : List.of("usmf", "demf", "gbsi")) {
            changed.add(create(company, "CT-INV-" + company).toString());
        }
        for (DemoIdentities.User reader : readers) {
            Delta delta = walk(reader, links.get(reader), 5000);
            JsonNode direct = JSON.readTree(gateway.as(reader.id())
                    .header("Prefer", "odata.maxpagesize=5000")
                    .get(SET + select)
                    .asString());
            Map<String, JsonNode> readable = new HashMap<>();
            direct.get("value").forEach(row -> readable.put(row.get(KEY).asText(), row));
            for (Map.Entry<String, JsonNode> row : delta.rows().entrySet()) {
                assertThat(readable)
                        .as("%s reads %s directly", reader.name(), row.getKey())
                        .containsKey(row.getKey());
                assertThat(row.getValue())
                        .as("%s: the delta's row is the direct read's", reader.name())
                        .isEqualTo(readable.get(row.getKey()));
            }
            Set<String> expected = new TreeSet<>(changed);
            expected.retainAll(readable.keySet());
            assertThat(delta.rows().keySet())
                    .as("%s sees every change to a row they may read", reader.name())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aBoundActionThatStoresTheChangeVersionIsInTheDelta() throws Exception {
        UUID customer = create("usmf", "CT-ACTION");
        String link =
                walk(SAM, SET + "?$select=mserp_onholdstatus," + KEY, 5000).deltaLink();
        Response held = gateway.as(SAM.id())
                .contentType("application/json")
                .body("{}")
                .post(SET + "(" + customer + ")/Microsoft.Dynamics.CRM.mserp_PlaceOnHold");
        assertThat(held.statusCode()).as(held.asString()).isEqualTo(204);
        Delta since = walk(SAM, link, 5000);
        assertThat(since.rows().keySet()).containsExactly(customer.toString());
        assertThat(since.rows()
                        .get(customer.toString())
                        .get("mserp_onholdstatus")
                        .asText())
                .as("All (2), by name or by value")
                .isIn("All", "2");
    }

    @Test
    void aBoundActionHandlerThatStoresTheChangeVersionIsInTheDelta() throws Exception {
        String orders = "mserp_salesorderheaderv2entities";
        String order = backend.single(
                        "SELECT MIN(CAST(h.id AS VARCHAR(36))) FROM erp.sales_order_header h WHERE h.status = 0"
                                + " AND EXISTS (SELECT 1 FROM erp.sales_order_line l WHERE l.sales_order_id = h.id)")
                .toString();
        Response first = gateway.as(SAM.id())
                .header("Prefer", TRACK)
                .get(orders + "?$select=mserp_salesorderstatus&$filter="
                        + encode("mserp_salesorderheaderv2entityid eq " + order));
        assertError(first, 400, "0x8ff00041", "$filter");
        String link = null;
        String next = orders + "?$select=mserp_salesordernumber";
        while (next != null) {
            Response page = gateway.as(SAM.id()).header("Prefer", TRACK).get(relative(next));
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            next = page.jsonPath().getString("'@odata.nextLink'");
            link = page.jsonPath().getString("'@odata.deltaLink'");
        }
        Response confirmed = gateway.as(SAM.id())
                .contentType("application/json")
                .body("{}")
                .post(orders + "(" + order + ")/Microsoft.Dynamics.CRM.mserp_ConfirmSalesOrder");
        assertThat(confirmed.statusCode()).as(confirmed.asString()).isEqualTo(204);
        Response since = gateway.as(SAM.id()).header("Prefer", TRACK).get(relative(link));
        assertThat(since.statusCode()).as(since.asString()).isEqualTo(200);
        assertThat(since.jsonPath().getList("value.mserp_salesorderheaderv2entityid", String.class))
                .containsExactly(order);
    }

    @Test
    void badAsksAreRefusedPrecisely() throws Exception {
        assertError(
                tracking(SAM, 10).get(SET + "?$filter=" + encode("mserp_name eq 'x'")), 400, "0x8ff00041", "$filter");
        assertError(tracking(SAM, 10).get("mserp_vendvendorv2entities"), 400, "0x8ff00040", "mserp_vendvendorv2entity");
        assertError(tracking(SAM, 10).get(SET + "(" + UUID.randomUUID() + ")"), 400, "0x8ff00040", "collection");
        assertError(gateway.as(SAM.id()).get(SET + "?$deltatoken=garbage"), 400, "0x8ff00041", "garbage");
        String future = encode("999999999999!" + clock.instant());
        assertError(gateway.as(SAM.id()).get(SET + "?$deltatoken=" + future), 400, "0x8ff00041", "999999999999");
        String old = encode("1!" + clock.instant().minus(Duration.ofDays(8)));
        assertError(gateway.as(SAM.id()).get(SET + "?$deltatoken=" + old), 410, "0x8ff00042", "keeps deletions");
    }

    @Test
    void optimisticConcurrencyStillHoldsOnATrackedEntity() throws Exception {
        UUID id = create("usmf", "CT-ETAG");
        String etag = gateway.as(SAM.id()).get(SET + "(" + id + ")").jsonPath().getString("'@odata.etag'");
        Response stale = gateway.as(SAM.id())
                .contentType("application/json")
                .header("If-Match", etag)
                .body("{\"mserp_name\":\"First\"}")
                .patch(SET + "(" + id + ")");
        assertThat(stale.statusCode()).as(stale.asString()).isEqualTo(204);
        Response again = gateway.as(SAM.id())
                .contentType("application/json")
                .header("If-Match", etag)
                .body("{\"mserp_name\":\"Second\"}")
                .patch(SET + "(" + id + ")");
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(412);
    }

    private static void assertError(Response response, int status, String code, String named) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).contains(named);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Set<String> ids(String sql) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (var connection = backend.connect();
                var statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            while (result.next()) {
                ids.add(result.getObject(1, UUID.class).toString());
            }
        }
        return ids;
    }

    private UUID create(String company, String account) {
        Response response = gateway.as(SAM.id())
                .contentType("application/json")
                .body("{\"mserp_dataareaid\":\"" + company + "\",\"mserp_customeraccount\":\"" + account
                        + "\",\"mserp_name\":\"Tracked " + account + "\"}")
                .post(SET);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        String id = response.header("OData-EntityId");
        return UUID.fromString(id.substring(id.lastIndexOf('(') + 1, id.length() - 1));
    }

    private void patch(UUID id, String body) {
        Response response =
                gateway.as(SAM.id()).contentType("application/json").body(body).patch(SET + "(" + id + ")");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
    }

    private void delete(UUID id) {
        Response response = gateway.as(SAM.id()).delete(SET + "(" + id + ")");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
    }
}
