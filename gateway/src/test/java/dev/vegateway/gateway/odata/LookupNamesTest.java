package dev.vegateway.gateway.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lookups the Dataverse way (issue 10): the foreign key of a served n:1 relation is the OData
 * property {@code _<field>_value}; the front end hands the neutral query the logical name.
 */
class LookupNamesTest {
    private static final String ORDER = "mserp_salesorderheaderv2entity";
    private static final String ORDERS = "/mserp_salesorderheaderv2entities";
    private static final String LINE = "mserp_salesorderlinev2entity";
    private static final UUID SOME = UUID.fromString("6f1c0e1e-8c1f-4a5e-9d41-2f0b1b1f0a01");

    private static Catalog catalog;
    private static LookupNames lookups;
    private static ODataFrontEnd odata;

    @BeforeAll
    static void loadDemoCatalog() throws Exception {
        String yaml;
        try (InputStream in = LookupNamesTest.class.getResourceAsStream("/demo/catalog.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catalog = CatalogLoader.load("demo/catalog.yaml", yaml);
        lookups = new LookupNames(catalog);
        odata = new ODataFrontEnd(catalog, "Microsoft.Dynamics.CRM");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Query read(String path, String query) {
        return ((ODataRequest.ReadCollection) odata.parse(path, query, 50)).query();
    }

    @Test
    void theForeignKeyOfAServedRelationIsALookupProperty() {
        LookupNames.Lookup lookup = lookups.byField(ORDER, "mserp_customerid").orElseThrow();
        assertThat(lookup.property()).isEqualTo("_mserp_customerid_value");
        assertThat(lookup.navigationProperty()).isEqualTo("mserp_Customer");
        assertThat(lookup.targetEntity()).isEqualTo("mserp_custcustomerv3entity");
        assertThat(lookups.byProperty(ORDER, "_mserp_customerid_value")).contains(lookup);
        assertThat(lookups.propertyName(ORDER, "mserp_customerid")).isEqualTo("_mserp_customerid_value");
        assertThat(lookups.fieldName(ORDER, "_mserp_customerid_value")).isEqualTo("mserp_customerid");
        assertThat(lookups.propertyName(LINE, "mserp_salesorderid")).isEqualTo("_mserp_salesorderid_value");
        // Other fields, the key and other entities keep their names.
        assertThat(lookups.propertyName(ORDER, "mserp_salesordernumber")).isEqualTo("mserp_salesordernumber");
        assertThat(lookups.propertyName(ORDER, "mserp_salesorderheaderv2entityid"))
                .isEqualTo("mserp_salesorderheaderv2entityid");
        assertThat(lookups.byField("mserp_custcustomerv3entity", "mserp_customerid"))
                .isEmpty();
        assertThat(lookups.fieldName(ORDER, "mserp_customerid")).isEqualTo("mserp_customerid");
    }

    @Test
    void aRelationToAnInvisibleEntityKeepsItsPlainField() throws Exception {
        String yaml;
        try (InputStream in = LookupNamesTest.class.getResourceAsStream("/demo/catalog.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String hidden = yaml.replaceFirst(
                "(entitySetName: mserp_custcustomerv3entities\\n(?:.*\\n)*?\\s+visible: )true", "$1false");
        assertThat(hidden).isNotEqualTo(yaml);
        LookupNames withoutCustomers = new LookupNames(CatalogLoader.load("hidden.yaml", hidden));
        assertThat(withoutCustomers.byField(ORDER, "mserp_customerid")).isEmpty();
        assertThat(withoutCustomers.byField(LINE, "mserp_salesorderid")).isPresent();
    }

    @Test
    void conditionsOrdersAndColumnsOfEveryRelationGetTheLogicalName() {
        Condition criteria = new Condition.And(List.of(
                new Condition.Comparison(
                        new AttributeRef("_mserp_customerid_value"), Condition.Operator.EQUAL, new Literal(SOME)),
                new Condition.Not(new Condition.IsNull(
                        new AttributeRef(Optional.of("mserp_SalesOrder"), "_mserp_customerid_value"), false)),
                new Condition.In(
                        new FunctionCall(
                                FunctionCall.Function.TO_LOWER, List.of(new AttributeRef("_mserp_salesorderid_value"))),
                        List.of(new Literal("x")),
                        false),
                new Condition.Comparison(
                        new AttributeRef("mserp_linenumber"), Condition.Operator.GREATER_THAN, new Literal(1))));
        Relation order = new Relation(
                ORDER,
                Columns.named(List.of("mserp_salesordernumber", "_mserp_customerid_value")),
                Condition.TRUE,
                List.of(),
                List.of());
        Relation line = new Relation(
                LINE,
                Columns.named(List.of("_mserp_salesorderid_value", "mserp_linenumber")),
                criteria,
                List.of(
                        new Order("_mserp_salesorderid_value", false),
                        new Order(Optional.of("mserp_SalesOrder"), "_mserp_customerid_value", true)),
                List.of(new Link(
                        order,
                        "mserp_salesorderid",
                        "mserp_salesorderheaderv2entityid",
                        Link.Kind.LEFT_OUTER,
                        Optional.of("mserp_SalesOrder"))));

        Relation logical = lookups.logical(line);

        assertThat(logical.columns().names()).containsExactly("mserp_salesorderid", "mserp_linenumber");
        assertThat(logical.orders())
                .containsExactly(
                        new Order("mserp_salesorderid", false),
                        new Order(Optional.of("mserp_SalesOrder"), "mserp_customerid", true));
        assertThat(logical.criteria())
                .isEqualTo(new Condition.And(List.of(
                        // an unqualified name belongs to the line, which has no lookup of that name
                        new Condition.Comparison(
                                new AttributeRef("_mserp_customerid_value"),
                                Condition.Operator.EQUAL,
                                new Literal(SOME)),
                        new Condition.Not(new Condition.IsNull(
                                new AttributeRef(Optional.of("mserp_SalesOrder"), "mserp_customerid"), false)),
                        new Condition.In(
                                new FunctionCall(
                                        FunctionCall.Function.TO_LOWER,
                                        List.of(new AttributeRef("mserp_salesorderid"))),
                                List.of(new Literal("x")),
                                false),
                        new Condition.Comparison(
                                new AttributeRef("mserp_linenumber"),
                                Condition.Operator.GREATER_THAN,
                                new Literal(1)))));
        Relation linked = logical.links().get(0).relation();
        assertThat(linked.columns().names()).containsExactly("mserp_salesordernumber", "mserp_customerid");
        assertThat(logical.links().get(0).fromAttribute()).isEqualTo("mserp_salesorderid");
        // All columns stay all columns.
        assertThat(lookups.logical(Relation.of(ORDER)).columns()).isEqualTo(Columns.every());
    }

    @Test
    void theFrontEndFiltersSortsAndSelectsByTheLookupProperty() {
        Query query = read(
                ORDERS,
                "$select=mserp_salesordernumber,_mserp_customerid_value&$orderby=_mserp_customerid_value%20desc"
                        + "&$filter=" + encode("_mserp_customerid_value eq " + SOME));
        assertThat(query.root().columns().names()).containsExactly("mserp_salesordernumber", "mserp_customerid");
        assertThat(query.root().orders()).containsExactly(new Order("mserp_customerid", true));
        assertThat(query.root().criteria())
                .isEqualTo(new Condition.Comparison(
                        new AttributeRef("mserp_customerid"), Condition.Operator.EQUAL, new Literal(SOME)));
        ODataRequest.ReadCollection read =
                (ODataRequest.ReadCollection) odata.parse(ORDERS, "$select=_mserp_customerid_value", 50);
        assertThat(read.select())
                .as("the context URL names the OData property")
                .containsExactly("_mserp_customerid_value");
    }

    @Test
    void nestedSelectsAndNavigationPathsOfAnExpandGetTheLogicalName() {
        Query query = read(
                "/mserp_salesorderlinev2entities",
                "$select=_mserp_salesorderid_value&$expand=mserp_SalesOrder($select=_mserp_customerid_value)"
                        + "&$filter=" + encode("mserp_SalesOrder/_mserp_customerid_value eq " + SOME));
        assertThat(query.root().columns().names()).containsExactly("mserp_salesorderid");
        assertThat(query.root().links().get(0).relation().columns().names()).containsExactly("mserp_customerid");
        assertThat(query.root().criteria())
                .isEqualTo(new Condition.Comparison(
                        new AttributeRef(Optional.of("mserp_SalesOrder"), "mserp_customerid"),
                        Condition.Operator.EQUAL,
                        new Literal(SOME)));
        ODataRequest.ReadEntity entity = (ODataRequest.ReadEntity) odata.parse(
                "/mserp_salesorderlinev2entities(" + SOME + ")",
                "$select=mserp_linenumber,_mserp_salesorderid_value"
                        + "&$expand=mserp_SalesOrder($select=_mserp_customerid_value)",
                50);
        assertThat(entity.select()).containsExactly("mserp_linenumber", "_mserp_salesorderid_value");
        assertThat(entity.columns()).containsExactly("mserp_linenumber", "mserp_salesorderid");
        assertThat(entity.links().get(0).relation().columns().names()).containsExactly("mserp_customerid");
    }

    @Test
    void theLogicalNameIsNoODataPropertyAndTheErrorSaysWhereItWent() {
        for (String query : List.of(
                "$select=mserp_customerid",
                "$orderby=mserp_customerid",
                "$filter=" + encode("mserp_customerid eq " + SOME),
                "$expand=mserp_Customer&$filter="
                        + encode("mserp_Customer/mserp_name eq 'x' or mserp_customerid eq null"))) {
            assertThatThrownBy(() -> odata.parse(ORDERS, query, 50))
                    .as(query)
                    .isInstanceOfSatisfying(GatewayException.class, error -> assertThat(error.errorCode())
                            .isEqualTo(ErrorCode.UNKNOWN_PROPERTY))
                    .hasMessageContaining("mserp_customerid")
                    .hasMessageContaining("_mserp_customerid_value");
        }
        // A name that is no lookup of the entity gets no hint.
        assertThatThrownBy(() -> odata.parse(ORDERS, "$expand=mserp_Customer($select=mserp_customerid)", 50))
                .isInstanceOfSatisfying(GatewayException.class, error -> assertThat(error.errorCode())
                        .isEqualTo(ErrorCode.UNKNOWN_PROPERTY))
                .hasMessageContaining("mserp_customerid")
                .hasMessageNotContaining("_mserp_customerid_value");
    }

    @Test
    void theCountGetsTheLogicalName() {
        ODataRequest.CountCollection count = (ODataRequest.CountCollection)
                odata.parse(ORDERS + "/$count", "$filter=" + encode("_mserp_customerid_value ne null"), 50);
        assertThat(count.query().root().criteria())
                .isEqualTo(new Condition.IsNull(new AttributeRef("mserp_customerid"), true));
    }
}
