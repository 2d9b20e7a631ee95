package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read contract, run against every backend: Retrieve, every $filter construct, $select,
 * $orderby, $top/$skip/$count, server-driven paging and QueryExpression — each result compared
 * with rows read directly by JDBC and filtered in Java.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadContract {
    static final String SET = "mserp_custcustomerv3entities";
    static final String KEY = "mserp_custcustomerv3entityid";
    static final String NS = "Microsoft.Dynamics.CRM.";

    TestBackend backend;
    TestGateway gateway;
    List<CustomerRows.Row> rows;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.shared(kind(), "read-contract");
        gateway = TestGateway.start(backend, null);
        rows = CustomerRows.load(backend).rows();
        assertThat(rows).hasSizeGreaterThan(50);
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Response get(String pathAndQuery) {
        return gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .header("Prefer", "odata.maxpagesize=5000")
                .get(pathAndQuery);
    }

    Set<String> filteredIds(String filter) {
        Response response = get(SET + "?$select=" + KEY + "&$filter=" + encode(filter));
        assertThat(response.statusCode())
                .as("status of $filter=%s: %s", filter, response.asString())
                .isEqualTo(200);
        List<String> ids = response.jsonPath().getList("value." + KEY);
        assertThat(new HashSet<>(ids)).as("no duplicates").hasSize(ids.size());
        return new HashSet<>(ids);
    }

    Set<String> expected(Predicate<CustomerRows.Row> predicate) {
        return rows.stream().filter(predicate).map(row -> row.id().toString()).collect(Collectors.toSet());
    }

    CustomerRows.Row sample(Predicate<CustomerRows.Row> predicate) {
        return rows.stream()
                .filter(predicate)
                .min(Comparator.comparing(CustomerRows.Row::account))
                .orElseThrow();
    }

    Stream<Arguments> filters() {
        List<BigDecimal> limits = rows.stream()
                .map(CustomerRows.Row::creditLimit)
                .filter(Objects::nonNull)
                .sorted()
                .toList();
        BigDecimal medianLimit = limits.get(limits.size() / 2);
        List<Long> sales = rows.stream()
                .map(CustomerRows.Row::salesYtd)
                .filter(Objects::nonNull)
                .sorted()
                .toList();
        long medianSales = sales.get(sales.size() / 2);
        CustomerRows.Row someone =
                sample(row -> row.city() != null && row.established() != null && row.createdOn() != null);
        int year = someone.established().getYear();
        OffsetDateTime created = someone.createdOn();
        String lowerName = someone.name().toLowerCase(Locale.ROOT);
        return Stream.of(
                Arguments.of("mserp_dataareaid eq 'usmf'", (Predicate<CustomerRows.Row>)
                        row -> row.dataArea().equals("usmf")),
                Arguments.of("mserp_dataareaid ne 'usmf'", (Predicate<CustomerRows.Row>)
                        row -> !row.dataArea().equals("usmf")),
                Arguments.of("mserp_creditlimit gt " + medianLimit, (Predicate<CustomerRows.Row>)
                        row -> row.creditLimit() != null && row.creditLimit().compareTo(medianLimit) > 0),
                Arguments.of("mserp_creditlimit ge " + medianLimit, (Predicate<CustomerRows.Row>)
                        row -> row.creditLimit() != null && row.creditLimit().compareTo(medianLimit) >= 0),
                Arguments.of("mserp_creditlimit lt " + medianLimit, (Predicate<CustomerRows.Row>)
                        row -> row.creditLimit() != null && row.creditLimit().compareTo(medianLimit) < 0),
                Arguments.of("mserp_creditlimit le " + medianLimit, (Predicate<CustomerRows.Row>)
                        row -> row.creditLimit() != null && row.creditLimit().compareTo(medianLimit) <= 0),
                Arguments.of("mserp_numberofemployees ge 100 and mserp_numberofemployees lt 1000", (Predicate<
                                CustomerRows.Row>)
                        row -> row.employees() != null && row.employees() >= 100 && row.employees() < 1000),
                Arguments.of("mserp_salesytd gt " + medianSales, (Predicate<CustomerRows.Row>)
                        row -> row.salesYtd() != null && row.salesYtd() > medianSales),
                Arguments.of("mserp_discountpercentage le 2.5", (Predicate<CustomerRows.Row>)
                        row -> row.discount() != null && row.discount() <= 2.5),
                Arguments.of(
                        "(mserp_dataareaid eq 'usmf' or mserp_dataareaid eq 'gbsi') and not (mserp_creditstatus eq 2)",
                        (Predicate<CustomerRows.Row>) row ->
                                (row.dataArea().equals("usmf") || row.dataArea().equals("gbsi"))
                                        && !(row.creditStatus() != null && row.creditStatus() == 2)),
                Arguments.of("mserp_dataareaid in ('demf','gbsi')", (Predicate<CustomerRows.Row>)
                        row -> row.dataArea().equals("demf") || row.dataArea().equals("gbsi")),
                // Issue 12: option sets are Edm.Int32 on the wire, as Dataverse serves them
                Arguments.of("mserp_creditstatus in (0,1)", (Predicate<CustomerRows.Row>)
                        row -> row.creditStatus() != null && (row.creditStatus() == 0 || row.creditStatus() == 1)),
                Arguments.of("mserp_discountpercentage in (2.5,5)", (Predicate<CustomerRows.Row>)
                        row -> row.discount() != null && (row.discount() == 2.5 || row.discount() == 5.0)),
                Arguments.of("contains(mserp_name,'FRESH')", (Predicate<CustomerRows.Row>)
                        row -> row.name().toLowerCase(Locale.ROOT).contains("fresh")),
                Arguments.of(
                        "contains(mserp_name,'100%')",
                        (Predicate<CustomerRows.Row>) row -> row.name().contains("100%")),
                Arguments.of("contains(mserp_name,'_')", (Predicate<CustomerRows.Row>)
                        row -> row.name().contains("_")),
                Arguments.of("contains(mserp_name,'o''b')", (Predicate<CustomerRows.Row>)
                        row -> row.name().toLowerCase(Locale.ROOT).contains("o'b")),
                Arguments.of("startswith(mserp_name,'contoso')", (Predicate<CustomerRows.Row>)
                        row -> row.name().toLowerCase(Locale.ROOT).startsWith("contoso")),
                Arguments.of("endswith(mserp_name,'GMBH')", (Predicate<CustomerRows.Row>)
                        row -> row.name().toLowerCase(Locale.ROOT).endsWith("gmbh")),
                Arguments.of("not startswith(mserp_customeraccount,'US')", (Predicate<CustomerRows.Row>)
                        row -> !row.account().toLowerCase(Locale.ROOT).startsWith("us")),
                Arguments.of(
                        "tolower(mserp_name) eq '" + lowerName.replace("'", "''") + "'", (Predicate<CustomerRows.Row>)
                                row -> row.name().toLowerCase(Locale.ROOT).equals(lowerName)),
                Arguments.of("toupper(mserp_dataareaid) eq 'DEMF'", (Predicate<CustomerRows.Row>)
                        row -> row.dataArea().equals("demf")),
                Arguments.of(
                        "trim(mserp_addresscity) eq '" + someone.city().trim().replace("'", "''") + "'",
                        (Predicate<CustomerRows.Row>) row -> row.city() != null
                                && row.city().trim().equals(someone.city().trim())),
                Arguments.of("length(mserp_name) gt 20", (Predicate<CustomerRows.Row>)
                        row -> row.name().length() > 20),
                Arguments.of("year(mserp_establisheddate) eq " + year, (Predicate<CustomerRows.Row>)
                        row -> row.established() != null && row.established().getYear() == year),
                Arguments.of(
                        "month(mserp_createdon) eq " + created.getMonthValue() + " and day(mserp_createdon) ge 10",
                        (Predicate<CustomerRows.Row>) row -> row.createdOn() != null
                                && row.createdOn().getMonthValue() == created.getMonthValue()
                                && row.createdOn().getDayOfMonth() >= 10),
                Arguments.of(
                        "mserp_primarycontactemail eq null", (Predicate<CustomerRows.Row>) row -> row.email() == null),
                Arguments.of(
                        "mserp_primarycontactemail ne null", (Predicate<CustomerRows.Row>) row -> row.email() != null),
                Arguments.of(KEY + " eq " + someone.id(), (Predicate<CustomerRows.Row>)
                        row -> row.id().equals(someone.id())),
                Arguments.of("mserp_establisheddate lt 2010-06-15", (Predicate<CustomerRows.Row>)
                        row -> row.established() != null && row.established().isBefore(LocalDate.of(2010, 6, 15))),
                Arguments.of("mserp_createdon ge " + created.toString().replace("+", "%2B"), (Predicate<
                                CustomerRows.Row>)
                        row -> row.createdOn() != null && !row.createdOn().isBefore(created)),
                Arguments.of("mserp_iskeyaccount eq true", (Predicate<CustomerRows.Row>)
                        row -> Boolean.TRUE.equals(row.keyAccount())),
                Arguments.of(
                        "mserp_onholdstatus eq " + NS + "mserp_custvendorblocked'All'",
                        (Predicate<CustomerRows.Row>) row -> row.onHold() != null && row.onHold() == 2),
                Arguments.of(
                        "mserp_primarycontactid eq " + DemoIdentities.PAULA_CONTACT.id(), (Predicate<CustomerRows.Row>)
                                row -> DemoIdentities.PAULA_CONTACT.id().equals(row.primaryContact())),
                Arguments.of("mserp_numberofemployees gt mserp_discountpercentage", (Predicate<CustomerRows.Row>)
                        row -> row.employees() != null && row.discount() != null && row.employees() > row.discount()),
                Arguments.of(
                        "mserp_dataareaid eq 'usmf' or mserp_dataareaid eq 'demf' and mserp_creditlimit gt "
                                + medianLimit,
                        (Predicate<CustomerRows.Row>) row -> row.dataArea().equals("usmf")
                                || (row.dataArea().equals("demf")
                                        && row.creditLimit() != null
                                        && row.creditLimit().compareTo(medianLimit) > 0)));
    }

    @ParameterizedTest(name = "$filter={0}")
    @MethodSource("filters")
    void filterReturnsExactlyTheMatchingRows(String filter, Predicate<CustomerRows.Row> predicate) {
        Set<String> expected = expected(predicate);
        assertThat(expected)
                .as("the data makes this filter meaningful")
                .isNotEmpty()
                .hasSizeLessThan(rows.size());
        assertThat(filteredIds(filter.replace("%2B", "+"))).isEqualTo(expected);
    }

    @Test
    void filtersAreNotVacuous() {
        assertThat(expected(row -> row.name().contains("100%"))).isNotEmpty();
        assertThat(expected(row -> row.name().contains("_"))).isNotEmpty();
        assertThat(expected(row -> row.email() == null)).isNotEmpty();
        assertThat(expected(row -> Boolean.TRUE.equals(row.keyAccount()))).isNotEmpty();
    }

    @Test
    void retrieveReturnsTheRowWithEveryField() {
        CustomerRows.Row row = sample(candidate -> candidate.creditLimit() != null && candidate.established() != null);
        Response response = get(SET + "(" + row.id() + ")");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("'@odata.context'")).endsWith("$metadata#" + SET + "/$entity");
        assertThat(response.jsonPath().getString("'@odata.etag'")).isEqualTo("W/\"" + row.version() + "\"");
        assertThat(response.jsonPath().getString(KEY)).isEqualTo(row.id().toString());
        assertThat(response.jsonPath().getString("mserp_customeraccount")).isEqualTo(row.account());
        assertThat(new BigDecimal(response.jsonPath().getString("mserp_creditlimit")))
                .isEqualByComparingTo(row.creditLimit());
        assertThat(response.jsonPath().getString("mserp_establisheddate"))
                .isEqualTo(row.established().toString());
        assertThat(OffsetDateTime.parse(response.jsonPath().getString("mserp_createdon")))
                .isEqualTo(row.createdOn());
    }

    @Test
    void retrieveWithSelectReturnsOnlyTheSelectedFieldsAndTheKey() {
        CustomerRows.Row row = rows.get(0);
        Map<String, Object> body =
                get(SET + "(" + row.id() + ")?$select=mserp_name").jsonPath().getMap("");
        assertThat(body.keySet()).containsExactlyInAnyOrder("@odata.context", "@odata.etag", "mserp_name", KEY);
        assertThat(body.get("mserp_name")).isEqualTo(row.name());
    }

    @Test
    void retrieveOfAMissingRowIs404() {
        get(SET + "(00000000-0000-0000-0000-000000000001)")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("0x80040217"));
    }

    @Test
    void retrieveWithAMalformedKeyIs400() {
        assertThat(get(SET + "(not-a-guid)").statusCode()).isEqualTo(400);
    }

    @Test
    void unknownEntitySetIs404() {
        get("mserp_nosuchentities").then().statusCode(404).body("error.code", equalTo("0x80060888"));
    }

    @Test
    void unknownPropertyIs400NamingIt() {
        Response response = get(SET + "?$filter=" + encode("mserp_nosuchfield eq 1"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error.message")).contains("mserp_nosuchfield");
    }

    @Test
    void selectOrderbyTopSkipAndCount() {
        Response response = get(SET + "?$select=mserp_customeraccount,mserp_dataareaid&$orderby="
                + encode("mserp_dataareaid desc,mserp_customeraccount asc") + "&$top=5&$skip=10&$count=true");
        assertThat(response.statusCode()).isEqualTo(200);
        List<CustomerRows.Row> ordered = rows.stream()
                .sorted(Comparator.comparing(CustomerRows.Row::dataArea)
                        .reversed()
                        .thenComparing(CustomerRows.Row::account))
                .toList();
        List<String> expected =
                ordered.subList(10, 15).stream().map(CustomerRows.Row::account).toList();
        assertThat(response.jsonPath().getList("value.mserp_customeraccount", String.class))
                .isEqualTo(expected);
        assertThat(response.jsonPath().getInt("'@odata.count'")).isEqualTo(rows.size());
        Map<String, Object> first = response.jsonPath().getMap("value[0]");
        assertThat(first.keySet())
                .containsExactlyInAnyOrder("@odata.etag", "mserp_customeraccount", "mserp_dataareaid", KEY);
        assertThat(response.jsonPath().getString("'@odata.nextLink'")).isNull();
    }

    @Test
    void orderByNumberDescendingPutsNullsLast() {
        Response response =
                get(SET + "?$select=mserp_numberofemployees&$orderby=" + encode("mserp_numberofemployees desc"));
        List<Integer> values = response.jsonPath().getList("value.mserp_numberofemployees");
        List<Integer> expected = rows.stream()
                .map(CustomerRows.Row::employees)
                .sorted(Comparator.nullsLast(Comparator.<Integer>reverseOrder()))
                .toList();
        assertThat(values).isEqualTo(expected);
    }

    @Test
    void countSegmentCountsTheFilteredRows() {
        Response response = get(SET + "/$count?$filter=" + encode("mserp_dataareaid eq 'demf'"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Long.parseLong(response.asString().trim()))
                .isEqualTo(rows.stream()
                        .filter(row -> row.dataArea().equals("demf"))
                        .count());
    }

    @Test
    void nextLinkPagingReturnsEveryRowExactlyOnce() {
        String first = SET + "?$select=mserp_name&$orderby=" + encode("mserp_name asc,mserp_creditlimit desc")
                + "&$filter=" + encode("mserp_dataareaid ne 'gbsi'");
        Response unpaged = get(first);
        List<String> all = unpaged.jsonPath().getList("value." + KEY);
        List<String> collected = new ArrayList<>();
        String next = first;
        int pages = 0;
        while (next != null) {
            Response page = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                    .header("Prefer", "odata.maxpagesize=7")
                    .get(next);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            assertThat(page.header("Preference-Applied")).isEqualTo("odata.maxpagesize=7");
            List<String> ids = page.jsonPath().getList("value." + KEY);
            assertThat(ids.size()).isLessThanOrEqualTo(7);
            collected.addAll(ids);
            pages++;
            String link = page.jsonPath().getString("'@odata.nextLink'");
            next = link == null ? null : link.substring(gateway.serviceRoot().length());
            assertThat(pages).isLessThan(100);
        }
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(collected).isEqualTo(all);
        assertThat(new HashSet<>(collected)).hasSize(collected.size());
        assertThat(collected).hasSize((int)
                rows.stream().filter(row -> !row.dataArea().equals("gbsi")).count());
    }

    @Test
    void pagingWithTopStopsAtTop() {
        List<String> collected = new ArrayList<>();
        String next = SET + "?$top=17&$orderby=mserp_customeraccount";
        while (next != null) {
            Response page = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                    .header("Prefer", "odata.maxpagesize=5")
                    .get(next);
            collected.addAll(page.jsonPath().getList("value." + KEY));
            String link = page.jsonPath().getString("'@odata.nextLink'");
            next = link == null ? null : link.substring(gateway.serviceRoot().length());
        }
        List<String> expected = rows.stream()
                .sorted(Comparator.comparing(CustomerRows.Row::account))
                .limit(17)
                .map(row -> row.id().toString())
                .toList();
        assertThat(collected).isEqualTo(expected);
    }

    @Test
    void tamperedSkipTokenIs400() {
        Response page = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .header("Prefer", "odata.maxpagesize=5")
                .get(SET + "?$select=mserp_name");
        String link = page.jsonPath().getString("'@odata.nextLink'");
        String token = link.substring(link.indexOf("$skiptoken=") + "$skiptoken=".length());
        char flipped = token.charAt(5) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, 5) + flipped + token.substring(6);
        gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .get(SET + "?$select=mserp_name&$skiptoken=" + tampered)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("0x8ff00004"));
        gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .get(SET + "?$select=mserp_customeraccount&$skiptoken=" + token)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("0x8ff00004"));
        gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id())
                .get(SET + "?$select=mserp_name&$skiptoken=" + token)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("0x8ff00004"));
    }

    @Test
    void aLargePageIsStreamedRatherThanBuffered() throws Exception {
        long lines;
        try (var connection = backend.connect();
                var statement = connection.createStatement();
                var result = statement.executeQuery("SELECT COUNT(*) FROM erp.sales_order_line")) {
            result.next();
            lines = result.getLong(1);
        }
        Response response = get("mserp_salesorderlinev2entities");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("Content-Length"))
                .as("streamed responses have no length")
                .isNull();
        assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(response.header("Server-Timing")).contains("total;dur=");
        assertThat(response.header("Trailer"))
                .as("the final timings follow as a trailer")
                .isEqualTo("Server-Timing");
        assertThat(response.jsonPath().getList("value")).hasSize((int) lines);
        assertThat(response.jsonPath().getString("'@odata.nextLink'")).isNull();
    }

    @Test
    void adminListenerReportsHealthAndMetrics() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String admin = "http://127.0.0.1:" + gateway.adminPort();
        java.net.http.HttpResponse<String> live = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/health/live"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        java.net.http.HttpResponse<String> ready = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/health/ready"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"backend\":true").contains("\"signingKeys\":true");
        get(SET + "?$top=1");
        java.net.http.HttpResponse<String> metrics = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/metrics"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("vegateway_requests_seconds_count{operation=\"RetrieveMultiple\",status=\"200\"}")
                .as("latency buckets fine enough for sub-millisecond calls")
                .contains(
                        "vegateway_requests_seconds_bucket{operation=\"RetrieveMultiple\",status=\"200\",le=\"1.0E-4\"}")
                .as("the pool's, Jetty's and the JVM's meters")
                .contains("hikaricp_connections_active")
                .contains("jetty_threads_config_max")
                .contains("jvm_memory_used_bytes")
                .as("the caches' meters: verified tokens and security lookups")
                .containsPattern("cache_gets_total\\{cache=\"verified_tokens\",result=\"miss\"} [1-9]")
                .containsPattern("cache_gets_total\\{cache=\"security_permissions\",result=\"(hit|miss)\"} [1-9]")
                .containsPattern("cache_size\\{cache=\"security_usersById\"} [0-9]");
        assertThat(gateway.anonymous().basePath("").get("/health/ready").statusCode())
                .as("health is not served on the API listener")
                .isEqualTo(404);
    }

    @Test
    void theCatalogSetFiltersOrdersAndCountsInMemory() {
        Response one = gateway.application()
                .get("mserp_financeandoperationsentities?$filter="
                        + encode("mserp_entitysetname eq 'mserp_custcustomerv3entities'")
                        + "&$select=mserp_physicalname");
        assertThat(one.statusCode()).as(one.asString()).isEqualTo(200);
        assertThat(one.jsonPath().getList("value.mserp_physicalname")).containsExactly("erp.customer");
        Response sorted = gateway.application()
                .get("mserp_financeandoperationsentities?$filter=" + encode("startswith(mserp_logicalname,'mserp_')")
                        + "&$orderby=" + encode("mserp_logicalname desc") + "&$count=true&$top=2");
        List<String> names = sorted.jsonPath().getList("value.mserp_logicalname");
        assertThat(names).hasSize(2).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(sorted.jsonPath().getInt("'@odata.count'")).isEqualTo(8);
        assertThat(gateway.application()
                        .get("mserp_financeandoperationsentities?$filter=" + encode("mserp_nosuch eq 1"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void everyResponseSaysItsTimings() {
        Response response = get(SET + "?$top=1");
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        assertThat(response.header("Server-Timing"))
                .contains("auth;dur=", "authz;dur=", "db;dur=", "ser;dur=", "total;dur=");
        assertThat(response.header("x-ms-service-request-id")).hasSize(36);
    }

    static Stream<Arguments> queryExpressions() {
        return Stream.of(
                Arguments.of(
                        "mserp_dataareaid eq 'usmf'",
                        "{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[{\"Value\":\"usmf\",\"Type\":\"System.String\"}]}]}"),
                Arguments.of(
                        "mserp_dataareaid in ('demf','gbsi')",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"In\",\"Values\":[\"demf\",\"gbsi\"]}]}"),
                Arguments.of(
                        "not (mserp_dataareaid in ('demf','gbsi'))",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"NotIn\",\"Values\":[\"demf\",\"gbsi\"]}]}"),
                Arguments.of(
                        "startswith(mserp_name,'contoso')",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\"BeginsWith\",\"Values\":[\"contoso\"]}]}"),
                Arguments.of(
                        "contains(mserp_name,'fresh')",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\"Like\",\"Values\":[\"%fresh%\"]}]}"),
                Arguments.of(
                        "endswith(mserp_name,'gmbh')",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_name\",\"Operator\":\"EndsWith\",\"Values\":[\"gmbh\"]}]}"),
                Arguments.of(
                        "mserp_primarycontactemail eq null",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_primarycontactemail\",\"Operator\":\"Null\"}]}"),
                Arguments.of(
                        "mserp_primarycontactemail ne null",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_primarycontactemail\",\"Operator\":13}]}"),
                Arguments.of(
                        "mserp_numberofemployees ge 100 and mserp_numberofemployees le 1000",
                        "{\"Conditions\":[{\"AttributeName\":\"mserp_numberofemployees\",\"Operator\":\"Between\",\"Values\":[100,1000]}]}"),
                Arguments.of(
                        "(mserp_dataareaid eq 'usmf' or mserp_dataareaid eq 'gbsi') and mserp_creditstatus ne 2",
                        "{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\",\"Operator\":\"NotEqual\",\"Values\":[{\"Value\":2,\"Type\":\"System.Int32\"}]}],"
                                + "\"Filters\":[{\"FilterOperator\":\"Or\",\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\"usmf\"]},"
                                + "{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\"gbsi\"]}]}]}"));
    }

    @ParameterizedTest(name = "QueryExpression equals $filter={0}")
    @MethodSource("queryExpressions")
    void queryExpressionReturnsTheSameRowsAsFilter(String filter, String criteria) {
        String body =
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"AllColumns\":false,\"Columns\":[\"mserp_name\"]},\"Criteria\":"
                        + criteria + "}}";
        Response response = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .contentType("application/json")
                .body(body)
                .post("RetrieveMultiple");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("EntityName")).isEqualTo("mserp_custcustomerv3entity");
        assertThat(response.jsonPath().getBoolean("MoreRecords")).isFalse();
        assertThat(new HashSet<String>(response.jsonPath().getList("value." + KEY)))
                .isEqualTo(filteredIds(filter))
                .isNotEmpty();
    }

    @Test
    void queryExpressionPagingCookieWalksAllPages() {
        List<String> collected = new ArrayList<>();
        String cookie = null;
        int pages = 0;
        Integer total = null;
        do {
            String body =
                    "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"mserp_customeraccount\"]},"
                            + "\"Orders\":[{\"AttributeName\":\"mserp_customeraccount\",\"OrderType\":\"Descending\"}],"
                            + "\"PageInfo\":{\"Count\":9,\"PageNumber\":" + (pages + 1) + ",\"PagingCookie\":"
                            + (cookie == null ? "null" : "\"" + cookie + "\"")
                            + ",\"ReturnTotalRecordCount\":true}}}";
            Response response = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                    .contentType("application/json")
                    .body(body)
                    .post("RetrieveMultiple");
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            collected.addAll(response.jsonPath().getList("value.mserp_customeraccount"));
            total = response.jsonPath().getInt("TotalRecordCount");
            cookie = response.jsonPath().getBoolean("MoreRecords")
                    ? response.jsonPath().getString("PagingCookie")
                    : null;
            pages++;
        } while (cookie != null && pages < 100);
        List<String> expected = rows.stream()
                .map(CustomerRows.Row::account)
                .sorted(Comparator.reverseOrder())
                .toList();
        assertThat(collected).isEqualTo(expected);
        assertThat(total).isEqualTo(rows.size());
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void queryExpressionUnsupportedOperatorIs400NamingIt() {
        String body =
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_createdon\",\"Operator\":\"InFiscalYear\",\"Values\":[2024]}]}}}";
        Response response = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .contentType("application/json")
                .body(body)
                .post("RetrieveMultiple");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x8ff00003");
        // the demo configures no fiscal calendar
        assertThat(response.jsonPath().getString("error.message")).contains("InFiscalYear", "query.fiscalYearStart");
    }
}
