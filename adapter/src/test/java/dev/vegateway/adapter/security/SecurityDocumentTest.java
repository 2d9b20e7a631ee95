package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.ANONYMOUS;
import static dev.vegateway.adapter.security.SecurityFixtures.CUSTOMERS;
import static dev.vegateway.adapter.security.SecurityFixtures.DAVE;
import static dev.vegateway.adapter.security.SecurityFixtures.NICK;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA_CONTACT_USMF;
import static dev.vegateway.adapter.security.SecurityFixtures.PRODUCTS;
import static dev.vegateway.adapter.security.SecurityFixtures.ROW_OWNER;
import static dev.vegateway.adapter.security.SecurityFixtures.VENDORS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.security.SecurityDocument.Application;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.FieldSecurity;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.RowFilter;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecurityDocumentTest {
    private final SecurityDocument document = SecurityFixtures.validDocument();

    @Test
    void readsBusinessUnitsWithIdsDerivedFromTheirNames() {
        assertThat(document.businessUnits())
                .containsExactly(
                        new BusinessUnit("Contoso", Optional.empty()),
                        new BusinessUnit("Contoso US", Optional.of("Contoso")),
                        new BusinessUnit("Contoso Europe", Optional.of("Contoso")),
                        new BusinessUnit("Contoso UK", Optional.of("Contoso Europe")));
        assertThat(document.businessUnits().get(1).id())
                .isEqualTo(UUID.nameUUIDFromBytes(
                        "businessunit:Contoso US".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void storesCompaniesLowerCase() {
        assertThat(document.companies()).containsExactly("usmf", "demf", "gbsi");
        assertThat(document.portal().mappings().get(0).company()).contains("usmf");
        assertThat(document.user(PAULA).orElseThrow().roles().get(1).companies())
                .contains(Set.of("usmf", "demf"));
    }

    @Test
    void readsRolesWithDepthsMatchedIgnoringCaseAndTheBuiltInRolesAppended() {
        Role salesManager = document.role("Sales manager").orElseThrow();
        assertThat(salesManager.privileges())
                .containsExactly(
                        new EntityPrivileges(
                                CUSTOMERS, Map.of(Privilege.READ, Depth.GLOBAL, Privilege.WRITE, Depth.LOCAL)),
                        new EntityPrivileges(PRODUCTS, Map.of(Privilege.READ, Depth.GLOBAL)));
        assertThat(salesManager.depth(CUSTOMERS, Privilege.CREATE)).isEqualTo(Depth.NONE);
        assertThat(salesManager.actions()).containsExactly("mserp_placeonhold");
        assertThat(salesManager.rowFilters()).containsExactly(new RowFilter(VENDORS, "mserp_vendorgroupid eq 'LOCAL'"));
        assertThat(salesManager.fieldSecurity())
                .containsExactly(new FieldSecurity(CUSTOMERS, "mserp_creditlimit", false, false, false));
        assertThat(document.role("Sales clerk")
                        .orElseThrow()
                        .privileges()
                        .get(0)
                        .depths())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        Privilege.CREATE,
                        Depth.BASIC,
                        Privilege.READ,
                        Depth.DEEP,
                        Privilege.WRITE,
                        Depth.BASIC,
                        Privilege.DELETE,
                        Depth.NONE,
                        Privilege.APPEND,
                        Depth.BASIC,
                        Privilege.APPEND_TO,
                        Depth.BASIC));
        assertThat(document.role("Sales clerk").orElseThrow().fieldSecurity())
                .containsExactly(new FieldSecurity(CUSTOMERS, "mserp_creditlimit", true, false, false));
        assertThat(document.roles())
                .extracting(Role::name)
                .containsExactly(
                        "Sales manager",
                        "Sales clerk",
                        "AP clerk",
                        "Portal customer",
                        "System administrator",
                        "Security administrator",
                        "CDSVirtualEntityApplication",
                        "CDSVirtualEntityAuthorizedPortalUser");
    }

    @Test
    void readsUsersWithDefaults() {
        assertThat(document.user(ALICE))
                .contains(new User(
                        ALICE,
                        "Alice Sales",
                        Optional.of(UUID.fromString("9a0e0000-0000-4000-8000-000000000001")),
                        true,
                        AccessMode.READ_WRITE,
                        UserKind.PERSON,
                        Optional.of("Contoso US"),
                        Map.of("region", "West", "level", "3"),
                        List.of(
                                RoleAssignment.unrestricted("Sales manager"),
                                new RoleAssignment("Sales clerk", Optional.of(Set.of("usmf")), Optional.empty())),
                        dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        User dave = document.user(DAVE).orElseThrow();
        assertThat(dave.enabled()).isTrue();
        assertThat(dave.accessMode()).isEqualTo(AccessMode.READ_WRITE);
        assertThat(dave.kind()).isEqualTo(UserKind.PERSON);
        assertThat(dave.roles()).isEmpty();
        assertThat(document.user(ROW_OWNER).orElseThrow().kind()).isEqualTo(UserKind.STUB);
        assertThat(document.user(NICK).orElseThrow().accessMode()).isEqualTo(AccessMode.NON_INTERACTIVE);
        assertThat(document.user(SecurityFixtures.ADAM).orElseThrow().accessMode())
                .isEqualTo(AccessMode.ADMINISTRATIVE);
    }

    @Test
    void readsTeamsApplicationsAndThePortal() {
        assertThat(document.teams())
                .containsExactly(
                        new Team(
                                "AP team",
                                "Contoso",
                                List.of(new RoleAssignment("AP clerk", Optional.of(Set.of("demf")), Optional.empty())),
                                List.of(DAVE)),
                        new Team(
                                "Sales team",
                                "Contoso US",
                                List.of(RoleAssignment.unrestricted("Sales clerk")),
                                List.of(ALICE, DAVE)));
        assertThat(document.applications()).hasSize(4);
        assertThat(document.applications().get(1))
                .isEqualTo(new Application(
                        "22222222-2222-4222-8222-222222222222",
                        "Customer portal",
                        ApplicationKind.PORTAL,
                        true,
                        List.of(RoleAssignment.unrestricted("CDSVirtualEntityApplication"))));
        assertThat(document.applications().get(3).roles()).isEmpty();
        assertThat(document.portal())
                .isEqualTo(new Portal(
                        Optional.of(ANONYMOUS),
                        List.of(
                                new PortalMapping(PAULA_CONTACT_USMF, PAULA, Optional.of("usmf")),
                                new PortalMapping(SecurityFixtures.PAULA_CONTACT_ALL, PAULA, Optional.empty()))));
    }

    @Test
    void parsesWithoutACatalog() {
        SecurityDocument withoutCatalog = SecurityDocument.parse(SecurityFixtures.validFile(), Optional.empty());
        assertThat(withoutCatalog).isEqualTo(document);
    }

    @Test
    void exportRoundTrips() {
        String yaml = document.toYaml();
        assertThat(SecurityDocument.parse("export", yaml, Optional.of(SecurityFixtures.catalog())))
                .isEqualTo(document);
        assertThat(yaml).contains("- { entity: mserp_custcustomerv3entity, read: Global, write: Local }");
        assertThat(yaml).contains("- { role: Sales clerk, companies: [usmf] }");
        assertThat(yaml).contains("accessMode: NonInteractive");
    }

    @Test
    void exportRoundTripsAwkwardTextAndExplicitIds() {
        String awkward = "name: with \"quotes\", # hash, [brackets] {braces} and \\ backslash";
        UUID unitId = UUID.fromString("00000000-0000-4000-8000-00000000abcd");
        SecurityDocument tricky = new SecurityDocument(
                List.of(
                        new BusinessUnit(unitId, "Root: the top", Optional.empty()),
                        new BusinessUnit(" padded ", Optional.of("Root: the top"))),
                List.of("null", "true", "0123"),
                List.of(new Role(
                        "- dash role",
                        List.of(new EntityPrivileges("e1", Map.of(Privilege.APPEND_TO, Depth.DEEP))),
                        List.of("yes", "1.5e3", "2024-01-01"),
                        List.of(new RowFilter("e1", "a eq 'x \"y\" # [z] {w} \\'\nand b eq 'tab\there'")),
                        List.of(
                                new FieldSecurity("e1", "f1", false, false, true),
                                new FieldSecurity("e1", "f2", true, true, false),
                                new FieldSecurity("e1", "f3", true, false, false)))),
                List.of(new User(
                        ALICE,
                        "Ünïcödé 名前 \u0001 control",
                        Optional.empty(),
                        false,
                        AccessMode.ADMINISTRATIVE,
                        UserKind.STUB,
                        Optional.empty(),
                        Map.of("key: with colon", awkward, "~", ""),
                        List.of(),
                        dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE)),
                List.of(new Team(
                        UUID.fromString("00000000-0000-4000-8000-00000000beef"),
                        "team",
                        "Root: the top",
                        List.of(new RoleAssignment(
                                "- dash role", Optional.of(Set.of("null", "0123")), Optional.empty())),
                        List.of(),
                        Optional.empty())),
                List.of(new Application("app/with:colon", "on", ApplicationKind.PORTAL, false, List.of())),
                Portal.NONE);
        String yaml = tricky.toYaml();
        assertThat(SecurityDocument.parse("export", yaml, Optional.empty())).isEqualTo(tricky);
        assertThat(yaml)
                .contains("id: 00000000-0000-4000-8000-00000000abcd")
                .contains("id: 00000000-0000-4000-8000-00000000beef");
    }

    @Test
    void managersAndLanguagesRoundTrip() {
        SecurityDocument managed = SecurityDocument.parse(
                "inline",
                """
                businessUnits: [{ name: Root }]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: Boss, businessUnit: Root, language: 1031 }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: Report, businessUnit: Root, manager: 6f1c2c4e-0000-4000-8000-000000000001 }
                """,
                Optional.empty());
        assertThat(managed.users().get(0).settings())
                .isEqualTo(new SecurityDocument.UserSettings(
                        Optional.empty(), java.util.OptionalInt.of(1031), Optional.empty()));
        assertThat(managed.users().get(1).settings().manager())
                .contains(managed.users().get(0).id());
        String yaml = managed.toYaml();
        assertThat(yaml)
                .contains("manager: 6f1c2c4e-0000-4000-8000-000000000001")
                .contains("language: 1031");
        assertThat(SecurityDocument.parse("export", yaml, Optional.empty())).isEqualTo(managed);
    }

    @Test
    void timeZonesRoundTripAndAnUnknownZoneIsRefusedWithItsLine() {
        SecurityDocument zoned = SecurityDocument.parse(
                "inline",
                """
                businessUnits: [{ name: Root }]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: Tokyo, businessUnit: Root, timeZone: Asia/Tokyo }
                  - { id: 6f1c2c4e-0000-4000-8000-000000000002, name: Nowhere, businessUnit: Root }
                """,
                Optional.empty());
        assertThat(zoned.users().get(0).settings().timeZone()).contains(java.time.ZoneId.of("Asia/Tokyo"));
        assertThat(zoned.users().get(1).settings().timeZone()).isEmpty();
        assertThat(zoned.toYaml()).contains("timeZone: Asia/Tokyo");
        assertThat(SecurityDocument.parse("export", zoned.toYaml(), Optional.empty()))
                .isEqualTo(zoned);
        assertThatThrownBy(() -> SecurityDocument.parse(
                        "zones.yaml",
                        """
                        businessUnits: [{ name: Root }]
                        users:
                          - { id: 6f1c2c4e-0000-4000-8000-000000000001, name: Lost, businessUnit: Root, timeZone: Mars/Olympus }
                        """,
                        Optional.empty()))
                .hasMessageContaining("zones.yaml:3")
                .hasMessageContaining("timeZone must be an IANA time zone")
                .hasMessageContaining("Mars/Olympus");
    }

    @Test
    void anEmptyFileHoldsOnlyTheBuiltInRoles() {
        SecurityDocument empty = SecurityDocument.parse("empty", "", Optional.empty());
        assertThat(empty).isEqualTo(SecurityDocument.empty());
        assertThat(empty.roles()).extracting(Role::name).containsExactlyElementsOf(BuiltInRoles.ALL);
        assertThat(SecurityDocument.parse("export", empty.toYaml(), Optional.empty()))
                .isEqualTo(empty);
    }

    @Test
    void builtInRolesDeclaredInTheFileKeepTheirPlace() {
        SecurityDocument declared = SecurityDocument.parse(
                "inline",
                """
                roles:
                  - name: CDSVirtualEntityApplication
                    privileges:
                      - { entity: e1, read: Global }
                """,
                Optional.empty());
        assertThat(declared.roles())
                .extracting(Role::name)
                .containsExactly(
                        "CDSVirtualEntityApplication",
                        "System administrator",
                        "Security administrator",
                        "CDSVirtualEntityAuthorizedPortalUser");
        assertThat(declared.roles().get(0).depth("e1", Privilege.READ)).isEqualTo(Depth.GLOBAL);
    }
}
