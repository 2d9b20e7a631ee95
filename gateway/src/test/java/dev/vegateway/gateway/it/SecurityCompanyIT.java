package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Company-restricted role assignments (issue 3): a company-scoped entity shows only rows of the
 * companies of the assignments that grant the privilege, each assignment with its own depth —
 * the visible rows are the OR over assignments of (depth AND companies), never the greatest
 * depth over the union of the companies.
 */
abstract class SecurityCompanyIT extends SecurityIT {

    @Test
    void companyRestrictedRoleShowsOnlyItsCompany() throws Exception {
        // Bob: Sales clerk restricted to usmf, Local depth on customers and orders, Global on customer groups.
        assertThat(visible(as(DemoIdentities.BOB_SALES_CLERK), EntitySet.CUSTOMER_GROUPS, ""))
                .isEqualTo(sql(EntitySet.CUSTOMER_GROUPS, "data_area_id = 'usmf'"));
        assertThat(visible(as(DemoIdentities.BOB_SALES_CLERK), EntitySet.CUSTOMERS, ""))
                .isNotEmpty()
                .isEqualTo(sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf' AND business_unit_id = ?", CONTOSO_US));
        // His own unit's rows in another company stay hidden, also when asked for by company or by id.
        String demfRowOfHisUnit = sql(EntitySet.CUSTOMERS, "data_area_id = 'demf' AND business_unit_id = ?", CONTOSO_US)
                .iterator()
                .next();
        assertThat(visible(
                        as(DemoIdentities.BOB_SALES_CLERK), EntitySet.CUSTOMERS, filter("mserp_dataareaid eq 'demf'")))
                .isEmpty();
        assertError(
                as(DemoIdentities.BOB_SALES_CLERK).get(EntitySet.CUSTOMERS.set + "(" + demfRowOfHisUnit + ")"),
                404,
                RECORD_NOT_FOUND);
        assertThat(assertOk(as(DemoIdentities.BOB_SALES_CLERK)
                                .get(EntitySet.CUSTOMERS.set + "/$count?$filter="
                                        + encode("mserp_dataareaid ne 'usmf'")))
                        .asString()
                        .trim())
                .isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void oneRestrictedAndOneUnrestrictedRoleSeeEverythingTheUnrestrictedOneAllows(EntitySet set) throws Exception {
        // Mia: Sales manager (Global) for usmf, Customer service Basic for every company.
        UUID mia = DemoIdentities.MIA_MIXED.id();
        Set<String> restrictedRole = sql(set, "data_area_id = 'usmf'");
        Set<String> unrestrictedRole = sql(set, "owner_id = ?", mia);
        Set<String> expected = new TreeSet<>(restrictedRole);
        expected.addAll(unrestrictedRole);

        Set<String> seen = visible(as(DemoIdentities.MIA_MIXED), set, "");
        assertThat(seen).isEqualTo(expected).containsAll(unrestrictedRole).containsAll(restrictedRole);
        // The unrestricted Basic role reaches beyond usmf: she sees her own rows of demf and gbsi.
        assertThat(sql(set, "owner_id = ? AND data_area_id = 'demf'", mia))
                .isNotEmpty()
                .isSubsetOf(seen);
        assertThat(sql(set, "owner_id = ? AND data_area_id = 'gbsi'", mia))
                .isNotEmpty()
                .isSubsetOf(seen);
        // ... but not the other rows of those companies.
        String othersDemfRow = sql(set, "owner_id <> ? AND data_area_id = 'demf'", mia)
                .iterator()
                .next();
        assertError(as(DemoIdentities.MIA_MIXED).get(set.set + "(" + othersDemfRow + ")"), 404, RECORD_NOT_FOUND);
        // Entities only the restricted role grants stay restricted.
        assertThat(visible(as(DemoIdentities.MIA_MIXED), EntitySet.PRODUCTS, ""))
                .isEqualTo(sql(EntitySet.PRODUCTS, "data_area_id = 'usmf'"));
    }

    @ParameterizedTest
    @EnumSource(
            value = EntitySet.class,
            names = {"CUSTOMERS", "SALES_ORDERS"})
    void aRoleGrantedForUsmfDoesNotOpenDemfRowsThroughItsGlobalDepth(EntitySet set) throws Exception {
        // Cora: Sales manager (Global) for usmf, Customer service Basic for demf.
        UUID cora = DemoIdentities.CORA_COMPANIES.id();
        Set<String> expected = sql(set, "data_area_id = 'usmf' OR (data_area_id = 'demf' AND owner_id = ?)", cora);
        Set<String> seen = visible(as(DemoIdentities.CORA_COMPANIES), set, "");
        assertThat(seen).isEqualTo(expected);
        assertThat(sql(set, "data_area_id = 'demf' AND owner_id = ?", cora))
                .isNotEmpty()
                .isSubsetOf(seen);

        // The greatest depth (Global) over the union of the companies (usmf, demf) would show every demf row: it must
        // not.
        Set<String> greatestDepthOverAllCompanies = sql(set, "data_area_id IN ('usmf', 'demf')");
        assertThat(greatestDepthOverAllCompanies).hasSizeGreaterThan(seen.size());
        String othersDemfRow = sql(set, "data_area_id = 'demf' AND owner_id <> ?", cora)
                .iterator()
                .next();
        assertError(as(DemoIdentities.CORA_COMPANIES).get(set.set + "(" + othersDemfRow + ")"), 404, RECORD_NOT_FOUND);
        assertThat(visible(as(DemoIdentities.CORA_COMPANIES), set, filter("mserp_dataareaid eq 'demf'")))
                .isEqualTo(sql(set, "data_area_id = 'demf' AND owner_id = ?", cora));
        // Her own gbsi rows stay hidden: no assignment grants gbsi.
        assertThat(sql(set, "data_area_id = 'gbsi' AND owner_id = ?", cora))
                .isNotEmpty()
                .doesNotContainAnyElementsOf(seen);
        assertThat(visible(
                        as(DemoIdentities.CORA_COMPANIES),
                        set,
                        filter("mserp_dataareaid eq 'gbsi' or mserp_ownerid eq " + cora)))
                .isEqualTo(sql(
                        set,
                        "data_area_id = 'demf' AND owner_id = ? OR data_area_id = 'usmf' AND owner_id = ?",
                        cora,
                        cora));
    }

    @Test
    void companyRestrictionAppliesToCompanyScopedEntitiesWithoutOwners() throws Exception {
        // Customer groups, products and order lines have a company field but no owner: the usmf grant shows usmf rows
        // only.
        for (EntitySet set :
                new EntitySet[] {EntitySet.CUSTOMER_GROUPS, EntitySet.PRODUCTS, EntitySet.SALES_ORDER_LINES}) {
            assertThat(visible(as(DemoIdentities.CORA_COMPANIES), set, ""))
                    .as(set.set)
                    .isEqualTo(sql(set, "data_area_id = 'usmf'"));
        }
        // Legal entities are organisation data without a company field: a restricted assignment does not narrow them.
        assertThat(visible(as(DemoIdentities.CORA_COMPANIES), EntitySet.LEGAL_ENTITIES, ""))
                .isEqualTo(sql(EntitySet.LEGAL_ENTITIES, ""))
                .hasSize(3);
        // Cora's demf role (Customer service Basic) grants nothing on them, so no demf rows appear.
        assertThat(visible(as(DemoIdentities.CORA_COMPANIES), EntitySet.PRODUCTS, filter("mserp_dataareaid ne 'usmf'")))
                .isEmpty();
    }
}
