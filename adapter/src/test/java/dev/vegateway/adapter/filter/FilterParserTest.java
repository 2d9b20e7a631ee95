package dev.vegateway.adapter.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Like;
import dev.vegateway.adapter.query.Condition.LikeKind;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.FunctionCall.Function;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Literal.EnumMember;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.adapter.rowfilter.CallerValues;
import dev.vegateway.adapter.rowfilter.PlaceholderBinder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {
    private static final UUID GUID = UUID.fromString("6f1c2c4e-0000-4000-8000-00000000000a");

    private static Condition parse(String text) {
        return FilterParser.rowFilter(text).condition();
    }

    private static AttributeRef field(String name) {
        return new AttributeRef(name);
    }

    private static Comparison compare(String field, Operator operator, Object value) {
        return new Comparison(field(field), operator, value instanceof Operand operand ? operand : new Literal(value));
    }

    private static Comparison equal(String field, Object value) {
        return compare(field, Operator.EQUAL, value);
    }

    /** Asserts the text is refused with exactly this message ("column n: reason"). */
    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> FilterParser.rowFilter(text))
                .isInstanceOf(FilterSyntaxException.class)
                .hasMessage(message);
    }

    @Nested
    class PathsAndLambdas {
        @Test
        void aPathNamesTheRelationItGoesThrough() {
            assertThat(parse("primarycontact/address/city eq 'x'"))
                    .isEqualTo(new Comparison(
                            new AttributeRef(Optional.of("primarycontact/address"), "city"),
                            Operator.EQUAL,
                            new Literal("x")));
        }

        @Test
        void lambdasNestAndNameFieldsRelativeToTheirVariable() {
            assertThat(parse("orders/any(o: o/amount gt 5 and o/lines/all(l: l/customer/name eq 'x')) or orders/any()"))
                    .isEqualTo(new Or(List.of(
                            new Condition.Lambda(
                                    "orders",
                                    Condition.Lambda.Quantifier.ANY,
                                    new And(List.of(
                                            compare("amount", Operator.GREATER_THAN, 5L),
                                            new Condition.Lambda(
                                                    "lines",
                                                    Condition.Lambda.Quantifier.ALL,
                                                    new Comparison(
                                                            new AttributeRef(Optional.of("customer"), "name"),
                                                            Operator.EQUAL,
                                                            new Literal("x")))))),
                            new Condition.Lambda("orders", Condition.Lambda.Quantifier.ANY, Condition.TRUE))));
        }

        @Test
        void fieldReferencesCarryTheirWholePathForChecks() {
            assertThat(FilterParser.rowFilter("a/b eq 1 and c/any(x: x/d/e eq 2)")
                            .fields())
                    .extracting(ParsedRowFilter.FieldReference::name)
                    .containsExactly("a/b", "c/d/e");
        }

        @Test
        void aClientFilterTakesAliasesButNoPlaceholders() {
            assertThat(FilterParser.filter("name eq @p and id in @ids", Map.of("p", "'x'", "ids", "(1,2)")))
                    .isEqualTo(new And(List.of(
                            equal("name", "x"),
                            new In(field("id"), List.of(new Literal(1L), new Literal(2L)), false))));
            assertThatThrownBy(() -> FilterParser.filter("owner eq @user.id", Map.of()))
                    .isInstanceOf(FilterSyntaxException.class)
                    .hasMessage("column 10: the parameter alias '@user.id' has no value; give it in the query string,"
                            + " as in &@user.id='value'");
        }
    }

    @Nested
    class Comparisons {
        @ParameterizedTest
        @CsvSource({
            "eq, EQUAL",
            "ne, NOT_EQUAL",
            "gt, GREATER_THAN",
            "ge, GREATER_EQUAL",
            "lt, LESS_THAN",
            "le, LESS_EQUAL"
        })
        void readsEveryOperator(String keyword, Operator operator) {
            assertThat(parse("age " + keyword + " 30")).isEqualTo(compare("age", operator, 30L));
        }

        @Test
        void readsAFieldOnEitherSide() {
            assertThat(parse("30 lt age"))
                    .isEqualTo(new Comparison(new Literal(30L), Operator.LESS_THAN, field("age")));
            assertThat(parse("modifiedon gt createdon"))
                    .isEqualTo(new Comparison(field("modifiedon"), Operator.GREATER_THAN, field("createdon")));
        }

        @Test
        void readsNullComparisonsAsIsNull() {
            assertThat(parse("name eq null")).isEqualTo(new IsNull(field("name"), false));
            assertThat(parse("name ne null")).isEqualTo(new IsNull(field("name"), true));
            assertThat(parse("null eq name")).isEqualTo(new IsNull(field("name"), false));
            assertThat(parse("null eq null")).isEqualTo(Condition.TRUE);
            assertThat(parse("null ne null")).isEqualTo(Condition.FALSE);
            assertRefused("age gt null", "column 5: null can only be compared with eq or ne");
            assertRefused("null", "column 1: expected a condition, found a value (compare it, as in name eq 'x')");
            assertRefused("contains(name,'x') eq null", "column 20: a condition cannot be compared with null");
        }

        @Test
        void readsABooleanFieldAloneAsACondition() {
            assertThat(parse("active")).isEqualTo(equal("active", true));
            assertThat(parse("not active")).isEqualTo(new Not(equal("active", true)));
            assertThat(parse("active eq false")).isEqualTo(equal("active", false));
            assertThat(parse("true")).isEqualTo(Condition.TRUE);
            assertThat(parse("false or active")).isEqualTo(new Or(List.of(Condition.FALSE, equal("active", true))));
        }

        @Test
        void comparesAConditionOnlyWithTrueOrFalse() {
            Like like = new Like(field("name"), LikeKind.CONTAINS, "x", false);
            assertThat(parse("contains(name,'x') eq true")).isEqualTo(like);
            assertThat(parse("contains(name,'x') eq false")).isEqualTo(new Not(like));
            assertThat(parse("false ne contains(name,'x')")).isEqualTo(like);
            assertThat(parse("(age gt 3) ne true")).isEqualTo(new Not(compare("age", Operator.GREATER_THAN, 3L)));
            assertRefused(
                    "contains(name,'x') gt true",
                    "column 20: a condition can only be compared with true or false, using eq or ne (to negate a comparison write not (...))");
            assertRefused(
                    "(a eq 1) eq (b eq 2)",
                    "column 10: two conditions cannot be compared; combine them with 'and' or 'or'");
        }
    }

    @Nested
    class Literals {
        @Test
        void readsText() {
            assertThat(parse("name eq 'O''Brien'")).isEqualTo(equal("name", "O'Brien"));
            assertThat(parse("name eq ''")).isEqualTo(equal("name", ""));
            assertThat(parse("name eq ''''")).isEqualTo(equal("name", "'"));
            assertThat(parse("name eq 'a and b or (c)'")).isEqualTo(equal("name", "a and b or (c)"));
            assertThat(parse("name eq 'ünïcødé ✓'")).isEqualTo(equal("name", "ünïcødé ✓"));
        }

        @Test
        void readsNumbers() {
            assertThat(parse("age eq 42")).isEqualTo(equal("age", 42L));
            assertThat(parse("age eq -42")).isEqualTo(equal("age", -42L));
            assertThat(parse("age eq 0")).isEqualTo(equal("age", 0L));
            assertThat(parse("balance eq 12.50")).isEqualTo(equal("balance", new BigDecimal("12.50")));
            assertThat(parse("balance eq -0.5")).isEqualTo(equal("balance", new BigDecimal("-0.5")));
            assertThat(parse("ratio eq 1.5e3")).isEqualTo(equal("ratio", 1500.0));
            assertThat(parse("ratio eq 2E-2")).isEqualTo(equal("ratio", 0.02));
            assertThat(parse("big eq 123456789012345678901234567890"))
                    .isEqualTo(equal("big", new BigDecimal("123456789012345678901234567890")));
        }

        @Test
        void readsBooleansGuidsDatesAndDateTimes() {
            assertThat(parse("active eq true")).isEqualTo(equal("active", true));
            assertThat(parse("ownerid eq 6f1c2c4e-0000-4000-8000-00000000000a")).isEqualTo(equal("ownerid", GUID));
            assertThat(parse("ownerid eq 6F1C2C4E-0000-4000-8000-00000000000A")).isEqualTo(equal("ownerid", GUID));
            assertThat(parse("ownerid eq deadbeef-0000-4000-8000-00000000000a"))
                    .isEqualTo(equal("ownerid", UUID.fromString("deadbeef-0000-4000-8000-00000000000a")));
            assertThat(parse("birthdate eq 2024-01-31")).isEqualTo(equal("birthdate", LocalDate.of(2024, 1, 31)));
            assertThat(parse("modifiedon lt 2024-01-31T10:00:00Z"))
                    .isEqualTo(compare(
                            "modifiedon",
                            Operator.LESS_THAN,
                            OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC)));
            assertThat(parse("modifiedon lt 2024-01-31T10:00:00.250+01:00"))
                    .isEqualTo(compare(
                            "modifiedon",
                            Operator.LESS_THAN,
                            OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 250_000_000, ZoneOffset.ofHours(1))));
        }

        @Test
        void readsEnumMembers() {
            assertThat(parse("status eq Microsoft.Dynamics.DataEntities.Status'Active'"))
                    .isEqualTo(equal("status", new EnumMember("Active")));
            assertThat(parse("status in (NS.Status'Active', NS.Status'On hold')"))
                    .isEqualTo(new In(
                            field("status"),
                            List.of(new Literal(new EnumMember("Active")), new Literal(new EnumMember("On hold"))),
                            false));
        }

        @Test
        void refusesMalformedLiterals() {
            assertRefused(
                    "name eq 'open",
                    "column 9: the text starting here is not closed by a quote (a quote inside text is written twice: 'O''Brien')");
            assertRefused(
                    "name eq 'it's'",
                    "column 12: the text ends at this quote but a name follows it; a quote inside text is written twice, as in 'O''Brien'");
            assertRefused("birthdate eq 2024-02-30", "column 14: '2024-02-30' is not a valid date, such as 2024-01-31");
            assertRefused(
                    "modifiedon eq 2024-01-31T10:00:00",
                    "column 15: '2024-01-31T10:00:00' is not a valid date and time with an offset, such as 2024-01-31T10:00:00Z");
            assertRefused("age eq 12abc", "column 8: '12abc' is not a valid literal");
            assertRefused("age eq 1.", "column 8: '1.' is not a number: digits must follow the decimal point");
            assertRefused("age eq 1e", "column 8: '1e' is not a number: digits must follow the exponent");
            assertRefused("ratio eq 1e999", "column 10: '1e999' is out of range for a Double");
            assertRefused(
                    "ownerid eq 6f1c2c4e-0000-4000-8000-00000000000",
                    "column 12: '6f1c2c4e-0000-4000-8000-00000000000' is not a valid literal");
            assertRefused(
                    "status eq NS.Status'A,B'",
                    "column 11: an enum value names exactly one member, as in NS.Status'Active'");
            assertRefused(
                    "status eq NS.Status''",
                    "column 11: an enum value names exactly one member, as in NS.Status'Active'");
            assertRefused(
                    "data eq binary'AAE='",
                    "column 9: 'binary'' starts a typed literal, which filters do not support; enum values are written Namespace.Type'Member'");
        }
    }

    @Nested
    class Logic {
        @Test
        void bindsAndTighterThanOr() {
            assertThat(parse("a eq 1 or b eq 2 and c eq 3"))
                    .isEqualTo(new Or(List.of(equal("a", 1L), new And(List.of(equal("b", 2L), equal("c", 3L))))));
            assertThat(parse("a eq 1 and b eq 2 or c eq 3"))
                    .isEqualTo(new Or(List.of(new And(List.of(equal("a", 1L), equal("b", 2L))), equal("c", 3L))));
        }

        @Test
        void keepsTheGroupingOfParentheses() {
            assertThat(parse("(a eq 1 or b eq 2) and c eq 3"))
                    .isEqualTo(new And(List.of(new Or(List.of(equal("a", 1L), equal("b", 2L))), equal("c", 3L))));
            assertThat(parse("((a eq 1))")).isEqualTo(equal("a", 1L));
            assertThat(parse("(a) eq (1)")).isEqualTo(equal("a", 1L));
        }

        @Test
        void collectsAChainIntoOneList() {
            assertThat(parse("a eq 1 and b eq 2 and c eq 3"))
                    .isEqualTo(new And(List.of(equal("a", 1L), equal("b", 2L), equal("c", 3L))));
            assertThat(parse("a eq 1 or b eq 2 or c eq 3"))
                    .isEqualTo(new Or(List.of(equal("a", 1L), equal("b", 2L), equal("c", 3L))));
        }

        @Test
        void bindsNotTighterThanComparisons() {
            assertThat(parse("not (a eq 1) and b eq 2"))
                    .isEqualTo(new And(List.of(new Not(equal("a", 1L)), equal("b", 2L))));
            assertThat(parse("not not (a eq 1)")).isEqualTo(new Not(new Not(equal("a", 1L))));
            assertThat(parse("not contains(name,'x')"))
                    .isEqualTo(new Not(new Like(field("name"), LikeKind.CONTAINS, "x", false)));
            assertThat(parse("not(a eq 1)")).isEqualTo(new Not(equal("a", 1L)));
            // OData reads this as (not name) eq 'x': a condition compared with text
            assertRefused(
                    "not name eq 'x'",
                    "column 10: a condition can only be compared with true or false, using eq or ne (to negate a comparison write not (...))");
            assertRefused("not 'x'", "column 5: expected a condition, found a value (compare it, as in name eq 'x')");
        }

        @Test
        void refusesAValueWhereAConditionMustStand() {
            assertRefused(
                    "a eq 1 and 'x'", "column 12: expected a condition, found a value (compare it, as in name eq 'x')");
            assertRefused(
                    "tolower(name)", "column 1: expected a condition, found a value (compare it, as in name eq 'x')");
        }
    }

    @Nested
    class InLists {
        @Test
        void readsALiteralList() {
            assertThat(parse("dataareaid in ('usmf', 'demf')"))
                    .isEqualTo(new In(field("dataareaid"), List.of(new Literal("usmf"), new Literal("demf")), false));
            assertThat(parse("age in (1,-2,3.5,true)"))
                    .isEqualTo(new In(
                            field("age"),
                            List.of(
                                    new Literal(1L),
                                    new Literal(-2L),
                                    new Literal(new BigDecimal("3.5")),
                                    new Literal(true)),
                            false));
            assertThat(parse("not (age in (1))"))
                    .isEqualTo(new Not(new In(field("age"), List.of(new Literal(1L)), false)));
        }

        @Test
        void readsTheCompaniesPlaceholderAsEqualityWithTheList() {
            assertThat(parse("dataareaid in @user.companies"))
                    .isEqualTo(equal("dataareaid", Placeholder.USER_COMPANIES));
        }

        @Test
        void refusesMalformedLists() {
            assertRefused("age in ()", "column 9: 'in' needs at least one value");
            assertRefused("age in (1,)", "column 11: the values of 'in' must be literals, found ')'");
            assertRefused("age in (1 2)", "column 11: expected ',' or ')' in the values of 'in', found '2'");
            assertRefused(
                    "age in (1", "column 10: expected ',' or ')' in the values of 'in', found the end of the filter");
            assertRefused(
                    "age in (null)",
                    "column 9: null cannot be one of the values of 'in'; compare with eq null instead");
            assertRefused("age in (other)", "column 9: the values of 'in' must be literals, found 'other'");
            assertRefused("ownerid in (@user.id)", "column 13: the values of 'in' must be literals, found '@user.id'");
            assertRefused("age in 1", "column 8: expected '(' or @user.companies after 'in', found '1'");
            assertRefused("name in @user.id", "column 9: expected '(' or @user.companies after 'in', found '@user.id'");
            assertRefused("(a eq 1) in (1)", "column 10: 'in' needs a field or a value on its left");
        }
    }

    @Nested
    class Functions {
        @ParameterizedTest
        @CsvSource({"contains, CONTAINS", "startswith, STARTS_WITH", "endswith, ENDS_WITH"})
        void readsTextMatches(String function, LikeKind kind) {
            assertThat(parse(function + "(name, 'a%_b')")).isEqualTo(new Like(field("name"), kind, "a%_b", false));
        }

        @ParameterizedTest
        @CsvSource({
            "tolower, TO_LOWER",
            "toupper, TO_UPPER",
            "trim, TRIM",
            "length, LENGTH",
            "year, YEAR",
            "month, MONTH",
            "day, DAY"
        })
        void readsValueFunctions(String function, Function kind) {
            assertThat(parse(function + "(name) eq 1"))
                    .isEqualTo(new Comparison(
                            new FunctionCall(kind, List.of(field("name"))), Operator.EQUAL, new Literal(1L)));
        }

        @Test
        void nestsFunctions() {
            assertThat(parse("contains(tolower(name), 'smith')"))
                    .isEqualTo(new Like(
                            new FunctionCall(Function.TO_LOWER, List.of(field("name"))),
                            LikeKind.CONTAINS,
                            "smith",
                            false));
            assertThat(parse("length(trim(name)) gt 3"))
                    .isEqualTo(new Comparison(
                            new FunctionCall(
                                    Function.LENGTH, List.of(new FunctionCall(Function.TRIM, List.of(field("name"))))),
                            Operator.GREATER_THAN,
                            new Literal(3L)));
        }

        @Test
        void readsAFieldNamedLikeAFunction() {
            assertThat(parse("day eq 3")).isEqualTo(equal("day", 3L));
        }

        @Test
        void refusesMisusedFunctions() {
            assertRefused("contains(name)", "column 1: contains takes 2 arguments, a field and a text, found 1");
            assertRefused("tolower(name, 'x') eq 'a'", "column 1: tolower takes 1 argument, a field, found 2");
            assertRefused("tolower() eq 'a'", "column 1: tolower takes 1 argument, a field, found 0");
            assertRefused(
                    "contains(name, other)",
                    "column 16: the second argument of contains must be a text literal such as 'abc'");
            assertRefused(
                    "contains(name, @user.attributes.x)",
                    "column 16: the second argument of contains must be a text literal such as 'abc'");
            assertRefused("contains('abc', 'a')", "column 10: contains applies to a field, as in contains(name)");
            assertRefused(
                    "tolower(@user.attributes.x) eq 'a'", "column 9: tolower applies to a field, as in tolower(name)");
            assertRefused(
                    "substringof('a', name)",
                    "column 1: unknown function 'substringof' (filters support contains, startswith, endswith, tolower, toupper, trim, length, year, month, day)");
            assertRefused(
                    "Contains(name, 'a')",
                    "column 1: functions are written in lowercase: 'contains', found 'Contains'");
            assertRefused(
                    "contains(name 'a')",
                    "column 15: expected an operator (eq, ne, gt, ge, lt, le, in), 'and', 'or' or ')', found 'a'");
            assertRefused(
                    "contains(name eq 'a' 'b')",
                    "column 22: expected ',' or ')' in the arguments of contains, found 'b'");
        }
    }

    @Nested
    class Placeholders {
        @Test
        void readsEveryPlaceholder() {
            assertThat(parse("ownerid eq @user.id")).isEqualTo(equal("ownerid", Placeholder.USER_ID));
            assertThat(parse("businessunitid eq @user.businessUnit"))
                    .isEqualTo(equal("businessunitid", Placeholder.USER_BUSINESS_UNIT));
            assertThat(parse("region eq @user.attributes.region"))
                    .isEqualTo(equal("region", Placeholder.userAttribute("region")));
            assertThat(parse("@user.attributes.level_2 le level"))
                    .isEqualTo(
                            new Comparison(Placeholder.userAttribute("level_2"), Operator.LESS_EQUAL, field("level")));
            assertThat(Placeholder.userAttribute("region").userAttribute()).contains("region");
            assertThat(Placeholder.USER_ID.userAttribute()).isEmpty();
        }

        @Test
        void refusesUnknownPlaceholders() {
            String known = " (known: @user.id, @user.businessUnit, @user.companies, @user.attributes.<name>)";
            assertRefused("ownerid eq @user.name", "column 12: unknown placeholder '@user.name'" + known);
            assertRefused(
                    "ownerid eq @user.businessunit", "column 12: unknown placeholder '@user.businessunit'" + known);
            assertRefused("ownerid eq @user.attributes.", "column 12: unknown placeholder '@user.attributes.'" + known);
            assertRefused(
                    "ownerid eq @user.attributes.a.b", "column 12: unknown placeholder '@user.attributes.a.b'" + known);
            assertRefused("ownerid eq @", "column 12: unknown placeholder '@'" + known);
            assertRefused("ownerid eq @me", "column 12: unknown placeholder '@me'" + known);
        }

        @Test
        void allowsTheCompaniesListOnlyAfterIn() {
            assertRefused(
                    "dataareaid eq @user.companies",
                    "column 15: @user.companies is a list; it can only follow 'in', as in dataareaid in @user.companies");
        }
    }

    @Nested
    class Errors {
        @Test
        void namesTheColumnOfAMissingParenthesis() {
            assertRefused("(name eq 'x'", "column 13: expected ')', found the end of the filter");
            assertRefused(
                    "(a eq 1 or (b eq 2) c",
                    "column 21: expected 'and', 'or', ')' or the end of the filter, found 'c'");
            assertRefused("(a eq 1 or b eq 2 c", "column 19: expected ')', found 'c'");
            assertRefused("a eq 1)", "column 7: expected 'and', 'or' or the end of the filter, found ')'");
        }

        @Test
        void namesWhatWasExpected() {
            assertRefused(
                    "name 'x'",
                    "column 6: expected an operator (eq, ne, gt, ge, lt, le, in), 'and', 'or' or ')', found 'x'");
            assertRefused("a eq", "column 5: expected a field, a value or '(', found the end of the filter");
            assertRefused("a eq 1 and", "column 11: expected a field, a value or '(', found the end of the filter");
            assertRefused("and a eq 1", "column 1: expected a field, a value or '(', found 'and'");
            assertRefused("a eq 1 eq 2", "column 8: expected 'and', 'or' or the end of the filter, found 'eq'");
            assertRefused("a Eq 1", "column 3: operators are written in lowercase: 'eq', found 'Eq'");
            assertRefused("a eq 1 AND b eq 2", "column 8: expected 'and', 'or' or the end of the filter, found 'AND'");
            assertRefused("a add 1 eq 2", "column 3: the operator 'add' is not supported in filters");
            assertRefused(
                    "contains(a,'x') b", "column 17: expected 'and', 'or', ')' or the end of the filter, found 'b'");
        }

        @Test
        void refusesUnsupportedSyntax() {
            assertRefused("primarycontact/ eq 'x'", "column 17: expected a name after '/', found 'eq'");
            assertRefused(
                    "o/any(x: y/a eq 1)", "column 10: inside a lambda, name fields through its variable, as in x/y");
            assertRefused(
                    "o/any(x: x/l/any(x: x/a eq 1))",
                    "column 18: the variable 'x' is already used by an enclosing lambda");
            assertRefused(
                    "o/any(x: x/l/any(y: x/a eq 1))",
                    "column 21: a lambda can use only its own variable 'y'; 'x' belongs to an enclosing lambda");
            assertRefused("o/all()", "column 7: all needs a condition, as in all(x: x/field eq 1)");
            assertRefused("o/any(x x/a eq 1)", "column 9: expected ':' after the lambda's variable, found 'x'");
            assertRefused(
                    "o/any(x: x)",
                    "column 10: the lambda variable 'x' names a record; name one of its fields, as in x/field");
            assertRefused(
                    "a.b eq 1", "column 1: 'a.b' is not a field name; qualified names are not supported in filters");
            assertRefused("a eq 1 & b", "column 8: unexpected character '&'");
            assertRefused("a eq $it", "column 6: unexpected character '$'");
            assertRefused("a eq \"x\"", "column 6: unexpected character '\"'");
            assertRefused("a eq\u00a01", "column 5: unexpected character '\\u00a0'");
        }

        @Test
        void refusesEmptyAndOverlongFilters() {
            assertRefused("", "column 1: the filter is empty");
            assertRefused(" \n\t", "column 1: the filter is empty");
            String longest = "name eq '" + "x".repeat(FilterParser.MAX_LENGTH - 10) + "'";
            assertThat(longest).hasSize(FilterParser.MAX_LENGTH);
            assertThat(parse(longest)).isInstanceOf(Comparison.class);
            assertRefused(longest + " ", "column 4001: a filter is at most 4000 characters long, this one has 4001");
        }

        @Test
        void limitsTheNesting() {
            String deepest = "(".repeat(FilterParser.MAX_DEPTH) + "a eq 1" + ")".repeat(FilterParser.MAX_DEPTH);
            assertThat(parse(deepest)).isEqualTo(equal("a", 1L));
            String tooDeep = "(" + deepest + ")";
            assertRefused(tooDeep, "column 101: the filter is nested more than 100 levels deep");
            assertRefused("not ".repeat(101) + "a", "column 401: the filter is nested more than 100 levels deep");
            assertRefused(
                    "tolower(".repeat(101) + "a" + ")".repeat(101) + " eq 'a'",
                    "column 801: the filter is nested more than 100 levels deep");
        }

        @Test
        void countsColumnsAcrossLines() {
            assertRefused("a eq 1\nand (b eq 2", "column 19: expected ')', found the end of the filter");
        }
    }

    @Test
    void reportsEveryFieldWithItsColumn() {
        ParsedRowFilter parsed =
                FilterParser.rowFilter("name eq 'x' or contains(tolower(city), 'a') and ownerid eq @user.id");
        assertThat(parsed.fields())
                .containsExactly(
                        new ParsedRowFilter.FieldReference("name", 1),
                        new ParsedRowFilter.FieldReference("city", 33),
                        new ParsedRowFilter.FieldReference("ownerid", 49));
    }

    // ---- fuzzing: any text parses or fails with FilterSyntaxException, nothing else

    private static final List<String> VALID = List.of(
            "name eq 'O''Brien' and age ge 18",
            "(dataareaid in ('usmf', 'demf') or ownerid eq @user.id) and not (status eq NS.Status'Active')",
            "contains(tolower(name), 'x') eq false or length(trim(name)) gt 3",
            "modifiedon lt 2024-01-31T10:00:00Z and birthdate ge 2024-01-31 and balance le -12.5e2",
            "businessunitid eq @user.businessUnit or region eq @user.attributes.region or dataareaid in @user.companies",
            "ownerid ne 6f1c2c4e-0000-4000-8000-00000000000a and secret eq null and active",
            "year(birthdate) eq 2000 and month(birthdate) ne 1 and day(birthdate) lt 31 or startswith(name,'a') or endswith(name,'z')");
    private static final String ALPHABET = "abcdeflnoqrstuvxyz_ENS.@0123456789-+:TZ'(),\t\n $/&é\u0000";
    private static final List<String> FRAGMENTS = List.of(
            " eq ",
            " ne ",
            " and ",
            " or ",
            "not ",
            " in ",
            "(",
            ")",
            ",",
            "'",
            "''",
            "null",
            "true",
            "@user.",
            "@user.companies",
            "@user.attributes.",
            "contains(",
            "tolower(",
            "2024-01-31",
            "2024-01-31T",
            "-",
            "1e",
            ".",
            "6f1c2c4e-0000-4000-8000-00000000000a",
            "NS.T'",
            "name",
            " ");

    @Test
    void neverThrowsAnythingButItsOwnExceptionForRandomText() {
        Random random = new Random(20240131L);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                if (random.nextInt(3) == 0) {
                    text.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                } else {
                    text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            parseSafely(text.toString());
        }
    }

    @Test
    void neverThrowsAnythingButItsOwnExceptionForMutatedFilters() {
        Random random = new Random(42L);
        for (String valid : VALID) {
            assertThat(FilterParser.rowFilter(valid)).isNotNull();
        }
        for (int i = 0; i < 40_000; i++) {
            StringBuilder text = new StringBuilder(VALID.get(random.nextInt(VALID.size())));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && text.length() > 0; m++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(5)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    case 2 -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    case 3 -> text.insert(at, FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                    default -> text.delete(at, Math.min(text.length(), at + random.nextInt(8)));
                }
            }
            parseSafely(text.toString());
        }
    }

    @Test
    void neverThrowsAnythingButItsOwnExceptionForDeepOrLongText() {
        for (String unit : List.of("(", "not ", "tolower(", "a eq 1 and ", "'", "((a eq 1) or ", "-", "@user.")) {
            for (int repeat : new int[] {99, 100, 101, 1000, 5000}) {
                parseSafely(unit.repeat(repeat));
                parseSafely(unit.repeat(repeat) + "a eq 1");
            }
        }
    }

    /** Parses, and binds what parses: neither may throw anything but FilterSyntaxException. */
    private static void parseSafely(String text) {
        try {
            ParsedRowFilter parsed = FilterParser.rowFilter(text);
            PlaceholderBinder.bind(
                    parsed.condition(),
                    new CallerValues(GUID, Optional.empty(), Set.of("usmf"), Map.of("region", "West")));
        } catch (FilterSyntaxException e) {
            assertThat(e.getMessage()).startsWith("column " + e.column() + ": ");
            assertThat(e.column()).isBetween(1, Math.max(1, text.length() + 1));
        } catch (RuntimeException | StackOverflowError e) {
            fail("parsing " + escape(text) + " threw " + e, e);
        }
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            escaped.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return escaped.append('"').toString();
    }
}
