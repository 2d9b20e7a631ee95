package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relative date operators count days in the caller's time zone (the user's {@code timeZone}
 * setting; UTC without one). The clock stands at 20:00 UTC on the day before the demo's busiest
 * order date D: in Tokyo (UTC+9) it is already 05:00 on D. Sam has the setting Asia/Tokyo, Alice
 * none, so for Sam "today" is D and for Alice the day before, on a Date attribute and, for a
 * DateTimeOffset attribute, from midnight to midnight of their own zone.
 */
abstract class UserTimeZoneIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final DemoIdentities.User SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR;
    private static final DemoIdentities.User ALICE = DemoIdentities.ALICE_SALES_MANAGER;

    private LocalDate busiest;

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        try (Connection connection = backend.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT order_date FROM erp.sales_order_header GROUP BY"
                        + " order_date ORDER BY COUNT(*) DESC, order_date LIMIT 1")) {
            assertThat(rows.next()).as("the demo has orders").isTrue();
            busiest = rows.getObject(1, LocalDate.class);
        }
        Instant now = busiest.minusDays(1).atTime(20, 0).toInstant(ZoneOffset.UTC);
        gateway = TestGateway.start(backend, securityWithSamInTokyo(), Map.of(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String securityWithSamInTokyo() throws Exception {
        String demo;
        try (InputStream in = UserTimeZoneIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String sam = "name: Sam Admin,";
        assertThat(demo).contains(sam);
        StringBuilder changed = new StringBuilder();
        for (String line : demo.split("\n", -1)) {
            if (line.contains(sam) && line.endsWith("}")) {
                line = line.substring(0, line.length() - 1) + ", timeZone: Asia/Tokyo }";
            }
            changed.append(line).append('\n');
        }
        assertThat(changed.toString()).contains("timeZone: Asia/Tokyo");
        return changed.toString();
    }

    private Set<String> fetched(DemoIdentities.User user, String attribute, String operator, String value)
            throws Exception {
        String fetch = "<fetch><entity name='mserp_salesorderheaderv2entity'><attribute"
                + " name='mserp_salesordernumber'/><filter><condition attribute='" + attribute + "' operator='"
                + operator + "'" + (value.isEmpty() ? "" : " value='" + value + "'") + "/></filter></entity></fetch>";
        Response response = paged(as(user))
                .urlEncodingEnabled(false)
                .get(EntitySet.SALES_ORDERS.set + "?fetchXml=" + encode(fetch));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        Set<String> keys = new TreeSet<>();
        JSON.readTree(response.asString())
                .path("value")
                .forEach(row -> keys.add(row.get(EntitySet.SALES_ORDERS.key).asText()));
        return keys;
    }

    private Set<String> odata(DemoIdentities.User user, String filter) {
        return visible(paged(as(user)).urlEncodingEnabled(false), EntitySet.SALES_ORDERS, filter(filter));
    }

    @Test
    void todayOnADateIsTheDayOfTheCallersZone() throws Exception {
        Set<String> samToday = fetched(SAM, "mserp_orderdate", "today", "");
        assertThat(samToday)
                .as("Sam, in Tokyo: the orders of %s", busiest)
                .isNotEmpty()
                .isEqualTo(odata(SAM, "mserp_orderdate eq " + busiest));
        assertThat(fetched(ALICE, "mserp_orderdate", "today", ""))
                .as("Alice, without a time zone (UTC): the orders of %s", busiest.minusDays(1))
                .isEqualTo(odata(ALICE, "mserp_orderdate eq " + busiest.minusDays(1)));
        assertThat(fetched(SAM, "mserp_orderdate", "yesterday", ""))
                .isEqualTo(odata(SAM, "mserp_orderdate eq " + busiest.minusDays(1)));
        assertThat(fetched(SAM, "mserp_orderdate", "last-x-days", "2"))
                .as("the two days before Sam's today, and today")
                .containsAll(samToday)
                .isEqualTo(odata(
                        SAM, "mserp_orderdate ge " + busiest.minusDays(2) + " and mserp_orderdate le " + busiest));
    }

    @Test
    void todayOnADateTimeOffsetRunsFromMidnightToMidnightInTheCallersZone() throws Exception {
        Instant tokyoMidnight = busiest.atStartOfDay(TOKYO).toInstant();
        assertThat(fetched(SAM, "mserp_requestedshippingdate", "today", ""))
                .isEqualTo(odata(
                        SAM,
                        "mserp_requestedshippingdate ge " + tokyoMidnight + " and mserp_requestedshippingdate lt "
                                + tokyoMidnight.plusSeconds(86_400)));
        Instant utcMidnight = busiest.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(fetched(ALICE, "mserp_requestedshippingdate", "today", ""))
                .isEqualTo(odata(
                        ALICE,
                        "mserp_requestedshippingdate ge " + utcMidnight + " and mserp_requestedshippingdate lt "
                                + utcMidnight.plusSeconds(86_400)));
        // an hour-grained operator: the last hour of Sam's clock is the same instants in every zone
        assertThat(fetched(SAM, "mserp_requestedshippingdate", "last-x-hours", "1"))
                .isEqualTo(odata(
                        SAM,
                        "mserp_requestedshippingdate ge "
                                + busiest.minusDays(1).atTime(19, 0).toInstant(ZoneOffset.UTC)
                                + " and mserp_requestedshippingdate lt "
                                + busiest.minusDays(1).atTime(21, 0).toInstant(ZoneOffset.UTC)));
    }

    @Test
    void theQueryFunctionsAndQueryExpressionCountInTheSameZone() throws Exception {
        assertThat(odata(SAM, "Microsoft.Dynamics.CRM.Today(PropertyName='mserp_orderdate')"))
                .isNotEmpty()
                .isEqualTo(odata(SAM, "mserp_orderdate eq " + busiest));
        Response response = assertOk(queryExpression(
                paged(as(SAM)),
                "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"ColumnSet\":{\"Columns\":"
                        + "[\"mserp_salesordernumber\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":"
                        + "\"mserp_orderdate\",\"Operator\":\"Today\"}]}}}"));
        assertThat(response.jsonPath().getList("value").size())
                .isEqualTo(odata(SAM, "mserp_orderdate eq " + busiest).size());
    }

    @Test
    void theSettingIsStoredAndExported() {
        var sam = gateway.gateway().securityStore().exportAll().users().stream()
                .filter(user -> user.id().equals(SAM.id()))
                .findFirst()
                .orElseThrow();
        assertThat(sam.settings().timeZone()).contains(TOKYO);
        assertThat(gateway.gateway().securityStore().exportAll().toYaml()).contains("timeZone: Asia/Tokyo");
    }
}
