package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET {set}?fetchXml=…}: the same rows as the same query in OData for every caller (the
 * query tree and its security are the same), linked columns as {@code alias.attribute} with the
 * values the caller reads directly, nulls left out, the Dataverse paging cookie walked to the end
 * reading every row once, and precise 400s.
 */
abstract class FetchXmlIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String CUSTOMER_KEY = EntitySet.CUSTOMERS.key;
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String ORDER_KEY = EntitySet.SALES_ORDERS.key;
    private static final Pattern COOKIE =
            Pattern.compile("<cookie pagenumber=\"(\\d+)\" pagingcookie=\"([^\"]+)\" istracking=\"False\" />");

    private static JsonNode json(Response response) throws Exception {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private static Response fetch(RequestSpecification caller, String set, String fetchXml) {
        return caller.urlEncodingEnabled(false)
                .get(set + "?fetchXml="
                        + URLEncoder.encode(fetchXml, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static Map<String, JsonNode> byKey(JsonNode value, String key) {
        Map<String, JsonNode> rows = new TreeMap<>();
        value.forEach(row -> rows.put(row.get(key).asText(), row));
        return rows;
    }

    /**
     * The same filter in FetchXML and in OData (with a Dataverse query function) answers the same
     * rows, in the same order, for every reader.
     */
    @Test
    void aFetchAnswersWhatTheSameODataQueryAnswersForEveryCaller() throws Exception {
        String fetch = "<fetch><entity name='mserp_custcustomerv3entity'>"
                + "<attribute name='mserp_customeraccount'/><attribute name='mserp_creditlimit'/>"
                + "<order attribute='mserp_customeraccount' descending='true'/>"
                + "<filter type='or'><condition attribute='mserp_creditlimit' operator='ge' value='20000'/>"
                + "<filter><condition attribute='mserp_customeraccount' operator='like' value='%-00%'/>"
                + "<condition attribute='mserp_dataareaid' operator='in'><value>demf</value><value>gbsi</value></condition>"
                + "</filter></filter></entity></fetch>";
        String odata =
                CUSTOMERS + "?$select=mserp_customeraccount,mserp_creditlimit&$orderby=mserp_customeraccount%20desc"
                        + "&$filter="
                        + URLEncoder.encode(
                                        "mserp_creditlimit ge 20000 or (contains(mserp_customeraccount,'-00') and"
                                                + " Microsoft.Dynamics.CRM.In(PropertyName='mserp_dataareaid',"
                                                + "PropertyValues=['demf','gbsi']))",
                                        StandardCharsets.UTF_8)
                                .replace("+", "%20");
        int compared = 0;
        int refused = 0;
        for (DemoIdentities.User user : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Response direct = as(user).urlEncodingEnabled(false).get(odata);
            if (direct.statusCode() == 403) {
                // a caller who may not filter on a field in OData may not in FetchXML either
                assertError(fetch(as(user), CUSTOMERS, fetch), 403, "0x80040220");
                refused++;
                continue;
            }
            List<String> expected = new ArrayList<>();
            json(direct)
                    .path("value")
                    .forEach(row -> expected.add(row.get(CUSTOMER_KEY).asText()));
            List<String> actual = new ArrayList<>();
            json(fetch(as(user), CUSTOMERS, fetch))
                    .path("value")
                    .forEach(row -> actual.add(row.get(CUSTOMER_KEY).asText()));
            assertThat(actual).as(user.name()).isEqualTo(expected);
            compared += actual.size();
        }
        assertThat(compared).isPositive();
        assertThat(refused).as("Fiona may not filter on the credit limit").isPositive();
    }

    /** An outer link-entity: linked values as alias.attribute, exactly those the caller reads directly; nulls left out. */
    @Test
    void linkedColumnsAreWhatTheCallerReadsDirectly() throws Exception {
        String fetch = "<fetch><entity name='mserp_salesorderheaderv2entity'>"
                + "<attribute name='mserp_salesordernumber'/><attribute name='mserp_customerid'/>"
                + "<link-entity name='mserp_custcustomerv3entity' from='mserp_custcustomerv3entityid'"
                + " to='mserp_customerid' link-type='outer' alias='c'>"
                + "<attribute name='mserp_customeraccount'/><attribute name='mserp_creditlimit'/></link-entity>"
                + "</entity></fetch>";
        int linked = 0;
        int unlinked = 0;
        for (DemoIdentities.User user : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Map<String, JsonNode> customers = byKey(
                    json(as(user).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY
                                    + ",mserp_customeraccount,mserp_creditlimit"))
                            .path("value"),
                    CUSTOMER_KEY);
            Map<String, JsonNode> orders =
                    byKey(json(as(user).get(ORDERS + "?$select=" + ORDER_KEY)).path("value"), ORDER_KEY);
            JsonNode answer = json(fetch(as(user), ORDERS, fetch));
            assertThat(byKey(answer.path("value"), ORDER_KEY).keySet())
                    .as(user.name())
                    .isEqualTo(orders.keySet());
            for (JsonNode row : answer.path("value")) {
                JsonNode customer =
                        customers.get(row.path("_mserp_customerid_value").asText());
                if (customer == null) {
                    assertThat(row.has("c.mserp_customeraccount"))
                            .as(user.name() + " " + row)
                            .isFalse();
                    unlinked++;
                    continue;
                }
                assertThat(row.get("c.mserp_customeraccount").asText())
                        .isEqualTo(customer.get("mserp_customeraccount").asText());
                JsonNode limit = customer.get("mserp_creditlimit");
                if (limit == null || limit.isNull()) {
                    assertThat(row.has("c.mserp_creditlimit"))
                            .as("null is left out")
                            .isFalse();
                } else {
                    assertThat(row.get("c.mserp_creditlimit").decimalValue())
                            .isEqualByComparingTo(limit.decimalValue());
                }
                row.fields()
                        .forEachRemaining(field -> assertThat(field.getValue().isNull())
                                .as("no null value in a FetchXML answer: " + field.getKey())
                                .isFalse());
                linked++;
            }
        }
        assertThat(linked).isPositive();
        assertThat(unlinked)
                .as("some orders have a customer the caller cannot read")
                .isPositive();
    }

    /** Feeding back the paging cookie reads every row exactly once, in order, as a direct read has them. */
    @Test
    void thePagingCookieWalksEveryRowOnce() throws Exception {
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        List<String> expected = new ArrayList<>();
        json(as(mia).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY + "&$orderby=mserp_name," + CUSTOMER_KEY))
                .path("value")
                .forEach(row -> expected.add(row.get(CUSTOMER_KEY).asText()));
        Set<String> seen = new LinkedHashSet<>();
        String page = "1";
        String cookie = "";
        int pages = 0;
        int total = -1;
        while (true) {
            String fetch = "<fetch count='7' page='" + page + "' returntotalrecordcount='true'"
                    + (cookie.isEmpty() ? "" : " paging-cookie='" + cookie + "'")
                    + "><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/>"
                    + "<order attribute='mserp_name'/></entity></fetch>";
            JsonNode answer = json(fetch(as(mia), CUSTOMERS, fetch));
            pages++;
            total = answer.get("@Microsoft.Dynamics.CRM.totalrecordcount").asInt();
            answer.path("value")
                    .forEach(row -> assertThat(seen.add(row.get(CUSTOMER_KEY).asText()))
                            .as("each row once")
                            .isTrue());
            if (!answer.get("@Microsoft.Dynamics.CRM.morerecords").asBoolean()) {
                assertThat(answer.has("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"))
                        .isFalse();
                break;
            }
            Matcher next = COOKIE.matcher(
                    answer.get("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie").asText());
            assertThat(next.matches()).isTrue();
            assertThat(next.group(1)).isEqualTo(Integer.toString(Integer.parseInt(page) + 1));
            page = next.group(1);
            cookie = next.group(2);
        }
        assertThat(new ArrayList<>(seen)).isEqualTo(expected);
        assertThat(total).isEqualTo(expected.size());
        assertThat(pages).isGreaterThan(2);
        // a page number without a cookie skips to that page
        JsonNode second = json(fetch(
                as(mia),
                CUSTOMERS,
                "<fetch count='7' page='2'><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/>"
                        + "<order attribute='mserp_name'/></entity></fetch>"));
        List<String> secondPage = new ArrayList<>();
        second.path("value").forEach(row -> secondPage.add(row.get(CUSTOMER_KEY).asText()));
        assertThat(secondPage).isEqualTo(expected.subList(7, Math.min(14, expected.size())));
        // and its cookie goes on from there: a page reached by number continues with cookies
        Matcher third = COOKIE.matcher(
                second.get("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie").asText());
        assertThat(third.matches()).isTrue();
        assertThat(third.group(1)).isEqualTo("3");
        List<String> thirdPage = new ArrayList<>();
        json(fetch(
                        as(mia),
                        CUSTOMERS,
                        "<fetch count='7' page='3' paging-cookie='" + third.group(2) + "'><entity"
                                + " name='mserp_custcustomerv3entity'><attribute name='mserp_name'/>"
                                + "<order attribute='mserp_name'/></entity></fetch>"))
                .path("value")
                .forEach(row -> thirdPage.add(row.get(CUSTOMER_KEY).asText()));
        assertThat(thirdPage).isEqualTo(expected.subList(14, Math.min(21, expected.size())));
    }

    @Test
    void aFilteringLinkTypeFiltersWithoutColumns() throws Exception {
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        String fetch = "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_customeraccount'/>"
                + "<link-entity name='mserp_salesorderheaderv2entity' from='mserp_customerid'"
                + " to='mserp_custcustomerv3entityid' link-type='%s'>"
                + "<filter><condition attribute='mserp_totalamount' operator='gt' value='10000'/></filter>"
                + "</link-entity></entity></fetch>";
        Set<String> any = byKey(
                        json(fetch(as(sam), CUSTOMERS, fetch.formatted("any"))).path("value"), CUSTOMER_KEY)
                .keySet();
        Set<String> lambda = byKey(
                        json(as(sam).urlEncodingEnabled(false)
                                        .get(CUSTOMERS + "?$select=" + CUSTOMER_KEY
                                                + "&$filter=mserp_SalesOrders/any(o:o/mserp_totalamount%20gt%2010000)"))
                                .path("value"),
                        CUSTOMER_KEY)
                .keySet();
        assertThat(any).isNotEmpty().isEqualTo(lambda);
        Set<String> notAny = byKey(
                        json(fetch(as(sam), CUSTOMERS, fetch.formatted("not any")))
                                .path("value"),
                        CUSTOMER_KEY)
                .keySet();
        Set<String> all = byKey(
                        json(as(sam).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY))
                                .path("value"),
                        CUSTOMER_KEY)
                .keySet();
        assertThat(notAny).doesNotContainAnyElementsOf(any);
        assertThat(notAny.size() + any.size()).isEqualTo(all.size());
    }

    /** RetrieveMultiple takes a FetchExpression too, and answers the same rows in the EntityCollection shape. */
    @Test
    void retrieveMultipleTakesAFetchExpression() throws Exception {
        DemoIdentities.User leo = DemoIdentities.LEO_LOCAL;
        String fetch = "<fetch count='5000'><entity name='mserp_salesorderheaderv2entity'>"
                + "<attribute name='mserp_salesordernumber'/><order attribute='mserp_salesordernumber'/>"
                + "<filter><condition attribute='mserp_totalamount' operator='gt' value='1000'/></filter>"
                + "</entity></fetch>";
        List<String> viaGet = new ArrayList<>();
        json(fetch(as(leo), ORDERS, fetch))
                .path("value")
                .forEach(row -> viaGet.add(row.get(ORDER_KEY).asText()));
        String body = JSON.writeValueAsString(
                Map.of("Query", Map.of("@odata.type", "Microsoft.Dynamics.CRM.FetchExpression", "Query", fetch)));
        JsonNode answer = json(queryExpression(as(leo), body));
        List<String> viaRetrieveMultiple = new ArrayList<>();
        answer.path("value")
                .forEach(row -> viaRetrieveMultiple.add(row.get(ORDER_KEY).asText()));
        assertThat(viaRetrieveMultiple).isNotEmpty().isEqualTo(viaGet);
        assertThat(answer.get("MoreRecords").asBoolean()).isFalse();
    }

    /** eq-userid is the caller's own id; last-x-years the years before today and today, as OData with those bounds. */
    @Test
    void userAndRelativeDateOperatorsMeanTheCallerAndTheDayTheQueryRuns() throws Exception {
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        String own = "<fetch><entity name='mserp_salesorderheaderv2entity'><attribute name='mserp_salesordernumber'/>"
                + "<filter><condition attribute='mserp_ownerid' operator='eq-userid'/></filter></entity></fetch>";
        Set<String> viaFetch = byKey(json(fetch(as(mia), ORDERS, own)).path("value"), ORDER_KEY)
                .keySet();
        Set<String> viaOData = byKey(
                        json(as(mia).urlEncodingEnabled(false)
                                        .get(ORDERS + "?$select=" + ORDER_KEY + "&$filter=mserp_ownerid%20eq%20"
                                                + mia.id()))
                                .path("value"),
                        ORDER_KEY)
                .keySet();
        assertThat(viaFetch).isNotEmpty().isEqualTo(viaOData);

        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String recent =
                "<fetch><entity name='mserp_salesorderheaderv2entity'><attribute name='mserp_salesordernumber'/>"
                        + "<filter><condition attribute='mserp_orderdate' operator='last-x-years' value='2'/></filter>"
                        + "</entity></fetch>";
        Set<String> lastTwoYears = byKey(json(fetch(as(mia), ORDERS, recent)).path("value"), ORDER_KEY)
                .keySet();
        Set<String> expected = byKey(
                        json(as(mia).urlEncodingEnabled(false)
                                        .get(ORDERS + "?$select=" + ORDER_KEY + "&$filter=mserp_orderdate%20ge%20"
                                                + today.minusYears(2) + "%20and%20mserp_orderdate%20lt%20"
                                                + today.plusDays(1)))
                                .path("value"),
                        ORDER_KEY)
                .keySet();
        assertThat(lastTwoYears).isEqualTo(expected);
        assertThat(assertError(
                        fetch(
                                as(mia),
                                ORDERS,
                                "<fetch><entity name='mserp_salesorderheaderv2entity'><filter><condition"
                                        + " attribute='mserp_salesordernumber' operator='today'/></filter></entity></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("needs a Date or DateTimeOffset attribute");
    }

    /** Aggregates per company equal what the caller's direct read of the rows sums up; hidden fields are 403. */
    @Test
    void anAggregateFetchSumsExactlyTheRowsTheCallerReads() throws Exception {
        String fetch = "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                + "<attribute name='mserp_dataareaid' alias='company' groupby='true'/>"
                + "<attribute name='mserp_salesorderheaderv2entityid' alias='orders' aggregate='count'/>"
                + "<attribute name='mserp_totalamount' alias='total' aggregate='sum'/>"
                + "<attribute name='mserp_totalamount' alias='largest' aggregate='max'/>"
                + "<attribute name='mserp_customerid' alias='customers' aggregate='countcolumn' distinct='true'/>"
                + "</entity></fetch>";
        for (DemoIdentities.User user : List.of(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, DemoIdentities.MIA_MIXED)) {
            Map<String, long[]> counts = new TreeMap<>();
            Map<String, java.math.BigDecimal> totals = new TreeMap<>();
            Map<String, java.math.BigDecimal> largest = new TreeMap<>();
            Map<String, Set<String>> customers = new TreeMap<>();
            json(as(user).get(ORDERS + "?$select=mserp_dataareaid,mserp_totalamount,_mserp_customerid_value"))
                    .path("value")
                    .forEach(row -> {
                        String company = row.get("mserp_dataareaid").asText();
                        counts.computeIfAbsent(company, key -> new long[1])[0]++;
                        customers
                                .computeIfAbsent(company, key -> new java.util.TreeSet<>())
                                .add(row.get("_mserp_customerid_value").asText());
                        if (!row.get("mserp_totalamount").isNull()) {
                            java.math.BigDecimal amount =
                                    row.get("mserp_totalamount").decimalValue();
                            totals.merge(company, amount, java.math.BigDecimal::add);
                            largest.merge(company, amount, java.math.BigDecimal::max);
                        }
                    });
            JsonNode answer = json(fetch(as(user), ORDERS, fetch));
            List<String> companies = new ArrayList<>();
            for (JsonNode row : answer.path("value")) {
                String company = row.get("company").asText();
                companies.add(company);
                assertThat(row.get("orders").asLong())
                        .as(user.name() + " " + company)
                        .isEqualTo(counts.get(company)[0]);
                assertThat(row.get("total").decimalValue()).isEqualByComparingTo(totals.get(company));
                assertThat(row.get("largest").decimalValue()).isEqualByComparingTo(largest.get(company));
                assertThat(row.get("customers").asLong())
                        .isEqualTo(customers.get(company).size());
            }
            assertThat(companies).as(user.name()).isEqualTo(new ArrayList<>(counts.keySet()));
        }
        assertError(
                fetch(
                        as(DemoIdentities.FIONA_FIELD_SECURITY),
                        CUSTOMERS,
                        "<fetch aggregate='true'><entity name='mserp_custcustomerv3entity'>"
                                + "<attribute name='mserp_creditlimit' alias='total' aggregate='sum'/></entity></fetch>"),
                403,
                "0x80040220");
    }

    /** OData's $apply is the same aggregation: groupby with aggregates answers what the aggregate fetch answers. */
    @Test
    void applyAnswersWhatTheAggregateFetchAnswers() throws Exception {
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        JsonNode fetched = json(fetch(
                as(mia),
                ORDERS,
                "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                        + "<attribute name='mserp_dataareaid' alias='mserp_dataareaid' groupby='true'/>"
                        + "<attribute name='mserp_totalamount' alias='orders' aggregate='count'/>"
                        + "<attribute name='mserp_totalamount' alias='total' aggregate='sum'/>"
                        + "<filter><condition attribute='mserp_totalamount' operator='gt' value='1000'/></filter>"
                        + "</entity></fetch>"));
        JsonNode applied = json(as(mia).urlEncodingEnabled(false)
                .get(ORDERS + "?$apply="
                        + URLEncoder.encode(
                                        "filter(mserp_totalamount gt 1000)/groupby((mserp_dataareaid),aggregate($count as"
                                                + " orders,mserp_totalamount with sum as total))",
                                        StandardCharsets.UTF_8)
                                .replace("+", "%20")));
        assertThat(applied.path("value").size())
                .isPositive()
                .isEqualTo(fetched.path("value").size());
        for (int i = 0; i < fetched.path("value").size(); i++) {
            JsonNode expected = fetched.path("value").get(i);
            JsonNode actual = applied.path("value").get(i);
            assertThat(actual.get("mserp_dataareaid").asText())
                    .isEqualTo(expected.get("mserp_dataareaid").asText());
            assertThat(actual.get("orders").asLong())
                    .isEqualTo(expected.get("orders").asLong());
            assertThat(actual.get("total").decimalValue())
                    .isEqualByComparingTo(expected.get("total").decimalValue());
        }
        assertThat(applied.get("@odata.context").asText()).endsWith("(mserp_dataareaid,orders,total)");
        JsonNode average = json(as(mia).urlEncodingEnabled(false)
                .get(ORDERS + "?$apply=aggregate(mserp_totalamount%20with%20average%20as%20mean,"
                        + "_mserp_customerid_value%20with%20countdistinct%20as%20customers)"));
        assertThat(average.path("value")).hasSize(1);
        assertThat(average.path("value").get(0).get("customers").asLong()).isPositive();
        assertThat(assertError(
                        as(mia).urlEncodingEnabled(false)
                                .get(ORDERS + "?$apply=groupby((mserp_dataareaid))&$select=mserp_dataareaid"),
                        400,
                        "0x8ff00003"))
                .contains("$select");
        assertThat(assertError(
                        as(mia).urlEncodingEnabled(false)
                                .get(ORDERS + "?$apply=aggregate(mserp_totalamount%20with%20median%20as%20m)"),
                        400,
                        "0x8ff00001"))
                .contains("median");
    }

    /**
     * $apply with $orderby (by a grouped property or an aggregate's alias), $top, $skip and $count
     * answers the rows, in the order, of the aggregate fetch with the same orders; $count and
     * returntotalrecordcount count the groups.
     */
    @Test
    void applyTakesOrderByTopSkipAndCountOverItsGroups() throws Exception {
        DemoIdentities.User alice = DemoIdentities.ALICE_SALES_MANAGER;
        String groups = "<attribute name='mserp_customerid' alias='customer' groupby='true'/>"
                + "<attribute name='mserp_totalamount' alias='total' aggregate='sum'/>"
                + "<attribute name='mserp_totalamount' alias='orders' aggregate='count'/>";
        JsonNode fetched = json(fetch(
                as(alice),
                ORDERS,
                "<fetch aggregate='true' returntotalrecordcount='true'><entity name='mserp_salesorderheaderv2entity'>"
                        + groups + "<order alias='total' descending='true'/></entity></fetch>"));
        int all = fetched.path("value").size();
        assertThat(all).isGreaterThan(4);
        assertThat(fetched.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong())
                .isEqualTo(all);
        String apply = URLEncoder.encode(
                        "groupby((_mserp_customerid_value),aggregate(mserp_totalamount with sum as total,$count as"
                                + " orders))",
                        StandardCharsets.UTF_8)
                .replace("+", "%20");
        JsonNode applied = json(as(alice)
                .urlEncodingEnabled(false)
                .get(ORDERS + "?$apply=" + apply + "&$orderby=total%20desc&$top=3&$skip=1&$count=true"));
        assertThat(applied.get("@odata.count").asLong()).isEqualTo(all);
        assertThat(applied.path("value")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode expected = fetched.path("value").get(i + 1);
            JsonNode actual = applied.path("value").get(i);
            assertThat(actual.get("total").decimalValue())
                    .isEqualByComparingTo(expected.get("total").decimalValue());
            assertThat(actual.get("orders").asLong())
                    .isEqualTo(expected.get("orders").asLong());
        }
        // ascending by the grouped property: the customer keys in order
        JsonNode byCustomer = json(as(alice)
                .urlEncodingEnabled(false)
                .get(ORDERS + "?$apply=" + apply + "&$orderby=_mserp_customerid_value%20asc,orders%20desc"));
        List<String> customers = new ArrayList<>();
        byCustomer
                .path("value")
                .forEach(
                        row -> customers.add(row.path("_mserp_customerid_value").asText()));
        assertThat(customers).hasSize(all).isSorted();
        assertThat(assertError(
                        as(alice).urlEncodingEnabled(false).get(ORDERS + "?$apply=" + apply + "&$orderby=mserp_name"),
                        400,
                        "0x8ff00001"))
                .contains("'mserp_name' is neither");
        assertThat(assertError(
                        as(alice).urlEncodingEnabled(false).get(ORDERS + "?$apply=" + apply + "&$top=-1"),
                        400,
                        "0x8ff00001"))
                .contains("$top");
        // count distinct, sum distinct: over the distinct values of the column
        JsonNode distinct = json(fetch(
                as(alice),
                ORDERS,
                "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                        + "<attribute name='mserp_customerid' alias='customers' aggregate='count' distinct='true'/>"
                        + "<attribute name='mserp_customerid' alias='rows' aggregate='count'/>"
                        + "<attribute name='mserp_dataareaid' alias='companies' aggregate='countcolumn' distinct='true'/>"
                        + "</entity></fetch>"));
        JsonNode row = distinct.path("value").get(0);
        assertThat(row.get("customers").asLong()).isEqualTo(all);
        assertThat(row.get("rows").asLong()).isGreaterThan(all);
        assertThat(row.get("companies").asLong()).isBetween(1L, 4L);
    }

    /** valueof compares two columns, as OData compares two properties. */
    @Test
    void valueofComparesTwoColumns() throws Exception {
        RequestSpecification sam = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
        Map<String, Set<String>> byOperator = new TreeMap<>();
        for (String operator : List.of("gt", "le")) {
            Set<String> viaFetch = byKey(
                            json(fetch(
                                            as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                            CUSTOMERS,
                                            "<fetch><entity name='mserp_custcustomerv3entity'><attribute"
                                                    + " name='mserp_name'/><filter><condition"
                                                    + " attribute='mserp_salesytd' operator='" + operator + "'"
                                                    + " valueof='mserp_creditlimit'/></filter></entity></fetch>"))
                                    .path("value"),
                            CUSTOMER_KEY)
                    .keySet();
            Set<String> viaOData = byKey(
                            json(as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                                            .urlEncodingEnabled(false)
                                            .get(CUSTOMERS + "?$select=" + CUSTOMER_KEY + "&$filter=mserp_salesytd%20"
                                                    + operator + "%20mserp_creditlimit"))
                                    .path("value"),
                            CUSTOMER_KEY)
                    .keySet();
            assertThat(viaFetch).as(operator).isEqualTo(viaOData);
            byOperator.put(operator, viaFetch);
        }
        Set<String> bothSet = byKey(
                        json(sam.urlEncodingEnabled(false)
                                        .get(
                                                CUSTOMERS + "?$select=" + CUSTOMER_KEY
                                                        + "&$filter=mserp_salesytd%20ne%20null%20and%20mserp_creditlimit%20ne%20null"))
                                .path("value"),
                        CUSTOMER_KEY)
                .keySet();
        assertThat(byOperator.get("gt")).isNotEmpty();
        assertThat(java.util.Collections.disjoint(byOperator.get("gt"), byOperator.get("le")))
                .as("no row is both gt and le")
                .isTrue();
        Set<String> union = new java.util.TreeSet<>(byOperator.get("gt"));
        union.addAll(byOperator.get("le"));
        assertThat(union).as("each row compared with its own other column").isEqualTo(bothSet);
    }

    /** An attribute alias names the column in the answer, for the root and for a link-entity, in both layouts. */
    @Test
    void aliasedAttributesAreAnsweredUnderTheirAlias() throws Exception {
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        String fetch = "<fetch><entity name='mserp_salesorderheaderv2entity'>"
                + "<attribute name='mserp_salesordernumber'%s/><order attribute='mserp_salesordernumber'/>"
                + "<link-entity name='mserp_custcustomerv3entity' from='mserp_custcustomerv3entityid'"
                + " to='mserp_customerid' link-type='outer' alias='c'><attribute name='mserp_name'%s/></link-entity>"
                + "</entity></fetch>";
        JsonNode plain = json(fetch(as(mia), ORDERS, fetch.formatted("", ""))).path("value");
        String aliased = fetch.formatted(" alias='number'", " alias='customer'");
        JsonNode renamed = json(fetch(as(mia), ORDERS, aliased)).path("value");
        assertThat(renamed.size()).isPositive().isEqualTo(plain.size());
        int linked = 0;
        for (int i = 0; i < plain.size(); i++) {
            JsonNode expected = plain.get(i);
            JsonNode actual = renamed.get(i);
            assertThat(actual.get(ORDER_KEY).asText())
                    .isEqualTo(expected.get(ORDER_KEY).asText());
            assertThat(actual.get("number").asText())
                    .isEqualTo(expected.get("mserp_salesordernumber").asText());
            assertThat(actual.has("mserp_salesordernumber")).isFalse();
            assertThat(actual.has("c.mserp_name")).isFalse();
            if (expected.has("c.mserp_name")) {
                assertThat(actual.get("customer").asText())
                        .isEqualTo(expected.get("c.mserp_name").asText());
                linked++;
            } else {
                assertThat(actual.has("customer")).as("a null is left out").isFalse();
            }
        }
        assertThat(linked).isPositive();
        JsonNode viaRetrieveMultiple = json(queryExpression(
                        as(mia),
                        JSON.writeValueAsString(Map.of(
                                "Query",
                                Map.of("@odata.type", "Microsoft.Dynamics.CRM.FetchExpression", "Query", aliased)))))
                .path("value");
        assertThat(viaRetrieveMultiple.get(0).get("number").asText())
                .isEqualTo(plain.get(0).get("mserp_salesordernumber").asText());
        assertThat(assertError(
                        fetch(
                                as(mia),
                                ORDERS,
                                "<fetch><entity name='mserp_salesorderheaderv2entity'><attribute"
                                        + " name='mserp_salesordernumber' alias='mserp_currencycode'/><attribute"
                                        + " name='mserp_currencycode'/></entity></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("Two columns of the answer are named 'mserp_currencycode'");
    }

    /** Dataverse counts up to 5,000: a larger total reads 5,000 with totalrecordcountlimitexceeded true. */
    @Test
    void theTotalRecordCountStopsAtFiveThousand() throws Exception {
        DemoIdentities.User sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
        long total;
        try (java.sql.Connection connection = backend.connect();
                java.sql.ResultSet rows = connection
                        .createStatement()
                        .executeQuery("SELECT COUNT(*) FROM erp.sales_order_line a JOIN erp.sales_order_line b"
                                + " ON b.item_number = a.item_number WHERE a.data_area_id = 'usmf'")) {
            rows.next();
            total = rows.getLong(1);
        }
        assertThat(total).as("the line pairs of one item").isGreaterThan(5000);
        String fetch = "<fetch count='1' returntotalrecordcount='true'><entity name='mserp_salesorderlinev2entity'>"
                + "<attribute name='mserp_linenumber'/>"
                + "<filter><condition attribute='mserp_dataareaid' operator='eq' value='usmf'/></filter>"
                + "<link-entity name='mserp_salesorderlinev2entity' from='mserp_itemnumber' to='mserp_itemnumber'"
                + " alias='same'/></entity></fetch>";
        JsonNode answer = json(fetch(as(sam), EntitySet.SALES_ORDER_LINES.set, fetch));
        assertThat(answer.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong())
                .isEqualTo(5000);
        assertThat(answer.get("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")
                        .asBoolean())
                .isTrue();
        JsonNode viaRetrieveMultiple = json(queryExpression(
                as(sam),
                JSON.writeValueAsString(Map.of(
                        "Query", Map.of("@odata.type", "Microsoft.Dynamics.CRM.FetchExpression", "Query", fetch)))));
        assertThat(viaRetrieveMultiple.get("TotalRecordCount").asLong()).isEqualTo(5000);
        assertThat(viaRetrieveMultiple.get("TotalRecordCountLimitExceeded").asBoolean())
                .isTrue();
        JsonNode small = json(fetch(
                as(sam),
                CUSTOMERS,
                "<fetch count='1' returntotalrecordcount='true'><entity name='mserp_custcustomerv3entity'>"
                        + "<attribute name='mserp_name'/></entity></fetch>"));
        assertThat(small.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong())
                .isEqualTo(sql(EntitySet.CUSTOMERS, "").size());
        assertThat(small.get("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")
                        .asBoolean())
                .isFalse();
    }

    /** The rows of an aggregate answer as text, one line each, in order. */
    private static List<String> rows(JsonNode answer) {
        List<String> rows = new ArrayList<>();
        answer.path("value").forEach(row -> rows.add(row.toString()));
        return rows;
    }

    /**
     * An aggregate ordered by an alias comes in that order; top keeps its first rows; pages of count
     * rows walked with the paging cookie, or reached by page number, hold exactly its rows in order.
     */
    @Test
    void anAggregateFetchIsOrderedByAliasAndPaged() throws Exception {
        for (DemoIdentities.User user : List.of(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, DemoIdentities.MIA_MIXED)) {
            String fetch = "<fetch aggregate='true'%s><entity name='mserp_salesorderheaderv2entity'>"
                    + "<attribute name='mserp_orderingcustomeraccountnumber' alias='account' groupby='true'/>"
                    + "<attribute name='mserp_dataareaid' alias='company' groupby='true'/>"
                    + "<attribute name='mserp_salesorderheaderv2entityid' alias='orders' aggregate='count'/>"
                    + "<order alias='orders' descending='true'/></entity></fetch>";
            Map<String, Long> expected = new TreeMap<>();
            json(as(user).get(ORDERS + "?$select=mserp_orderingcustomeraccountnumber,mserp_dataareaid"))
                    .path("value")
                    .forEach(row -> expected.merge(
                            row.get("mserp_dataareaid").asText() + "/"
                                    + row.get("mserp_orderingcustomeraccountnumber")
                                            .asText(),
                            1L,
                            Long::sum));
            JsonNode whole = json(fetch(as(user), ORDERS, fetch.formatted("")));
            Map<String, Long> actual = new TreeMap<>();
            long previous = Long.MAX_VALUE;
            for (JsonNode row : whole.path("value")) {
                long orders = row.get("orders").asLong();
                assertThat(orders).as("descending by the alias").isLessThanOrEqualTo(previous);
                previous = orders;
                actual.put(
                        row.get("company").asText() + "/" + row.get("account").asText(), orders);
            }
            assertThat(actual).as(user.name()).isEqualTo(expected);
            assertThat(whole.get("@Microsoft.Dynamics.CRM.morerecords").asBoolean())
                    .isFalse();
            List<String> all = rows(whole);
            assertThat(all.size()).isGreaterThan(8);
            assertThat(rows(json(fetch(as(user), ORDERS, fetch.formatted(" top='3'")))))
                    .isEqualTo(all.subList(0, 3));
            assertThat(rows(json(fetch(as(user), ORDERS, fetch.formatted(" count='4' page='2'")))))
                    .isEqualTo(all.subList(4, 8));
            List<String> walked = new ArrayList<>();
            String attributes = " count='4'";
            int pages = 0;
            while (true) {
                JsonNode page = json(fetch(as(user), ORDERS, fetch.formatted(attributes)));
                walked.addAll(rows(page));
                pages++;
                if (!page.get("@Microsoft.Dynamics.CRM.morerecords").asBoolean()) {
                    break;
                }
                Matcher next = COOKIE.matcher(
                        page.get("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie").asText());
                assertThat(next.matches()).isTrue();
                attributes = " count='4' page='" + next.group(1) + "' paging-cookie='" + next.group(2) + "'";
            }
            assertThat(walked).as(user.name() + ": every group once, in order").isEqualTo(all);
            assertThat(pages).isEqualTo((all.size() + 3) / 4);
        }
    }

    /** Groups and aggregates of a link-entity's attributes read the linked rows the caller reads directly. */
    @Test
    void anAggregateGroupsAndAggregatesLinkedAttributes() throws Exception {
        for (DemoIdentities.User user : List.of(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, DemoIdentities.MIA_MIXED)) {
            Map<String, JsonNode> customers = byKey(
                    json(as(user).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY + ",mserp_addresscity,mserp_salesytd"))
                            .path("value"),
                    CUSTOMER_KEY);
            Map<String, Long> counts = new TreeMap<>();
            Map<String, Long> largest = new TreeMap<>();
            json(as(user).get(ORDERS + "?$select=_mserp_customerid_value"))
                    .path("value")
                    .forEach(order -> {
                        JsonNode customer = customers.get(
                                order.get("_mserp_customerid_value").asText());
                        if (customer == null) {
                            return; // the inner link drops an order whose customer the caller cannot read
                        }
                        String city = customer.get("mserp_addresscity").isNull()
                                ? "(none)"
                                : customer.get("mserp_addresscity").asText();
                        counts.merge(city, 1L, Long::sum);
                        if (!customer.get("mserp_salesytd").isNull()) {
                            largest.merge(city, customer.get("mserp_salesytd").asLong(), Math::max);
                        }
                    });
            JsonNode answer = json(fetch(
                    as(user),
                    ORDERS,
                    "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                            + "<attribute name='mserp_salesorderheaderv2entityid' alias='orders' aggregate='count'/>"
                            + "<link-entity name='mserp_custcustomerv3entity' from='mserp_custcustomerv3entityid'"
                            + " to='mserp_customerid' alias='c'>"
                            + "<attribute name='mserp_addresscity' alias='city' groupby='true'/>"
                            + "<attribute name='mserp_salesytd' alias='largest' aggregate='max'/>"
                            + "</link-entity></entity></fetch>"));
            Map<String, Long> actualCounts = new TreeMap<>();
            Map<String, Long> actualLargest = new TreeMap<>();
            for (JsonNode row : answer.path("value")) {
                String city = row.has("city") ? row.get("city").asText() : "(none)";
                actualCounts.put(city, row.get("orders").asLong());
                if (row.has("largest")) {
                    actualLargest.put(city, row.get("largest").asLong());
                }
            }
            assertThat(actualCounts).as(user.name()).isNotEmpty().isEqualTo(counts);
            assertThat(actualLargest).as(user.name()).isEqualTo(largest);
        }
    }

    /** dategrouping takes the year, quarter, month, ISO week or day of a Date, and of a DateTimeOffset in UTC. */
    @Test
    void anAggregateGroupsByPartsOfADate() throws Exception {
        DemoIdentities.User mia = DemoIdentities.MIA_MIXED;
        JsonNode orders = json(as(mia).get(ORDERS + "?$select=mserp_orderdate,mserp_requestedshippingdate"))
                .path("value");
        for (String field : List.of("mserp_orderdate", "mserp_requestedshippingdate")) {
            Map<String, Long> expected = new TreeMap<>();
            orders.forEach(row -> {
                if (row.get(field).isNull()) {
                    expected.merge("null", 1L, Long::sum);
                    return;
                }
                java.time.LocalDate day = field.equals("mserp_orderdate")
                        ? java.time.LocalDate.parse(row.get(field).asText())
                        : java.time.OffsetDateTime.parse(row.get(field).asText())
                                .withOffsetSameInstant(java.time.ZoneOffset.UTC)
                                .toLocalDate();
                expected.merge(
                        day.getYear() + "/" + day.get(java.time.temporal.IsoFields.QUARTER_OF_YEAR) + "/"
                                + day.getMonthValue() + "/"
                                + day.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR) + "/"
                                + day.getDayOfMonth(),
                        1L,
                        Long::sum);
            });
            JsonNode answer = json(fetch(
                    as(mia),
                    ORDERS,
                    "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                            + "<attribute name='" + field + "' alias='y' groupby='true' dategrouping='year'/>"
                            + "<attribute name='" + field + "' alias='q' groupby='true' dategrouping='quarter'/>"
                            + "<attribute name='" + field + "' alias='m' groupby='true' dategrouping='month'/>"
                            + "<attribute name='" + field + "' alias='w' groupby='true' dategrouping='week'/>"
                            + "<attribute name='" + field + "' alias='d' groupby='true' dategrouping='day'/>"
                            + "<attribute name='mserp_salesorderheaderv2entityid' alias='n' aggregate='count'/>"
                            + "</entity></fetch>"));
            Map<String, Long> actual = new TreeMap<>();
            for (JsonNode row : answer.path("value")) {
                String key = row.has("y")
                        ? row.get("y").asInt() + "/" + row.get("q").asInt() + "/"
                                + row.get("m").asInt() + "/" + row.get("w").asInt() + "/"
                                + row.get("d").asInt()
                        : "null";
                assertThat(actual.put(key, row.get("n").asLong()))
                        .as("each group once")
                        .isNull();
            }
            assertThat(actual).as(field).hasSizeGreaterThan(3).isEqualTo(expected);
        }
        assertThat(assertError(
                        fetch(
                                as(mia),
                                ORDERS,
                                "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'><attribute"
                                        + " name='mserp_orderdate' alias='fy' groupby='true' dategrouping='fiscal-year'/>"
                                        + "</entity></fetch>"),
                        400,
                        "0x8ff00003"))
                .contains("fiscal-year")
                .contains("query.fiscalYearStart");
        assertThat(assertError(
                        fetch(
                                as(mia),
                                ORDERS,
                                "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'><attribute"
                                        + " name='mserp_dataareaid' alias='y' groupby='true' dategrouping='year'/>"
                                        + "</entity></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("needs a Date or DateTimeOffset attribute");
    }

    @Test
    void badFetchXmlIsA400NamingTheElementAndAttribute() {
        RequestSpecification sam = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR);
        assertThat(assertError(
                        fetch(sam, CUSTOMERS, "<fetch><entity name='mserp_custcustomerv3entity'>"), 400, "0x8ff00001"))
                .contains("not well-formed");
        assertThat(assertError(
                        fetch(
                                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                CUSTOMERS,
                                "<!DOCTYPE fetch [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><fetch><entity"
                                        + " name='mserp_custcustomerv3entity'><attribute name='&x;'/></entity></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("DOCTYPE");
        assertThat(assertError(
                        fetch(
                                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                CUSTOMERS,
                                "<fetch top='5' page='2'><entity name='mserp_custcustomerv3entity'/></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("top");
        assertThat(assertError(
                        fetch(
                                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                CUSTOMERS,
                                "<fetch><entity name='mserp_custcustomerv3entity'><filter><condition"
                                        + " attribute='mserp_name' operator='eqq' value='x'/></filter></entity></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("operator=\"eqq\"");
        assertThat(assertError(
                        fetch(
                                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                ORDERS,
                                "<fetch><entity name='mserp_custcustomerv3entity'/></fetch>"),
                        400,
                        "0x8ff00001"))
                .contains("mserp_custcustomerv3entity");
        assertThat(assertError(
                        fetch(
                                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR),
                                CUSTOMERS,
                                "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_nosuch'/>"
                                        + "</entity></fetch>"),
                        400,
                        "0x8ff00002"))
                .contains("mserp_nosuch");
        assertThat(assertError(
                        as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                                .urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml=%3Cfetch/%3E&$top=1"),
                        400,
                        "0x8ff00001"))
                .contains("$top");
    }

    @Test
    void hiddenFieldsAndUnreadableEntitiesAreRefusedAsInEveryLanguage() {
        // Fiona may not read the credit limit; Bea may not read sales order lines.
        assertError(
                fetch(
                        as(DemoIdentities.FIONA_FIELD_SECURITY),
                        CUSTOMERS,
                        "<fetch><entity name='mserp_custcustomerv3entity'><filter><condition attribute='mserp_creditlimit'"
                                + " operator='gt' value='1'/></filter></entity></fetch>"),
                403,
                "0x80040220");
        assertError(
                fetch(
                        as(DemoIdentities.BEA_BASIC),
                        ORDERS,
                        "<fetch><entity name='mserp_salesorderheaderv2entity'><link-entity"
                                + " name='mserp_salesorderlinev2entity' from='mserp_salesorderid'"
                                + " to='mserp_salesorderheaderv2entityid' link-type='exists'/></entity></fetch>"),
                403,
                "0x80040220");
    }
}
