package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Row filters (issue 3): the rows a role's filter allows, OR across the caller's granting roles,
 * then the caller's own filter ANDed on top — so no caller filter, however it is written, can
 * widen the visible set. Demo data: role "AP clerk" (filter {@code mserp_vendorgroupid in
 * ('10', '40')}) held by Carol and Vince for demf, and role "Vendor group lead" (filter
 * {@code mserp_vendorgroupid eq @user.attributes.vendorGroup}) held by Vince, whose attribute
 * vendorGroup is 30.
 */
abstract class SecurityRowFilterIT extends SecurityIT {
    private static final String CAROL_RULE = "data_area_id = 'demf' AND vendor_group IN ('10', '40')";
    private static final String VINCE_RULE = "(" + CAROL_RULE + ") OR vendor_group = '30'";

    @Test
    void theDemfApClerkSeesExactlyTheFilteredVendors() throws Exception {
        Set<String> expected = sql(EntitySet.VENDORS, CAROL_RULE);
        assertThat(expected).isNotEmpty();
        assertThat(visible(as(DemoIdentities.CAROL_AP_CLERK), EntitySet.VENDORS, ""))
                .isEqualTo(expected);
        assertThat(count(DemoIdentities.CAROL_AP_CLERK, "")).isEqualTo(expected.size());
        // A demf vendor of another group is 404, as if it did not exist.
        String otherGroup = sql(EntitySet.VENDORS, "data_area_id = 'demf' AND vendor_group NOT IN ('10', '40')")
                .iterator()
                .next();
        assertError(
                as(DemoIdentities.CAROL_AP_CLERK).get(EntitySet.VENDORS.set + "(" + otherGroup + ")"),
                404,
                RECORD_NOT_FOUND);
        assertOk(as(DemoIdentities.CAROL_AP_CLERK)
                .get(EntitySet.VENDORS.set + "(" + expected.iterator().next() + ")"));
    }

    @Test
    void twoRolesWithRowFiltersCombineWithOr() throws Exception {
        Set<String> apClerk = sql(EntitySet.VENDORS, CAROL_RULE);
        Set<String> groupLead = sql(EntitySet.VENDORS, "vendor_group = '30'");
        assertThat(groupLead).isNotEmpty().doesNotContainAnyElementsOf(apClerk);
        Set<String> union = new TreeSet<>(apClerk);
        union.addAll(groupLead);

        assertThat(visible(as(DemoIdentities.VINCE_VENDORS), EntitySet.VENDORS, ""))
                .isEqualTo(union)
                .isEqualTo(sql(EntitySet.VENDORS, VINCE_RULE));
        assertThat(count(DemoIdentities.VINCE_VENDORS, "")).isEqualTo(union.size());
        // The attribute placeholder is bound per user: Carol, without the role, sees no group-30 vendor.
        assertThat(visible(as(DemoIdentities.CAROL_AP_CLERK), EntitySet.VENDORS, filter("mserp_vendorgroupid eq '30'")))
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // caller's $filter                                                   | the same predicate in SQL
                "mserp_dataareaid eq 'usmf'                                          | data_area_id = 'usmf'",
                "mserp_vendorgroupid eq '40'                                         | vendor_group = '40'",
                "mserp_vendorgroupid eq '40' or mserp_dataareaid eq 'gbsi'           | vendor_group = '40' OR data_area_id = 'gbsi'",
                "mserp_vendorgroupid ne 'none' or mserp_vendorgroupid eq 'none'      | 1 = 1",
                "mserp_vendorgroupid eq '50' or mserp_vendorgroupid eq '20'          | vendor_group IN ('50', '20')",
                "not (mserp_dataareaid eq 'demf') or mserp_vendoraccountnumber ne '' | NOT (data_area_id = 'demf') OR account_num <> ''"
            })
    void theCallersFilterIsAndedAndCannotWidenTheVisibleSet(String callerFilter, String sameInSql) throws Exception {
        Set<String> expected = sql(EntitySet.VENDORS, "(" + VINCE_RULE + ") AND (" + sameInSql + ")");
        Set<String> seen = visible(as(DemoIdentities.VINCE_VENDORS), EntitySet.VENDORS, filter(callerFilter));
        assertThat(seen).isEqualTo(expected).isSubsetOf(sql(EntitySet.VENDORS, VINCE_RULE));
        assertThat(count(DemoIdentities.VINCE_VENDORS, "?$filter=" + encode(callerFilter)))
                .isEqualTo(expected.size());
        // What the caller's filter alone would select is more, unless it is contained in the visible set anyway.
        Set<String> unrestricted = sql(EntitySet.VENDORS, sameInSql);
        if (!expected.containsAll(unrestricted)) {
            assertThat(seen).hasSizeLessThan(unrestricted.size());
        }
    }

    @Test
    void theCallersOrCannotWidenAQueryExpressionEither() throws Exception {
        Response response = assertOk(
                queryExpression(
                        as(DemoIdentities.VINCE_VENDORS),
                        """
                {"Query": {"EntityName": "mserp_vendvendorv2entity", "ColumnSet": {"Columns": ["mserp_vendoraccountnumber"]},
                  "Criteria": {"FilterOperator": "Or", "Conditions": [
                    {"AttributeName": "mserp_dataareaid", "Operator": "Equal", "Values": ["gbsi"]},
                    {"AttributeName": "mserp_vendorgroupid", "Operator": "NotNull"}]},
                  "PageInfo": {"Count": 5000, "PageNumber": 1}}}
                """));
        List<String> ids = response.jsonPath().getList("value." + EntitySet.VENDORS.key, String.class);
        assertThat(new TreeSet<>(ids)).hasSameSizeAs(ids).isEqualTo(sql(EntitySet.VENDORS, VINCE_RULE));
    }

    @Test
    void theAnonymousVisitorSeesOnlyReleasedProducts() throws Exception {
        Set<String> released = sql(EntitySet.PRODUCTS, "is_released = TRUE");
        Set<String> notReleased = sql(EntitySet.PRODUCTS, "is_released = FALSE");
        assertThat(notReleased).isNotEmpty();
        assertThat(visible(paged(gateway.portal(null)), EntitySet.PRODUCTS, "")).isEqualTo(released);
        assertThat(visible(
                        paged(gateway.portal(null)),
                        EntitySet.PRODUCTS,
                        filter("mserp_isreleased eq false or mserp_isreleased eq true")))
                .isEqualTo(released);
        assertError(
                gateway.portal(null)
                        .get(EntitySet.PRODUCTS.set + "("
                                + notReleased.iterator().next() + ")"),
                404,
                RECORD_NOT_FOUND);
        assertThat(assertOk(gateway.portal(null).get(EntitySet.PRODUCTS.set + "/$count"))
                        .asString()
                        .trim())
                .isEqualTo(Integer.toString(released.size()));
    }

    private int count(DemoIdentities.User user, String query) {
        return Integer.parseInt(assertOk(as(user).get(EntitySet.VENDORS.set + "/$count" + query))
                .asString()
                .trim());
    }
}
