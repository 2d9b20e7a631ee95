package dev.vegateway.adapter.plan;

import static dev.vegateway.adapter.plan.ContactFixtures.CHILD_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.column;
import static dev.vegateway.adapter.plan.ContactFixtures.compare;
import static dev.vegateway.adapter.plan.ContactFixtures.contactField;
import static dev.vegateway.adapter.plan.ContactFixtures.equal;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static dev.vegateway.adapter.plan.ContactFixtures.scope;
import static dev.vegateway.adapter.plan.ContactFixtures.scopeWithUnreadable;
import static dev.vegateway.adapter.plan.ContactFixtures.unrestricted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope.Depth;
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
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.FunctionCall.Function;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Literal.EnumMember;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryPlannerTest {
    private final QueryPlanner planner = ContactFixtures.planner(50);

    private QueryPlan plan(Query query) {
        return planner.plan(query, unrestricted());
    }

    private Condition filter(Condition criteria) {
        return plan(query().where(criteria).build()).filter();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Runnable planning, ErrorCode code) {
        return assertThatThrownBy(planning::run)
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(code));
    }

    @Nested
    class Names {
        @Test
        void refusesAnUnknownEntity() {
            assertRefused(
                            () -> planner.plan(
                                    new Query(
                                            new Relation(
                                                    "nothing",
                                                    Columns.namedOrAll(List.of()),
                                                    Condition.TRUE,
                                                    List.of(),
                                                    List.of()),
                                            OptionalInt.empty(),
                                            OptionalInt.empty(),
                                            false,
                                            Optional.empty(),
                                            false),
                                    unrestricted()),
                            ErrorCode.ENTITY_SET_NOT_FOUND)
                    .hasMessageContaining("'nothing'");
        }

        @Test
        void refusesAnUnknownSelectedAttributeNamingIt() {
            assertRefused(() -> plan(query().select("name", "nickname").build()), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessage("Could not find a property named 'nickname' on entity 'contact'.");
        }

        @Test
        void refusesAnUnknownFilterAttributeNamingIt() {
            assertRefused(() -> filter(equal("nickname", "x")), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessageContaining("'nickname'");
        }

        @Test
        void refusesAnUnknownSortAttributeNamingIt() {
            assertRefused(() -> plan(query().orderBy("nickname").build()), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessageContaining("'nickname'");
        }

        @Test
        void refusesUnknownAttributesInsideEveryKindOfCondition() {
            AttributeRef unknown = new AttributeRef("nickname");
            List<Condition> conditions = List.of(
                    new IsNull(unknown, false),
                    new Like(unknown, LikeKind.CONTAINS, "x", false),
                    new In(unknown, List.of(new Literal("x")), false),
                    new Between(unknown, new Literal(1L), new Literal(2L), false),
                    new Condition.Not(equal("nickname", 1L)),
                    new Or(List.of(equal("name", "x"), new And(List.of(equal("nickname", 1L))))),
                    new Comparison(
                            new FunctionCall(Function.TO_LOWER, List.of(unknown)), Operator.EQUAL, new Literal("x")),
                    new Comparison(new Literal("x"), Operator.EQUAL, unknown));
            for (Condition condition : conditions) {
                assertRefused(() -> filter(condition), ErrorCode.UNKNOWN_PROPERTY)
                        .as(condition.toString())
                        .hasMessageContaining("'nickname'");
            }
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "name; DROP TABLE x",
                    "\"name\"",
                    "name--",
                    "t0.name",
                    "name)",
                    "NAME",
                    " name",
                    "name/*",
                    "'name'"
                })
        void refusesSqlMetacharactersInAttributeNamesBeforeAnySqlExists(String attribute) {
            assertRefused(() -> plan(query().select(attribute).build()), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessageContaining(attribute);
            assertRefused(() -> filter(equal(attribute, "x")), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessageContaining(attribute);
            assertRefused(() -> plan(query().orderBy(attribute).build()), ErrorCode.UNKNOWN_PROPERTY)
                    .hasMessageContaining(attribute);
            assertRefused(
                    () -> plan(query().where(new IsNull(new AttributeRef(attribute), false))
                            .build()),
                    ErrorCode.UNKNOWN_PROPERTY);
        }

        @Test
        void shortensAVeryLongUnknownNameInTheMessage() {
            String name = "x".repeat(5000);
            assertRefused(() -> plan(query().select(name).build()), ErrorCode.UNKNOWN_PROPERTY)
                    .satisfies(exception -> assertThat(exception.getMessage()).hasSizeLessThan(300));
        }

        @Test
        void resolvesNamesToCatalogColumnsOfTheRootRelation() {
            QueryPlan plan = plan(query().select("name", "weird", "name").build());
            assertThat(plan.alias()).isEqualTo("t0");
            assertThat(plan.selected()).containsExactly(column("contactid"), column("name"), column("weird"));
            assertThat(plan.output())
                    .containsExactly(
                            new OutputField(contactField("name"), 1), new OutputField(contactField("weird"), 2));
            assertThat(plan.keyIndex()).hasValue(0);
            assertThat(plan.selected().get(2).field().column()).isEqualTo("we\"ird");
        }
    }

    @Nested
    class Literals {
        private Object coerced(String attribute, Object value) {
            Condition filter = filter(equal(attribute, value));
            assertThat(filter).isInstanceOf(Comparison.class);
            Comparison comparison = (Comparison) filter;
            assertThat(comparison.left()).isEqualTo(column(attribute));
            return ((Literal) comparison.right()).value();
        }

        @Test
        void coercesInt32FromLongAndNumericText() {
            assertThat(coerced("age", 30L)).isEqualTo(30);
            assertThat(coerced("age", "31")).isEqualTo(31);
            assertThat(coerced("age", new BigDecimal("32"))).isEqualTo(32);
        }

        @Test
        void refusesAnInt32OutOfRangeOrFractional() {
            assertRefused(() -> filter(equal("age", 3_000_000_000L)), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value '3000000000' is not valid for attribute 'age' of type Int32.");
            assertRefused(() -> filter(equal("age", new BigDecimal("1.5"))), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'")
                    .hasMessageContaining("Int32");
            assertRefused(() -> filter(equal("age", 1.5d)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'")
                    .hasMessageContaining("Int32");
            assertRefused(() -> filter(equal("age", "thirty")), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'")
                    .hasMessageContaining("Int32");
            assertRefused(() -> filter(equal("age", true)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'")
                    .hasMessageContaining("Int32");
        }

        @Test
        void coercesDecimalFromLongDoubleAndText() {
            assertThat(coerced("balance", 12L)).isEqualTo(BigDecimal.valueOf(12));
            assertThat(coerced("balance", 1.25d)).isEqualTo(new BigDecimal("1.25"));
            assertThat(coerced("balance", "7.50")).isEqualTo(new BigDecimal("7.50"));
            assertRefused(() -> filter(equal("balance", "lots")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value 'lots' is not valid for attribute 'balance' of type Decimal(18,2).");
        }

        @Test
        void coercesGuidFromText() {
            UUID owner = UUID.fromString("6f000000-0000-4000-8000-00000000000a");
            assertThat(coerced("ownerid", "6f000000-0000-4000-8000-00000000000a"))
                    .isEqualTo(owner);
            assertThat(coerced("ownerid", "6F000000-0000-4000-8000-00000000000A"))
                    .isEqualTo(owner);
            assertThat(coerced("ownerid", owner)).isEqualTo(owner);
            assertRefused(() -> filter(equal("ownerid", "not-a-guid")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value 'not-a-guid' is not valid for attribute 'ownerid' of type Guid.");
            assertRefused(() -> filter(equal("ownerid", "1-2-3-4-5")), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("Guid");
            assertRefused(() -> filter(equal("ownerid", 5L)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("Guid");
        }

        @Test
        void coercesDateFromText() {
            assertThat(coerced("birthdate", "1990-05-01")).isEqualTo(LocalDate.of(1990, 5, 1));
            assertThat(coerced("birthdate", LocalDate.of(1990, 5, 2))).isEqualTo(LocalDate.of(1990, 5, 2));
            assertRefused(() -> filter(equal("birthdate", "1990-13-01")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value '1990-13-01' is not valid for attribute 'birthdate' of type Date.");
            assertRefused(() -> filter(equal("birthdate", 19900501L)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("Date");
        }

        @Test
        void normalisesDateTimeOffsetToUtc() {
            Object value = coerced("modifiedon", OffsetDateTime.parse("2024-03-01T02:00:00+02:00"));
            assertThat(value).isEqualTo(OffsetDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            assertThat(coerced("modifiedon", "2024-03-01T01:30:00-01:00"))
                    .isEqualTo(OffsetDateTime.of(2024, 3, 1, 2, 30, 0, 0, ZoneOffset.UTC));
            assertThat(coerced("modifiedon", "2024-03-01"))
                    .isEqualTo(OffsetDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            assertThat(coerced("modifiedon", LocalDate.of(2024, 3, 1)))
                    .isEqualTo(OffsetDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            assertRefused(() -> filter(equal("modifiedon", "yesterday")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage(
                            "The value 'yesterday' is not valid for attribute 'modifiedon' of type DateTimeOffset.");
        }

        @Test
        void coercesEnumFromIntegerValueAndQualifiedMember() {
            assertThat(coerced("status", new EnumMember("Inactive"))).isEqualTo(2);
            assertRefused(() -> filter(equal("status", "Active")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value 'Active' is not valid for attribute 'status' of type Enum(contact_status).");
            assertThat(coerced("status", 2L)).isEqualTo(2);
            assertThat(coerced("status", "2")).isEqualTo(2);
            assertRefused(() -> filter(equal("status", new EnumMember("Deleted"))), ErrorCode.QUERY_SYNTAX)
                    .hasMessage(
                            "The value 'Deleted' is not valid for attribute 'status' of type Enum(contact_status).");
            assertRefused(() -> filter(equal("status", 99L)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'status'")
                    .hasMessageContaining("Enum(contact_status)");
            assertRefused(() -> filter(equal("status", 1L << 40)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'status'");
        }

        @Test
        void coercesBooleanFromTextOnlyForTrueAndFalse() {
            assertThat(coerced("active", "TRUE")).isEqualTo(true);
            assertThat(coerced("active", false)).isEqualTo(false);
            assertRefused(() -> filter(equal("active", "yes")), ErrorCode.QUERY_SYNTAX)
                    .hasMessage("The value 'yes' is not valid for attribute 'active' of type Boolean.");
            assertRefused(() -> filter(equal("active", 1L)), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("Boolean");
        }

        @Test
        void coercesALiteralOnTheLeftToo() {
            Condition filter = filter(new Comparison(new Literal(30L), Operator.LESS_THAN, new AttributeRef("age")));
            assertThat(filter).isEqualTo(new Comparison(new Literal(30), Operator.LESS_THAN, column("age")));
        }

        @Test
        void coercesEveryValueOfInAndBetween() {
            assertThat(filter(new In(
                            new AttributeRef("status"),
                            List.of(new Literal(new EnumMember("Active")), new Literal(2L)),
                            false)))
                    .isEqualTo(new In(column("status"), List.of(new Literal(1), new Literal(2)), false));
            assertThat(filter(new Between(
                            new AttributeRef("birthdate"), new Literal("2000-01-01"), new Literal("2000-12-31"), true)))
                    .isEqualTo(new Between(
                            column("birthdate"),
                            new Literal(LocalDate.of(2000, 1, 1)),
                            new Literal(LocalDate.of(2000, 12, 31)),
                            true));
            assertRefused(
                            () -> filter(
                                    new In(new AttributeRef("age"), List.of(new Literal(1L), new Literal("x")), false)),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'");
        }

        @Test
        void shortensAVeryLongInvalidValueInTheMessage() {
            assertRefused(() -> filter(equal("age", "9".repeat(1000))), ErrorCode.QUERY_SYNTAX)
                    .satisfies(exception -> assertThat(exception.getMessage()).hasSizeLessThan(200));
        }

        @Test
        void coercesLiteralsComparedWithFunctionsToTheFunctionsResultType() {
            assertThat(filter(new Comparison(
                            new FunctionCall(Function.YEAR, List.of(new AttributeRef("birthdate"))),
                            Operator.EQUAL,
                            new Literal("2000"))))
                    .isEqualTo(new Comparison(
                            new FunctionCall(Function.YEAR, List.of(column("birthdate"))),
                            Operator.EQUAL,
                            new Literal(2000L)));
            assertRefused(
                            () -> filter(new Comparison(
                                    new FunctionCall(Function.LENGTH, List.of(new AttributeRef("name"))),
                                    Operator.GREATER_THAN,
                                    new Literal("long"))),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("length(name)");
        }
    }

    @Nested
    class Types {
        @Test
        void refusesComparingColumnsOfIncompatibleTypes() {
            assertRefused(
                            () -> filter(
                                    new Comparison(new AttributeRef("name"), Operator.EQUAL, new AttributeRef("age"))),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessage("Cannot compare 'name' with 'age': their types differ.");
            assertRefused(
                    () -> filter(
                            new Comparison(new AttributeRef("birthdate"), Operator.EQUAL, new AttributeRef("ownerid"))),
                    ErrorCode.QUERY_SYNTAX);
            assertRefused(
                    () -> filter(new Comparison(new AttributeRef("status"), Operator.EQUAL, new AttributeRef("age"))),
                    ErrorCode.QUERY_SYNTAX);
        }

        @Test
        void allowsComparingNumericColumnsAndDatesWithTimestamps() {
            assertThat(filter(new Comparison(new AttributeRef("age"), Operator.LESS_THAN, new AttributeRef("balance"))))
                    .isEqualTo(new Comparison(column("age"), Operator.LESS_THAN, column("balance")));
            assertThat(filter(new Comparison(
                            new AttributeRef("birthdate"), Operator.LESS_THAN, new AttributeRef("modifiedon"))))
                    .isEqualTo(new Comparison(column("birthdate"), Operator.LESS_THAN, column("modifiedon")));
        }

        @Test
        void refusesALiteralOfAnIncompatibleType() {
            assertRefused(() -> filter(equal("active", LocalDate.of(2024, 1, 1))), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'active'");
            assertRefused(() -> filter(equal("name", UUID.randomUUID())), ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'name'");
            assertRefused(
                    () -> filter(new Comparison(new Literal("a"), Operator.EQUAL, new Literal(1L))),
                    ErrorCode.QUERY_SYNTAX);
        }

        @Test
        void refusesOrderingComparisonsOnBooleanAndGuid() {
            for (Operator operator :
                    List.of(Operator.GREATER_THAN, Operator.GREATER_EQUAL, Operator.LESS_THAN, Operator.LESS_EQUAL)) {
                assertRefused(() -> filter(compare("active", operator, true)), ErrorCode.QUERY_SYNTAX)
                        .hasMessage("'active' supports only equality comparisons.");
                assertRefused(() -> filter(compare("ownerid", operator, USER)), ErrorCode.QUERY_SYNTAX)
                        .hasMessage("'ownerid' supports only equality comparisons.");
                assertRefused(
                        () -> filter(new Comparison(new Literal(USER), operator, new AttributeRef("ownerid"))),
                        ErrorCode.QUERY_SYNTAX);
            }
            assertThat(filter(compare("active", Operator.NOT_EQUAL, true)))
                    .isEqualTo(new Comparison(column("active"), Operator.NOT_EQUAL, new Literal(true)));
            assertThat(filter(equal("ownerid", USER)))
                    .isEqualTo(new Comparison(column("ownerid"), Operator.EQUAL, new Literal(USER)));
        }

        /** BETWEEN is two ordering comparisons, so it must be refused where gt/lt are. */
        @Test
        void refusesBetweenOnBooleanAndGuid() {
            assertRefused(
                    () -> filter(new Between(
                            new AttributeRef("ownerid"), new Literal(USER), new Literal(OTHER_USER), false)),
                    ErrorCode.QUERY_SYNTAX);
            assertRefused(
                    () -> filter(new Between(new AttributeRef("active"), new Literal(false), new Literal(true), false)),
                    ErrorCode.QUERY_SYNTAX);
        }

        @Test
        void refusesTextMatchesOnNonTextAttributes() {
            assertRefused(
                            () -> filter(new Like(new AttributeRef("age"), LikeKind.CONTAINS, "1", false)),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'");
        }

        @Test
        void refusesFunctionsOnTheWrongArgumentType() {
            assertRefused(
                            () -> filter(new Comparison(
                                    new FunctionCall(Function.TO_LOWER, List.of(new AttributeRef("age"))),
                                    Operator.EQUAL,
                                    new Literal("x"))),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'age'");
            assertRefused(
                            () -> filter(new Comparison(
                                    new FunctionCall(Function.YEAR, List.of(new AttributeRef("name"))),
                                    Operator.EQUAL,
                                    new Literal(1L))),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessageContaining("'name'");
            assertRefused(
                    () -> filter(new Comparison(
                            new FunctionCall(Function.TRIM, List.of(new Literal("x"))),
                            Operator.EQUAL,
                            new Literal("x"))),
                    ErrorCode.QUERY_SYNTAX);
        }
    }

    @Nested
    class FieldSecurity {
        private final AccessScope scope = scopeWithUnreadable(Set.of("secret"), grant(Depth.GLOBAL));

        @Test
        void masksAnUnreadableSelectedFieldAndLeavesItOutOfTheSelectList() {
            QueryPlan plan = planner.plan(query().select("name", "secret").build(), scope);
            assertThat(plan.output())
                    .containsExactly(
                            new OutputField(contactField("name"), 1), new OutputField(contactField("secret"), -1));
            assertThat(plan.output().get(1).masked()).isTrue();
            assertThat(plan.selected()).containsExactly(column("contactid"), column("name"));
        }

        @Test
        void masksAnUnreadableFieldAmongAllFields() {
            QueryPlan plan = planner.plan(query().build(), scope);
            assertThat(plan.selected()).doesNotContain(column("secret")).hasSize(12);
            assertThat(plan.output())
                    .hasSize(13)
                    .filteredOn(OutputField::masked)
                    .extracting(OutputField::field)
                    .containsExactly(contactField("secret"));
        }

        @Test
        void masksAnUnreadableFieldOfADistinctQuery() {
            QueryPlan plan = planner.plan(
                    query().select("dataareaid", "secret").distinct().build(), scope);
            assertThat(plan.selected()).containsExactly(column("dataareaid"));
            assertThat(plan.output())
                    .containsExactly(
                            new OutputField(contactField("dataareaid"), 0),
                            new OutputField(contactField("secret"), -1));
        }

        @Test
        void refusesFilteringOnAnUnreadableField() {
            assertRefused(
                            () -> planner.plan(
                                    query().where(equal("secret", "s1")).build(), scope),
                            ErrorCode.MISSING_PRIVILEGE)
                    .hasMessage(
                            "The caller may not read field 'secret' of entity 'contact', so it cannot filter on it.");
            assertRefused(
                    () -> planner.plan(
                            query().where(new IsNull(new AttributeRef("secret"), false))
                                    .build(),
                            scope),
                    ErrorCode.MISSING_PRIVILEGE);
            assertRefused(
                    () -> planner.plan(
                            query().where(new Or(List.of(
                                            equal("name", "x"),
                                            new Like(
                                                    new FunctionCall(
                                                            Function.TO_LOWER, List.of(new AttributeRef("secret"))),
                                                    LikeKind.CONTAINS,
                                                    "s",
                                                    false))))
                                    .build(),
                            scope),
                    ErrorCode.MISSING_PRIVILEGE);
        }

        @Test
        void refusesSortingOnAnUnreadableField() {
            assertRefused(() -> planner.plan(query().orderBy("secret").build(), scope), ErrorCode.MISSING_PRIVILEGE)
                    .hasMessage("The caller may not read field 'secret' of entity 'contact', so it cannot sort by it.");
        }

        @Test
        void letsASystemAdministratorReadEveryField() {
            AccessScope administrator =
                    new AccessScope(USER, "admin", true, List.of(), Set.of("secret"), Optional.empty(), Set.of());
            QueryPlan plan = planner.plan(
                    query().select("secret")
                            .where(equal("secret", "s1"))
                            .orderBy("secret")
                            .build(),
                    administrator);
            assertThat(plan.output()).containsExactly(new OutputField(contactField("secret"), 1));
        }
    }

    @Nested
    class RowSecurity {
        private Condition rowScope(AccessScope scope) {
            return planner.plan(query().build(), scope).rowScope();
        }

        private final Comparison ownedByUser = new Comparison(column("ownerid"), Operator.EQUAL, new Literal(USER));

        @Test
        void refusesACallerWithoutAGrant() {
            assertRefused(() -> rowScope(scope()), ErrorCode.MISSING_PRIVILEGE)
                    .hasMessage("Principal user 'alice' is missing the Read privilege on entity 'contact'.");
            assertRefused(() -> rowScope(scope(grant(Depth.NONE))), ErrorCode.MISSING_PRIVILEGE);
            assertRefused(
                    () -> planner.plan(query().where(equal("nickname", 1L)).build(), scope()),
                    ErrorCode.MISSING_PRIVILEGE);
        }

        @Test
        void opensEveryRowForGlobalDepthAndForTheSystemAdministrator() {
            assertThat(rowScope(scope(grant(Depth.GLOBAL)))).isEqualTo(Condition.TRUE);
            assertThat(rowScope(unrestricted())).isEqualTo(Condition.TRUE);
        }

        @Test
        void restrictsBasicDepthToTheOwner() {
            assertThat(rowScope(scope(grant(Depth.BASIC)))).isEqualTo(ownedByUser);
        }

        @Test
        void restrictsLocalDepthToTheUsersUnit() {
            assertThat(rowScope(scope(grant(Depth.LOCAL))))
                    .isEqualTo(new In(column("businessunitid"), List.of(new Literal(UNIT)), false));
        }

        @Test
        void grantsNoRowForLocalDepthWithoutAUnit() {
            AccessScope scope = new AccessScope(
                    USER, "app", false, List.of(grant(Depth.LOCAL)), Set.of(), Optional.empty(), Set.of());
            assertThat(rowScope(scope)).isEqualTo(Condition.FALSE);
        }

        @Test
        void restrictsDeepDepthToTheUnitAndItsDescendantsInOrder() {
            assertThat(rowScope(scope(grant(Depth.DEEP))))
                    .isEqualTo(new In(
                            column("businessunitid"), List.of(new Literal(UNIT), new Literal(CHILD_UNIT)), false));
        }

        @Test
        void restrictsACompanyRestrictedGrantToItsCompanies() {
            assertThat(rowScope(scope(grant(Depth.GLOBAL, "usmf", "demf"))))
                    .isEqualTo(new In(column("dataareaid"), List.of(new Literal("demf"), new Literal("usmf")), false));
            assertThat(rowScope(scope(grant(Depth.BASIC, "usmf"))))
                    .isEqualTo(new And(
                            List.of(ownedByUser, new In(column("dataareaid"), List.of(new Literal("usmf")), false))));
        }

        @Test
        void takesTheUnionOfTwoGrants() {
            assertThat(rowScope(scope(grant(Depth.BASIC), grant(Depth.LOCAL, "usmf"))))
                    .isEqualTo(new Or(List.of(
                            ownedByUser,
                            new And(List.of(
                                    new In(column("businessunitid"), List.of(new Literal(UNIT)), false),
                                    new In(column("dataareaid"), List.of(new Literal("usmf")), false))))));
        }

        @Test
        void opensEveryRowWhenOneGrantIsUnrestricted() {
            assertThat(rowScope(scope(grant(Depth.BASIC), grant(Depth.GLOBAL), grant(Depth.LOCAL, "usmf"))))
                    .isEqualTo(Condition.TRUE);
            assertThat(rowScope(scope(grant(Depth.BASIC, "usmf"), grant(Depth.GLOBAL))))
                    .isEqualTo(Condition.TRUE);
            assertThat(rowScope(scope(grant(Depth.BASIC), grant(Depth.GLOBAL, "usmf"))))
                    .isNotEqualTo(Condition.TRUE);
        }

        @Test
        void enforcesAGrantsRowFilter() {
            AccessScope.Grant filtered = new AccessScope.Grant(
                    "AP clerk", Depth.GLOBAL, Optional.empty(), Optional.of("name eq 'LOCAL'"), Optional.empty());
            assertThat(rowScope(scope(grant(Depth.BASIC), filtered)))
                    .isEqualTo(new Or(List.of(
                            ownedByUser, new Comparison(column("name"), Operator.EQUAL, new Literal("LOCAL")))));
        }

        @Test
        void opensAnOrganisationOwnedEntityAtAnyDepth() {
            Query products = new Query(
                    new Relation(
                            ContactFixtures.PRODUCT,
                            Columns.namedOrAll(List.of()),
                            Condition.TRUE,
                            List.of(),
                            List.of()),
                    OptionalInt.empty(),
                    OptionalInt.empty(),
                    false,
                    Optional.empty(),
                    false);
            assertThat(planner.plan(products, scope(grant(Depth.BASIC))).rowScope())
                    .isEqualTo(Condition.TRUE);
            assertThat(planner.plan(products, scope(grant(Depth.LOCAL))).rowScope())
                    .isEqualTo(Condition.TRUE);
            assertThat(planner.plan(products, scope(grant(Depth.GLOBAL, "usmf")))
                            .rowScope())
                    .isEqualTo(Condition.TRUE);
        }

        @Test
        void keepsTheCallersFilterApartFromTheRowScope() {
            QueryPlan plan = planner.plan(
                    query().where(new Or(List.of(equal("name", "bob"), Condition.TRUE)))
                            .build(),
                    scope(grant(Depth.BASIC)));
            assertThat(plan.rowScope()).isEqualTo(ownedByUser);
            assertThat(plan.filter())
                    .isEqualTo(new Or(List.of(
                            new Comparison(column("name"), Operator.EQUAL, new Literal("bob")), Condition.TRUE)));
        }
    }

    @Nested
    class Paging {
        @Test
        void doesNotPageWhenTopFitsInAPage() {
            QueryPlan plan = plan(query().top(5).page(10).build());
            assertThat(plan.paging()).isEmpty();
            assertThat(plan.limit()).hasValue(5);
            QueryPlan exact = plan(query().top(10).page(10).build());
            assertThat(exact.paging()).isEmpty();
            assertThat(exact.limit()).hasValue(10);
        }

        @Test
        void pagesWhenTopExceedsThePageRememberingWhatRemains() {
            QueryPlan plan = plan(query().top(30).page(7).build());
            assertThat(plan.paging()).contains(new QueryPlan.Paging(7, OptionalInt.of(30)));
            assertThat(plan.limit()).hasValue(8);
        }

        @Test
        void pagesAnUnboundedQueryAndCapsThePageSize() {
            assertThat(plan(query().page(7).build()).paging()).contains(new QueryPlan.Paging(7, OptionalInt.empty()));
            assertThat(plan(query().page(7).build()).limit()).hasValue(8);
            assertThat(plan(query().page(500).build()).paging())
                    .contains(new QueryPlan.Paging(50, OptionalInt.empty()));
            assertThat(plan(query().build()).limit()).hasValue(51);
        }

        @Test
        void skipsOnlyAPositiveNumberOfRows() {
            assertThat(plan(query().skip(5).build()).offset()).hasValue(5);
            assertThat(plan(query().skip(0).build()).offset()).isEmpty();
            assertThat(plan(query().build()).offset()).isEmpty();
        }

        @Test
        void continuesAfterTheTokensPositionWithoutTheOffset() {
            ContinuationTokens tokens = ContactFixtures.tokens();
            Query first = query().orderBy("age").top(30).skip(5).page(7).build();
            String token =
                    tokens.encode(plan(first).fingerprint(), List.of(25, ContactFixtures.id(4)), OptionalInt.of(23));
            QueryPlan next = plan(query().orderBy("age")
                    .top(30)
                    .skip(5)
                    .page(7, Optional.of(token))
                    .build());
            assertThat(next.seek())
                    .contains(new Or(List.of(
                            new Comparison(column("age"), Operator.GREATER_THAN, new Literal(25)),
                            new And(List.of(
                                    new Comparison(column("age"), Operator.EQUAL, new Literal(25)),
                                    new Comparison(
                                            column("contactid"),
                                            Operator.GREATER_THAN,
                                            new Literal(ContactFixtures.id(4))))))));
            assertThat(next.offset()).isEmpty();
            assertThat(next.paging()).contains(new QueryPlan.Paging(7, OptionalInt.of(23)));
            assertThat(next.limit()).hasValue(8);

            String last =
                    tokens.encode(plan(first).fingerprint(), List.of(25, ContactFixtures.id(4)), OptionalInt.of(2));
            QueryPlan lastPage = plan(query().orderBy("age")
                    .top(30)
                    .skip(5)
                    .page(7, Optional.of(last))
                    .build());
            assertThat(lastPage.paging()).isEmpty();
            assertThat(lastPage.limit()).hasValue(2);
        }

        @Test
        void refusesATokenOfAnotherQueryOrCaller() {
            ContinuationTokens tokens = ContactFixtures.tokens();
            Query first = query().orderBy("age").page(7).build();
            String token =
                    tokens.encode(plan(first).fingerprint(), List.of(25, ContactFixtures.id(4)), OptionalInt.empty());

            assertRefused(
                    () -> plan(query().orderBy("age")
                            .where(equal("name", "x"))
                            .page(7, Optional.of(token))
                            .build()),
                    ErrorCode.INVALID_SKIP_TOKEN);
            assertRefused(
                    () -> plan(query().orderByDescending("age")
                            .page(7, Optional.of(token))
                            .build()),
                    ErrorCode.INVALID_SKIP_TOKEN);
            assertRefused(
                    () -> plan(query().orderBy("age")
                            .select("name")
                            .page(7, Optional.of(token))
                            .build()),
                    ErrorCode.INVALID_SKIP_TOKEN);
            AccessScope otherCaller =
                    new AccessScope(OTHER_USER, "bob", true, List.of(), Set.of(), Optional.empty(), Set.of());
            assertRefused(
                    () -> planner.plan(
                            query().orderBy("age").page(7, Optional.of(token)).build(), otherCaller),
                    ErrorCode.INVALID_SKIP_TOKEN);
            assertRefused(
                    () -> plan(query().orderBy("age")
                            .page(7, Optional.of("garbage"))
                            .build()),
                    ErrorCode.INVALID_SKIP_TOKEN);
        }
    }

    @Nested
    class SortKeys {
        @Test
        void endsWithTheKeyAsTieBreakerAndSelectsEverySortKey() {
            QueryPlan plan = plan(query().select("name")
                    .orderByDescending("age")
                    .orderBy("name")
                    .orderBy("age")
                    .build());
            assertThat(plan.sortKeys())
                    .containsExactly(
                            new SortKey(column("age"), true, true),
                            new SortKey(column("name"), false, true),
                            new SortKey(column("contactid"), false, true));
            assertThat(plan.selected()).containsExactly(column("contactid"), column("name"), column("age"));
            assertThat(plan.sortKeyIndexes()).containsExactly(2, 1, 0);
            assertThat(plan.output()).extracting(OutputField::field).containsExactly(contactField("name"));
        }

        @Test
        void keepsTheKeyWhereTheCallerPutIt() {
            QueryPlan plan =
                    plan(query().orderByDescending("contactid").orderBy("name").build());
            assertThat(plan.sortKeys())
                    .containsExactly(
                            new SortKey(column("contactid"), true, true), new SortKey(column("name"), false, true));
        }

        @Test
        void requiresDistinctSortKeysAmongTheSelectedColumns() {
            assertRefused(
                            () -> plan(query().select("name")
                                    .distinct()
                                    .orderBy("age")
                                    .build()),
                            ErrorCode.QUERY_SYNTAX)
                    .hasMessage("With Distinct, the sort attribute 'age' must also be one of the selected columns.");
            QueryPlan plan = plan(query().select("name", "age")
                    .distinct()
                    .orderByDescending("age")
                    .build());
            assertThat(plan.keyIndex()).isEmpty();
            assertThat(plan.selected()).containsExactly(column("name"), column("age"));
            assertThat(plan.sortKeys())
                    .containsExactly(new SortKey(column("age"), true, true), new SortKey(column("name"), false, true));
            assertThat(plan.sortKeyIndexes()).containsExactly(1, 0);
        }
    }
}
