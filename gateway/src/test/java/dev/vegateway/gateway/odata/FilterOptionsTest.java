package dev.vegateway.gateway.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OData front end reads {@code $filter} with the gateway's one filter parser (the one row
 * filters use): {@code in} lists of every literal type, parameter aliases, navigation paths and
 * lambdas, with precise 400s.
 */
class FilterOptionsTest {
    private static ODataFrontEnd odata;

    @BeforeAll
    static void loadDemoCatalog() throws Exception {
        String yaml;
        try (InputStream in = FilterOptionsTest.class.getResourceAsStream("/demo/catalog.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Catalog catalog = CatalogLoader.load("demo/catalog.yaml", yaml);
        odata = new ODataFrontEnd(catalog, "Microsoft.Dynamics.CRM");
    }

    private static Condition filter(String filter) {
        return query("$filter=" + encode(filter));
    }

    private static Condition query(String rawQuery) {
        ODataRequest request = odata.parse("/mserp_custcustomerv3entities", rawQuery, 50);
        return ((ODataRequest.ReadCollection) request).query().root().criteria();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @ParameterizedTest(name = "{0} in ({1},{2})")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "mserp_creditstatus|0|1",
                "mserp_creditstatus|0|2",
                "mserp_customeraccount|'US-0001'|'it''s'",
                "mserp_creditlimit|100.5|-2",
                "mserp_creditlimit|100|5.25",
                "mserp_numberofemployees|5|-7",
                "mserp_discountpercentage|1.5|2e3",
                "mserp_iskeyaccount|true|false",
                "mserp_custcustomerv3entityid|00000000-0000-4000-8000-000000000001|00000000-0000-4000-8000-000000000002",
                "mserp_establisheddate|2020-01-01|2021-12-31",
                "mserp_createdon|2020-01-01T00:00:00Z|2021-12-31T10:00:00%2B01:00",
                "mserp_createdon|2020-01-01T00:00:00Z|2021-12-31T10:00:00-05:00",
            })
    void inTakesWhatEqTakes(String field, String first, String second) {
        first = first.replace("%2B", "+");
        second = second.replace("%2B", "+");
        Condition.Or or = (Condition.Or) filter(field + " eq " + first + " or " + field + " eq " + second);
        List<Literal> values = or.conditions().stream()
                .map(condition -> (Literal) ((Condition.Comparison) condition).right())
                .toList();
        Condition in = new Condition.In(new AttributeRef(field), values, false);
        assertThat(filter(field + " in (" + first + "," + second + ")")).isEqualTo(in);
        assertThat(filter(field + " in ( " + first + " , " + second + " )")).isEqualTo(in);
    }

    @Test
    void inListsNestInsideOtherConditionsAndFunctions() {
        assertThat(filter("not (mserp_name in ('a','b')) and tolower(mserp_customeraccount) in ('x')"))
                .isInstanceOf(Condition.And.class);
    }

    @Test
    void textThatOnlyLooksLikeAnInListIsText() {
        assertThat(filter("mserp_name eq 'x in (1,2)'"))
                .isEqualTo(new Condition.Comparison(
                        new AttributeRef("mserp_name"), Condition.Operator.EQUAL, new Literal("x in (1,2)")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "mserp_name in ()|at least one value",
                "mserp_name in ('a',)|the values of 'in' must be literals",
                "mserp_name in ('a'|expected ',' or ')'",
                "mserp_name in ('a)|not closed by a quote",
                "mserp_name eq|expected a field, a value",
                "concat(mserp_name,'x') eq 'y'|unknown function",
                "mserp_name eq 'a' and|column 22: expected a field, a value or '(', found the end",
            })
    void aMalformedFilterIsA400NamingTheProblemAndItsColumn(String filter, String message) {
        assertThatThrownBy(() -> filter(filter)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(e.getMessage())
                    .startsWith("The $filter is not valid at column")
                    .contains(message);
        });
    }

    @Test
    void aListOfMoreThanTheLimitIsRefused() {
        String values = String.join(",", java.util.Collections.nCopies(FilterParser.MAX_IN_VALUES + 1, "'a'"));
        assertThatThrownBy(() -> filter("mserp_name in (" + values + ")"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage())
                        .contains("at most " + FilterParser.MAX_IN_VALUES));
    }

    @Test
    void parameterAliasesGiveValuesIncludingAnInList() {
        assertThat(query("$filter=mserp_name%20eq%20@p1&@p1=%27O%27%27Brien%27"))
                .isEqualTo(filter("mserp_name eq 'O''Brien'"));
        assertThat(query("@names=(%27a%27,%27b%27)&$filter=mserp_name%20in%20@names"))
                .isEqualTo(filter("mserp_name in ('a','b')"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "$filter=mserp_name%20eq%20@p1|the parameter alias '@p1' has no value",
                "$filter=mserp_name%20eq%20@p1&@p1=@p2&@p2=1|is not valid",
                "$filter=mserp_name%20eq%20@p1&@p1=|has an empty value",
                "$filter=mserp_name%20eq%20@user.id|has no value",
                "$filter=mserp_name%20eq%20'a'&$filter=mserp_name%20eq%20'b'|given twice",
            })
    void aliasProblemsAre400s(String rawQuery, String message) {
        assertThatThrownBy(() -> query(rawQuery)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(e.getMessage()).contains(message);
        });
    }

    /** Dataverse's query functions are the condition operators of QueryExpression, with the same meaning. */
    @Test
    void queryFunctionsAreTheConditionOperators() {
        assertThat(filter("Microsoft.Dynamics.CRM.In(PropertyName='mserp_name',PropertyValues=['a','b'])"))
                .isEqualTo(new Condition.In(
                        new AttributeRef("mserp_name"), List.of(new Literal("a"), new Literal("b")), false));
        assertThat(query(
                        "$filter=" + encode("Microsoft.Dynamics.CRM.NotIn(PropertyName='mserp_name',PropertyValues=@v)")
                                + "&@v=" + encode("['x']")))
                .isEqualTo(new Condition.In(new AttributeRef("mserp_name"), List.of(new Literal("x")), true));
        assertThat(filter("Microsoft.Dynamics.CRM.LastXDays(PropertyName='mserp_createdon',PropertyValue=3)"))
                .isEqualTo(new Condition.RelativeDate(
                        new AttributeRef("mserp_createdon"),
                        Condition.DateOperator.LAST_X_DAYS,
                        java.util.OptionalLong.of(3)));
        assertThat(filter("Microsoft.Dynamics.CRM.Between(PropertyName='mserp_creditlimit',PropertyValues=[1,9])"
                        + " and mscrm.EqualUserId(PropertyName='mserp_ownerid')"))
                .isEqualTo(new Condition.And(List.of(
                        new Condition.Between(
                                new AttributeRef("mserp_creditlimit"), new Literal(1L), new Literal(9L), false),
                        new Condition.Comparison(
                                new AttributeRef("mserp_ownerid"),
                                Condition.Operator.EQUAL,
                                dev.vegateway.adapter.query.Placeholder.USER_ID))));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "Microsoft.Dynamics.CRM.Nope(PropertyName='mserp_name')|unknown function",
                "Microsoft.Dynamics.CRM.In(PropertyValues=['a'])|needs PropertyName",
                "Microsoft.Dynamics.CRM.In(PropertyName='mserp_name',Values=['a'])|unknown parameter",
                "Microsoft.Dynamics.CRM.Between(PropertyName='mserp_creditlimit',PropertyValues=[1])|expects exactly 2 values",
                "Other.Namespace.In(PropertyName='mserp_name')|unknown function",
            })
    void badQueryFunctionsAre400s(String filter, String message) {
        assertThatThrownBy(() -> filter(filter)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void aNavigationPathNamesItsRelationAndIsJoined() {
        ODataRequest request = odata.parse(
                "/mserp_salesorderheaderv2entities", "$filter=" + encode("mserp_Customer/mserp_name eq 'Contoso'"), 50);
        var root = ((ODataRequest.ReadCollection) request).query().root();
        assertThat(root.criteria())
                .isEqualTo(new Condition.Comparison(
                        new AttributeRef(Optional.of("mserp_Customer"), "mserp_name"),
                        Condition.Operator.EQUAL,
                        new Literal("Contoso")));
        assertThat(root.links()).singleElement().satisfies(link -> assertThat(link.alias())
                .contains("mserp_Customer"));
    }

    @Test
    void aLambdaIsParsedWithPathsRelativeToItsVariable() {
        ODataRequest request = odata.parse(
                "/mserp_custcustomerv3entities",
                "$filter=" + encode("orders/any(o: o/mserp_totalamount gt 100 and o/lines/all(l: l/qty gt 1))"),
                50);
        Condition criteria =
                ((ODataRequest.ReadCollection) request).query().root().criteria();
        assertThat(criteria)
                .isEqualTo(new Condition.Lambda(
                        "orders",
                        Condition.Lambda.Quantifier.ANY,
                        new Condition.And(List.of(
                                new Condition.Comparison(
                                        new AttributeRef("mserp_totalamount"),
                                        Condition.Operator.GREATER_THAN,
                                        new Literal(100L)),
                                new Condition.Lambda(
                                        "lines",
                                        Condition.Lambda.Quantifier.ALL,
                                        new Condition.Comparison(
                                                new AttributeRef("qty"),
                                                Condition.Operator.GREATER_THAN,
                                                new Literal(1L)))))));
    }
}
