package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OData navigation (issue 10): {@code $expand} of collection-valued navigation properties (the
 * partners of the catalog's relations) with nested {@code $select}, {@code $filter},
 * {@code $orderby}, {@code $top} and single-valued {@code $expand}; the per-parent cap (set to
 * {@value #CAP} here) with {@code <nav>@odata.nextLink}, and the related collection path it points
 * to; the security of the related entity, checked against what the same caller reads directly.
 */
abstract class CollectionExpandIT extends SecurityIT {
    /** The per-parent cap of this class's gateway (limits.expandPageSize). */
    static final int CAP = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String CUSTOMER_KEY = EntitySet.CUSTOMERS.key;
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String ORDER_KEY = EntitySet.SALES_ORDERS.key;
    private static final String SERVICE_PATH = "/api/data/v9.2/";

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        gateway = TestGateway.start(
                backend,
                securityYaml(),
                Map.of(
                        "VEGATEWAY_LIMITS_EXPAND_PAGE_SIZE", Integer.toString(CAP),
                        "VEGATEWAY_LIMITS_MAX_EXPANDS", "2",
                        "VEGATEWAY_LIMITS_MAX_EXPAND_DEPTH", "2"));
    }

    @AfterAll
    @Override
    void stopGateway() throws Exception {
        super.stopGateway();
    }

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private static String encoded(String query) {
        return query.replace(" ", "%20").replace("'", "%27");
    }

    /** A customer (by SQL) with at least {@code orders} orders whose total is positive. */
    private String customerWithOrders(int orders) throws Exception {
        return sql("SELECT customer_id FROM erp.sales_order_header WHERE total_amount > 0 GROUP BY customer_id"
                        + " HAVING COUNT(*) >= " + orders)
                .iterator()
                .next();
    }

    /** The related rows of {@code row}'s {@code nav}, following its nextLink (and that read's own paging). */
    private List<JsonNode> related(DemoIdentities.User user, JsonNode row, String nav) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        row.get(nav).forEach(rows::add);
        JsonNode next = row.get(nav + "@odata.nextLink");
        if (next != null) {
            assertThat(rows).as("a nextLink only after a full cap").hasSize(CAP);
        }
        while (next != null) {
            String url = next.asText();
            assertThat(url).contains(SERVICE_PATH);
            JsonNode page = json(as(user).urlEncodingEnabled(false)
                    .get(url.substring(url.indexOf(SERVICE_PATH) + SERVICE_PATH.length())));
            page.path("value").forEach(rows::add);
            next = page.get("@odata.nextLink");
        }
        return rows;
    }

    private static List<String> keys(List<JsonNode> rows, String key) {
        return rows.stream().map(row -> row.get(key).asText()).toList();
    }

    @Test
    void aCustomersOrdersComeWithTheirNestedSelectFilterOrderAndTop() throws Exception {
        String customer = customerWithOrders(3);
        JsonNode one = json(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .get(
                                CUSTOMERS + "(" + customer + ")"
                                        + encoded(
                                                "?$select=mserp_customeraccount&$expand=mserp_SalesOrders($select=mserp_salesordernumber,"
                                                        + "mserp_totalamount;$filter=mserp_totalamount gt 0;$orderby=mserp_totalamount desc;$top=2)")));
        assertThat(one.get("@odata.context").asText())
                .endsWith("#" + CUSTOMERS + "(mserp_customeraccount,mserp_SalesOrders())/$entity");
        JsonNode orders = one.get("mserp_SalesOrders");
        assertThat(orders.isArray()).isTrue();
        assertThat(orders).hasSize(2);
        assertThat(one.has("mserp_SalesOrders@odata.nextLink"))
                .as("$top limits, no nextLink")
                .isFalse();
        List<String> expected = new ArrayList<>();
        try (var connection = backend.connect();
                var statement =
                        connection.prepareStatement("SELECT id FROM erp.sales_order_header WHERE customer_id = ?"
                                + " AND total_amount > 0 ORDER BY total_amount DESC, id")) {
            statement.setObject(1, UUID.fromString(customer));
            try (var rows = statement.executeQuery()) {
                while (rows.next() && expected.size() < 2) {
                    expected.add(rows.getObject(1, UUID.class).toString());
                }
            }
        }
        List<JsonNode> list = new ArrayList<>();
        orders.forEach(list::add);
        assertThat(keys(list, ORDER_KEY)).isEqualTo(expected);
        for (JsonNode order : orders) {
            List<String> names = new ArrayList<>();
            order.fieldNames().forEachRemaining(names::add);
            assertThat(names)
                    .containsExactlyInAnyOrder("@odata.etag", "mserp_salesordernumber", "mserp_totalamount", ORDER_KEY);
        }
    }

    @Test
    void aParentWithMoreThanTheCapGetsANextLinkThatReadsTheRestExactlyOnce() throws Exception {
        String customer = customerWithOrders(CAP + 2);
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        for (String options : List.of(
                "", "($orderby=mserp_totalamount desc)", "($select=mserp_totalamount;$top=" + (CAP + 1) + ")")) {
            JsonNode one = json(
                    as(sam).get(CUSTOMERS + "(" + customer + ")" + encoded("?$expand=mserp_SalesOrders" + options)));
            assertThat(one.get("mserp_SalesOrders@odata.nextLink")).as(options).isNotNull();
            assertThat(one.get("mserp_SalesOrders@odata.nextLink").asText())
                    .contains(CUSTOMERS + "(" + customer + ")/mserp_SalesOrders?")
                    .contains("$skip=" + CAP);
            List<String> all = keys(related(sam, one, "mserp_SalesOrders"), ORDER_KEY);
            assertThat(new HashSet<>(all)).as("no order twice").hasSize(all.size());
            Set<String> expected = sql(EntitySet.SALES_ORDERS, "customer_id = ?", UUID.fromString(customer));
            if (options.contains("$top")) {
                assertThat(all).hasSize(CAP + 1);
                assertThat(expected).containsAll(all);
            } else {
                assertThat(new TreeSet<>(all)).isEqualTo(expected);
            }
        }
    }

    @Test
    void theRelatedCollectionPathTakesTheOptionsOfACollection() throws Exception {
        String customer = customerWithOrders(3);
        JsonNode page = json(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .get(
                                CUSTOMERS + "(" + customer + ")/mserp_SalesOrders"
                                        + encoded(
                                                "?$select=mserp_totalamount&$filter=mserp_totalamount gt 0&$orderby=mserp_totalamount&$top=2")));
        assertThat(page.get("@odata.context").asText()).contains("#" + ORDERS);
        List<JsonNode> rows = new ArrayList<>();
        page.path("value").forEach(rows::add);
        assertThat(rows).hasSize(2);
        assertThat(new BigDecimal(rows.get(0).get("mserp_totalamount").asText()))
                .isLessThanOrEqualTo(
                        new BigDecimal(rows.get(1).get("mserp_totalamount").asText()));
        assertThat(sql(EntitySet.SALES_ORDERS, "customer_id = ? AND total_amount > 0", UUID.fromString(customer)))
                .containsAll(keys(rows, ORDER_KEY));
    }

    /**
     * The invariant over generated queries: for every caller, the customers are the ones it reads
     * directly, and each customer's expanded orders (all of them, following nextLinks) are exactly
     * the orders it reads directly whose customer is that one and that match the nested filter, with
     * the values it reads directly; the customer expanded inside each order is null exactly where
     * the caller cannot read it, else its values (null where field security hides one).
     */
    @Test
    void expandedOrdersAreExactlyWhatTheCallerReadsDirectly() throws Exception {
        Random random = new Random(10);
        int compared = 0;
        for (DemoIdentities.User user : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Map<String, JsonNode> orders = byKey(
                    json(as(user).get(ORDERS + "?$select=" + ORDER_KEY + ",_mserp_customerid_value,mserp_totalamount"))
                            .path("value"),
                    ORDER_KEY);
            Map<String, JsonNode> customers = byKey(
                    json(as(user).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY + ",mserp_creditlimit"))
                            .path("value"),
                    CUSTOMER_KEY);
            int threshold = random.nextInt(5) * 2000;
            String nested = "($select=_mserp_customerid_value,mserp_totalamount;$filter=mserp_totalamount ge "
                    + threshold + ";$expand=mserp_Customer($select=mserp_creditlimit))";
            Map<String, JsonNode> expanded = byKey(
                    json(as(user).get(CUSTOMERS
                                    + encoded("?$select=" + CUSTOMER_KEY + "&$expand=mserp_SalesOrders" + nested)))
                            .path("value"),
                    CUSTOMER_KEY);
            assertThat(expanded.keySet()).as(user.name()).isEqualTo(customers.keySet());
            for (Map.Entry<String, JsonNode> entry : expanded.entrySet()) {
                Set<String> expected = new TreeSet<>();
                orders.forEach((key, order) -> {
                    if (order.get("_mserp_customerid_value").asText().equals(entry.getKey())
                            && !order.get("mserp_totalamount").isNull()
                            && new BigDecimal(order.get("mserp_totalamount").asText())
                                            .compareTo(BigDecimal.valueOf(threshold))
                                    >= 0) {
                        expected.add(key);
                    }
                });
                List<JsonNode> related = related(user, entry.getValue(), "mserp_SalesOrders");
                assertThat(new TreeSet<>(keys(related, ORDER_KEY)))
                        .as(user.name() + ": orders of " + entry.getKey())
                        .isEqualTo(expected);
                for (JsonNode order : related) {
                    JsonNode direct = orders.get(order.get(ORDER_KEY).asText());
                    assertThat(order.get("mserp_totalamount").asText())
                            .isEqualTo(direct.get("mserp_totalamount").asText());
                    if (order.has("mserp_Customer")) {
                        JsonNode customer = order.get("mserp_Customer");
                        JsonNode directCustomer = customers.get(entry.getKey());
                        assertThat(customer.get("mserp_creditlimit").asText())
                                .as(user.name())
                                .isEqualTo(
                                        directCustomer.get("mserp_creditlimit").asText());
                    }
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    /**
     * The lambda invariant: {@code mserp_SalesOrders/any(o: …)} keeps exactly the readable
     * customers with a readable order that matches, {@code all(o: …)} those none of whose readable
     * orders fails it, as the caller's direct reads predict.
     */
    @Test
    void lambdasSeeExactlyTheOrdersTheCallerReadsDirectly() throws Exception {
        Random random = new Random(11);
        int kept = 0;
        for (DemoIdentities.User user : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Map<String, JsonNode> orders = byKey(
                    json(as(user).get(ORDERS + "?$select=" + ORDER_KEY + ",_mserp_customerid_value,mserp_totalamount"))
                            .path("value"),
                    ORDER_KEY);
            Set<String> customers = byKey(
                            json(as(user).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY))
                                    .path("value"),
                            CUSTOMER_KEY)
                    .keySet();
            int threshold = random.nextInt(5) * 2000;
            for (String quantifier : List.of("any", "all")) {
                Set<String> expected = new TreeSet<>();
                for (String customer : customers) {
                    boolean some = false;
                    boolean failing = false;
                    for (JsonNode order : orders.values()) {
                        if (!order.get("_mserp_customerid_value").asText().equals(customer)
                                || order.get("mserp_totalamount").isNull()) {
                            continue;
                        }
                        boolean matches =
                                new BigDecimal(order.get("mserp_totalamount").asText())
                                                .compareTo(BigDecimal.valueOf(threshold))
                                        >= 0;
                        some |= matches;
                        failing |= !matches;
                    }
                    if (quantifier.equals("any") ? some : !failing) {
                        expected.add(customer);
                    }
                }
                String filter = "mserp_SalesOrders/" + quantifier + "(o: o/mserp_totalamount ge " + threshold + ")";
                Set<String> answer = byKey(
                                json(as(user).get(CUSTOMERS
                                                + encoded("?$select=" + CUSTOMER_KEY + "&$filter=" + filter)))
                                        .path("value"),
                                CUSTOMER_KEY)
                        .keySet();
                assertThat(answer).as(user.name() + ": " + filter).isEqualTo(expected);
                kept += answer.size();
            }
        }
        assertThat(kept).isGreaterThan(10);
    }

    @Test
    void lambdaMistakesAreA400NamingThem() {
        assertThat(assertError(
                        sam().get(CUSTOMERS + encoded("?$filter=mserp_SalesOrders/any(o: mserp_totalamount gt 1)")),
                        400,
                        "0x8ff00001"))
                .contains("name fields through its variable");
        assertThat(assertError(
                        sam().get(ORDERS + encoded("?$filter=mserp_Customer/any(c: c/mserp_name eq 'x')")),
                        400,
                        "0x8ff00001"))
                .contains("single-valued");
        assertThat(assertError(
                        sam().get(CUSTOMERS + encoded("?$filter=mserp_Nothing/any(o: o/mserp_totalamount gt 1)")),
                        400,
                        "0x8ff00002"))
                .contains("mserp_Nothing");
    }

    @Test
    void rowSecurityHidesSomeOrdersOfACustomerTheCallerReads() throws Exception {
        // Mia reads all of usmf and, elsewhere, only what she owns: some orders of a readable customer are hidden.
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        Map<String, JsonNode> customers = byKey(
                json(as(mia).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY
                                + "&$expand=mserp_SalesOrders($select=_mserp_customerid_value)"))
                        .path("value"),
                CUSTOMER_KEY);
        int hidden = 0;
        for (Map.Entry<String, JsonNode> entry : customers.entrySet()) {
            int shown = related(mia, entry.getValue(), "mserp_SalesOrders").size();
            int all = sql(EntitySet.SALES_ORDERS, "customer_id = ?", UUID.fromString(entry.getKey()))
                    .size();
            assertThat(shown).isLessThanOrEqualTo(all);
            hidden += all - shown;
        }
        assertThat(hidden)
                .as("row security hides some orders of readable customers")
                .isPositive();
    }

    @Test
    void theRelatedEntitysPrivilegesAndFieldSecurityApply() {
        // Bea reads customers and orders, but not order lines.
        assertThat(assertError(
                        as(DemoIdentities.BEA_BASIC).get(ORDERS + "?$expand=mserp_Lines"), 403, MISSING_PRIVILEGE))
                .contains("mserp_salesorderlinev2entity");
        assertThat(assertError(
                        as(DemoIdentities.BEA_BASIC).get(ORDERS + "(" + UUID.randomUUID() + ")/mserp_Lines"),
                        403,
                        MISSING_PRIVILEGE))
                .contains("mserp_salesorderlinev2entity");
        for (String nested : List.of(
                "($filter=mserp_Customer/mserp_creditlimit gt 0)", "($orderby=mserp_Customer/mserp_creditlimit)")) {
            assertThat(assertError(
                            as(DemoIdentities.FIONA_FIELD_SECURITY)
                                    .get(CUSTOMERS + encoded("?$expand=mserp_SalesOrders" + nested)),
                            403,
                            MISSING_PRIVILEGE))
                    .contains("mserp_creditlimit");
        }
    }

    @Test
    void unsupportedNestedOptionsAndLimitsAreRefusedPrecisely() {
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        assertThat(assertError(as(sam).get(CUSTOMERS + "?$expand=mserp_SalesOrders($skip=2)"), 400, "0x8ff00001"))
                .contains("$skip")
                .contains("mserp_SalesOrders");
        assertThat(assertError(as(sam).get(CUSTOMERS + "?$expand=mserp_SalesOrders($count=true)"), 400, "0x8ff00001"))
                .contains("$count");
        assertThat(as(sam).get(CUSTOMERS + "?$expand=mserp_SalesOrders($levels=2)")
                        .statusCode())
                .isEqualTo(400);
        assertThat(assertError(
                        as(sam).get(ORDERS + "?$expand=mserp_Customer($expand=mserp_SalesOrders)"), 501, "0x8ff00006"))
                .contains("top level");
        assertThat(assertError(
                        as(sam).get(ORDERS + "?$expand=mserp_Lines($expand=mserp_SalesOrder($expand=mserp_Customer))"),
                        400,
                        "0x8ff00001"))
                .contains("more than 2 levels");
        assertThat(assertError(
                        as(sam).get(ORDERS + "?$expand=mserp_Customer,mserp_Lines($expand=mserp_SalesOrder)"),
                        400,
                        "0x8ff00001"))
                .contains("at most 2");
    }

    private RequestSpecification sam() {
        return as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
    }

    private static Map<String, JsonNode> byKey(JsonNode value, String key) {
        Map<String, JsonNode> rows = new TreeMap<>();
        value.forEach(row -> rows.put(row.get(key).asText(), row));
        return rows;
    }
}
