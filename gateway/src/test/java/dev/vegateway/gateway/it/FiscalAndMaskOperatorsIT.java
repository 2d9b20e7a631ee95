package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.config.FiscalCalendar;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fiscal operators over a configured fiscal calendar (fiscal years from April 1st, quarterly
 * periods) at a fixed moment (2024-08-15, in Q2 of fiscal year 2024), each answering exactly the rows
 * of the date range it means, asked in OData; the fiscal date groupings; and the mask operators
 * against the bits of each row's value.
 */
abstract class FiscalAndMaskOperatorsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String ORDER_KEY = EntitySet.SALES_ORDERS.key;
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String CUSTOMER_KEY = EntitySet.CUSTOMERS.key;
    private static final Instant NOW = Instant.parse("2024-08-15T12:00:00Z");
    private static final FiscalCalendar CALENDAR =
            new FiscalCalendar(MonthDay.of(4, 1), FiscalCalendar.Period.QUARTERLY);
    private static final DemoIdentities.User MIA = DemoIdentities.MIA_MIXED;

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        gateway = TestGateway.start(
                backend,
                null,
                Map.of("VEGATEWAY_QUERY_FISCAL_YEAR_START", "04-01", "VEGATEWAY_QUERY_FISCAL_PERIOD", "quarterly"),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Set<String> fetchKeys(String set, String key, String fetch) throws Exception {
        Response response = as(MIA).urlEncodingEnabled(false).get(set + "?fetchXml=" + encode(fetch));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        Set<String> keys = new TreeSet<>();
        JSON.readTree(response.asString())
                .path("value")
                .forEach(row -> keys.add(row.get(key).asText()));
        return keys;
    }

    private Set<String> orders(String operator, String values) throws Exception {
        return fetchKeys(
                ORDERS,
                ORDER_KEY,
                "<fetch><entity name='mserp_salesorderheaderv2entity'><attribute name='mserp_salesordernumber'/>"
                        + "<filter><condition attribute='mserp_orderdate' operator='" + operator + "'>" + values
                        + "</condition></filter></entity></fetch>");
    }

    private Set<String> odata(String filter) {
        return visible(as(MIA).urlEncodingEnabled(false), EntitySet.SALES_ORDERS, filter(filter));
    }

    private static String between(String from, String to) {
        return "mserp_orderdate ge " + from + " and mserp_orderdate lt " + to;
    }

    @Test
    void eachFiscalOperatorAnswersTheRowsOfItsDateRange() throws Exception {
        assertThat(orders("this-fiscal-year", "")).isNotEmpty().isEqualTo(odata(between("2024-04-01", "2025-04-01")));
        assertThat(orders("last-fiscal-year", "")).isNotEmpty().isEqualTo(odata(between("2023-04-01", "2024-04-01")));
        assertThat(orders("next-fiscal-year", "")).isEqualTo(odata(between("2025-04-01", "2026-04-01")));
        assertThat(orders("this-fiscal-period", "")).isNotEmpty().isEqualTo(odata(between("2024-07-01", "2024-10-01")));
        assertThat(orders("last-fiscal-period", "")).isNotEmpty().isEqualTo(odata(between("2024-04-01", "2024-07-01")));
        assertThat(orders("next-fiscal-period", "")).isEqualTo(odata(between("2024-10-01", "2025-01-01")));
        assertThat(orders("last-x-fiscal-periods", "<value>2</value>"))
                .isNotEmpty()
                .isEqualTo(odata(between("2024-01-01", "2024-07-01")));
        assertThat(orders("next-x-fiscal-periods", "<value>2</value>"))
                .isEqualTo(odata(between("2024-10-01", "2025-04-01")));
        assertThat(orders("last-x-fiscal-years", "<value>1</value>"))
                .isEqualTo(odata(between("2023-04-01", "2024-04-01")));
        assertThat(orders("next-x-fiscal-years", "<value>1</value>"))
                .isEqualTo(odata(between("2025-04-01", "2026-04-01")));
        assertThat(orders("in-fiscal-year", "<value>2023</value>"))
                .isNotEmpty()
                .isEqualTo(odata(between("2023-04-01", "2024-04-01")));
        assertThat(orders("in-fiscal-period-and-year", "<value>3</value><value>2023</value>"))
                .isNotEmpty()
                .isEqualTo(odata(between("2023-10-01", "2024-01-01")));
        assertThat(orders("in-or-before-fiscal-period-and-year", "<value>1</value><value>2024</value>"))
                .isNotEmpty()
                .isEqualTo(odata("mserp_orderdate lt 2024-07-01"));
        assertThat(orders("in-or-after-fiscal-period-and-year", "<value>4</value><value>2024</value>"))
                .isNotEmpty()
                .isEqualTo(odata("mserp_orderdate ge 2025-01-01"));
        assertThat(orders("in-fiscal-period", "<value>4</value>"))
                .as("the fourth quarter of every fiscal year: January to March")
                .isNotEmpty()
                .isEqualTo(odata("month(mserp_orderdate) le 3"));
        // a DateTimeOffset attribute, in UTC
        assertThat(fetchKeys(
                        ORDERS,
                        ORDER_KEY,
                        "<fetch><entity name='mserp_salesorderheaderv2entity'><filter><condition"
                                + " attribute='mserp_requestedshippingdate' operator='this-fiscal-period'/></filter>"
                                + "</entity></fetch>"))
                .isEqualTo(visible(
                        as(MIA).urlEncodingEnabled(false),
                        EntitySet.SALES_ORDERS,
                        filter("mserp_requestedshippingdate ge 2024-07-01T00:00:00Z and mserp_requestedshippingdate"
                                + " lt 2024-10-01T00:00:00Z")));
        // QueryExpression and the Dataverse query function in $filter mean the same
        Response viaQueryExpression = queryExpression(
                as(MIA),
                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"ColumnSet\":{\"Columns\":[\""
                        + ORDER_KEY + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_orderdate\","
                        + "\"Operator\":\"InFiscalPeriodAndYear\",\"Values\":[3,2023]}]},\"PageInfo\":{\"Count\":5000}}}");
        Set<String> keys = new TreeSet<>();
        JSON.readTree(assertOk(viaQueryExpression).asString())
                .path("value")
                .forEach(row -> keys.add(row.get(ORDER_KEY).asText()));
        assertThat(keys).isEqualTo(odata(between("2023-10-01", "2024-01-01")));
        assertThat(visible(
                        as(MIA).urlEncodingEnabled(false),
                        EntitySet.SALES_ORDERS,
                        filter("Microsoft.Dynamics.CRM.ThisFiscalYear(PropertyName='mserp_orderdate')")))
                .isEqualTo(odata(between("2024-04-01", "2025-04-01")));
        // a period the calendar does not have, and a text attribute
        assertThat(assertError(
                        as(MIA).urlEncodingEnabled(false)
                                .get(ORDERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_salesorderheaderv2entity'><filter>"
                                                + "<condition attribute='mserp_orderdate' operator='in-fiscal-period'"
                                                + " value='5'/></filter></entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("InFiscalPeriod")
                .contains("periods 1 to 4");
        assertThat(assertError(
                        as(MIA).urlEncodingEnabled(false)
                                .get(ORDERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_salesorderheaderv2entity'><filter>"
                                                + "<condition attribute='mserp_salesordernumber'"
                                                + " operator='this-fiscal-year'/></filter></entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("needs a Date or DateTimeOffset attribute");
    }

    @Test
    void fiscalDateGroupingsCountTheRowsOfEachFiscalYearAndPeriod() throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        JSON.readTree(assertOk(as(MIA).get(ORDERS + "?$select=mserp_orderdate")).asString())
                .path("value")
                .forEach(row -> {
                    LocalDate day = LocalDate.parse(row.get("mserp_orderdate").asText());
                    expected.merge(CALENDAR.fiscalYear(day) + "/" + CALENDAR.fiscalPeriod(day), 1L, Long::sum);
                });
        Response response = as(MIA).urlEncodingEnabled(false)
                .get(ORDERS + "?fetchXml="
                        + encode("<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                                + "<attribute name='mserp_orderdate' alias='fy' groupby='true'"
                                + " dategrouping='fiscal-year'/>"
                                + "<attribute name='mserp_orderdate' alias='fp' groupby='true'"
                                + " dategrouping='fiscal-period'/>"
                                + "<attribute name='mserp_salesorderheaderv2entityid' alias='n' aggregate='count'/>"
                                + "<order alias='fy' descending='true'/></entity></fetch>"));
        Map<String, Long> actual = new TreeMap<>();
        int previousYear = Integer.MAX_VALUE;
        for (JsonNode row : JSON.readTree(assertOk(response).asString()).path("value")) {
            int year = row.get("fy").asInt();
            assertThat(year).isLessThanOrEqualTo(previousYear);
            previousYear = year;
            actual.put(year + "/" + row.get("fp").asInt(), row.get("n").asLong());
        }
        assertThat(actual).hasSizeGreaterThan(4).isEqualTo(expected);
    }

    @Test
    void theMaskOperatorsTestTheBitsOfAWholeNumber() throws Exception {
        Map<String, Long> employees = new TreeMap<>();
        JSON.readTree(assertOk(as(MIA).get(CUSTOMERS + "?$select=" + CUSTOMER_KEY + ",mserp_numberofemployees"))
                        .asString())
                .path("value")
                .forEach(row -> {
                    if (!row.get("mserp_numberofemployees").isNull()) {
                        employees.put(
                                row.get(CUSTOMER_KEY).asText(),
                                row.get("mserp_numberofemployees").asLong());
                    }
                });
        long bits = 6;
        Map<String, Set<String>> expected = Map.of(
                "mask", select(employees, value -> (value & bits) == bits),
                "not-mask", select(employees, value -> (value & bits) == 0),
                "masksselect", select(employees, value -> (value & bits) != 0));
        for (Map.Entry<String, Set<String>> operator : expected.entrySet()) {
            assertThat(fetchKeys(
                            CUSTOMERS,
                            CUSTOMER_KEY,
                            "<fetch><entity name='mserp_custcustomerv3entity'><attribute name='mserp_name'/><filter>"
                                    + "<condition attribute='mserp_numberofemployees' operator='" + operator.getKey()
                                    + "' value='" + bits + "'/></filter></entity></fetch>"))
                    .as(operator.getKey())
                    .isNotEmpty()
                    .isEqualTo(operator.getValue());
        }
        assertThat(assertError(
                        as(MIA).urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><filter><condition"
                                                + " attribute='mserp_name' operator='mask' value='1'/></filter>"
                                                + "</entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("whole-number");
        assertThat(assertError(
                        as(MIA).urlEncodingEnabled(false)
                                .get(CUSTOMERS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_custcustomerv3entity'><filter><condition"
                                                + " attribute='mserp_creditstatus' operator='contain-values'>"
                                                + "<value>1</value></condition></filter></entity></fetch>")),
                        400,
                        "0x8ff00001"))
                .contains("ContainValues")
                .contains("mserp_creditstatus")
                .contains("multi-select option set");
    }

    private static Set<String> select(Map<String, Long> values, java.util.function.LongPredicate test) {
        Set<String> keys = new TreeSet<>();
        values.forEach((key, value) -> {
            if (test.test(value)) {
                keys.add(key);
            }
        });
        return keys;
    }
}
