package dev.vegateway.gateway.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code in} takes every literal that {@code eq} takes, for every type, and means the same (issue 9). */
class FilterInTest {
    private static ODataFrontEnd odata;

    @BeforeAll
    static void loadDemoCatalog() throws Exception {
        String yaml;
        try (InputStream in = FilterInTest.class.getResourceAsStream("/demo/catalog.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Catalog catalog = CatalogLoader.load("demo/catalog.yaml", yaml);
        odata = new ODataFrontEnd(catalog, "Microsoft.Dynamics.CRM");
    }

    private static Condition filter(String filter) {
        ODataRequest request = odata.parse(
                "/mserp_custcustomerv3entities",
                "$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"),
                50);
        return ((ODataRequest.ReadCollection) request).query().root().criteria();
    }

    @ParameterizedTest(name = "{0} in ({1},{2})")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "mserp_creditstatus|mscrm.mserp_custcreditstatus'Normal'|mscrm.mserp_custcreditstatus'Warning'",
                "mserp_creditstatus|Microsoft.Dynamics.CRM.mserp_custcreditstatus'Normal'|Microsoft.Dynamics.CRM.mserp_custcreditstatus'Blocked'",
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
    void inTakesWhatEqTakesAndMeansTheSame(String field, String first, String second) {
        first = first.replace("%2B", "+");
        second = second.replace("%2B", "+");
        Condition or = filter(field + " eq " + first + " or " + field + " eq " + second);
        assertThat(filter(field + " in (" + first + "," + second + ")")).isEqualTo(or);
        assertThat(filter(field + " in ( " + first + " , " + second + " )")).isEqualTo(or);
    }

    @Test
    void aSingleValueIsAComparison() {
        assertThat(filter("mserp_creditstatus in ( mscrm.mserp_custcreditstatus'Normal' )"))
                .isEqualTo(filter("mserp_creditstatus eq mscrm.mserp_custcreditstatus'Normal'"));
    }

    @Test
    void inListsNestInsideOtherConditionsAndFunctions() {
        assertThat(filter("not (mserp_name in ('a','b')) and tolower(mserp_customeraccount) in ('x')"))
                .isEqualTo(filter(
                        "not (mserp_name eq 'a' or mserp_name eq 'b') and tolower(mserp_customeraccount) eq 'x'"));
    }

    @Test
    void textThatOnlyLooksLikeAnInListIsLeftAlone() {
        assertThat(InOperator.rewrite("mserp_name eq 'x in (1,2)'")).isEqualTo("mserp_name eq 'x in (1,2)'");
        assertThat(InOperator.rewrite("mserp_name eq 'it''s' and a in ('(',')')"))
                .isEqualTo("mserp_name eq 'it''s' and (a eq '(' or a eq ')')");
        assertThat(InOperator.rewrite("contains(mserp_name,'in')")).isEqualTo("contains(mserp_name,'in')");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "mserp_name in ()|at least one value",
                "mserp_name in ('a',)|an empty value",
                "mserp_name in ('a'|not closed",
                "mserp_name in ('a)|closing quote",
            })
    void aMalformedListIsA400NamingTheProblem(String filter, String message) {
        assertThatThrownBy(() -> filter(filter)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void inWithAnAliasInsteadOfAListIsUnsupportedNotAServerError() {
        assertThatThrownBy(() -> odata.parse(
                        "/mserp_custcustomerv3entities", "$filter=mserp_name%20in%20@names&@names=[%27a%27]", 50))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.errorCode().httpStatus()).isEqualTo(400));
    }

    @Test
    void aListOfMoreThanTheLimitIsRefused() {
        String values = String.join(",", java.util.Collections.nCopies(InOperator.MAX_VALUES + 1, "'a'"));
        assertThatThrownBy(() -> filter("mserp_name in (" + values + ")"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage())
                        .contains("at most " + InOperator.MAX_VALUES));
    }
}
