package dev.vegateway.adapter.plan;

import static dev.vegateway.adapter.plan.ContactFixtures.CHILD_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.column;
import static dev.vegateway.adapter.plan.ContactFixtures.equal;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.plan.AccessScope.Grant;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.rowfilter.RowFilterCache;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** How the planner applies roles' row filters: placeholders bound as typed literals, then resolved like a caller's filter. */
class RowFilterPlanningTest {
    private static final Comparison OWNED_BY_USER =
            new Comparison(column("ownerid"), Operator.EQUAL, new Literal(USER));

    private final QueryPlanner planner = ContactFixtures.planner(50);

    private static Grant filtered(String role, Depth depth, String filter) {
        return new Grant(role, depth, Optional.empty(), Optional.of(filter), Optional.empty());
    }

    /** {@link ContactFixtures#USER} in {@link ContactFixtures#UNIT}, with custom attributes and companies. */
    private static AccessScope caller(Map<String, String> attributes, Set<String> companies, Grant... grants) {
        return new AccessScope(
                USER,
                "alice",
                false,
                List.of(grants),
                Set.of(),
                Optional.of(UNIT),
                Set.of(UNIT, CHILD_UNIT),
                attributes,
                companies);
    }

    private static AccessScope caller(Grant... grants) {
        return caller(Map.of(), Set.of(), grants);
    }

    private Condition rowScope(AccessScope scope) {
        return planner.plan(query().build(), scope).rowScope();
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertMisconfigured(AccessScope scope) {
        return assertThatThrownBy(() -> rowScope(scope))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.INTERNAL));
    }

    @Test
    void bindsTheUserIdAndBusinessUnitAsGuidLiterals() {
        AccessScope scope =
                caller(filtered("Mine", Depth.GLOBAL, "ownerid eq @user.id or businessunitid eq @user.businessUnit"));
        assertThat(rowScope(scope))
                .isEqualTo(new Or(List.of(
                        OWNED_BY_USER, new Comparison(column("businessunitid"), Operator.EQUAL, new Literal(UNIT)))));
    }

    @Test
    void bindsAnAttributeAsTextCoercedToTheFieldsType() {
        AccessScope scope = caller(
                Map.of("region", "West", "level", "30"),
                Set.of(),
                filtered(
                        "Regional", Depth.GLOBAL, "name eq @user.attributes.region and age ge @user.attributes.level"));
        assertThat(rowScope(scope))
                .isEqualTo(new And(List.of(
                        new Comparison(column("name"), Operator.EQUAL, new Literal("West")),
                        new Comparison(column("age"), Operator.GREATER_EQUAL, new Literal(30)))));
    }

    @Test
    void expandsTheCompaniesIntoAnInListInOrder() {
        AccessScope scope = caller(
                Map.of(), Set.of("usmf", "demf"), filtered("Companies", Depth.GLOBAL, "dataareaid in @user.companies"));
        assertThat(rowScope(scope))
                .isEqualTo(new In(column("dataareaid"), List.of(new Literal("demf"), new Literal("usmf")), false));
    }

    @Test
    void opensNoRowThroughCompaniesWhenTheCallerHasNone() {
        assertThat(rowScope(caller(filtered("Companies", Depth.GLOBAL, "dataareaid in @user.companies"))))
                .isEqualTo(Condition.FALSE);
    }

    @Test
    void opensNoRowThroughAGrantWhoseFilterNamesAnAttributeTheUserLacks() {
        assertThat(rowScope(caller(filtered("Regional", Depth.GLOBAL, "name eq @user.attributes.region"))))
                .isEqualTo(Condition.FALSE);
        // not even when negated: the whole filter is FALSE, not the one comparison
        assertThat(rowScope(caller(filtered("Regional", Depth.GLOBAL, "not (name eq @user.attributes.region)"))))
                .isEqualTo(Condition.FALSE);
        // the caller's other grants still apply
        assertThat(rowScope(caller(
                        filtered("Regional", Depth.GLOBAL, "name eq @user.attributes.region"), grant(Depth.BASIC))))
                .isEqualTo(OWNED_BY_USER);
    }

    @Test
    void opensNoRowThroughTheBusinessUnitOfAUserWithoutOne() {
        AccessScope scope = new AccessScope(
                USER,
                "app",
                false,
                List.of(filtered("Unit", Depth.GLOBAL, "businessunitid eq @user.businessUnit")),
                Set.of(),
                Optional.empty(),
                Set.of(),
                Map.of(),
                Set.of());
        assertThat(rowScope(scope)).isEqualTo(Condition.FALSE);
    }

    @Test
    void resolvesARowFilterOnAFieldTheCallerMayNotRead() {
        AccessScope scope = new AccessScope(
                USER,
                "alice",
                false,
                List.of(filtered("Secretive", Depth.GLOBAL, "secret eq 'open'")),
                Set.of("secret"),
                Optional.of(UNIT),
                Set.of(UNIT),
                Map.of(),
                Set.of());

        QueryPlan plan = planner.plan(query().select("name", "secret").build(), scope);

        assertThat(plan.rowScope()).isEqualTo(new Comparison(column("secret"), Operator.EQUAL, new Literal("open")));
        assertThat(plan.output()).extracting(OutputField::masked).containsExactly(false, true);
        // the caller's own filter still may not use it
        assertThatThrownBy(() ->
                        planner.plan(query().where(equal("secret", "open")).build(), scope))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.MISSING_PRIVILEGE));
    }

    @Test
    void andsTheFilterWithTheDepthAndCompanyRestrictionOfItsGrant() {
        Grant clerk = new Grant(
                "Clerk", Depth.BASIC, Optional.of(Set.of("usmf")), Optional.of("age lt 30"), Optional.empty());
        assertThat(rowScope(caller(clerk)))
                .isEqualTo(new And(List.of(
                        OWNED_BY_USER,
                        new In(column("dataareaid"), List.of(new Literal("usmf")), false),
                        new Comparison(column("age"), Operator.LESS_THAN, new Literal(30)))));
    }

    @Test
    void takesTheUnionOfTheGrantsFilters() {
        AccessScope scope =
                caller(filtered("Young", Depth.GLOBAL, "age lt 30"), filtered("Active", Depth.GLOBAL, "active"));
        assertThat(rowScope(scope))
                .isEqualTo(new Or(List.of(
                        new Comparison(column("age"), Operator.LESS_THAN, new Literal(30)),
                        new Comparison(column("active"), Operator.EQUAL, new Literal(true)))));
    }

    @Test
    void opensEveryRowWhenOneGrantIsUnfilteredGlobalOrTheCallerIsAnAdministrator() {
        assertThat(rowScope(caller(filtered("Young", Depth.GLOBAL, "age lt 30"), grant(Depth.GLOBAL))))
                .isEqualTo(Condition.TRUE);
        assertThat(rowScope(caller(filtered("Everything", Depth.GLOBAL, "true"))))
                .isEqualTo(Condition.TRUE);
        AccessScope administrator = new AccessScope(
                USER,
                "admin",
                true,
                List.of(filtered("Young", Depth.GLOBAL, "age lt 30")),
                Set.of(),
                Optional.of(UNIT),
                Set.of(UNIT),
                Map.of(),
                Set.of());
        assertThat(rowScope(administrator)).isEqualTo(Condition.TRUE);
    }

    @Test
    void coercesLiteralsLikeACallersFilter() {
        AccessScope scope =
                caller(filtered("Typed", Depth.GLOBAL, "status eq NS.Status'Inactive' and birthdate ge 2024-01-31"));
        assertThat(rowScope(scope))
                .isEqualTo(new And(List.of(
                        new Comparison(column("status"), Operator.EQUAL, new Literal(2)),
                        new Comparison(
                                column("birthdate"), Operator.GREATER_EQUAL, new Literal(LocalDate.of(2024, 1, 31))))));
    }

    @Test
    void stillRefusesACallerWithoutAGrantAndAnswersNoRowsWhenEveryGrantIsFilteredAway() {
        assertThatThrownBy(() -> rowScope(caller(filtered("Nothing", Depth.NONE, "age lt 30"))))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.MISSING_PRIVILEGE));
        assertThat(rowScope(caller(filtered("Never", Depth.GLOBAL, "false")))).isEqualTo(Condition.FALSE);
    }

    @Test
    void failsTheRequestRatherThanDropAFilterThatCannotBeApplied() {
        assertMisconfigured(caller(filtered("Broken", Depth.GLOBAL, "name eq")))
                .hasMessage("The row filter of role 'Broken' on entity 'contact' cannot be applied: it does not parse: "
                        + "column 8: expected a field, a value or '(', found the end of the filter");
        assertMisconfigured(caller(filtered("Typo", Depth.GLOBAL, "nmae eq 'x'")))
                .hasMessageStartingWith(
                        "The row filter of role 'Typo' on entity 'contact' cannot be applied: Could not find a property named 'nmae'");
        assertMisconfigured(caller(filtered("Mistyped", Depth.GLOBAL, "age eq 'old'")))
                .hasMessageContaining("role 'Mistyped'")
                .hasMessageContaining("'old'");
        assertMisconfigured(caller(
                        Map.of("level", "high"),
                        Set.of(),
                        filtered("Level", Depth.GLOBAL, "age ge @user.attributes.level")))
                .hasMessageContaining("role 'Level'")
                .hasMessageContaining("'high'");
    }

    @Test
    void comparesABoundPlaceholderWithAnInListValueByValue() {
        AccessScope scope = caller(
                Map.of("region", "West"),
                Set.of(),
                filtered("Regional", Depth.GLOBAL, "@user.attributes.region in ('West', 'East')"));
        assertThat(rowScope(scope))
                .isEqualTo(new Or(List.of(
                        new Comparison(new Literal("West"), Operator.EQUAL, new Literal("West")),
                        new Comparison(new Literal("West"), Operator.EQUAL, new Literal("East")))));
        // a Guid compared with company codes is a configuration error, not a crash
        assertMisconfigured(
                        caller(Map.of(), Set.of("usmf"), filtered("Odd", Depth.GLOBAL, "@user.id in @user.companies")))
                .hasMessageContaining("role 'Odd'");
    }

    /** Whatever parses either plans or fails as a misconfigured row filter (500), never with another exception. */
    @Test
    void plansEveryFilterThatParsesOrReportsItAsMisconfigured() {
        List<String> fields = List.of(
                "contactid",
                "name",
                "age",
                "balance",
                "birthdate",
                "modifiedon",
                "active",
                "status",
                "ownerid",
                "businessunitid",
                "dataareaid",
                "secret",
                "nosuchfield");
        List<String> values = List.of(
                "'x'",
                "'3'",
                "1",
                "-2",
                "1.5",
                "1e3",
                "true",
                "false",
                "null",
                "6f1c2c4e-0000-4000-8000-00000000000a",
                "2024-01-31",
                "2024-01-31T10:00:00Z",
                "NS.Status'Active'",
                "NS.Status'Nope'",
                "@user.id",
                "@user.businessUnit",
                "@user.attributes.text",
                "@user.attributes.number",
                "@user.attributes.missing");
        List<String> operators = List.of("eq", "ne", "gt", "ge", "lt", "le");
        List<String> functions = List.of("tolower", "toupper", "trim", "length", "year", "month", "day");
        Random random = new Random(7L);
        int planned = 0;
        for (int i = 0; i < 20_000; i++) {
            String[] sides = new String[2];
            for (int side = 0; side < 2; side++) {
                String field = fields.get(random.nextInt(fields.size()));
                sides[side] = switch (random.nextInt(3)) {
                    case 0 -> values.get(random.nextInt(values.size()));
                    case 1 -> functions.get(random.nextInt(functions.size())) + "(" + field + ")";
                    default -> field;
                };
            }
            String filter =
                    switch (random.nextInt(5)) {
                        case 0 -> sides[0] + " in (" + values.get(random.nextInt(values.size())) + ", "
                                + values.get(random.nextInt(values.size())) + ")";
                        case 1 -> "not contains(" + sides[0] + ", 'a')";
                        case 2 -> sides[0] + " in @user.companies";
                        case 3 -> sides[0];
                        default -> sides[0] + " " + operators.get(random.nextInt(operators.size())) + " " + sides[1];
                    };
            try {
                FilterParser.rowFilter(filter);
            } catch (FilterSyntaxException e) {
                continue;
            }
            AccessScope scope = caller(
                    Map.of("text", "x", "number", "3"), Set.of("usmf"), filtered("Random", Depth.GLOBAL, filter));
            try {
                rowScope(scope);
                planned++;
            } catch (GatewayException e) {
                assertThat(e.errorCode()).as(filter).isEqualTo(ErrorCode.INTERNAL);
                assertThat(e.getMessage())
                        .as(filter)
                        .startsWith("The row filter of role 'Random' on entity 'contact' cannot be applied: ");
            } catch (RuntimeException e) {
                throw new AssertionError("planning the row filter " + filter + " threw " + e, e);
            }
        }
        assertThat(planned).isGreaterThan(1_000);
    }

    @Test
    void parsesEachDistinctFilterTextOnce() {
        RowFilterCache cache = new RowFilterCache(10);
        assertThat(cache.parse("age lt 30")).isSameAs(cache.parse("age lt 30"));
        assertThat(cache.parse("age lt 30")).isNotSameAs(cache.parse("age lt 31"));
        // planning the same scope twice gives the same row scope
        AccessScope scope = caller(
                Map.of("region", "West"),
                Set.of(),
                filtered("Regional", Depth.GLOBAL, "name eq @user.attributes.region"));
        assertThat(rowScope(scope)).isEqualTo(rowScope(scope));
        AccessScope other = new AccessScope(
                UUID.randomUUID(),
                "bob",
                false,
                scope.grants(),
                Set.of(),
                Optional.of(UNIT),
                Set.of(UNIT),
                Map.of("region", "East"),
                Set.of());
        assertThat(rowScope(other)).isEqualTo(new Comparison(column("name"), Operator.EQUAL, new Literal("East")));
    }
}
