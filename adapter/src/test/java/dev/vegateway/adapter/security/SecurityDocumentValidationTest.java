package dev.vegateway.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every validation rule of the security file, each with the line and key it must report. */
class SecurityDocumentValidationTest {
    private static final String SOURCE = "test.yaml";

    @Test
    void reportsUnknownKeysAtEveryLevel() {
        List<Problem> problems = problemsOf(
                """
                businessUnits:
                  - { name: Root, colour: blue }
                companies: [usmf]
                roles:
                  - name: R
                    privilege: []
                    privileges:
                      - { entity: mserp_custcustomerv3entity, reed: Global }
                    rowFilters:
                      - { entity: mserp_custcustomerv3entity, filter: "mserp_name eq 'x'", where: y }
                    fieldSecurity:
                      - { entity: mserp_custcustomerv3entity, field: mserp_name, write: false }
                users:
                  - id: 6f1c2c4e-0000-4000-8000-000000000001
                    name: U
                    businessUnit: Root
                    role: [R]
                    roles: [{ role: R, company: [usmf] }]
                teams:
                  - { name: T, businessUnit: Root, member: [] }
                applications:
                  - { appId: a1, name: A, kind: dataverse, secret: x }
                portal:
                  anonymous: 6f1c2c4e-0000-4000-8000-000000000001
                  mappings:
                    - { contactId: 7c000000-0000-4000-8000-000000000001, user: 6f1c2c4e-0000-4000-8000-000000000001, role: R }
                extra: 1
                """);
        assertThat(problems)
                .extracting(Problem::line, Problem::key)
                .containsExactly(
                        tuple(27, "extra"),
                        tuple(2, "businessUnits[0].colour"),
                        tuple(6, "roles[0].privilege"),
                        tuple(8, "roles[0].privileges[0].reed"),
                        tuple(10, "roles[0].rowFilters[0].where"),
                        tuple(12, "roles[0].fieldSecurity[0].write"),
                        tuple(17, "users[0].role"),
                        tuple(18, "users[0].roles[0].company"),
                        tuple(20, "teams[0].member"),
                        tuple(22, "applications[0].secret"),
                        tuple(24, "portal.anonymous"),
                        tuple(26, "portal.mappings[0].role"),
                        // the mapped user holds R only: a portal rule, not an unknown key
                        tuple(26, "portal.mappings[0].user"));
        assertThat(problems.get(0).message())
                .isEqualTo(
                        "unknown key (allowed: businessUnits, companies, roles, users, teams, applications, portal)");
        assertThat(problems.get(1).message()).isEqualTo("unknown key (allowed: name, parent, id)");
        assertThat(problems.get(3).message())
                .isEqualTo("unknown key (allowed: entity, create, read, write, delete, append, appendTo)");
    }

    @Test
    void reportsDuplicates() {
        List<Problem> problems = problemsOf(
                """
                businessUnits:
                  - name: Root
                  - { name: Root, parent: Root }
                companies: [usmf, USMF]
                roles:
                  - name: R
                  - name: R
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: U1, businessUnit: Root, entraObjectId: 9a0e0000-0000-4000-8000-000000000001 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: U2, businessUnit: Root }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: U3, businessUnit: Root, entraObjectId: 9a0e0000-0000-4000-8000-000000000001, roles: [R, R] }
                teams:
                  - { name: T, businessUnit: Root, members: [6f1c2c4e-0000-4000-8000-000000000001, 6f1c2c4e-0000-4000-8000-000000000001] }
                  - { name: T, businessUnit: Root }
                applications:
                  - { appId: a1, name: A, kind: dataverse }
                  - { appId: a1, name: B, kind: portal }
                """);
        assertThat(problems)
                .containsExactly(
                        problem(4, "companies[1]", "duplicate company 'usmf' (first on line 4)"),
                        problem(3, "businessUnits[1].name", "duplicate business unit 'Root' (first on line 2)"),
                        problem(7, "roles[1].name", "duplicate role 'R' (first on line 6)"),
                        problem(
                                10,
                                "users[1].id",
                                "duplicate user id '6f1c2c4e-0000-4000-8000-000000000001' (first on line 9)"),
                        problem(
                                11,
                                "users[2].entraObjectId",
                                "duplicate entraObjectId '9a0e0000-0000-4000-8000-000000000001' (first on line 9)"),
                        problem(11, "users[2].roles[1]", "duplicate role assignment of 'R' (first on line 11)"),
                        problem(
                                13,
                                "teams[0].members[1]",
                                "duplicate team member '6f1c2c4e-0000-4000-8000-000000000001' (first on line 13)"),
                        problem(14, "teams[1].name", "duplicate team 'T' (first on line 13)"),
                        problem(17, "applications[1].appId", "duplicate application appId 'a1' (first on line 16)"));
    }

    @Test
    void reportsUnknownReferences() {
        List<Problem> problems = problemsOf(
                """
                businessUnits:
                  - name: Root
                  - { name: Child, parent: Nowhere }
                companies: [usmf]
                users:
                  - id: 6f1c2c4e-0000-4000-8000-000000000001
                    name: U
                    businessUnit: Atlantis
                    roles: [Ghost, { role: Ghost2, companies: [usmf] }, { role: System administrator, companies: [xxxx] }]
                teams:
                  - { name: T, businessUnit: Mars, roles: [Phantom], members: [6f1c2c4e-0000-4000-8000-000000000099] }
                applications:
                  - { appId: a1, name: A, kind: dataverse, roles: [Spectre] }
                portal:
                  anonymousUser: 6f1c2c4e-0000-4000-8000-000000000098
                  mappings:
                    - { contactId: 7c000000-0000-4000-8000-000000000001, user: 6f1c2c4e-0000-4000-8000-000000000097, company: ZZZZ }
                """);
        assertThat(problems)
                .containsExactly(
                        problem(3, "businessUnits[1].parent", "unknown business unit 'Nowhere'"),
                        problem(8, "users[0].businessUnit", "unknown business unit 'Atlantis'"),
                        problem(9, "users[0].roles[0]", "unknown role 'Ghost'"),
                        problem(9, "users[0].roles[1].role", "unknown role 'Ghost2'"),
                        problem(9, "users[0].roles[2].companies[0]", "unknown company 'xxxx'"),
                        problem(11, "teams[0].businessUnit", "unknown business unit 'Mars'"),
                        problem(11, "teams[0].roles[0]", "unknown role 'Phantom'"),
                        problem(11, "teams[0].members[0]", "unknown user 6f1c2c4e-0000-4000-8000-000000000099"),
                        problem(13, "applications[0].roles[0]", "unknown role 'Spectre'"),
                        problem(
                                15,
                                "portal.anonymousUser",
                                "the anonymous portal user is unknown user 6f1c2c4e-0000-4000-8000-000000000098"),
                        problem(17, "portal.mappings[0].company", "unknown company 'zzzz'"),
                        problem(
                                17,
                                "portal.mappings[0].user",
                                "portal contact 7c000000-0000-4000-8000-000000000001 maps to unknown user 6f1c2c4e-0000-4000-8000-000000000097"));
    }

    @Test
    void reportsABusinessUnitCycleOnce() {
        assertThat(
                        problemsOf(
                                """
                businessUnits:
                  - name: Root
                  - { name: A, parent: B }
                  - { name: B, parent: C }
                  - { name: C, parent: A }
                  - { name: D, parent: A }
                  - { name: E, parent: E }
                """))
                .containsExactly(
                        problem(3, "businessUnits[1].parent", "business units form a parent cycle: A -> B -> C -> A"),
                        problem(7, "businessUnits[5].parent", "business units form a parent cycle: E -> E"));
    }

    @Test
    void requiresExactlyOneRoot() {
        assertThat(
                        problemsOf(
                                """
                businessUnits:
                  - { name: A, parent: B }
                  - { name: B, parent: A }
                """))
                .containsExactly(
                        problem(2, "businessUnits", "no business unit is the root: exactly one must have no parent"),
                        problem(2, "businessUnits[0].parent", "business units form a parent cycle: A -> B -> A"));
        assertThat(
                        problemsOf(
                                """
                companies: [usmf]
                businessUnits:
                  - name: A
                  - name: B
                """))
                .containsExactly(problem(
                        3, "businessUnits", "exactly one business unit may have no parent (the root), found 2: A, B"));
    }

    @Test
    void checksEntitiesFieldsAndDepthsAgainstTheCatalog() {
        List<Problem> problems = problemsOf(
                """
                businessUnits: [{ name: Root }]
                roles:
                  - name: R
                    privileges:
                      - { entity: mserp_nosuchentity, read: Global }
                      - { entity: mserp_releasedproductv2entity, read: Basic, write: Local, delete: Deep, create: Global }
                      - { entity: mserp_salesorderheaderv2entity, read: Basic, write: Local, delete: Deep }
                      - { entity: mserp_custcustomerv3entity, read: Everything }
                    rowFilters:
                      - { entity: mserp_nosuchentity2, filter: "a eq 1" }
                    fieldSecurity:
                      - { entity: mserp_custcustomerv3entity, field: mserp_nosuchfield, read: false }
                      - { entity: mserp_nosuchentity3, field: f, read: maybe }
                    actions: [anything_goes, Anything Else]
                """);
        String onlyNoneAndGlobal = "' has no owner or business-unit field, so only None and Global are allowed";
        assertThat(problems)
                .containsExactly(
                        problem(
                                5,
                                "roles[0].privileges[0].entity",
                                "unknown entity 'mserp_nosuchentity': it is not in the catalog"),
                        problem(
                                6,
                                "roles[0].privileges[1].read",
                                "depth Basic is not allowed: entity 'mserp_releasedproductv2entity"
                                        + onlyNoneAndGlobal),
                        problem(
                                6,
                                "roles[0].privileges[1].write",
                                "depth Local is not allowed: entity 'mserp_releasedproductv2entity"
                                        + onlyNoneAndGlobal),
                        problem(
                                6,
                                "roles[0].privileges[1].delete",
                                "depth Deep is not allowed: entity 'mserp_releasedproductv2entity" + onlyNoneAndGlobal),
                        problem(
                                7,
                                "roles[0].privileges[2].read",
                                "depth Basic is not allowed: entity 'mserp_salesorderheaderv2entity' has no owner field (use None, Local, Deep or Global)"),
                        problem(
                                8,
                                "roles[0].privileges[3].read",
                                "must be one of None, Basic, Local, Deep, Global, was 'Everything'"),
                        problem(
                                10,
                                "roles[0].rowFilters[0].entity",
                                "unknown entity 'mserp_nosuchentity2': it is not in the catalog"),
                        problem(
                                12,
                                "roles[0].fieldSecurity[0].field",
                                "entity 'mserp_custcustomerv3entity' has no field 'mserp_nosuchfield'"),
                        problem(
                                13,
                                "roles[0].fieldSecurity[1].entity",
                                "unknown entity 'mserp_nosuchentity3': it is not in the catalog"),
                        problem(13, "roles[0].fieldSecurity[1].read", "must be true or false, was 'maybe'"));
    }

    @Test
    void withoutACatalogEntityNamesAndDepthsAreNotChecked() {
        SecurityDocument document = SecurityDocument.parse(
                SOURCE,
                """
                roles:
                  - name: R
                    privileges:
                      - { entity: anything, read: Basic }
                """,
                Optional.empty());
        assertThat(document.role("R").orElseThrow().depth("anything", Privilege.READ))
                .isEqualTo(Depth.BASIC);
    }

    @Test
    void enforcesThePortalUserRules() {
        List<Problem> problems = problemsOf(
                """
                businessUnits: [{ name: Root }]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: Stubby, kind: stub, businessUnit: Root }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: Sam, businessUnit: Root, roles: [System administrator, CDSVirtualEntityAuthorizedPortalUser] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000003, name: Tess, businessUnit: Root, roles: [CDSVirtualEntityAuthorizedPortalUser] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000004, name: Lacky, businessUnit: Root }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000005, name: Polly, businessUnit: Root, roles: [CDSVirtualEntityAuthorizedPortalUser] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000006, name: Adele, businessUnit: Root, roles: [System administrator] }
                portal:
                  anonymousUser: 6f1c2c4e-0000-4000-8000-000000000002
                  mappings:
                    - { contactId: 7c000000-0000-4000-8000-000000000001, user: 6f1c2c4e-0000-4000-8000-000000000001 }
                    - { contactId: 7c000000-0000-4000-8000-000000000002, user: 6f1c2c4e-0000-4000-8000-000000000003 }
                    - { contactId: 7c000000-0000-4000-8000-000000000003, user: 6f1c2c4e-0000-4000-8000-000000000004 }
                    - { contactId: 7c000000-0000-4000-8000-000000000004, user: 6f1c2c4e-0000-4000-8000-000000000005 }
                    - { contactId: 7c000000-0000-4000-8000-000000000004, user: 6f1c2c4e-0000-4000-8000-000000000005 }
                    - { contactId: 7c000000-0000-4000-8000-000000000005, user: 6f1c2c4e-0000-4000-8000-000000000006 }
                """);
        // An administrator role is a warning only (see portalUserHoldingAnAdministratorRoleIsAWarning);
        // lacking the portal role is still an error, also for an administrator.
        assertThat(problems)
                .containsExactly(
                        problem(
                                12,
                                "portal.mappings[0].user",
                                "portal contact 7c000000-0000-4000-8000-000000000001 maps to Stubby "
                                        + "(6f1c2c4e-0000-4000-8000-000000000001), a stub user; portal users must be person users"),
                        problem(
                                14,
                                "portal.mappings[2].user",
                                "portal contact 7c000000-0000-4000-8000-000000000003 maps to Lacky "
                                        + "(6f1c2c4e-0000-4000-8000-000000000004), who lacks the CDSVirtualEntityAuthorizedPortalUser role, "
                                        + "which every portal user needs"),
                        problem(
                                16,
                                "portal.mappings[4].contactId",
                                "duplicate portal contact '7c000000-0000-4000-8000-000000000004' (first on line 15)"),
                        problem(
                                17,
                                "portal.mappings[5].user",
                                "portal contact 7c000000-0000-4000-8000-000000000005 maps to Adele "
                                        + "(6f1c2c4e-0000-4000-8000-000000000006), who lacks the CDSVirtualEntityAuthorizedPortalUser role, "
                                        + "which every portal user needs"));
    }

    @Test
    void portalUserHoldingAnAdministratorRoleIsAWarning() {
        SecurityDocument.Parsed parsed = SecurityDocument.parseWithWarnings(
                SOURCE,
                """
                businessUnits: [{ name: Root }]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: Sam, businessUnit: Root, roles: [System administrator, CDSVirtualEntityAuthorizedPortalUser] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000003, name: Tess, businessUnit: Root, roles: [CDSVirtualEntityAuthorizedPortalUser] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000005, name: Polly, businessUnit: Root, roles: [CDSVirtualEntityAuthorizedPortalUser] }
                teams:
                  - { name: Security team, businessUnit: Root, roles: [Security administrator], members: [6f1c2c4e-0000-4000-8000-000000000003] }
                portal:
                  anonymousUser: 6f1c2c4e-0000-4000-8000-000000000002
                  mappings:
                    - { contactId: 7c000000-0000-4000-8000-000000000002, user: 6f1c2c4e-0000-4000-8000-000000000003 }
                    - { contactId: 7c000000-0000-4000-8000-000000000004, user: 6f1c2c4e-0000-4000-8000-000000000005 }
                """,
                Optional.of(SecurityFixtures.catalog()));
        assertThat(parsed.warnings())
                .containsExactly(
                        problem(
                                9,
                                "portal.anonymousUser",
                                "the anonymous portal user is Sam (6f1c2c4e-0000-4000-8000-000000000002), "
                                        + "who holds System administrator, which a portal user may not hold: the gateway refuses this portal user with 403"),
                        problem(
                                11,
                                "portal.mappings[0].user",
                                "portal contact 7c000000-0000-4000-8000-000000000002 maps to Tess "
                                        + "(6f1c2c4e-0000-4000-8000-000000000003), who holds Security administrator through team Security team, "
                                        + "which a portal user may not hold: the gateway refuses this portal user with 403"));
        // The mappings are kept: the run-time check (CallerResolver) refuses them.
        assertThat(parsed.document().portal().anonymousUser())
                .hasValueSatisfying(id -> assertThat(id.toString()).endsWith("000000000002"));
        assertThat(parsed.document().portal().mappings()).hasSize(2);
        assertThat(SecurityDocument.parse(SOURCE, parsed.document().toYaml(), Optional.of(SecurityFixtures.catalog())))
                .isEqualTo(parsed.document());
        assertThat(SecurityDocument.parseWithWarnings(
                                SecurityFixtures.validFile(), Optional.of(SecurityFixtures.catalog()))
                        .warnings())
                .isEmpty();
    }

    @Test
    void checksValuesAndRequiredKeys() {
        List<Problem> problems = problemsOf(
                """
                businessUnits: [{ name: Root }]
                users:
                  - id: not-a-guid
                    name: U
                    enabled: maybe
                    accessMode: Sometimes
                    kind: robot
                    businessUnit: Root
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: NoUnit }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000003, name: Stub, kind: stub, roles: [System administrator] }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000004, name: Restricted, businessUnit: Root, roles: [{ role: System administrator, companies: [] }] }
                  - { name: NoId, businessUnit: Root, attributes: [a, b] }
                applications:
                  - { appId: a1, name: A }
                  - { appId: a2, name: B, kind: mobile }
                teams:
                  - { name: T, businessUnit: Root, members: [6f1c2c4e-0000-4000-8000-000000000003] }
                """);
        assertThat(problems)
                .containsExactly(
                        problem(
                                3,
                                "users[0].id",
                                "must be a GUID such as 00000000-0000-0000-0000-000000000000, was 'not-a-guid'"),
                        problem(5, "users[0].enabled", "must be true or false, was 'maybe'"),
                        problem(
                                6,
                                "users[0].accessMode",
                                "must be one of ReadWrite, Administrative, NonInteractive, was 'Sometimes'"),
                        problem(7, "users[0].kind", "must be one of person, stub, was 'robot'"),
                        problem(9, "users[1].businessUnit", "is required for person users"),
                        problem(
                                10,
                                "users[2].roles",
                                "a stub user cannot hold roles: stub users only own rows and can never be callers"),
                        problem(
                                11,
                                "users[3].roles[0].companies",
                                "must name at least one company (leave companies out for all companies)"),
                        problem(12, "users[4].id", "is required"),
                        problem(12, "users[4].attributes", "must be a mapping of attribute names to text values"),
                        problem(
                                17,
                                "teams[0].members[0]",
                                "user Stub (6f1c2c4e-0000-4000-8000-000000000003) is a stub user and cannot be a team member"),
                        problem(14, "applications[0].kind", "is required (dataverse, portal or provisioning)"),
                        problem(
                                15,
                                "applications[1].kind",
                                "must be one of dataverse, portal, provisioning, was 'mobile'"));
    }

    @Test
    void aFileNamesItselfInEveryProblem() {
        Path file = Path.of("src/test/resources/security/invalid.yaml");
        assertThatThrownBy(() -> SecurityDocument.parse(file, Optional.of(SecurityFixtures.catalog())))
                .isInstanceOfSatisfying(ProblemsException.class, e -> {
                    assertThat(e.problems()).hasSize(3).allSatisfy(problem -> assertThat(problem.source())
                            .isEqualTo(file.toString()));
                    assertThat(e.getMessage())
                            .contains(
                                    file
                                            + ":6: roles[0].privileges[0].read: must be one of None, Basic, Local, Deep, Global, was 'Always'");
                });
    }

    @Test
    void reportsYamlSyntaxErrorsAndAWrongRoot() {
        assertThat(problemsOf("roles:\n  - name: [unclosed\n")).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(3);
            assertThat(problem.message()).startsWith("invalid YAML");
        });
        assertThat(problemsOf("- just\n- a list\n"))
                .singleElement()
                .extracting(Problem::line, Problem::key)
                .containsExactly(1, "");
    }

    @Test
    void aManagerIsAnotherUserOfTheFileAndManagersMakeNoCycle() {
        List<Problem> problems = problemsOf(
                """
                businessUnits: [{ name: Root }]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: A, businessUnit: Root, manager: 6f1c2c4e-0000-4000-8000-000000000002 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: B, businessUnit: Root, manager: 6f1c2c4e-0000-4000-8000-000000000001 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000003, name: C, businessUnit: Root, manager: 6f1c2c4e-0000-4000-8000-000000000003 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000004, name: D, businessUnit: Root, manager: 6f1c2c4e-0000-4000-8000-000000000009 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000005, name: E, businessUnit: Root, language: 0 }
                """);
        assertThat(problems)
                .extracting(Problem::message)
                .contains(
                        "the managers of user 'A' form a cycle (a user is above itself)",
                        "the managers of user 'B' form a cycle (a user is above itself)",
                        "a user cannot be its own manager",
                        "unknown user '6f1c2c4e-0000-4000-8000-000000000009' (a manager is the id of a user of this file)")
                .hasSize(5);
    }

    private static List<Problem> problemsOf(String yaml) {
        try {
            SecurityDocument.parse(SOURCE, yaml, Optional.of(SecurityFixtures.catalog()));
        } catch (ProblemsException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems in\n" + yaml);
    }

    private static Problem problem(int line, String key, String message) {
        return new Problem(SOURCE, line, key, message);
    }
}
