package dev.vegateway.gateway.odata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Relation;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The nested options of a collection-valued $expand as written, and the nextLink built from them. */
class CollectionExpandTest {
    @Test
    void nestedOptionsAreSplitAtTopLevelSemicolonsOnly() {
        String expand = "mserp_Customer($select=mserp_name),mserp_SalesOrders($select=a,b;$filter=x eq 'a;b)'"
                + " and y gt 1;$orderby=a desc;$top=4;$expand=mserp_Customer($select=c;$expand=d))";

        assertThat(CollectionExpand.nestedOptions(expand, "mserp_SalesOrders"))
                .containsExactly(
                        "$select=a,b",
                        "$filter=x eq 'a;b)' and y gt 1",
                        "$orderby=a desc",
                        "$expand=mserp_Customer($select=c;$expand=d)");
        assertThat(CollectionExpand.nestedOptions(expand, "mserp_Customer")).containsExactly("$select=mserp_name");
        assertThat(CollectionExpand.nestedOptions("mserp_SalesOrders", "mserp_SalesOrders"))
                .isEmpty();
        assertThat(CollectionExpand.nestedOptions(expand, "mserp_Other")).isEmpty();
    }

    @Test
    void theNextLinkReadsTheRelatedCollectionPastTheCap() {
        CollectionExpand expand = new CollectionExpand(
                new Expansion(
                        "mserp_SalesOrders", Relation.of("order"), "customerid", "customerid", OptionalInt.of(10)),
                List.of(),
                List.of("$select=a,b", "$filter=x eq 'O''Brien & Co'"));

        assertThat(expand.nextLink("https://host/api/data/v9.2/", "customers", "1234", 3))
                .isEqualTo("https://host/api/data/v9.2/customers(1234)/mserp_SalesOrders?$select=a,b"
                        + "&$filter=x%20eq%20'O''Brien%20%26%20Co'&$top=7&$skip=3");
    }
}
