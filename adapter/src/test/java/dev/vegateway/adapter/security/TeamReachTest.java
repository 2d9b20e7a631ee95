package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.CUSTOMERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Where each role assignment reaches: team-owned rows at Basic for a team's roles, group teams of
 * inheritance TeamPrivilegesOnly (the team's rows and unit only) and roles applied in another
 * business unit; read from the file, stored, exported and imported again.
 */
class TeamReachTest {
    private static final String SOURCE = "teams.yaml";
    private static final UUID MEMBER = SecurityFixtures.user(1);
    private static final UUID ELSEWHERE = SecurityFixtures.user(2);
    private static final UUID GROUP = UUID.fromString("9b000000-0000-4000-8000-000000000001");
    private static final UUID ROOT = BusinessUnit.idFor("Root");
    private static final UUID SALES = BusinessUnit.idFor("Sales");
    private static final UUID SALES_EAST = BusinessUnit.idFor("Sales East");
    private static final UUID SERVICE = BusinessUnit.idFor("Service");
    private static final UUID OWNER_TEAM = Team.idFor("Owners");
    private static final UUID ONLY_TEAM = Team.idFor("Group only");
    private static final UUID DIRECT_TEAM = Team.idFor("Group direct");

    private static final String YAML =
            """
            businessUnits:
              - name: Root
              - { name: Sales, parent: Root }
              - { name: Sales East, parent: Sales }
              - { name: Service, parent: Root }
            companies: [usmf]
            roles:
              - name: Basic reader
                privileges: [{ entity: mserp_custcustomerv3entity, read: Basic }]
              - name: Local reader
                privileges: [{ entity: mserp_custcustomerv3entity, read: Local }]
              - name: Deep reader
                privileges: [{ entity: mserp_custcustomerv3entity, read: Deep }]
            users:
              - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: Member, businessUnit: Service, roles: [] }
              - id: 6f1c2c4e-0000-4000-8000-000000000002
                name: Elsewhere
                businessUnit: Service
                roles: [Basic reader, { role: Local reader, businessUnit: Sales }, { role: Deep reader, businessUnit: Sales, companies: [usmf] }, { role: Local reader, businessUnit: Service }]
            teams:
              - { name: Owners, businessUnit: Sales, roles: [Basic reader], members: [6f1c2c4e-0000-4000-8000-000000000001] }
              - { name: Group only, type: AadSecurityGroup, group: 9b000000-0000-4000-8000-000000000001, inheritance: TeamPrivilegesOnly,
                  businessUnit: Sales, roles: [Basic reader, Deep reader], members: [6f1c2c4e-0000-4000-8000-000000000001] }
              - { name: Group direct, type: AadSecurityGroup, group: 9b000000-0000-4000-8000-000000000002, inheritance: DirectBasicAccess,
                  businessUnit: Sales, roles: [{ role: Local reader, businessUnit: Sales East }], members: [6f1c2c4e-0000-4000-8000-000000000001] }
            """;

    @Test
    void aTeamsRolesOpenTheTeamsRowsAtBasicAndTeamPrivilegesOnlyNeverTheMembersOwn() {
        EffectivePermissions member = store().permissionsOf(MEMBER);
        List<RoleGrant> grants = member.grants(CUSTOMERS, Privilege.READ);
        assertThat(grants)
                .extracting(
                        RoleGrant::role,
                        RoleGrant::depth,
                        grant -> grant.reach().via().describe(),
                        grant -> grant.reach().owners(),
                        grant -> grant.reach().businessUnit(),
                        grant -> grant.reach().businessUnitAssigned())
                .containsExactly(
                        // an owner team: the member's rows and the team's, in the member's unit
                        tuple(
                                "Basic reader",
                                Depth.BASIC,
                                "through team 'Owners'",
                                Set.of(MEMBER, OWNER_TEAM),
                                Optional.of(SERVICE),
                                false),
                        // TeamPrivilegesOnly: the team's rows only, the team's unit
                        tuple(
                                "Basic reader",
                                Depth.BASIC,
                                "through group team 'Group only' (TeamPrivilegesOnly)",
                                Set.of(ONLY_TEAM),
                                Optional.of(SALES),
                                false),
                        tuple(
                                "Deep reader",
                                Depth.DEEP,
                                "through group team 'Group only' (TeamPrivilegesOnly)",
                                Set.of(ONLY_TEAM),
                                Optional.of(SALES),
                                false),
                        // DirectBasicAccess with the role applied in another unit: that unit
                        tuple(
                                "Local reader",
                                Depth.LOCAL,
                                "through group team 'Group direct' (DirectBasicAccess)",
                                Set.of(MEMBER, DIRECT_TEAM),
                                Optional.of(SALES_EAST),
                                true));
        assertThat(grants.get(2).reach().businessUnitAndDescendants()).containsExactlyInAnyOrder(SALES, SALES_EAST);
        assertThat(grants.get(0).reach().businessUnitAndDescendants()).containsExactly(SERVICE);
    }

    @Test
    void aRoleFromAnotherBusinessUnitReachesThatUnitAndItsDescendants() {
        EffectivePermissions elsewhere = store().permissionsOf(ELSEWHERE);
        assertThat(elsewhere.grants(CUSTOMERS, Privilege.READ))
                .extracting(
                        RoleGrant::role,
                        grant -> grant.reach().owners(),
                        grant -> grant.reach().businessUnit(),
                        grant -> grant.reach().businessUnitAndDescendants(),
                        RoleGrant::companies)
                .containsExactly(
                        tuple(
                                "Basic reader",
                                Set.of(ELSEWHERE),
                                Optional.of(SERVICE),
                                Set.of(SERVICE),
                                Optional.empty()),
                        tuple(
                                "Local reader",
                                Set.of(ELSEWHERE),
                                Optional.of(SALES),
                                Set.of(SALES, SALES_EAST),
                                Optional.empty()),
                        tuple(
                                "Deep reader",
                                Set.of(ELSEWHERE),
                                Optional.of(SALES),
                                Set.of(SALES, SALES_EAST),
                                Optional.of(Set.of("usmf"))),
                        tuple(
                                "Local reader",
                                Set.of(ELSEWHERE),
                                Optional.of(SERVICE),
                                Set.of(SERVICE),
                                Optional.empty()));
    }

    @Test
    void businessUnitsOfAssignmentsAndTeamInheritanceSurviveExportAndImport() {
        SecurityStore store = store();
        SecurityDocument exported = store.exportAll();
        assertThat(exported.user(ELSEWHERE).orElseThrow().roles())
                .extracting(SecurityDocument.RoleAssignment::role, SecurityDocument.RoleAssignment::businessUnit)
                .containsExactly(
                        tuple("Basic reader", Optional.empty()),
                        tuple("Local reader", Optional.of("Sales")),
                        tuple("Deep reader", Optional.of("Sales")),
                        tuple("Local reader", Optional.of("Service")));
        assertThat(exported.teams())
                .extracting(team -> team.group().map(SecurityDocument.GroupBinding::inheritance))
                .containsExactly(
                        Optional.empty(),
                        Optional.of(TeamInheritance.TEAM_PRIVILEGES_ONLY),
                        Optional.of(TeamInheritance.DIRECT_BASIC_ACCESS));
        SecurityDocument again =
                SecurityDocument.parse("exported.yaml", exported.toYaml(), Optional.of(SecurityFixtures.catalog()));
        assertThat(again).isEqualTo(exported);
        SecurityStore reimported = emptyStore();
        reimported.replaceAll(again);
        assertThat(reimported.permissionsOf(ELSEWHERE).grants(CUSTOMERS, Privilege.READ))
                .isEqualTo(store.permissionsOf(ELSEWHERE).grants(CUSTOMERS, Privilege.READ));
        assertThat(reimported.permissionsOf(MEMBER).grants(CUSTOMERS, Privilege.READ))
                .isEqualTo(store.permissionsOf(MEMBER).grants(CUSTOMERS, Privilege.READ));
    }

    @Test
    void anUnknownUnitOrATwiceHeldRoleInOneUnitIsReportedWithItsLine() {
        List<Problem> problems = problemsOf(
                """
                businessUnits:
                  - name: Root
                  - { name: Sales, parent: Root }
                roles:
                  - name: R
                users:
                  - id: 6f1c2c4e-0000-4000-8000-000000000001
                    name: U
                    businessUnit: Root
                    roles: [R, { role: R, businessUnit: Sales }, { role: R, businessUnit: Nowhere }, { role: R, businessUnit: Sales }]
                teams:
                  - { name: T, businessUnit: Root, roles: [{ role: R, businessUnit: Atlantis }] }
                  - { name: G, type: AadSecurityGroup, group: 9b000000-0000-4000-8000-000000000001, inheritance: TeamOnly, businessUnit: Root }
                """);
        assertThat(problems)
                .extracting(Problem::line, Problem::key, Problem::message)
                .containsExactly(
                        tuple(10, "users[0].roles[2].businessUnit", "unknown business unit 'Nowhere'"),
                        tuple(
                                10,
                                "users[0].roles[3].role",
                                "duplicate role assignment of 'R' in business unit 'Sales' (first on line 10)"),
                        tuple(12, "teams[0].roles[0].businessUnit", "unknown business unit 'Atlantis'"),
                        tuple(
                                13,
                                "teams[1].inheritance",
                                "must be DirectBasicAccess or TeamPrivilegesOnly, was 'TeamOnly'"));
    }

    @Test
    void anAssignmentToAnUnknownUnitIsNeverStored() {
        assertThatThrownBy(() -> SecurityDocument.parse(
                        SOURCE,
                        YAML.replace("businessUnit: Sales East }", "businessUnit: Sales West }"),
                        Optional.of(SecurityFixtures.catalog())))
                .isInstanceOf(ProblemsException.class)
                .hasMessageContaining("unknown business unit 'Sales West'");
    }

    private static SecurityStore store() {
        SecurityStore store = emptyStore();
        store.replaceAll(SecurityDocument.parse(SOURCE, YAML, Optional.of(SecurityFixtures.catalog())));
        return store;
    }

    private static SecurityStore emptyStore() {
        DataSource dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        return new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
    }

    private static List<Problem> problemsOf(String yaml) {
        try {
            SecurityDocument.parse(SOURCE, yaml, Optional.of(SecurityFixtures.catalog()));
        } catch (ProblemsException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems in\n" + yaml);
    }
}
