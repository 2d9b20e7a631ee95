package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Field security (issue 3): Fiona's only role ("Sales assistant") reads customers but denies
 * reading {@code mserp_creditlimit}. The field comes back null, as Dataverse does, and may not be
 * used to filter or sort — in OData or QueryExpression — so its value cannot be inferred.
 */
abstract class SecurityFieldIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;
    private static final String CREDIT_LIMIT = "mserp_creditlimit";

    private RequestSpecification fiona() {
        return as(DemoIdentities.FIONA_FIELD_SECURITY);
    }

    @Test
    void creditLimitsComeBackNull() throws Exception {
        int nonNullInTheBackend =
                sql(EntitySet.CUSTOMERS, "credit_limit IS NOT NULL").size();
        assertThat(nonNullInTheBackend).isPositive();
        // Explicitly selected, and with every field (no $select): present, and null in every row.
        for (String query : List.of("?$select=mserp_customeraccount," + CREDIT_LIMIT, "")) {
            JsonNode value = json(assertOk(fiona().get(CUSTOMERS + query))).path("value");
            assertThat(value.size())
                    .as(query)
                    .isEqualTo(sql(EntitySet.CUSTOMERS, "").size());
            for (JsonNode row : value) {
                assertThat(row.has(CREDIT_LIMIT)).as(query).isTrue();
                assertThat(row.get(CREDIT_LIMIT).isNull())
                        .as(query + ": " + row)
                        .isTrue();
                assertThat(row.get("mserp_customeraccount").isNull()).isFalse();
            }
        }
        // The same rows read by a user without the restriction carry the values.
        JsonNode alice = json(assertOk(
                        as(DemoIdentities.ALICE_SALES_MANAGER).get(CUSTOMERS + "?$select=" + CREDIT_LIMIT)))
                .path("value");
        List<JsonNode> values = new ArrayList<>();
        alice.forEach(row -> values.add(row.get(CREDIT_LIMIT)));
        assertThat(values.stream().filter(node -> !node.isNull()).count()).isEqualTo(nonNullInTheBackend);
    }

    @Test
    void retrieveByIdReturnsNullToo() throws Exception {
        String id = sql(EntitySet.CUSTOMERS, "credit_limit > 0").iterator().next();
        JsonNode row = json(assertOk(fiona().get(CUSTOMERS + "(" + id + ")")));
        assertThat(row.get(CREDIT_LIMIT).isNull()).isTrue();
        assertThat(row.get(EntitySet.CUSTOMERS.key).asText()).isEqualTo(id);
        JsonNode selected = json(assertOk(fiona().get(CUSTOMERS + "(" + id + ")?$select=" + CREDIT_LIMIT)));
        assertThat(selected.get(CREDIT_LIMIT).isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "?$filter=mserp_creditlimit gt 100000",
                "?$filter=mserp_creditlimit eq null",
                "?$filter=mserp_name ne 'x' and not (mserp_creditlimit lt 5)",
                "?$filter=mserp_customeraccount eq 'US-0001' or mserp_creditlimit ge 0",
                "?$filter=mserp_creditlimit eq mserp_creditlimit",
                "?$orderby=mserp_creditlimit",
                "?$orderby=mserp_name,mserp_creditlimit desc",
                "/$count?$filter=mserp_creditlimit gt 0",
                "/$count?$orderby=mserp_creditlimit"
            })
    void filteringOrSortingOnTheHiddenFieldIsRefused(String query) {
        String encoded = query.replace(" ", "%20").replace("'", "%27");
        String message = assertError(fiona().get(CUSTOMERS + encoded), 403, MISSING_PRIVILEGE);
        assertThat(message).contains(CREDIT_LIMIT);
        // The same query is fine for a user who may read the field.
        assertOk(as(DemoIdentities.ALICE_SALES_MANAGER).get(CUSTOMERS + encoded));
    }

    @Test
    void otherFieldsStillFilterAndSort() throws Exception {
        assertThat(visible(fiona(), EntitySet.CUSTOMERS, filter("mserp_dataareaid eq 'demf'") + "&$orderby=mserp_name"))
                .isEqualTo(sql(EntitySet.CUSTOMERS, "data_area_id = 'demf'"));
    }

    @Test
    void queryExpressionConditionOnTheHiddenFieldIsRefused() {
        String condition =
                """
                {"Query": {"EntityName": "mserp_custcustomerv3entity", "ColumnSet": {"Columns": ["mserp_customeraccount"]},
                  "Criteria": {"FilterOperator": "And", "Conditions": [
                    {"AttributeName": "mserp_dataareaid", "Operator": "Equal", "Values": ["usmf"]}],
                    "Filters": [{"FilterOperator": "Or", "Conditions": [
                      {"AttributeName": "mserp_creditlimit", "Operator": "GreaterThan", "Values": [100000]},
                      {"AttributeName": "mserp_name", "Operator": "Null"}]}]}}}
                """;
        assertThat(assertError(queryExpression(fiona(), condition), 403, MISSING_PRIVILEGE))
                .contains(CREDIT_LIMIT);
        assertOk(queryExpression(as(DemoIdentities.ALICE_SALES_MANAGER), condition));
    }

    @Test
    void queryExpressionOrderOnTheHiddenFieldIsRefused() {
        String order =
                """
                {"Query": {"EntityName": "mserp_custcustomerv3entity", "ColumnSet": {"Columns": ["mserp_customeraccount"]},
                  "Orders": [{"AttributeName": "mserp_creditlimit", "OrderType": "Descending"}]}}
                """;
        assertThat(assertError(queryExpression(fiona(), order), 403, MISSING_PRIVILEGE))
                .contains(CREDIT_LIMIT);
        assertOk(queryExpression(as(DemoIdentities.ALICE_SALES_MANAGER), order));
    }

    @Test
    void queryExpressionColumnSetReturnsNull() throws Exception {
        JsonNode value = json(assertOk(
                        queryExpression(
                                fiona(),
                                """
                {"Query": {"EntityName": "mserp_custcustomerv3entity", "ColumnSet": {"Columns": ["mserp_customeraccount", "mserp_creditlimit"]},
                  "Criteria": {"Conditions": [{"AttributeName": "mserp_dataareaid", "Operator": "Equal", "Values": ["usmf"]}]}}}
                """)))
                .path("value");
        assertThat(value.size())
                .isEqualTo(sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf'").size());
        for (JsonNode row : value) {
            assertThat(row.has(CREDIT_LIMIT) && row.get(CREDIT_LIMIT).isNull())
                    .as(row.toString())
                    .isTrue();
        }
    }

    private static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.asString());
    }
}
