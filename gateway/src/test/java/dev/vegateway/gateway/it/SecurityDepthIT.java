package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Depth over the three-level business-unit tree Contoso → Contoso Europe → Contoso Germany /
 * Contoso UK (issue 3): four users at Contoso Europe hold the same privileges at depth Basic
 * (rows they own), Local (rows of Contoso Europe), Deep (Contoso Europe and the units below
 * it) and Global (every row), on the owned entities customers and sales orders.
 */
abstract class SecurityDepthIT extends SecurityIT {

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void eachDepthSeesExactlyItsRows(EntitySet set) throws Exception {
        Set<String> basic = sql(set, "owner_id = ?", DemoIdentities.BEA_BASIC.id());
        Set<String> local = sql(set, "business_unit_id = ?", CONTOSO_EUROPE);
        Set<String> deep = sql(set, "business_unit_id IN (?, ?, ?)", CONTOSO_EUROPE, CONTOSO_GERMANY, CONTOSO_UK);
        Set<String> global = sql(set, "");

        assertThat(visible(as(DemoIdentities.BEA_BASIC), set, "")).isEqualTo(basic);
        assertThat(visible(as(DemoIdentities.LEO_LOCAL), set, "")).isEqualTo(local);
        assertThat(visible(as(DemoIdentities.DEE_DEEP), set, "")).isEqualTo(deep);
        assertThat(visible(as(DemoIdentities.GIL_GLOBAL), set, "")).isEqualTo(global);

        // Each depth sees a different, non-empty set, each contained in the next.
        assertThat(basic).isNotEmpty();
        assertThat(local).containsAll(basic).hasSizeGreaterThan(basic.size());
        assertThat(deep).containsAll(local).hasSizeGreaterThan(local.size());
        assertThat(global).containsAll(deep).hasSizeGreaterThan(deep.size());
        // Deep reaches both children, and nothing of the sibling Contoso US or the root Contoso.
        assertThat(deep)
                .containsAll(sql(set, "business_unit_id = ?", CONTOSO_GERMANY))
                .containsAll(sql(set, "business_unit_id = ?", CONTOSO_UK))
                .doesNotContainAnyElementsOf(
                        sql(set, "business_unit_id IN (?, ?)", CONTOSO_US, DemoIdentities.CONTOSO.id()));
    }

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void countAndRetrieveFollowTheDepth(EntitySet set) throws Exception {
        String germanRow =
                sql(set, "business_unit_id = ?", CONTOSO_GERMANY).iterator().next();
        String europeanRowOfAnother = sql(
                        set, "business_unit_id = ? AND owner_id <> ?", CONTOSO_EUROPE, DemoIdentities.BEA_BASIC.id())
                .iterator()
                .next();
        String usRow = sql(set, "business_unit_id = ?", CONTOSO_US).iterator().next();

        assertThat(count(DemoIdentities.BEA_BASIC, set))
                .isEqualTo(
                        sql(set, "owner_id = ?", DemoIdentities.BEA_BASIC.id()).size());
        assertThat(count(DemoIdentities.LEO_LOCAL, set))
                .isEqualTo(sql(set, "business_unit_id = ?", CONTOSO_EUROPE).size());
        assertThat(count(DemoIdentities.DEE_DEEP, set))
                .isEqualTo(sql(set, "business_unit_id IN (?, ?, ?)", CONTOSO_EUROPE, CONTOSO_GERMANY, CONTOSO_UK)
                        .size());
        assertThat(count(DemoIdentities.GIL_GLOBAL, set)).isEqualTo(sql(set, "").size());

        // A row outside the caller's depth is 404, as if it did not exist.
        assertError(
                as(DemoIdentities.BEA_BASIC).get(set.set + "(" + europeanRowOfAnother + ")"), 404, RECORD_NOT_FOUND);
        assertOk(as(DemoIdentities.LEO_LOCAL).get(set.set + "(" + europeanRowOfAnother + ")"));
        assertError(as(DemoIdentities.LEO_LOCAL).get(set.set + "(" + germanRow + ")"), 404, RECORD_NOT_FOUND);
        assertOk(as(DemoIdentities.DEE_DEEP).get(set.set + "(" + germanRow + ")"));
        assertError(as(DemoIdentities.DEE_DEEP).get(set.set + "(" + usRow + ")"), 404, RECORD_NOT_FOUND);
        assertOk(as(DemoIdentities.GIL_GLOBAL).get(set.set + "(" + usRow + ")"));
    }

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void aCallerFilterNarrowsTheDepthAndCannotWidenIt(EntitySet set) throws Exception {
        String unit = CONTOSO_GERMANY.toString();
        // Asking for Contoso Germany's rows: Local (Contoso Europe) sees none of them, Deep sees them all.
        assertThat(visible(as(DemoIdentities.LEO_LOCAL), set, filter("mserp_owningbusinessunit eq " + unit)))
                .isEmpty();
        assertThat(visible(as(DemoIdentities.DEE_DEEP), set, filter("mserp_owningbusinessunit eq " + unit)))
                .isEqualTo(sql(set, "business_unit_id = ?", CONTOSO_GERMANY));
        // An 'or' in the caller's filter stays inside the depth (its second term holds for every row).
        assertThat(visible(
                        as(DemoIdentities.BEA_BASIC),
                        set,
                        filter("mserp_owningbusinessunit eq " + unit + " or mserp_ownerid ne " + unit)))
                .isEqualTo(sql(set, "owner_id = ?", DemoIdentities.BEA_BASIC.id()));
    }

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void queryExpressionFollowsTheDepth(EntitySet set) throws Exception {
        String entity = set == EntitySet.CUSTOMERS ? "mserp_custcustomerv3entity" : "mserp_salesorderheaderv2entity";
        Response response = assertOk(queryExpression(
                as(DemoIdentities.DEE_DEEP),
                """
                {"Query": {"EntityName": "%s", "ColumnSet": {"Columns": ["%s"]}, "PageInfo": {"Count": 5000, "PageNumber": 1}}}
                """
                        .formatted(entity, set.key)));
        List<String> ids = response.jsonPath().getList("value." + set.key, String.class);
        assertThat(Set.copyOf(ids))
                .hasSameSizeAs(ids)
                .isEqualTo(sql(set, "business_unit_id IN (?, ?, ?)", CONTOSO_EUROPE, CONTOSO_GERMANY, CONTOSO_UK));
    }

    private int count(DemoIdentities.User user, EntitySet set) {
        return Integer.parseInt(
                assertOk(as(user).get(set.set + "/$count")).asString().trim());
    }
}
