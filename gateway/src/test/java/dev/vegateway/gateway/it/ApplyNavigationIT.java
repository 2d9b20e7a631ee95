package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $apply} grouping over a navigation path (issue 11): sales orders grouped by their
 * customer's fields through {@code mserp_Customer}, answered nested as OData's aggregation
 * extension does, under the customer entity's own row and field security: for every reader the
 * groups are exactly those computed from what the reader may read directly (an order whose
 * customer the reader may not read counts under a null customer), and a hidden field is 403.
 */
abstract class ApplyNavigationIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String NO_CUSTOMER = "(none)";

    /** Every sales order's id → its customer's id (absent when it has none). */
    private final Map<String, String> customerOfOrder = new HashMap<>();
    /** Every customer's id → its account. */
    private final Map<String, String> accountOfCustomer = new HashMap<>();

    @BeforeAll
    void readTheReference() throws Exception {
        try (Connection connection = backend.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT id, customer_id FROM erp.sales_order_header");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                UUID customer = rows.getObject(2, UUID.class);
                customerOfOrder.put(
                        rows.getObject(1, UUID.class).toString(), customer == null ? null : customer.toString());
            }
        }
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT id, account_num FROM erp.customer");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                accountOfCustomer.put(rows.getObject(1, UUID.class).toString(), rows.getString(2));
            }
        }
    }

    private static String apply(String apply) {
        return ORDERS + "?$apply=" + encode(apply);
    }

    @Test
    void groupsThroughTheCustomerAreExactlyWhatEachReaderMayRead() throws Exception {
        for (DemoIdentities.User reader : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Set<String> orders = visible(as(reader), EntitySet.SALES_ORDERS, "");
            Set<String> customers = visible(as(reader), EntitySet.CUSTOMERS, "");
            Map<String, Long> expected = new TreeMap<>();
            for (String order : orders) {
                String customer = customerOfOrder.get(order);
                String account = customer != null && customers.contains(customer)
                        ? accountOfCustomer.get(customer)
                        : NO_CUSTOMER;
                expected.merge(account, 1L, Long::sum);
            }
            Response response = as(reader)
                    .get(apply("groupby((mserp_Customer/mserp_customeraccount),aggregate($count as orders))"));
            assertThat(response.statusCode())
                    .as(reader.name() + ": " + response.asString())
                    .isEqualTo(200);
            Map<String, Long> answered = new TreeMap<>();
            for (JsonNode row : JSON.readTree(response.asString()).path("value")) {
                JsonNode account = row.path("mserp_Customer").path("mserp_customeraccount");
                assertThat(row.path("mserp_Customer").isObject())
                        .as(row.toString())
                        .isTrue();
                assertThat(row.has("mserp_Customer/mserp_customeraccount")).isFalse();
                answered.put(
                        account.isNull() ? NO_CUSTOMER : account.asText(),
                        row.path("orders").asLong());
            }
            assertThat(answered).as(reader.name()).isEqualTo(expected);
        }
    }

    @Test
    void groupsMayMixTheEntitysFieldsAndSeveralPaths() throws Exception {
        Response response = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .get(
                        apply(
                                "filter(mserp_dataareaid eq 'usmf')/groupby((mserp_dataareaid,mserp_Customer/mserp_dataareaid,"
                                        + "mserp_Customer/mserp_customergroupid),aggregate(mserp_totalamount with sum as total))"));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonNode rows = JSON.readTree(response.asString()).path("value");
        assertThat(rows.size()).isPositive();
        for (JsonNode row : rows) {
            assertThat(row.path("mserp_dataareaid").asText()).isEqualTo("usmf");
            assertThat(row.path("mserp_Customer").path("mserp_dataareaid").asText())
                    .isEqualTo("usmf");
            assertThat(row.path("mserp_Customer").has("mserp_customergroupid")).isTrue();
            assertThat(row.has("total")).isTrue();
        }
    }

    @Test
    void aHiddenFieldOfTheRelatedEntityIsRefused() {
        // Fiona's role hides the customers' credit limit
        String message = assertError(
                as(DemoIdentities.FIONA_FIELD_SECURITY)
                        .get(apply("groupby((mserp_Customer/mserp_creditlimit),aggregate($count as orders))")),
                403,
                MISSING_PRIVILEGE);
        assertThat(message).contains("mserp_creditlimit");
        assertOk(as(DemoIdentities.ALICE_SALES_MANAGER)
                .get(apply("groupby((mserp_Customer/mserp_creditlimit),aggregate($count as orders))")));
    }

    @Test
    void anUnknownPathIsRefusedByName() {
        String message = assertError(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .get(apply("groupby((mserp_Nobody/mserp_name),aggregate($count as orders))")),
                400,
                "0x8ff00002");
        assertThat(message).contains("mserp_Nobody");
        message = assertError(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .get(apply("groupby((mserp_Customer/mserp_nothing),aggregate($count as orders))")),
                400,
                "0x8ff00002");
        assertThat(message).contains("mserp_nothing");
        message = assertError(
                as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                        .get(apply("groupby((mserp_Customer/),aggregate($count as orders))")),
                400,
                "0x8ff00001");
        assertThat(message).contains("mserp_Customer/");
    }
}
