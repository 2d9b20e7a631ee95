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
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FormattedValue of a lookup (issue 12): {@code _mserp_customerid_value} carries the related
 * customer's primary name ({@code primaryName: mserp_name} in the demo catalog), read in the same
 * statement under the customer entity's security: for every reader, exactly the orders whose
 * customer the reader may read directly carry the name, the others none.
 */
abstract class LookupFormattedValueIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = EntitySet.SALES_ORDERS.set;
    private static final String LOOKUP = "_mserp_customerid_value";
    private static final String FORMATTED = "@OData.Community.Display.V1.FormattedValue";
    private static final String PREFER =
            "odata.maxpagesize=5000,odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"";

    private final Map<String, String> nameOfCustomer = new HashMap<>();

    @BeforeAll
    void readTheNames() throws Exception {
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT id, name FROM erp.customer");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                nameOfCustomer.put(rows.getObject(1, UUID.class).toString(), rows.getString(2));
            }
        }
    }

    private static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.asString());
    }

    @Test
    void eachLookupCarriesTheNameOfARowTheReaderMayRead() throws Exception {
        for (DemoIdentities.User reader : READERS_OF_ORDERS_AND_CUSTOMERS) {
            Set<String> orders = visible(as(reader), EntitySet.SALES_ORDERS, "");
            Set<String> customers = visible(as(reader), EntitySet.CUSTOMERS, "");
            JsonNode rows = json(assertOk(gateway.as(reader.id())
                            .header("Prefer", PREFER)
                            .get(ORDERS + "?$select=mserp_salesordernumber," + LOOKUP)))
                    .path("value");
            assertThat(rows.size()).as(reader.name()).isEqualTo(orders.size());
            int named = 0;
            for (JsonNode row : rows) {
                JsonNode customer = row.path(LOOKUP);
                if (customer.isNull() || customer.isMissingNode()) {
                    assertThat(row.has(LOOKUP + FORMATTED)).isFalse();
                    continue;
                }
                if (customers.contains(customer.asText())) {
                    assertThat(row.path(LOOKUP + FORMATTED).asText())
                            .as(reader.name() + " " + row)
                            .isEqualTo(nameOfCustomer.get(customer.asText()));
                    named++;
                } else {
                    assertThat(row.has(LOOKUP + FORMATTED))
                            .as(reader.name() + " may not read the customer of " + row)
                            .isFalse();
                }
                // the join adds no property of its own
                row.fieldNames()
                        .forEachRemaining(name ->
                                assertThat(name).doesNotContain("@name/").isNotEqualTo("mserp_name"));
            }
            if (!customers.isEmpty()) {
                assertThat(named).as(reader.name()).isPositive();
            }
        }
    }

    @Test
    void aRetrieveByKeyCarriesItToo() throws Exception {
        Response list = assertOk(gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id())
                .get(ORDERS + "?$select=" + LOOKUP + "&$top=1&$filter=" + encode(LOOKUP + " ne null")));
        JsonNode first = json(list).path("value").get(0);
        assertThat(first.has(LOOKUP + FORMATTED)).as("not asked for").isFalse();
        String order = first.path(EntitySet.SALES_ORDERS.key).asText();
        JsonNode one = json(assertOk(gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id())
                .header("Prefer", "odata.include-annotations=\"*\"")
                .get(ORDERS + "(" + order + ")")));
        assertThat(one.path(LOOKUP + FORMATTED).asText())
                .isEqualTo(nameOfCustomer.get(first.path(LOOKUP).asText()));
        assertThat(one.path("mserp_salesordernumber").isTextual()).isTrue();
    }

    @Test
    void entityDefinitionsNameThePrimaryNameAttribute() throws Exception {
        JsonNode customer = json(assertOk(gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .get("EntityDefinitions(LogicalName='mserp_custcustomerv3entity')?$select=PrimaryNameAttribute")));
        assertThat(customer.path("PrimaryNameAttribute").asText()).isEqualTo("mserp_name");
        JsonNode vendor = json(assertOk(gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .get("EntityDefinitions(LogicalName='mserp_vendvendorv2entity')?$select=PrimaryNameAttribute")));
        assertThat(vendor.path("PrimaryNameAttribute").isNull()).isTrue();
    }
}
