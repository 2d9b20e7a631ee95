package dev.vegateway.adapter.plan;

import static dev.vegateway.adapter.plan.ContactFixtures.CHILD_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.column;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static dev.vegateway.adapter.plan.ContactFixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.In;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Literal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A grant's own reach replaces the caller's rows and unit in the row-security conjunct, as an SQL predicate. */
class GrantReachPlanningTest {
    /** A team's id: the owner of team-owned rows. */
    private static final UUID TEAM = UUID.fromString("7e000000-0000-4000-8000-000000000001");

    private final QueryPlanner planner = ContactFixtures.planner(50);

    private Condition rowScope(AccessScope scope) {
        return planner.plan(query().build(), scope).rowScope();
    }

    private static AccessScope.Grant grant(Depth depth, Set<UUID> owners, UUID unit, Set<UUID> tree) {
        return new AccessScope.Grant(
                depth.name(),
                depth,
                Optional.empty(),
                Optional.empty(),
                Optional.of(new AccessScope.Reach(owners, Optional.of(unit), tree)));
    }

    @Test
    void basicThroughATeamOpensTheMembersAndTheTeamsRows() {
        assertThat(rowScope(scope(grant(Depth.BASIC, Set.of(USER, TEAM), UNIT, Set.of(UNIT)))))
                .isEqualTo(new In(
                        column("ownerid"),
                        Set.of(USER, TEAM).stream().sorted().map(Literal::new).toList(),
                        false));
    }

    @Test
    void basicOfTeamPrivilegesOnlyOpensTheTeamsRowsOnly() {
        assertThat(rowScope(scope(grant(Depth.BASIC, Set.of(TEAM), UNIT, Set.of(UNIT)))))
                .isEqualTo(new Comparison(column("ownerid"), Operator.EQUAL, new Literal(TEAM)));
    }

    @Test
    void localAndDeepReachTheGrantsUnitNotTheCallers() {
        AccessScope scope = scope(
                grant(Depth.LOCAL, Set.of(USER), OTHER_UNIT, Set.of(OTHER_UNIT)),
                grant(Depth.DEEP, Set.of(OTHER_USER), CHILD_UNIT, Set.of(CHILD_UNIT)));
        assertThat(rowScope(scope))
                .isEqualTo(new Or(List.of(
                        new In(column("businessunitid"), List.of(new Literal(OTHER_UNIT)), false),
                        new In(column("businessunitid"), List.of(new Literal(CHILD_UNIT)), false))));
    }

    @Test
    void aGrantWithoutAReachUsesTheCallersRowsAndUnit() {
        assertThat(rowScope(scope(ContactFixtures.grant(Depth.LOCAL))))
                .isEqualTo(new In(column("businessunitid"), List.of(new Literal(UNIT)), false));
    }

    @Test
    void noOwnerOpensNoRow() {
        assertThat(rowScope(scope(grant(Depth.BASIC, Set.of(), UNIT, Set.of(UNIT)))))
                .isEqualTo(Condition.FALSE);
    }
}
