package dev.vegateway.adapter.fetchxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FetchXmlParserTest {
    private static FetchXml parse(String xml) {
        return FetchXmlParser.parse(xml, 5000);
    }

    @Test
    void readsTheEntityItsAttributesFiltersOrdersAndLinks() {
        FetchXml fetch = parse(
                """
                <fetch distinct="false" returntotalrecordcount="true" no-lock="true">
                  <entity name="account">
                    <attribute name="name"/>
                    <attribute name="revenue"/>
                    <order attribute="name" descending="true"/>
                    <filter type="or">
                      <condition attribute="revenue" operator="ge" value="100"/>
                      <filter>
                        <condition attribute="city" operator="in"><value>Oslo</value><value>Bergen</value></condition>
                        <condition attribute="c" entityname="contact" operator="not-null"/>
                      </filter>
                    </filter>
                    <link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="c">
                      <attribute name="fullname"/>
                      <order attribute="fullname"/>
                    </link-entity>
                  </entity>
                </fetch>
                """);
        Relation contact = new Relation(
                "contact",
                Columns.named(List.of("fullname")),
                Condition.TRUE,
                List.of(new Order("fullname", false)),
                List.of());
        Condition criteria = new Condition.Or(List.of(
                new Condition.Comparison(
                        new AttributeRef("revenue"), Condition.Operator.GREATER_EQUAL, new Literal("100")),
                new Condition.And(List.of(
                        new Condition.In(
                                new AttributeRef("city"), List.of(new Literal("Oslo"), new Literal("Bergen")), false),
                        new Condition.IsNull(new AttributeRef(Optional.of("contact"), "c"), true)))));
        Relation root = new Relation(
                "account",
                Columns.named(List.of("name", "revenue")),
                criteria,
                List.of(new Order("name", true)),
                List.of(new Link(contact, "primarycontactid", "contactid", Link.Kind.LEFT_OUTER, Optional.of("c"))));
        assertThat(fetch.query())
                .isEqualTo(new Query(
                        root,
                        OptionalInt.empty(),
                        OptionalInt.empty(),
                        false,
                        Optional.of(new Query.Page(5000, Optional.empty())),
                        true));
        assertThat(fetch.pageNumber()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({
        "inner,INNER",
        "outer,LEFT_OUTER",
        "exists,EXISTS",
        "in,IN",
        "any,ANY",
        "not any,NOT_ANY",
        "all,ALL",
        "not all,NOT_ALL"
    })
    void everyLinkTypeIsALinkKind(String linkType, Link.Kind kind) {
        FetchXml fetch = parse("<fetch><entity name='a'><link-entity name='b' from='x' to='y' link-type='" + linkType
                + "'/></entity></fetch>");
        assertThat(fetch.query().root().links()).singleElement().satisfies(link -> {
            assertThat(link.kind()).isEqualTo(kind);
            assertThat(link.fromAttribute()).as("to: the parent's attribute").isEqualTo("y");
            assertThat(link.toAttribute())
                    .as("from: the linked entity's attribute")
                    .isEqualTo("x");
            assertThat(link.relation().columns()).isEqualTo(Columns.named(List.of()));
        });
    }

    @Test
    void anEntityWithoutAttributesReturnsThemAllAndPagingAttributesBecomePagingOrSkip() {
        FetchXml fetch = parse("<fetch count='10' page='3'><entity name='a'/></fetch>");
        assertThat(fetch.query().root().columns()).isEqualTo(Columns.every());
        assertThat(fetch.query().page()).contains(new Query.Page(10, Optional.empty()));
        assertThat(fetch.query().skip()).isEqualTo(OptionalInt.of(20));
        assertThat(fetch.pageNumber()).isEqualTo(3);
        FetchXml withCookie = parse("<fetch count='10' page='3' paging-cookie='abc'><entity name='a'/></fetch>");
        assertThat(withCookie.query().page()).contains(new Query.Page(10, Optional.of("abc")));
        assertThat(withCookie.query().skip()).isEmpty();
        assertThat(parse("<fetch top='4'><entity name='a'/></fetch>").query().top())
                .isEqualTo(OptionalInt.of(4));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "<fetch><entity name='a'>|QUERY_SYNTAX|not well-formed XML at line 1",
                "<!DOCTYPE fetch [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><fetch><entity name='&x;'/></fetch>|QUERY_SYNTAX|DOCTYPE",
                "<fetchx/>|QUERY_SYNTAX|<fetch> as its root element",
                "<fetch/>|QUERY_SYNTAX|exactly one <entity>",
                "<fetch pages='2'><entity name='a'/></fetch>|QUERY_SYNTAX|<fetch> has no attribute 'pages'",
                "<fetch top='2' count='3'><entity name='a'/></fetch>|QUERY_SYNTAX|top attribute can't be specified",
                "<fetch count='5001'><entity name='a'/></fetch>|QUERY_SYNTAX|must be from 1 to 5000",
                "<fetch page='x'><entity name='a'/></fetch>|QUERY_SYNTAX|expected a whole number",
                "<fetch aggregate='true'><entity name='a'/></fetch>|QUERY_SYNTAX|needs attributes with aggregate or groupby",
                "<fetch aggregate='true'><entity name='a'><attribute name='b'/></entity></fetch>|QUERY_SYNTAX|needs its alias",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x'/></entity></fetch>|QUERY_SYNTAX|not neither",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' aggregate='median'/></entity></fetch>|QUERY_SYNTAX|the aggregates are",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' groupby='true' dategrouping='decade'/></entity></fetch>|QUERY_SYNTAX|the date groupings are",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' aggregate='max' dategrouping='year'/></entity></fetch>|QUERY_SYNTAX|needs groupby",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' groupby='true' rowaggregate='CountChildren'/></entity></fetch>|UNSUPPORTED_QUERY|rowaggregate",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' groupby='true'/><order alias='y'/></entity></fetch>|QUERY_SYNTAX|no attribute of the fetch has this alias",
                "<fetch aggregate='true'><entity name='a'><attribute name='b' alias='x' groupby='true'/><order attribute='b'/></entity></fetch>|QUERY_SYNTAX|order by the alias",
                "<fetch><entity name='a'><attribute name='b'/><order alias='b'/></entity></fetch>|QUERY_SYNTAX|belongs to an aggregate fetch",
                "<fetch aggregate='true'><entity name='a'><link-entity name='l' from='x' to='y'><attribute name='b' alias='x' groupby='true'/></link-entity></entity></fetch>|QUERY_SYNTAX|give the link-entity an alias",
                "<fetch aggregate='true'><entity name='a'><attribute name='c' alias='n' aggregate='count'/><link-entity name='l' from='x' to='y' alias='l' link-type='exists'><attribute name='b' alias='x' groupby='true'/></link-entity></entity></fetch>|QUERY_SYNTAX|a filtering link-entity has no attributes",
                "<fetch><entity name='a'><attribute name='b' alias='x'/><attribute name='b' alias='y'/></entity></fetch>|UNSUPPORTED_QUERY|asked for twice",
                "<fetch><entity name='a'><attribute name='b' alias=''/></entity></fetch>|QUERY_SYNTAX|the alias is empty",
                "<fetch><entity name='a'><all-attributes/><attribute name='b' alias='x'/></entity></fetch>|QUERY_SYNTAX|cannot be combined with aliased",
                "<fetch><entity name='a'><attribute name='b' aggregate='count' alias='n'/></entity></fetch>|QUERY_SYNTAX|need <fetch aggregate",
                "<fetch><entity name='a'><attribut name='b'/></entity></fetch>|QUERY_SYNTAX|<entity> cannot hold <attribut>",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='eqq' value='1'/></filter></entity></fetch>|QUERY_SYNTAX|unknown operator",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='contain-values'/></filter></entity></fetch>|QUERY_SYNTAX|expects at least 1 value, got 0",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='between' value='3'/></filter></entity></fetch>|QUERY_SYNTAX|expects exactly 2 values, got 1",
                "<fetch><entity name='a'><attribute name='a' rowaggregate='CountParents' alias='n'/></entity></fetch>|QUERY_SYNTAX|rowaggregate takes CountChildren",
                "<fetch><entity name='a'><attribute name='a' rowaggregate='CountChildren'/></entity></fetch>|QUERY_SYNTAX|alias",
                "<fetch><entity name='a'><link-entity name='b' from='x' to='y'><attribute name='b' rowaggregate='CountChildren' alias='n'/></link-entity></entity></fetch>|UNSUPPORTED_QUERY|not on a link-entity",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='eq' value='1'><value>2</value></condition></filter></entity></fetch>|QUERY_SYNTAX|not both",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='like' valueof='c'/></filter></entity></fetch>|QUERY_SYNTAX|cannot compare two columns",
                "<fetch><entity name='a'><filter><condition attribute='b' operator='eq' valueof='c' value='1'/></filter></entity></fetch>|QUERY_SYNTAX|takes no value",
                "<fetch><entity name='a'><filter type='xor'/></entity></fetch>|QUERY_SYNTAX|the type is and or or",
                "<fetch><entity name='a'><link-entity name='b' from='x'/></entity></fetch>|QUERY_SYNTAX|needs its to attribute",
                "<fetch><entity name='a'><link-entity name='b' from='x' to='y' link-type='natural'/></entity></fetch>|UNSUPPORTED_QUERY|not supported",
                "<fetch><entity name='a'>text</entity></fetch>|QUERY_SYNTAX|cannot hold text",
            })
    void badFetchXmlIsRefusedNamingWhatIsWrong(String xml, ErrorCode code, String message) {
        assertThatThrownBy(() -> parse(xml)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.getMessage()).startsWith("FetchXML: ").contains(message);
        });
    }

    @Test
    void anAggregateFetchIsAnAggregation() {
        FetchXml fetch = parse("<fetch aggregate='true' aggregatelimit='1000'><entity name='a'>"
                + "<attribute name='company' alias='c' groupby='true'/>"
                + "<attribute name='a' alias='n' aggregate='count'/>"
                + "<attribute name='amount' alias='total' aggregate='sum'/>"
                + "<attribute name='owner' alias='owners' aggregate='countcolumn' distinct='true'/>"
                + "<filter><condition attribute='amount' operator='gt' value='0'/></filter>"
                + "</entity></fetch>");
        assertThat(fetch.query().aggregation())
                .contains(new Aggregation(
                        List.of(new Aggregation.Grouping(new AttributeRef("company"), "c")),
                        List.of(
                                new Aggregation.Aggregate(
                                        Aggregation.Function.COUNT_ROWS, Optional.empty(), false, "n"),
                                new Aggregation.Aggregate(
                                        Aggregation.Function.SUM,
                                        Optional.of(new AttributeRef("amount")),
                                        false,
                                        "total"),
                                new Aggregation.Aggregate(
                                        Aggregation.Function.COUNT,
                                        Optional.of(new AttributeRef("owner")),
                                        true,
                                        "owners"))));
        assertThat(fetch.query().root().criteria()).isNotEqualTo(Condition.TRUE);
        assertThat(fetch.query().page()).isEmpty();
    }

    @Test
    void attributeAliasesNameTheColumnsOfTheAnswer() {
        FetchXml fetch = parse("<fetch><entity name='a'><attribute name='b' alias='bee'/><attribute name='c'/>"
                + "<link-entity name='l' from='x' to='y' alias='k'><attribute name='d' alias='dee'/></link-entity>"
                + "</entity></fetch>");
        assertThat(fetch.query().root().columns()).isEqualTo(Columns.named(List.of("b", "c"), Map.of("b", "bee")));
        assertThat(fetch.query().root().links().get(0).relation().columns())
                .isEqualTo(Columns.named(List.of("d"), Map.of("d", "dee")));
    }

    @Test
    void anAggregateFetchGroupsLinkedAttributesAndDatePartsOrdersByAliasAndPages() {
        FetchXml fetch = parse("<fetch aggregate='true' count='2' page='3'><entity name='a'>"
                + "<attribute name='created' alias='year' groupby='true' dategrouping='year'/>"
                + "<attribute name='a' alias='n' aggregate='count'/>"
                + "<order alias='n' descending='true'/>"
                + "<link-entity name='l' from='x' to='y' alias='k'>"
                + "<attribute name='city' alias='city' groupby='true'/>"
                + "<attribute name='amount' alias='total' aggregate='sum'/>"
                + "<order alias='city'/></link-entity>"
                + "</entity></fetch>");
        Aggregation aggregation = fetch.query().aggregation().orElseThrow();
        assertThat(aggregation.groups())
                .containsExactly(
                        new Aggregation.Grouping(
                                new AttributeRef("created"), "year", Optional.of(Aggregation.DateGrouping.YEAR)),
                        new Aggregation.Grouping(new AttributeRef(Optional.of("k"), "city"), "city"));
        assertThat(aggregation.aggregates().get(1).attribute()).contains(new AttributeRef(Optional.of("k"), "amount"));
        assertThat(aggregation.orders())
                .containsExactly(new Aggregation.AliasOrder("n", true), new Aggregation.AliasOrder("city", false));
        assertThat(fetch.query().page()).contains(new Query.Page(2, Optional.empty()));
        assertThat(fetch.query().skip()).isEqualTo(OptionalInt.of(4));
        assertThat(fetch.pageNumber()).isEqualTo(3);
        assertThat(parse("<fetch aggregate='true' top='3'><entity name='a'><attribute name='b' alias='x'"
                                + " groupby='true'/></entity></fetch>")
                        .query()
                        .top())
                .isEqualTo(OptionalInt.of(3));
    }

    @Test
    void atMostFifteenLinkEntities() {
        String sixteen = "<link-entity name='b' from='x' to='y'/>".repeat(16);
        assertThatThrownBy(() -> parse("<fetch><entity name='a'>" + sixteen + "</entity></fetch>"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.TOO_MANY_LINK_ENTITIES));
    }
}
