package dev.vegateway.adapter.queryexpression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.operators.ConditionOperator;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Between;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.LikeKind;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryExpressionParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeRef NAME = new AttributeRef("mserp_name");
    private static final Set<ConditionOperator> SUPPORTED = EnumSet.of(
            ConditionOperator.CONTAIN_VALUES,
            ConditionOperator.DOES_NOT_CONTAIN_VALUES,
            ConditionOperator.EQUAL,
            ConditionOperator.NOT_EQUAL,
            ConditionOperator.GREATER_THAN,
            ConditionOperator.LESS_THAN,
            ConditionOperator.GREATER_EQUAL,
            ConditionOperator.LESS_EQUAL,
            ConditionOperator.LIKE,
            ConditionOperator.NOT_LIKE,
            ConditionOperator.IN,
            ConditionOperator.NOT_IN,
            ConditionOperator.BETWEEN,
            ConditionOperator.NOT_BETWEEN,
            ConditionOperator.NULL,
            ConditionOperator.NOT_NULL,
            ConditionOperator.BEGINS_WITH,
            ConditionOperator.DOES_NOT_BEGIN_WITH,
            ConditionOperator.ENDS_WITH,
            ConditionOperator.DOES_NOT_END_WITH,
            ConditionOperator.EQUAL_USER_TEAMS,
            ConditionOperator.EQUAL_USER_OR_USER_TEAMS,
            ConditionOperator.TODAY,
            ConditionOperator.LAST_X_DAYS,
            ConditionOperator.OLDER_THAN_X_MONTHS,
            ConditionOperator.ON,
            ConditionOperator.NOT_ON,
            ConditionOperator.ON_OR_BEFORE,
            ConditionOperator.ON_OR_AFTER,
            ConditionOperator.EQUAL_USER_ID,
            ConditionOperator.NOT_EQUAL_USER_ID,
            ConditionOperator.EQUAL_BUSINESS_ID,
            ConditionOperator.NOT_EQUAL_BUSINESS_ID,
            ConditionOperator.CONTAINS,
            ConditionOperator.DOES_NOT_CONTAIN,
            ConditionOperator.EQUAL_USER_OR_USER_HIERARCHY,
            ConditionOperator.EQUAL_USER_OR_USER_HIERARCHY_AND_TEAMS,
            ConditionOperator.EQUAL_USER_LANGUAGE);
    /** The relative date operators: each maps to its DateOperator of the same name (checked separately). */
    private static final Set<ConditionOperator> RELATIVE_DATES = Arrays.stream(ConditionOperator.values())
            .filter(operator -> Arrays.stream(Condition.DateOperator.values())
                    .anyMatch(date -> date.name().equals(operator.name())))
            .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(ConditionOperator.class)));

    // ---- helpers ----------------------------------------------------------------------------

    /** JSON written with single quotes for readability. */
    private static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON: " + singleQuoted, e);
        }
    }

    private static Query parse(String singleQuoted) {
        return QueryExpressionParser.parse(json(singleQuoted));
    }

    /** A query on mserp_custcustomerv3entity whose Criteria holds the given conditions. */
    private static String withConditions(String conditions) {
        return "{'EntityName':'mserp_custcustomerv3entity','Criteria':{'FilterOperator':'And','Conditions':["
                + conditions + "]}}";
    }

    private static Condition criteriaOf(String conditions) {
        return parse(withConditions(conditions)).root().criteria();
    }

    private static GatewayException failure(String singleQuoted) {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> parse(singleQuoted));
        assertThat(error).as("expected a GatewayException for %s", singleQuoted).isNotNull();
        return error;
    }

    private static void assertFails(String singleQuoted, ErrorCode code, String... fragments) {
        GatewayException error = failure(singleQuoted);
        assertThat(error.errorCode()).as(error.getMessage()).isEqualTo(code);
        assertThat(error.getMessage()).contains(fragments);
    }

    private static GatewayException bodyFailure(byte[] body) {
        GatewayException error =
                catchThrowableOfType(GatewayException.class, () -> QueryExpressionParser.parseRequestBody(body));
        assertThat(error).isNotNull();
        return error;
    }

    private static Literal literal(Object value) {
        return new Literal(value);
    }

    private static Query query(List<String> columns, Condition criteria) {
        return new Query(
                new Relation("mserp_custcustomerv3entity", Columns.namedOrAll(columns), criteria, List.of(), List.of()),
                OptionalInt.empty(),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }

    // ---- the SPEC example -------------------------------------------------------------------

    @Test
    void parsesTheSpecExample() {
        Query query = parse(
                """
                {'EntityName':'mserp_custcustomerv3entity',
                 'ColumnSet':{'AllColumns':false,'Columns':['mserp_customeraccount','mserp_name']},
                 'Criteria':{'FilterOperator':'And',
                   'Conditions':[{'AttributeName':'mserp_dataareaid','Operator':'Equal','Values':[{'Value':'usmf','Type':'System.String'}]}],
                   'Filters':[{'FilterOperator':'Or',
                     'Conditions':[{'AttributeName':'mserp_name','Operator':'BeginsWith','Values':['A']},
                                   {'AttributeName':'mserp_creditlimit','Operator':'GreaterThan','Values':[1000]}],
                     'Filters':[]}]},
                 'LinkEntities':[],
                 'Orders':[{'AttributeName':'mserp_name','OrderType':'Ascending'}],
                 'PageInfo':{'Count':50,'PageNumber':1,'PagingCookie':null,'ReturnTotalRecordCount':true},
                 'TopCount':null,'Distinct':false,'NoLock':false}
                """);

        assertThat(query)
                .isEqualTo(new Query(
                        new Relation(
                                "mserp_custcustomerv3entity",
                                Columns.namedOrAll(List.of("mserp_customeraccount", "mserp_name")),
                                new And(List.of(
                                        new Comparison(
                                                new AttributeRef("mserp_dataareaid"), Operator.EQUAL, literal("usmf")),
                                        new Or(List.of(
                                                new Like(NAME, LikeKind.STARTS_WITH, "A", false),
                                                new Comparison(
                                                        new AttributeRef("mserp_creditlimit"),
                                                        Operator.GREATER_THAN,
                                                        literal(1000L)))))),
                                List.of(new Order("mserp_name", false)),
                                List.of()),
                        OptionalInt.empty(),
                        OptionalInt.empty(),
                        false,
                        Optional.of(new Query.Page(50, Optional.empty())),
                        true));
    }

    @Test
    void theSmallestQueryAsksForEverything() {
        assertThat(parse("{'EntityName':'account'}")).isEqualTo(Query.all("account"));
    }

    // ---- operators --------------------------------------------------------------------------

    @Nested
    class Operators {

        static Stream<Arguments> supported() {
            return Stream.of(
                    Arguments.of("Equal", "['x']", new Comparison(NAME, Operator.EQUAL, literal("x"))),
                    Arguments.of("NotEqual", "['x']", new Comparison(NAME, Operator.NOT_EQUAL, literal("x"))),
                    Arguments.of("GreaterThan", "[5]", new Comparison(NAME, Operator.GREATER_THAN, literal(5L))),
                    Arguments.of("GreaterEqual", "[5]", new Comparison(NAME, Operator.GREATER_EQUAL, literal(5L))),
                    Arguments.of("LessThan", "[5]", new Comparison(NAME, Operator.LESS_THAN, literal(5L))),
                    Arguments.of("LessEqual", "[5]", new Comparison(NAME, Operator.LESS_EQUAL, literal(5L))),
                    Arguments.of("Like", "['%a_b%']", new Like(NAME, LikeKind.PATTERN, "%a_b%", false)),
                    Arguments.of("NotLike", "['%a%']", new Like(NAME, LikeKind.PATTERN, "%a%", true)),
                    Arguments.of("In", "['a','b']", new In(NAME, List.of(literal("a"), literal("b")), false)),
                    Arguments.of(
                            "ContainValues",
                            "[1,'3']",
                            new Condition.ContainValues(NAME, List.of(literal(1L), literal("3")), false)),
                    Arguments.of(
                            "DoesNotContainValues",
                            "[2]",
                            new Condition.ContainValues(NAME, List.of(literal(2L)), true)),
                    Arguments.of("NotIn", "['a']", new In(NAME, List.of(literal("a")), true)),
                    Arguments.of("Between", "[1,9]", new Between(NAME, literal(1L), literal(9L), false)),
                    Arguments.of("NotBetween", "[1,9]", new Between(NAME, literal(1L), literal(9L), true)),
                    Arguments.of("Null", "[]", new IsNull(NAME, false)),
                    Arguments.of("NotNull", "[]", new IsNull(NAME, true)),
                    Arguments.of("BeginsWith", "['Ab']", new Like(NAME, LikeKind.STARTS_WITH, "Ab", false)),
                    Arguments.of("DoesNotBeginWith", "['Ab']", new Like(NAME, LikeKind.STARTS_WITH, "Ab", true)),
                    Arguments.of("EndsWith", "['yz']", new Like(NAME, LikeKind.ENDS_WITH, "yz", false)),
                    Arguments.of("DoesNotEndWith", "['yz']", new Like(NAME, LikeKind.ENDS_WITH, "yz", true)),
                    Arguments.of("Contains", "['5%_x']", new Like(NAME, LikeKind.CONTAINS, "5%_x", false)),
                    Arguments.of("DoesNotContain", "['yz']", new Like(NAME, LikeKind.CONTAINS, "yz", true)),
                    Arguments.of(
                            "EqualUserOrUserHierarchy",
                            "[]",
                            new Comparison(
                                    NAME,
                                    Operator.EQUAL,
                                    dev.vegateway.adapter.query.Placeholder.USER_OR_USER_HIERARCHY)),
                    Arguments.of(
                            "EqualUserOrUserHierarchyAndTeams",
                            "[]",
                            new Comparison(
                                    NAME,
                                    Operator.EQUAL,
                                    dev.vegateway.adapter.query.Placeholder.USER_OR_USER_HIERARCHY_AND_TEAMS)),
                    Arguments.of(
                            "EqualUserLanguage",
                            "[]",
                            new Comparison(
                                    NAME, Operator.EQUAL, dev.vegateway.adapter.query.Placeholder.USER_LANGUAGE)),
                    Arguments.of(
                            "Today",
                            "[]",
                            new Condition.RelativeDate(
                                    NAME, Condition.DateOperator.TODAY, java.util.OptionalLong.empty())),
                    Arguments.of(
                            "LastXDays",
                            "[3]",
                            new Condition.RelativeDate(
                                    NAME, Condition.DateOperator.LAST_X_DAYS, java.util.OptionalLong.of(3))),
                    Arguments.of(
                            "OlderThanXMonths",
                            "['6']",
                            new Condition.RelativeDate(
                                    NAME, Condition.DateOperator.OLDER_THAN_X_MONTHS, java.util.OptionalLong.of(6))),
                    Arguments.of(
                            "On",
                            "['2024-02-29']",
                            new Condition.And(List.of(
                                    new Comparison(
                                            NAME, Operator.GREATER_EQUAL, literal(java.time.LocalDate.of(2024, 2, 29))),
                                    new Comparison(
                                            NAME, Operator.LESS_THAN, literal(java.time.LocalDate.of(2024, 3, 1)))))),
                    Arguments.of(
                            "NotOn",
                            "['2024-02-29']",
                            new Condition.Not(new Condition.And(List.of(
                                    new Comparison(
                                            NAME, Operator.GREATER_EQUAL, literal(java.time.LocalDate.of(2024, 2, 29))),
                                    new Comparison(
                                            NAME, Operator.LESS_THAN, literal(java.time.LocalDate.of(2024, 3, 1))))))),
                    Arguments.of(
                            "OnOrBefore",
                            "['2024-02-29']",
                            new Comparison(NAME, Operator.LESS_THAN, literal(java.time.LocalDate.of(2024, 3, 1)))),
                    Arguments.of(
                            "OnOrAfter",
                            "['2024-02-29']",
                            new Comparison(NAME, Operator.GREATER_EQUAL, literal(java.time.LocalDate.of(2024, 2, 29)))),
                    Arguments.of("EqualUserId", "[]", new Comparison(NAME, Operator.EQUAL, Placeholder.USER_ID)),
                    Arguments.of("NotEqualUserId", "[]", new Comparison(NAME, Operator.NOT_EQUAL, Placeholder.USER_ID)),
                    Arguments.of(
                            "EqualBusinessId",
                            "[]",
                            new Comparison(NAME, Operator.EQUAL, Placeholder.USER_BUSINESS_UNIT)),
                    Arguments.of(
                            "NotEqualBusinessId",
                            "[]",
                            new Comparison(NAME, Operator.NOT_EQUAL, Placeholder.USER_BUSINESS_UNIT)),
                    Arguments.of("EqualUserTeams", "[]", new Comparison(NAME, Operator.EQUAL, Placeholder.USER_TEAMS)),
                    Arguments.of(
                            "EqualUserOrUserTeams",
                            "[]",
                            new Comparison(NAME, Operator.EQUAL, Placeholder.USER_OR_USER_TEAMS)));
        }

        static Stream<ConditionOperator> relativeDates() {
            return RELATIVE_DATES.stream();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("relativeDates")
        void everyRelativeDateOperatorMapsToItsDateOperator(ConditionOperator operator) {
            Condition.DateOperator date = Condition.DateOperator.valueOf(operator.name());
            String values = date.valueCount() == 2 ? "[2, 2024]" : date.takesAmount() ? "[2]" : "[]";
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'" + operator.dataverseName()
                            + "','Values':" + values + "}"))
                    .isEqualTo(new Condition.RelativeDate(
                            NAME,
                            date,
                            date.takesAmount() ? java.util.OptionalLong.of(2) : java.util.OptionalLong.empty(),
                            date.valueCount() == 2 ? java.util.OptionalLong.of(2024) : java.util.OptionalLong.empty()));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("supported")
        void eachSupportedOperatorMapsToItsCondition(String operator, String values, Condition expected) {
            Condition byName =
                    criteriaOf("{'AttributeName':'mserp_name','Operator':'" + operator + "','Values':" + values + "}");
            int number = ConditionOperator.byName(operator).orElseThrow().value();
            Condition byNumber =
                    criteriaOf("{'AttributeName':'mserp_name','Operator':" + number + ",'Values':" + values + "}");

            assertThat(byName).isEqualTo(expected);
            assertThat(byNumber).isEqualTo(expected);
        }

        @Test
        void theSupportedListCoversEveryMappedOperator() {
            assertThat(supported().map(arguments -> (String) arguments.get()[0]).toList())
                    .containsExactlyInAnyOrderElementsOf(SUPPORTED.stream()
                            .map(ConditionOperator::dataverseName)
                            .toList());
        }

        static Stream<ConditionOperator> unsupported() {
            return Arrays.stream(ConditionOperator.values())
                    .filter(operator -> !SUPPORTED.contains(operator)
                            && !RELATIVE_DATES.contains(operator)
                            && !MASKS.contains(operator)
                            && !HIERARCHY.containsKey(operator));
        }

        private static final Map<ConditionOperator, Condition.HierarchyOperator> HIERARCHY = Map.of(
                ConditionOperator.UNDER, Condition.HierarchyOperator.UNDER,
                ConditionOperator.UNDER_OR_EQUAL, Condition.HierarchyOperator.UNDER_OR_EQUAL,
                ConditionOperator.NOT_UNDER, Condition.HierarchyOperator.NOT_UNDER,
                ConditionOperator.ABOVE, Condition.HierarchyOperator.ABOVE,
                ConditionOperator.ABOVE_OR_EQUAL, Condition.HierarchyOperator.ABOVE_OR_EQUAL,
                ConditionOperator.CHILD_OF, Condition.HierarchyOperator.UNDER);

        @Test
        void theHierarchyOperatorsNameTheRecordTheWalkStartsFrom() {
            HIERARCHY.forEach(
                    (operator, hierarchy) -> assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'"
                                    + operator.dataverseName() + "','Values':['k']}"))
                            .isEqualTo(new Condition.Hierarchy(NAME, hierarchy, literal("k"))));
            assertFails(
                    withConditions("{'AttributeName':'mserp_name','Operator':'Under','Values':[]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "expects exactly 1 value");
        }

        private static final Set<ConditionOperator> MASKS =
                EnumSet.of(ConditionOperator.MASK, ConditionOperator.NOT_MASK, ConditionOperator.MASKS_SELECT);

        @Test
        void theMaskOperatorsCompareTheBitsTheValueKeeps() {
            dev.vegateway.adapter.query.FunctionCall bits = new dev.vegateway.adapter.query.FunctionCall(
                    dev.vegateway.adapter.query.FunctionCall.Function.BIT_AND, List.of(NAME, literal(6L)));
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'Mask','Values':[6]}"))
                    .isEqualTo(new Comparison(bits, Operator.EQUAL, literal(6L)));
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'NotMask','Values':['6']}"))
                    .isEqualTo(new Comparison(bits, Operator.EQUAL, literal(0L)));
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':48,'Values':[6]}"))
                    .isEqualTo(new Comparison(bits, Operator.NOT_EQUAL, literal(0L)));
            assertFails(
                    withConditions("{'AttributeName':'mserp_name','Operator':'Mask','Values':[-1]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "needs a whole number from 0");
        }

        @Test
        void everyOperatorIsSupported() {
            assertThat(unsupported()).isEmpty();
        }

        @Test
        void containValuesNeedsAValue() {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':'ContainValues','Values':[]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Condition operator 'ContainValues' (87) on attribute 'x' expects at least 1 value, got 0");
        }

        @Test
        void theEnumHasAllEightyNineMembersNumberedLikeTheSdk() {
            assertThat(ConditionOperator.values()).hasSize(89);
            for (ConditionOperator operator : ConditionOperator.values()) {
                assertThat(ConditionOperator.byValue(operator.value())).contains(operator);
                assertThat(ConditionOperator.byName(operator.dataverseName())).contains(operator);
            }
            Map<String, Integer> knownValues = Map.ofEntries(
                    Map.entry("Equal", 0),
                    Map.entry("NotEqual", 1),
                    Map.entry("GreaterThan", 2),
                    Map.entry("LessThan", 3),
                    Map.entry("GreaterEqual", 4),
                    Map.entry("LessEqual", 5),
                    Map.entry("Like", 6),
                    Map.entry("NotLike", 7),
                    Map.entry("In", 8),
                    Map.entry("NotIn", 9),
                    Map.entry("Between", 10),
                    Map.entry("NotBetween", 11),
                    Map.entry("Null", 12),
                    Map.entry("NotNull", 13),
                    Map.entry("Yesterday", 14),
                    Map.entry("On", 25),
                    Map.entry("LastXDays", 33),
                    Map.entry("EqualUserId", 41),
                    Map.entry("ChildOf", 45),
                    Map.entry("Contains", 49),
                    Map.entry("DoesNotContain", 50),
                    Map.entry("NotOn", 52),
                    Map.entry("OlderThanXMonths", 53),
                    Map.entry("BeginsWith", 54),
                    Map.entry("DoesNotBeginWith", 55),
                    Map.entry("EndsWith", 56),
                    Map.entry("DoesNotEndWith", 57),
                    Map.entry("ThisFiscalYear", 58),
                    Map.entry("InOrAfterFiscalPeriodAndYear", 72),
                    Map.entry("EqualUserTeams", 73),
                    Map.entry("EqualUserOrUserTeams", 74),
                    Map.entry("Under", 75),
                    Map.entry("NotUnder", 76),
                    Map.entry("UnderOrEqual", 77),
                    Map.entry("Above", 78),
                    Map.entry("AboveOrEqual", 79),
                    Map.entry("EqualUserOrUserHierarchy", 80),
                    Map.entry("EqualUserOrUserHierarchyAndTeams", 81),
                    Map.entry("OlderThanXYears", 82),
                    Map.entry("OlderThanXMinutes", 86),
                    Map.entry("ContainValues", 87),
                    Map.entry("DoesNotContainValues", 88));
            knownValues.forEach((name, value) -> assertThat(
                            ConditionOperator.byName(name).orElseThrow().value())
                    .as(name)
                    .isEqualTo(value));
        }

        @Test
        void anUnknownOperatorNameIsASyntaxError() {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':'Equals','Values':[1]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Unknown condition operator 'Equals'",
                    "(at Criteria.Conditions[0].Operator)");
        }

        @Test
        void operatorNamesAreCaseSensitiveWithAHint() {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':'equal','Values':[1]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Unknown condition operator 'equal'; did you mean 'Equal'?");
        }

        @ParameterizedTest
        @ValueSource(strings = {"89", "-1", "100000000000000000000"})
        void anUnknownOperatorNumberIsASyntaxError(String number) {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':" + number + ",'Values':[1]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Unknown condition operator " + number,
                    "from 0 to 88");
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "1.5", "[0]", "{}", "'0'"})
        void anOperatorOfTheWrongTypeIsASyntaxError(String operator) {
            assertThat(failure(withConditions("{'AttributeName':'x','Operator':" + operator + ",'Values':[1]}"))
                            .errorCode())
                    .isEqualTo(ErrorCode.QUERY_SYNTAX);
        }

        @Test
        void aMissingOperatorIsASyntaxError() {
            assertFails(
                    withConditions("{'AttributeName':'x','Values':[1]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Operator is missing",
                    "(at Criteria.Conditions[0].Operator)");
        }

        @Test
        void inAcceptsTheValuesAsOneArray() {
            In expected = new In(NAME, List.of(literal("a"), literal("b")), false);

            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'In','Values':[['a','b']]}"))
                    .isEqualTo(expected);
            assertThat(
                            criteriaOf(
                                    "{'AttributeName':'mserp_name','Operator':'In','Values':[{'Value':['a','b'],'Type':'System.String'}]}"))
                    .isEqualTo(expected);
            assertThat(
                            criteriaOf(
                                    "{'AttributeName':'mserp_name','Operator':'NotIn','Values':[{'Value':['7','8'],'Type':'System.Int32'}]}"))
                    .isEqualTo(new In(NAME, List.of(literal(7L), literal(8L)), true));
        }

        @Test
        void onlyInTakesAnArrayValue() {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':'Equal','Values':[['a']]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Expected a value, found an array",
                    "(at Criteria.Conditions[0].Values[0])");
        }

        @Test
        void likeNeedsAStringValue() {
            assertFails(
                    withConditions("{'AttributeName':'x','Operator':'BeginsWith','Values':[5]}"),
                    ErrorCode.QUERY_SYNTAX,
                    "'BeginsWith' (54) on attribute 'x' needs a string value",
                    "(at Criteria.Conditions[0].Values)");
        }

        @Test
        void nullOperatorsAcceptAbsentOrNullValues() {
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':'Null'}"))
                    .isEqualTo(new IsNull(NAME, false));
            assertThat(criteriaOf("{'AttributeName':'mserp_name','Operator':13,'Values':null}"))
                    .isEqualTo(new IsNull(NAME, true));
        }

        @ParameterizedTest(name = "{0} with {1}")
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '"',
                value = {
                    "Equal       | []            | expects exactly 1 value, got 0",
                    "Equal       | [1,2]         | expects exactly 1 value, got 2",
                    "GreaterThan | []            | expects exactly 1 value, got 0",
                    "Like        | ['a','b']     | expects exactly 1 value, got 2",
                    "EndsWith    | []            | expects exactly 1 value, got 0",
                    "In          | []            | expects at least 1 value, got 0",
                    "NotIn       | [[]]          | expects at least 1 value, got 0",
                    "Between     | [1]           | expects exactly 2 values, got 1",
                    "NotBetween  | [1,2,3]       | expects exactly 2 values, got 3",
                    "Null        | [1]           | expects no values, got 1",
                    "NotNull     | ['x']         | expects no values, got 1"
                })
        void aWrongNumberOfValuesNamesAttributeOperatorAndCount(String operator, String values, String expected) {
            int number = ConditionOperator.byName(operator).orElseThrow().value();
            assertFails(
                    withConditions(
                            "{'AttributeName':'mserp_name','Operator':'" + operator + "','Values':" + values + "}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Condition operator '" + operator + "' (" + number + ") on attribute 'mserp_name' " + expected,
                    "(at Criteria.Conditions[0].Values)");
        }
    }

    // ---- filters ----------------------------------------------------------------------------

    @Nested
    class Filters {

        @Test
        void nestedAndOrFiltersKeepTheirShape() {
            Condition criteria = parse(
                            """
                    {'EntityName':'account','Criteria':{'FilterOperator':'Or',
                      'Conditions':[{'AttributeName':'a','Operator':'Equal','Values':[1]}],
                      'Filters':[
                        {'FilterOperator':'And','Conditions':[
                            {'AttributeName':'b','Operator':'Equal','Values':[2]},
                            {'AttributeName':'c','Operator':'Equal','Values':[3]}],
                         'Filters':[{'FilterOperator':1,'Conditions':[
                            {'AttributeName':'d','Operator':'Null'},
                            {'AttributeName':'e','Operator':'NotNull'}]}]}]}}
                    """)
                    .root()
                    .criteria();

            assertThat(criteria)
                    .isEqualTo(new Or(List.of(
                            new Comparison(new AttributeRef("a"), Operator.EQUAL, literal(1L)),
                            new And(List.of(
                                    new Comparison(new AttributeRef("b"), Operator.EQUAL, literal(2L)),
                                    new Comparison(new AttributeRef("c"), Operator.EQUAL, literal(3L)),
                                    new Or(List.of(
                                            new IsNull(new AttributeRef("d"), false),
                                            new IsNull(new AttributeRef("e"), true))))))));
        }

        @Test
        void filterOperatorAcceptsIntegersAndDefaultsToAnd() {
            String conditions =
                    "'Conditions':[{'AttributeName':'a','Operator':'Null'},{'AttributeName':'b','Operator':'Null'}]";
            List<Condition> both =
                    List.of(new IsNull(new AttributeRef("a"), false), new IsNull(new AttributeRef("b"), false));

            assertThat(parse("{'EntityName':'x','Criteria':{'FilterOperator':0," + conditions + "}}")
                            .root()
                            .criteria())
                    .isEqualTo(new And(both));
            assertThat(parse("{'EntityName':'x','Criteria':{'FilterOperator':1," + conditions + "}}")
                            .root()
                            .criteria())
                    .isEqualTo(new Or(both));
            assertThat(parse("{'EntityName':'x','Criteria':{" + conditions + "}}")
                            .root()
                            .criteria())
                    .isEqualTo(new And(both));
        }

        @Test
        void anEmptyFilterIsTrue() {
            assertThat(parse("{'EntityName':'x','Criteria':{'FilterOperator':'And','Conditions':[],'Filters':[]}}")
                            .root()
                            .criteria())
                    .isEqualTo(Condition.TRUE);
            assertThat(parse("{'EntityName':'x','Criteria':{'FilterOperator':'Or'}}")
                            .root()
                            .criteria())
                    .isEqualTo(Condition.TRUE);
            assertThat(parse("{'EntityName':'x','Criteria':null}").root().criteria())
                    .isEqualTo(Condition.TRUE);
        }

        @Test
        void anEmptyNestedFilterAddsNothingEvenUnderOr() {
            Condition criteria = parse(
                            """
                    {'EntityName':'x','Criteria':{'FilterOperator':'Or',
                      'Conditions':[{'AttributeName':'a','Operator':'Null'}],
                      'Filters':[{'FilterOperator':'And','Conditions':[],'Filters':[{'FilterOperator':'Or'}]}]}}
                    """)
                    .root()
                    .criteria();

            assertThat(criteria).isEqualTo(new IsNull(new AttributeRef("a"), false));
        }

        @Test
        void filtersNestDeep() {
            ObjectNode query = JsonNodeFactory.instance.objectNode().put("EntityName", "x");
            ObjectNode filter = query.putObject("Criteria");
            for (int level = 0; level < 300; level++) {
                filter.put("FilterOperator", level % 2);
                filter.putArray("Conditions")
                        .addObject()
                        .put("AttributeName", "a" + level)
                        .put("Operator", "Null");
                filter = filter.putArray("Filters").addObject();
            }

            Condition criteria = QueryExpressionParser.parse(query).root().criteria();

            int depth = 0;
            while (criteria instanceof And || criteria instanceof Or) {
                List<Condition> parts = criteria instanceof And and ? and.conditions() : ((Or) criteria).conditions();
                criteria = parts.get(parts.size() - 1);
                depth++;
            }
            assertThat(depth).isEqualTo(299);
        }

        @Test
        void anAbsurdlyDeepHandBuiltTreeIsRefusedNotAStackOverflow() {
            ObjectNode query = JsonNodeFactory.instance.objectNode().put("EntityName", "x");
            ObjectNode filter = query.putObject("Criteria");
            for (int level = 0; level < 600; level++) {
                filter = filter.putArray("Filters").addObject();
            }

            GatewayException error =
                    catchThrowableOfType(GatewayException.class, () -> QueryExpressionParser.parse(query));

            assertThat(error.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(error.getMessage()).contains("nested more than 500 levels");
        }

        @ParameterizedTest
        @ValueSource(strings = {"'AND'", "'Xor'", "2", "-1", "true", "1.0"})
        void anUnknownFilterOperatorIsASyntaxError(String operator) {
            assertFails(
                    "{'EntityName':'x','Criteria':{'FilterOperator':" + operator + "}}",
                    ErrorCode.QUERY_SYNTAX,
                    "(at Criteria.FilterOperator)");
        }

        @Test
        void quickFindFiltersAreUnsupported() {
            assertFails(
                    "{'EntityName':'x','Criteria':{'Filters':[{'IsQuickFindFilter':true}]}}",
                    ErrorCode.UNSUPPORTED_QUERY,
                    "IsQuickFindFilter",
                    "(at Criteria.Filters[0].IsQuickFindFilter)");
            assertThat(parse("{'EntityName':'x','Criteria':{'IsQuickFindFilter':false,'FilterHint':null}}")
                            .root()
                            .criteria())
                    .isEqualTo(Condition.TRUE);
        }

        @Test
        void aConditionOnALinkedEntityNamesItAndCompareColumnsComparesTwoAttributes() {
            assertThat(criteriaOf("{'AttributeName':'name','Operator':'Equal','Values':['x'],'EntityName':'grp'}"))
                    .isEqualTo(
                            new Comparison(new AttributeRef(Optional.of("grp"), "name"), Operator.EQUAL, literal("x")));
            assertThat(
                            criteriaOf(
                                    "{'AttributeName':'age','Operator':'GreaterThan','Values':['l.limit'],'CompareColumns':true}"))
                    .isEqualTo(new Comparison(
                            new AttributeRef("age"),
                            Operator.GREATER_THAN,
                            new AttributeRef(Optional.of("l"), "limit")));
            assertFails(
                    withConditions(
                            "{'AttributeName':'name','Operator':'Like','Values':['other'],'CompareColumns':true}"),
                    ErrorCode.QUERY_SYNTAX,
                    "cannot compare two columns",
                    "(at Criteria.Conditions[0].Values)");
            assertFails(
                    withConditions("{'AttributeName':'name','Operator':'Equal','Values':[],'CompareColumns':true}"),
                    ErrorCode.QUERY_SYNTAX,
                    "the name of the other attribute",
                    "(at Criteria.Conditions[0].Values)");
        }

        @Test
        void errorsNameTheFullPath() {
            assertFails(
                    """
                    {'EntityName':'x','Criteria':{'Filters':[{'Conditions':[
                      {'AttributeName':'a','Operator':'Null'},
                      {'AttributeName':'b','Operator':'Null'},
                      {'AttributeName':'c','Operator':'Nope'}]}]}}
                    """,
                    ErrorCode.QUERY_SYNTAX,
                    "(at Criteria.Filters[0].Conditions[2].Operator)");
        }
    }

    // ---- values -----------------------------------------------------------------------------

    @Nested
    class Values {

        private Object valueOf(String item) {
            Condition condition = criteriaOf("{'AttributeName':'a','Operator':'Equal','Values':[" + item + "]}");
            return ((Literal) ((Comparison) condition).right()).value();
        }

        private void assertValueFails(String item, ErrorCode code, String... fragments) {
            assertFails(
                    withConditions("{'AttributeName':'a','Operator':'Equal','Values':[" + item + "]}"),
                    code,
                    fragments);
        }

        @Test
        void typedValuesBecomeTheirJavaTypes() {
            assertThat(valueOf("{'Value':'usmf','Type':'System.String'}")).isEqualTo("usmf");
            assertThat(valueOf("{'Value':'5B0F6F43-2D8B-4C3A-9B3E-1A2B3C4D5E6F','Type':'System.Guid'}"))
                    .isEqualTo(UUID.fromString("5b0f6f43-2d8b-4c3a-9b3e-1a2b3c4d5e6f"));
            assertThat(valueOf("{'Value':'2024-02-29','Type':'System.DateTime'}"))
                    .isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(valueOf("{'Value':'2024-02-29T13:45:00Z','Type':'System.DateTime'}"))
                    .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 0, 0, ZoneOffset.UTC));
            assertThat(valueOf("{'Value':'2024-02-29T13:45:00.5+01:00','Type':'System.DateTime'}"))
                    .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 0, 500_000_000, ZoneOffset.ofHours(1)));
            assertThat(valueOf("{'Value':'/Date(1709214300000)/','Type':'System.DateTime'}"))
                    .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 0, 0, ZoneOffset.UTC));
            assertThat(valueOf("{'Value':42,'Type':'System.Int32'}")).isEqualTo(42L);
            assertThat(valueOf("{'Value':'42','Type':'System.Int32'}")).isEqualTo(42L);
            assertThat(valueOf("{'Value':9007199254740993,'Type':'System.Int64'}"))
                    .isEqualTo(9007199254740993L);
            assertThat(valueOf("{'Value':'12.50','Type':'System.Decimal'}")).isEqualTo(new BigDecimal("12.50"));
            assertThat(valueOf("{'Value':12,'Type':'System.Decimal'}")).isEqualTo(new BigDecimal("12"));
            assertThat(valueOf("{'Value':0.25,'Type':'System.Double'}")).isEqualTo(0.25d);
            assertThat(valueOf("{'Value':true,'Type':'System.Boolean'}")).isEqualTo(true);
            assertThat(valueOf("{'Value':'False','Type':'System.Boolean'}")).isEqualTo(false);
        }

        @Test
        void bareAndUntypedValuesFollowTheirJsonType() {
            assertThat(valueOf("'usmf'")).isEqualTo("usmf");
            assertThat(valueOf("42")).isEqualTo(42L);
            assertThat(valueOf("-7")).isEqualTo(-7L);
            assertThat(valueOf("1.5")).isEqualTo(new BigDecimal("1.5"));
            assertThat(valueOf("true")).isEqualTo(true);
            assertThat(valueOf("{'Value':42}")).isEqualTo(42L);
            assertThat(valueOf("{'Value':'5b0f6f43-2d8b-4c3a-9b3e-1a2b3c4d5e6f','Type':null}"))
                    .as("a string stays a string without a type; the planner converts it")
                    .isEqualTo("5b0f6f43-2d8b-4c3a-9b3e-1a2b3c4d5e6f");
        }

        @Test
        void aBareDecimalFromTheRequestBodyIsExact() {
            Query query = QueryExpressionParser.parseRequestBody(
                    """
                    {"Query":{"EntityName":"x","Criteria":{"Conditions":[
                      {"AttributeName":"a","Operator":"Equal","Values":[0.10]}]}}}
                    """
                            .getBytes(UTF_8));

            assertThat(query.root().criteria())
                    .isEqualTo(new Comparison(new AttributeRef("a"), Operator.EQUAL, literal(new BigDecimal("0.10"))));
        }

        @Test
        void nullValuesAreRefusedInFavourOfTheNullOperator() {
            assertValueFails(
                    "null",
                    ErrorCode.QUERY_SYNTAX,
                    "cannot be null",
                    "Null or NotNull operator",
                    "(at Criteria.Conditions[0].Values[0])");
            assertValueFails(
                    "{'Value':null,'Type':'System.String'}",
                    ErrorCode.QUERY_SYNTAX,
                    "cannot be null",
                    "(at Criteria.Conditions[0].Values[0].Value)");
            assertValueFails(
                    "{'Type':'System.String'}",
                    ErrorCode.QUERY_SYNTAX,
                    "Value is missing",
                    "(at Criteria.Conditions[0].Values[0].Value)");
        }

        @Test
        void anUnknownTypeIsAMalformedPayloadNamingIt() {
            assertValueFails(
                    "{'Value':'x','Type':'System.Char'}",
                    ErrorCode.MALFORMED_PAYLOAD,
                    "Unknown value type 'System.Char'",
                    "(at Criteria.Conditions[0].Values[0].Type)");
            assertValueFails("{'Value':'x','Type':'string'}", ErrorCode.MALFORMED_PAYLOAD, "'string'");
            assertValueFails("{'Value':'x','Type':7}", ErrorCode.QUERY_SYNTAX, "Expected a string, found a number");
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '"',
                value = {
                    "{'Value':'not-a-guid','Type':'System.Guid'}          | is not a GUID",
                    "{'Value':'1-1-1-1-1','Type':'System.Guid'}           | is not a GUID",
                    "{'Value':5,'Type':'System.Guid'}                     | Expected a string for System.Guid, found a number",
                    "{'Value':'2024-02-30','Type':'System.DateTime'}      | is not a date",
                    "{'Value':'2024-02-29T10:00:00','Type':'System.DateTime'} | no UTC offset",
                    "{'Value':'yesterday','Type':'System.DateTime'}       | is not a date",
                    "{'Value':2147483648,'Type':'System.Int32'}           | out of range for System.Int32",
                    "{'Value':'12x','Type':'System.Int64'}                | is not an integer for System.Int64",
                    "{'Value':1.5,'Type':'System.Int32'}                  | Expected an integer for System.Int32, found the decimal 1.5",
                    "{'Value':99999999999999999999,'Type':'System.Int64'} | out of range for System.Int64",
                    "{'Value':'abc','Type':'System.Decimal'}              | is not a number for System.Decimal",
                    "{'Value':'1e999999','Type':'System.Decimal'}         | out of range",
                    "{'Value':'1e999','Type':'System.Double'}             | out of range for System.Double",
                    "{'Value':'yes','Type':'System.Boolean'}              | Expected true or false for System.Boolean",
                    "{'Value':1,'Type':'System.String'}                   | Expected a string for System.String, found a number",
                    "{'Value':{},'Type':'System.String'}                  | Expected a value, found an object",
                    "{'Value':'x','Type':'System.String','Extra':1}       | Unknown property 'Extra'"
                })
        void valuesThatDoNotFitTheirTypeAreSyntaxErrors(String item, String fragment) {
            assertValueFails(item, ErrorCode.QUERY_SYNTAX, fragment, "(at Criteria.Conditions[0].Values[0]");
        }

        @Test
        void valuesMustBeAnArray() {
            assertFails(
                    withConditions("{'AttributeName':'a','Operator':'Equal','Values':'x'}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Expected an array, found a string",
                    "(at Criteria.Conditions[0].Values)");
        }
    }

    // ---- names ------------------------------------------------------------------------------

    @Nested
    class Names {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "name; DROP TABLE x",
                    "name--",
                    "a b",
                    "1abc",
                    "",
                    "na\\\"me",
                    "naïve",
                    "a.b",
                    "[name]",
                    "a/*x*/"
                })
        void attributeNamesThatCannotBeLogicalNamesNeverLeaveTheParser(String name) {
            String quoted = JSON.getNodeFactory().textNode(name).toString().replace('"', '\'');
            assertFails(
                    withConditions("{'AttributeName':" + quoted + ",'Operator':'Null'}"),
                    ErrorCode.QUERY_SYNTAX,
                    "is not a valid logical name",
                    "(at Criteria.Conditions[0].AttributeName)");
            assertFails(
                    "{'EntityName':'x','ColumnSet':{'Columns':['ok'," + quoted + "]}}",
                    ErrorCode.QUERY_SYNTAX,
                    "is not a valid logical name",
                    "(at ColumnSet.Columns[1])");
            assertFails(
                    "{'EntityName':'x','Orders':[{'AttributeName':" + quoted + "}]}",
                    ErrorCode.QUERY_SYNTAX,
                    "is not a valid logical name",
                    "(at Orders[0].AttributeName)");
            assertFails(
                    "{'EntityName':" + quoted + "}",
                    ErrorCode.QUERY_SYNTAX,
                    "is not a valid logical name",
                    "(at EntityName)");
        }

        @Test
        void maliciousTextIsQuotedAndCutInMessages() {
            ObjectNode query = (ObjectNode) json(withConditions("{'AttributeName':'placeholder','Operator':'Null'}"));
            ((ObjectNode) query.at("/Criteria/Conditions/0"))
                    .put("AttributeName", "x'; DROP TABLE account; --\n" + "a".repeat(500));

            GatewayException error =
                    catchThrowableOfType(GatewayException.class, () -> QueryExpressionParser.parse(query));

            assertThat(error.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(error.getMessage())
                    .hasSizeLessThan(300)
                    .contains("'x'; DROP TABLE account; --?aaa", "…")
                    .doesNotContain("\n");
        }

        @Test
        void namesUpTo128CharactersPass() {
            String longest = "a".repeat(128);
            assertThat(criteriaOf("{'AttributeName':'" + longest + "','Operator':'Null'}"))
                    .isEqualTo(new IsNull(new AttributeRef(longest), false));
            assertFails(
                    withConditions("{'AttributeName':'" + longest + "a','Operator':'Null'}"),
                    ErrorCode.QUERY_SYNTAX,
                    "not a valid logical name");
            assertThat(criteriaOf("{'AttributeName':'_Mixed_Case9','Operator':'Null'}"))
                    .as("passed on as written; the planner resolves it")
                    .isEqualTo(new IsNull(new AttributeRef("_Mixed_Case9"), false));
        }

        @Test
        void attributeNameIsRequiredAndAString() {
            assertFails(
                    withConditions("{'Operator':'Null'}"),
                    ErrorCode.QUERY_SYNTAX,
                    "AttributeName is missing",
                    "(at Criteria.Conditions[0].AttributeName)");
            assertFails(
                    withConditions("{'AttributeName':7,'Operator':'Null'}"),
                    ErrorCode.QUERY_SYNTAX,
                    "Expected a string, found a number",
                    "(at Criteria.Conditions[0].AttributeName)");
        }
    }

    // ---- columns, orders, top, distinct -------------------------------------------------------

    @Test
    void columnsKeepTheirOrderWithoutDuplicates() {
        assertThat(
                        parse(
                                "{'EntityName':'mserp_custcustomerv3entity','ColumnSet':{'AllColumns':false,'Columns':['b','a','b','c','a']}}"))
                .isEqualTo(query(List.of("b", "a", "c"), Condition.TRUE));
    }

    @Test
    void allColumnsMissingColumnSetAndEmptyColumnsAllMeanEveryColumn() {
        assertThat(parse("{'EntityName':'mserp_custcustomerv3entity','ColumnSet':{'AllColumns':true}}")
                        .root()
                        .columns())
                .isEqualTo(Columns.every());
        assertThat(parse("{'EntityName':'mserp_custcustomerv3entity','ColumnSet':{'AllColumns':true,'Columns':['a']}}")
                        .root()
                        .columns())
                .isEqualTo(Columns.every());
        assertThat(parse("{'EntityName':'mserp_custcustomerv3entity'}").root().columns())
                .isEqualTo(Columns.every());
        assertThat(parse("{'EntityName':'mserp_custcustomerv3entity','ColumnSet':null}")
                        .root()
                        .columns())
                .isEqualTo(Columns.every());
        assertThat(parse("{'EntityName':'mserp_custcustomerv3entity','ColumnSet':{'AllColumns':false,'Columns':[]}}")
                        .root()
                        .columns())
                .isEqualTo(Columns.every());
    }

    @Test
    void aggregateColumnsAreUnsupported() {
        assertFails(
                "{'EntityName':'x','ColumnSet':{'AttributeExpressions':[{'AttributeName':'a'}]}}",
                ErrorCode.UNSUPPORTED_QUERY,
                "AttributeExpressions",
                "(at ColumnSet.AttributeExpressions)");
    }

    @Test
    void ordersTopAndDistinct() {
        Query query = parse(
                """
                {'EntityName':'x','Orders':[{'AttributeName':'a','OrderType':'Descending'},{'AttributeName':'b','OrderType':0},
                  {'AttributeName':'c','OrderType':1},{'AttributeName':'d'}],'TopCount':10,'Distinct':true}
                """);

        assertThat(query.root().orders())
                .containsExactly(
                        new Order("a", true), new Order("b", false), new Order("c", true), new Order("d", false));
        assertThat(query.top()).hasValue(10);
        assertThat(query.distinct()).isTrue();
        assertThat(parse("{'EntityName':'x','TopCount':0}").top()).hasValue(0);
    }

    @Test
    void badOrdersAndTopCounts() {
        assertFails(
                "{'EntityName':'x','Orders':[{'AttributeName':'a','OrderType':'descending'}]}",
                ErrorCode.QUERY_SYNTAX,
                "Unknown OrderType 'descending'",
                "(at Orders[0].OrderType)");
        assertFails(
                "{'EntityName':'x','Orders':[{'AttributeName':'a','OrderType':2}]}",
                ErrorCode.QUERY_SYNTAX,
                "(at Orders[0].OrderType)");
        assertFails(
                "{'EntityName':'x','Orders':[{'AttributeName':'a','Alias':'total'}]}",
                ErrorCode.UNSUPPORTED_QUERY,
                "(at Orders[0].Alias)");
        assertThat(parse("{'EntityName':'x','Orders':[{'AttributeName':'a','EntityName':'grp'}]}")
                        .root()
                        .orders())
                .containsExactly(new Order(Optional.of("grp"), "a", false));
        assertFails(
                "{'EntityName':'x','TopCount':-1}", ErrorCode.QUERY_SYNTAX, "TopCount must be from 0", "(at TopCount)");
        assertFails("{'EntityName':'x','TopCount':3000000000}", ErrorCode.QUERY_SYNTAX, "(at TopCount)");
        assertFails(
                "{'EntityName':'x','TopCount':'5'}",
                ErrorCode.QUERY_SYNTAX,
                "Expected an integer, found a string",
                "(at TopCount)");
        assertFails("{'EntityName':'x','TopCount':5.5}", ErrorCode.QUERY_SYNTAX, "(at TopCount)");
    }

    // ---- paging -----------------------------------------------------------------------------

    @Nested
    class Paging {

        @Test
        void pageThreeOfFiftySkipsOneHundred() {
            Query query = parse(
                    "{'EntityName':'x','PageInfo':{'Count':50,'PageNumber':3,'PagingCookie':null,'ReturnTotalRecordCount':false}}");

            assertThat(query.skip()).hasValue(100);
            assertThat(query.page()).contains(new Query.Page(50, Optional.empty()));
            assertThat(query.includeCount()).isFalse();
        }

        @Test
        void aPagingCookieContinuesAndTheNumberIsIgnored() {
            Query query = parse(
                    "{'EntityName':'x','PageInfo':{'Count':50,'PageNumber':3,'PagingCookie':'<cookie page=\\\"2\\\"/>'}}");

            assertThat(query.skip()).isEmpty();
            assertThat(query.page()).contains(new Query.Page(50, Optional.of("<cookie page=\"2\"/>")));
        }

        @Test
        void theFirstPageSkipsNothing() {
            assertThat(parse("{'EntityName':'x','PageInfo':{'Count':20,'PageNumber':1}}")
                            .skip())
                    .isEmpty();
            assertThat(parse("{'EntityName':'x','PageInfo':{'Count':20,'PageNumber':0}}")
                            .skip())
                    .isEmpty();
            assertThat(parse("{'EntityName':'x','PageInfo':{'Count':20}}").page())
                    .contains(new Query.Page(20, Optional.empty()));
            assertThat(parse("{'EntityName':'x','PageInfo':{'Count':20,'PagingCookie':''}}")
                            .page())
                    .contains(new Query.Page(20, Optional.empty()));
        }

        @Test
        void theSdkDefaultPagingInfoMeansNoPaging() {
            Query query = parse(
                    "{'EntityName':'x','PageInfo':{'Count':0,'PageNumber':0,'PagingCookie':null,'ReturnTotalRecordCount':true},'TopCount':5}");

            assertThat(query.page()).isEmpty();
            assertThat(query.skip()).isEmpty();
            assertThat(query.top()).hasValue(5);
            assertThat(query.includeCount()).isTrue();
        }

        @Test
        void topCountWithAPageSizeIsRefused() {
            assertFails(
                    "{'EntityName':'x','TopCount':10,'PageInfo':{'Count':50,'PageNumber':1}}",
                    ErrorCode.QUERY_SYNTAX,
                    "TopCount cannot be combined with PageInfo.Count",
                    "(at TopCount)");
        }

        @Test
        void badPageInfo() {
            assertFails("{'EntityName':'x','PageInfo':{'Count':-5}}", ErrorCode.QUERY_SYNTAX, "(at PageInfo.Count)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'Count':5,'PageNumber':-1}}",
                    ErrorCode.QUERY_SYNTAX,
                    "(at PageInfo.PageNumber)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'PageNumber':2}}",
                    ErrorCode.QUERY_SYNTAX,
                    "needs PageInfo.Count",
                    "(at PageInfo.PageNumber)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'PagingCookie':'c'}}",
                    ErrorCode.QUERY_SYNTAX,
                    "needs PageInfo.Count",
                    "(at PageInfo.PagingCookie)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'Count':5000,'PageNumber':2000000}}",
                    ErrorCode.QUERY_SYNTAX,
                    "(at PageInfo.PageNumber)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'Count':5,'ReturnTotalRecordCount':'true'}}",
                    ErrorCode.QUERY_SYNTAX,
                    "(at PageInfo.ReturnTotalRecordCount)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'Count':5,'PagingCookie':7}}",
                    ErrorCode.QUERY_SYNTAX,
                    "(at PageInfo.PagingCookie)");
            assertFails(
                    "{'EntityName':'x','PageInfo':{'count':5}}",
                    ErrorCode.QUERY_SYNTAX,
                    "Unknown property 'count'",
                    "(at PageInfo.count)");
        }
    }

    // ---- the query object itself ---------------------------------------------------------------

    @Test
    void linkEntitiesNestWithTheirJoinAliasColumnsCriteriaAndOrders() {
        Query query = parse(
                """
                {'EntityName':'order','LinkEntities':[
                  {'LinkFromEntityName':'order','LinkFromAttributeName':'customerid','LinkToEntityName':'customer',
                   'LinkToAttributeName':'customerid','JoinOperator':'LeftOuter','EntityAlias':'c',
                   'Columns':{'Columns':['name']},
                   'LinkCriteria':{'Conditions':[{'AttributeName':'company','Operator':'Equal','Values':['usmf']}]},
                   'Orders':[{'AttributeName':'name','OrderType':'Descending'}],
                   'LinkEntities':[{'LinkFromAttributeName':'groupid','LinkToEntityName':'group','LinkToAttributeName':'groupid',
                                    'JoinOperator':0,'Columns':{'AllColumns':true}}]}]}
                """);
        Link group = new Link(
                new Relation("group", Columns.every(), Condition.TRUE, List.of(), List.of()),
                "groupid",
                "groupid",
                Link.Kind.INNER,
                Optional.empty());
        Link customer = new Link(
                new Relation(
                        "customer",
                        Columns.named(List.of("name")),
                        new Comparison(new AttributeRef("company"), Operator.EQUAL, literal("usmf")),
                        List.of(new Order("name", true)),
                        List.of(group)),
                "customerid",
                "customerid",
                Link.Kind.LEFT_OUTER,
                Optional.of("c"));
        assertThat(query.root().links()).containsExactly(customer);
        assertThat(query.root().linkCount()).isEqualTo(2);
        // A link without Columns only joins (the SDK's default), unlike the root.
        assertThat(parse(
                                "{'EntityName':'x','LinkEntities':[{'LinkFromAttributeName':'a','LinkToEntityName':'y','LinkToAttributeName':'b'}]}")
                        .root()
                        .links()
                        .get(0)
                        .relation()
                        .columns())
                .isEqualTo(Columns.named(List.of()));
    }

    @Test
    void malformedOrUnsupportedLinkEntitiesAreRefusedWithTheirPath() {
        assertFails(
                "{'EntityName':'x','LinkEntities':[{'LinkToEntityName':'y'}]}",
                ErrorCode.QUERY_SYNTAX,
                "LinkFromAttributeName is missing",
                "(at LinkEntities[0].LinkFromAttributeName)");
        assertFails(
                "{'EntityName':'x','LinkEntities':[{'LinkFromEntityName':'z','LinkFromAttributeName':'a','LinkToEntityName':'y','LinkToAttributeName':'b'}]}",
                ErrorCode.QUERY_SYNTAX,
                "LinkFromEntityName 'z'",
                "(at LinkEntities[0].LinkFromEntityName)");
        assertFails(
                "{'EntityName':'x','LinkEntities':[{'LinkFromAttributeName':'a','LinkToEntityName':'y','LinkToAttributeName':'b','JoinOperator':'Natural'}]}",
                ErrorCode.UNSUPPORTED_QUERY,
                "JoinOperator Natural",
                "(at LinkEntities[0].JoinOperator)");
        assertFails(
                "{'EntityName':'x','LinkEntities':[{'LinkFromAttributeName':'a','LinkToEntityName':'y','LinkToAttributeName':'b','Bogus':1}]}",
                ErrorCode.QUERY_SYNTAX,
                "Bogus",
                "(at LinkEntities[0].Bogus)");
        String link = "{'LinkFromAttributeName':'a','LinkToEntityName':'y','LinkToAttributeName':'b'}";
        String sixteen = String.join(",", java.util.Collections.nCopies(16, link));
        assertFails(
                "{'EntityName':'x','LinkEntities':[" + sixteen + "]}",
                ErrorCode.TOO_MANY_LINK_ENTITIES,
                "exceeded maximum limit",
                "LinkEntities[15]");
    }

    @Test
    void emptyLinkEntitiesJoinNothing() {
        assertThat(parse("{'EntityName':'x','LinkEntities':[]}")).isEqualTo(Query.all("x"));
        assertThat(parse("{'EntityName':'x','LinkEntities':null}")).isEqualTo(Query.all("x"));
        assertFails(
                "{'EntityName':'x','LinkEntities':{}}",
                ErrorCode.QUERY_SYNTAX,
                "Expected an array",
                "(at LinkEntities)");
    }

    @Test
    void theSdksHarmlessPropertiesAreIgnored() {
        assertThat(
                        parse(
                                """
                {'EntityName':'x','NoLock':true,'QueryHints':'ForceOrder','SubQueryExpression':null,'DataSource':null,
                 'ExtensionData':{},'@odata.type':'Microsoft.Dynamics.CRM.QueryExpression'}
                """))
                .isEqualTo(Query.all("x"));
    }

    @Test
    void unknownPropertiesAreRefusedByName() {
        assertFails(
                "{'EntityName':'x','Critera':{}}",
                ErrorCode.QUERY_SYNTAX,
                "Unknown property 'Critera'",
                "(at Critera)");
        assertFails(
                "{'EntityName':'x','Criteria':{'Filter':[{'Conditions':[]}]}}",
                ErrorCode.QUERY_SYNTAX,
                "Unknown property 'Filter'",
                "(at Criteria.Filter)");
        assertFails(
                withConditions("{'AttributeName':'a','Operator':'Null','Value':[]}"),
                ErrorCode.QUERY_SYNTAX,
                "Unknown property 'Value'",
                "(at Criteria.Conditions[0].Value)");
        assertFails("{'EntityName':'x','ColumnSet':{'Column':['a']}}", ErrorCode.QUERY_SYNTAX, "(at ColumnSet.Column)");
        assertFails(
                "{'EntityName':'x','Orders':[{'AttributeName':'a','Order':'Descending'}]}",
                ErrorCode.QUERY_SYNTAX,
                "(at Orders[0].Order)");
    }

    @Test
    void otherDataSourcesAndQueryTypesAreUnsupported() {
        assertFails(
                "{'EntityName':'x','DataSource':'retained'}",
                ErrorCode.UNSUPPORTED_QUERY,
                "DataSource 'retained'",
                "(at DataSource)");
        assertFails(
                "{'EntityName':'x','@odata.type':'Microsoft.Dynamics.CRM.FetchExpression'}",
                ErrorCode.UNSUPPORTED_QUERY,
                "(at @odata.type)");
    }

    @Test
    void entityNameIsRequired() {
        assertFails(
                "{'ColumnSet':{'AllColumns':true}}",
                ErrorCode.QUERY_SYNTAX,
                "EntityName is missing",
                "(at EntityName)");
        assertFails("{'EntityName':null}", ErrorCode.QUERY_SYNTAX, "EntityName is missing");
        assertFails(
                "{'EntityName':['x']}", ErrorCode.QUERY_SYNTAX, "Expected a string, found an array", "(at EntityName)");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{'EntityName':'x','Criteria':[]}                         | Expected a JSON object, found an array | (at Criteria)",
                "{'EntityName':'x','Criteria':{'Conditions':{}}}          | Expected an array, found an object     | (at Criteria.Conditions)",
                "{'EntityName':'x','Criteria':{'Conditions':[[]]}}        | Expected a JSON object, found an array | (at Criteria.Conditions[0])",
                "{'EntityName':'x','Criteria':{'Filters':'f'}}            | Expected an array, found a string      | (at Criteria.Filters)",
                "{'EntityName':'x','Criteria':{'Filters':[1]}}            | Expected a JSON object, found a number | (at Criteria.Filters[0])",
                "{'EntityName':'x','ColumnSet':['a']}                     | Expected a JSON object, found an array | (at ColumnSet)",
                "{'EntityName':'x','ColumnSet':{'Columns':'a'}}           | Expected an array, found a string      | (at ColumnSet.Columns)",
                "{'EntityName':'x','ColumnSet':{'Columns':[1]}}           | Expected a column name, found a number | (at ColumnSet.Columns[0])",
                "{'EntityName':'x','ColumnSet':{'AllColumns':'true'}}     | Expected true or false, found a string | (at ColumnSet.AllColumns)",
                "{'EntityName':'x','Orders':{}}                           | Expected an array, found an object     | (at Orders)",
                "{'EntityName':'x','Orders':['a']}                        | Expected a JSON object, found a string | (at Orders[0])",
                "{'EntityName':'x','PageInfo':[]}                         | Expected a JSON object, found an array | (at PageInfo)",
                "{'EntityName':'x','Distinct':'yes'}                      | Expected true or false, found a string | (at Distinct)",
                "{'EntityName':'x','Criteria':{'IsQuickFindFilter':1}}    | Expected true or false, found a number | (at Criteria.IsQuickFindFilter)"
            })
    void wrongJsonTypesAreSyntaxErrorsNamingThePath(String query, String message, String path) {
        assertFails(query, ErrorCode.QUERY_SYNTAX, message, path);
    }

    @Test
    void aQueryThatIsNotAnObjectIsASyntaxError() {
        assertFails("[]", ErrorCode.QUERY_SYNTAX, "Expected a JSON object, found an array");
        assertFails("'x'", ErrorCode.QUERY_SYNTAX, "Expected a JSON object, found a string");
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> QueryExpressionParser.parse(null));
        assertThat(error.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
    }

    /** Every position of a rich query, replaced by every kind of JSON value: a GatewayException or a Query, never anything else. */
    @Test
    void noInputEndsInAnythingButAGatewayException() {
        JsonNode example = json(
                """
                {'EntityName':'x','ColumnSet':{'AllColumns':false,'Columns':['a','b'],'AttributeExpressions':[]},
                 'Criteria':{'FilterOperator':'And','IsQuickFindFilter':false,'FilterHint':null,
                   'Conditions':[{'AttributeName':'a','Operator':'In','Values':[{'Value':'1','Type':'System.Int32'},2]},
                                 {'AttributeName':'b','Operator':10,'Values':[1,2],'EntityName':null}],
                   'Filters':[{'FilterOperator':1,'Conditions':[{'AttributeName':'c','Operator':'Like','Values':[['%']]}]}]},
                 'LinkEntities':[],'Orders':[{'AttributeName':'a','OrderType':1,'Alias':null}],
                 'PageInfo':{'Count':5,'PageNumber':2,'PagingCookie':null,'ReturnTotalRecordCount':true},
                 'TopCount':null,'Distinct':false,'NoLock':false,'DataSource':null}
                """);
        List<JsonNode> replacements = List.of(
                JsonNodeFactory.instance.nullNode(),
                json("0"),
                json("-1"),
                json("1.5"),
                json("'x'"),
                json("true"),
                json("[]"),
                json("{}"),
                json("[null]"),
                json("[{}]"),
                json("99999999999999999999"));
        List<String> positions = new ArrayList<>();
        collectPositions(example, "", positions);
        int parsed = 0;
        int refused = 0;

        for (String position : positions) {
            for (JsonNode replacement : replacements) {
                JsonNode mutated = example.deepCopy();
                replace(mutated, position, replacement);
                try {
                    QueryExpressionParser.parse(mutated);
                    parsed++;
                } catch (GatewayException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    refused++;
                }
            }
        }
        assertThat(parsed).isPositive();
        assertThat(refused).isPositive();
    }

    private static void collectPositions(JsonNode node, String pointer, List<String> positions) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                positions.add(pointer + "/" + name);
                collectPositions(node.get(name), pointer + "/" + name, positions);
            });
        } else if (node.isArray()) {
            for (int index = 0; index < node.size(); index++) {
                positions.add(pointer + "/" + index);
                collectPositions(node.get(index), pointer + "/" + index, positions);
            }
        }
    }

    private static void replace(JsonNode root, String pointer, JsonNode replacement) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            object.set(last, replacement);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(last), replacement);
        }
    }

    // ---- the request body ---------------------------------------------------------------------

    @Nested
    class RequestBody {

        @Test
        void readsTheQueryOfARetrieveMultipleBody() {
            Query query = QueryExpressionParser.parseRequestBody(
                    """
                    {"Query":{"EntityName":"mserp_custcustomerv3entity","ColumnSet":{"AllColumns":false,"Columns":["mserp_name"]},
                      "Criteria":{"Conditions":[{"AttributeName":"mserp_name","Operator":"Null"}]}}}
                    """
                            .getBytes(UTF_8));

            assertThat(query).isEqualTo(query(List.of("mserp_name"), new IsNull(NAME, false)));
        }

        @Test
        void errorPathsStartWithQuery() {
            GatewayException error = bodyFailure(
                    """
                    {"Query":{"EntityName":"x","Criteria":{"Conditions":[{"AttributeName":"a","Operator":"Foo"}]}}}
                    """
                            .getBytes(UTF_8));

            assertThat(error.errorCode()).isEqualTo(ErrorCode.QUERY_SYNTAX);
            assertThat(error.getMessage()).contains("(at Query.Criteria.Conditions[0].Operator)");
        }

        @Test
        void malformedJsonNamesLineAndColumn() {
            GatewayException error = bodyFailure("{\"Query\":\n  {\"EntityName\": \"x\",,}}".getBytes(UTF_8));

            assertThat(error.errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
            assertThat(error.getMessage())
                    .startsWith("The request body is not valid JSON")
                    .contains("line 2, column");
        }

        @Test
        void malformedJsonNeverEchoesHugeInput() {
            String huge = "A".repeat(100_000);
            GatewayException badToken = bodyFailure(("{\"Query\": " + huge + "}").getBytes(UTF_8));
            GatewayException unterminated = bodyFailure(("{\"Query\": {\"EntityName\": \"" + huge).getBytes(UTF_8));

            assertThat(badToken.errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
            assertThat(badToken.getMessage()).hasSizeLessThan(400);
            assertThat(unterminated.errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
            assertThat(unterminated.getMessage()).hasSizeLessThan(400);
        }

        @Test
        void aMissingOrWrongQueryIsAMalformedPayload() {
            assertThat(bodyFailure("{}".getBytes(UTF_8)).getMessage()).contains("Query is missing");
            assertThat(bodyFailure("{\"Query\":null}".getBytes(UTF_8)).getMessage())
                    .contains("Query is missing");
            assertThat(bodyFailure("{\"Query\":\"x\"}".getBytes(UTF_8)).getMessage())
                    .contains("found a string", "(at Query)");
            assertThat(bodyFailure("[]".getBytes(UTF_8)).getMessage()).contains("found an array");
            assertThat(bodyFailure("{\"query\":{}}".getBytes(UTF_8)).getMessage())
                    .contains("Unknown property 'query'");
            for (byte[] body : List.of(
                    new byte[0], "   ".getBytes(UTF_8), "{}".getBytes(UTF_8), "{\"Query\":{}} {}".getBytes(UTF_8))) {
                assertThat(bodyFailure(body).errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
            }
            assertThat(bodyFailure(null).errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
        }

        @Test
        void duplicatePropertiesAreRefused() {
            GatewayException error = bodyFailure(
                    """
                    {"Query":{"EntityName":"x","EntityName":"y"}}
                    """
                            .getBytes(UTF_8));

            assertThat(error.errorCode()).isEqualTo(ErrorCode.MALFORMED_PAYLOAD);
            assertThat(error.getMessage()).contains("Duplicate field 'EntityName'");
        }
    }
}
