package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.CUSTOMERS;
import static dev.vegateway.adapter.security.SecurityFixtures.DAVE;
import static dev.vegateway.adapter.security.SecurityFixtures.DORA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static dev.vegateway.adapter.security.SecurityFixtures.PRODUCTS;
import static dev.vegateway.adapter.security.SecurityFixtures.SAM;
import static dev.vegateway.adapter.security.SecurityFixtures.VENDORS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EffectivePermissionsTest {
    private static final String LOCAL_VENDORS = "mserp_vendorgroupid eq 'LOCAL'";
    private static final UUID RESTRICTED = SecurityFixtures.user(50);
    private static final UUID RESTRICTED_ADMINISTRATOR = SecurityFixtures.user(51);

    /** Where a grant reaches, for assertions that compare grants without it. */
    private static final Reach ANY = Reach.direct(new UUID(0, 0), Optional.empty(), Set.of());

    private final SecurityStore store = storeWithRestrictedUsers();

    @Test
    void rolesAreCumulativeAndTheGreatestDepthPrevails() {
        EffectivePermissions alice = store.permissionsOf(ALICE);
        assertThat(alice.user().name()).isEqualTo("Alice Sales");
        // Sales manager directly, Sales clerk directly (usmf) and through the Sales team (all companies)
        assertThat(alice.roles()).containsExactly("Sales manager", "Sales clerk");
        assertThat(alice.hasRole("Sales clerk")).isTrue();
        assertThat(alice.hasRole("AP clerk")).isFalse();
        assertThat(alice.depth(CUSTOMERS, Privilege.READ)).isEqualTo(Depth.GLOBAL); // Global beats Deep
        assertThat(alice.depth(CUSTOMERS, Privilege.WRITE)).isEqualTo(Depth.LOCAL); // Local beats Basic
        assertThat(alice.depth(CUSTOMERS, Privilege.CREATE)).isEqualTo(Depth.BASIC); // only Sales clerk grants it
        assertThat(alice.depth(CUSTOMERS, Privilege.DELETE)).isEqualTo(Depth.NONE);
        assertThat(alice.depth(VENDORS, Privilege.READ)).isEqualTo(Depth.NONE);
        assertThat(alice.depth("mserp_unknownentity", Privilege.READ)).isEqualTo(Depth.NONE);
        assertThat(alice.isSystemAdministrator()).isFalse();
        assertThat(alice.isSecurityAdministrator()).isFalse();
    }

    @Test
    void grantsListEveryGrantingAssignmentWithItsCompaniesAndRowFilter() {
        EffectivePermissions alice = store.permissionsOf(ALICE);
        assertThat(alice.grants(CUSTOMERS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(
                        new RoleGrant("Sales manager", Depth.GLOBAL, Optional.empty(), Optional.empty(), ANY),
                        new RoleGrant("Sales clerk", Depth.DEEP, Optional.of(Set.of("usmf")), Optional.empty(), ANY),
                        new RoleGrant("Sales clerk", Depth.DEEP, Optional.empty(), Optional.empty(), ANY));
        assertThat(alice.grants(CUSTOMERS, Privilege.DELETE)).isEmpty();
        // Sales manager has a row filter on vendors but grants no privilege there
        assertThat(alice.grants(VENDORS, Privilege.READ)).isEmpty();
    }

    @Test
    void teamMembersHoldTheTeamsRoles() {
        EffectivePermissions dave = store.permissionsOf(DAVE);
        assertThat(dave.roles()).containsExactly("AP clerk", "Sales clerk");
        assertThat(dave.grants(VENDORS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new RoleGrant(
                        "AP clerk", Depth.GLOBAL, Optional.of(Set.of("demf")), Optional.of(LOCAL_VENDORS), ANY));
        assertThat(dave.depth(VENDORS, Privilege.WRITE)).isEqualTo(Depth.DEEP);
        assertThat(dave.actionAllowed("mserp_approve")).isTrue();
        assertThat(dave.actionAllowed("mserp_placeonhold")).isFalse();
    }

    @Test
    void companiesAreTheUnionOfTheAssignmentsOrAllOnceOneIsUnrestricted() {
        assertThat(store.permissionsOf(ALICE).companies()).containsExactly("usmf", "demf", "gbsi");
        EffectivePermissions restricted = store.permissionsOf(RESTRICTED);
        assertThat(restricted.companies()).containsExactly("usmf", "demf");
        assertThat(restricted.grants(CUSTOMERS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(
                        new RoleGrant("Sales clerk", Depth.DEEP, Optional.of(Set.of("usmf")), Optional.empty(), ANY));
        assertThat(restricted.grants(VENDORS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new RoleGrant(
                        "AP clerk", Depth.GLOBAL, Optional.of(Set.of("demf")), Optional.of(LOCAL_VENDORS), ANY));
    }

    @Test
    void restrictingToACompanyNarrowsEveryAssignment() {
        EffectivePermissions paula = store.permissionsOf(PAULA);
        assertThat(paula.companies()).containsExactly("usmf", "demf", "gbsi");
        EffectivePermissions inUsmf = paula.restrictedToCompany("usmf");
        assertThat(inUsmf.companies()).containsExactly("usmf");
        assertThat(inUsmf.grants(CUSTOMERS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new RoleGrant(
                        "Portal customer", Depth.BASIC, Optional.of(Set.of("usmf")), Optional.empty(), ANY));
        EffectivePermissions inGbsi = paula.restrictedToCompany("gbsi");
        assertThat(inGbsi.roles()).containsExactly(BuiltInRoles.AUTHORIZED_PORTAL_USER);
        assertThat(inGbsi.depth(CUSTOMERS, Privilege.READ)).isEqualTo(Depth.NONE);
    }

    @Test
    void restrictingToACompanyKeepsTheTeamsHierarchyLanguageAndTimeZone() {
        EffectivePermissions paula = store.permissionsOf(PAULA);
        UUID team = UUID.nameUUIDFromBytes("team:Portal desk".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        UUID report = UUID.nameUUIDFromBytes("user:report".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        EffectivePermissions.Hierarchy hierarchy = new EffectivePermissions.Hierarchy(
                Set.of(report),
                Set.of(team),
                java.util.OptionalInt.of(1031),
                Optional.of(java.time.ZoneId.of("Europe/Berlin")));
        EffectivePermissions withSettings = new EffectivePermissions(
                paula.user(),
                List.of(new EffectivePermissions.Assignment(
                        "Portal customer",
                        Optional.empty(),
                        Optional.empty(),
                        Reach.direct(paula.user().id(), paula.user().businessUnitId(), Set.of()))),
                Map.of(),
                Set.of("usmf", "demf"),
                Set.of(),
                Set.of(team),
                hierarchy);

        EffectivePermissions inUsmf = withSettings.restrictedToCompany("usmf");

        assertThat(inUsmf.companies()).containsExactly("usmf");
        assertThat(inUsmf.teams()).containsExactly(team);
        assertThat(inUsmf.hierarchy()).isEqualTo(hierarchy);
    }

    @Test
    void aFieldIsUnreadableOnlyIfEveryRoleGrantingReadDeniesIt() {
        // Dora holds only Sales manager, which denies reading and updating the credit limit
        EffectivePermissions dora = store.permissionsOf(DORA);
        assertThat(dora.unreadableFields(CUSTOMERS)).containsExactly("mserp_creditlimit");
        assertThat(dora.unupdatableFields(CUSTOMERS)).containsExactly("mserp_creditlimit");
        // Alice also holds Sales clerk, which lets her read the credit limit but not update it
        EffectivePermissions alice = store.permissionsOf(ALICE);
        assertThat(alice.unreadableFields(CUSTOMERS)).isEmpty();
        assertThat(alice.unupdatableFields(CUSTOMERS)).containsExactly("mserp_creditlimit");
        assertThat(alice.unreadableFields(VENDORS)).isEmpty();
        // Sales clerk, her only role granting Create, says update: false and nothing of create: create follows update
        assertThat(alice.uncreatableFields(CUSTOMERS)).containsExactly("mserp_creditlimit");
    }

    @Test
    void aSystemAdministratorMayDoEverything() {
        EffectivePermissions sam = store.permissionsOf(SAM);
        assertThat(sam.isSystemAdministrator()).isTrue();
        assertThat(sam.isSecurityAdministrator()).isTrue();
        for (Privilege privilege : Privilege.values()) {
            assertThat(sam.depth(PRODUCTS, privilege)).isEqualTo(Depth.GLOBAL);
            assertThat(sam.depth("mserp_anyentity", privilege)).isEqualTo(Depth.GLOBAL);
        }
        assertThat(sam.grants(CUSTOMERS, Privilege.DELETE))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new RoleGrant(
                        BuiltInRoles.SYSTEM_ADMINISTRATOR, Depth.GLOBAL, Optional.empty(), Optional.empty(), ANY));
        assertThat(sam.actionAllowed("any_action")).isTrue();
        assertThat(sam.unreadableFields(CUSTOMERS)).isEmpty();
        assertThat(sam.unupdatableFields(CUSTOMERS)).isEmpty();
        assertThat(sam.uncreatableFields(CUSTOMERS)).isEmpty();
        assertThat(sam.companies()).containsExactly("usmf", "demf", "gbsi");

        EffectivePermissions restrictedAdministrator = store.permissionsOf(RESTRICTED_ADMINISTRATOR);
        assertThat(restrictedAdministrator.depth(CUSTOMERS, Privilege.READ)).isEqualTo(Depth.GLOBAL);
        assertThat(restrictedAdministrator.grants(CUSTOMERS, Privilege.READ))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("reach")
                .containsExactly(new RoleGrant(
                        BuiltInRoles.SYSTEM_ADMINISTRATOR,
                        Depth.GLOBAL,
                        Optional.of(Set.of("gbsi")),
                        Optional.empty(),
                        ANY));
        assertThat(restrictedAdministrator.companies()).containsExactly("gbsi");
    }

    @Test
    void knowsTheBusinessUnitAndItsDescendants() {
        assertThat(store.permissionsOf(ALICE).businessUnit()).isEqualTo(BusinessUnit.idFor("Contoso US"));
        assertThat(store.permissionsOf(ALICE).businessUnitAndDescendants())
                .containsExactly(BusinessUnit.idFor("Contoso US"));
        assertThat(store.permissionsOf(DORA).businessUnitAndDescendants())
                .containsExactlyInAnyOrder(BusinessUnit.idFor("Contoso Europe"), BusinessUnit.idFor("Contoso UK"));
        assertThat(store.permissionsOf(SAM).businessUnitAndDescendants()).hasSize(4);
        UUID applicationUser =
                SecurityFixtures.validDocument().applications().get(0).userId();
        assertThatThrownBy(() -> store.permissionsOf(applicationUser).businessUnit())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("user Dataverse virtual entities has no business unit");
        assertThat(store.permissionsOf(applicationUser).businessUnitAndDescendants())
                .isEmpty();
    }

    /** The valid data plus a user restricted to two companies and a System administrator restricted to gbsi. */
    private static SecurityStore storeWithRestrictedUsers() {
        SecurityStore store = SecurityFixtures.storeWithValidData();
        SecurityDocument valid = SecurityFixtures.validDocument();
        List<User> users = new ArrayList<>(valid.users());
        users.add(new User(
                RESTRICTED,
                "Rita Restricted",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(
                        new RoleAssignment("Sales clerk", Optional.of(Set.of("usmf")), Optional.empty()),
                        new RoleAssignment("AP clerk", Optional.of(Set.of("demf")), Optional.empty())),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        users.add(new User(
                RESTRICTED_ADMINISTRATOR,
                "Gus Gbsi",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(new RoleAssignment(
                        BuiltInRoles.SYSTEM_ADMINISTRATOR, Optional.of(Set.of("gbsi")), Optional.empty())),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        store.replaceAll(SecurityStoreTest.withUsers(valid, users));
        return store;
    }

    /**
     * Field rules are cumulative over generated roles: a field may be set on create (update)
     * exactly when some role granting Create (Write) has no rule denying it, and read exactly
     * when some role granting Read lets it be read.
     */
    @Test
    void fieldRulesOfGeneratedRolesCombineAsTheMostPermissiveGrantingRole() {
        java.util.Random random = new java.util.Random(11);
        List<String> fields = List.of("f1", "f2", "f3");
        BackendUser user = new BackendUser(
                UUID.randomUUID(),
                "Generated",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.empty(),
                Map.of());
        for (int round = 0; round < 300; round++) {
            Map<String, SecurityDocument.Role> roles = new java.util.LinkedHashMap<>();
            List<EffectivePermissions.Assignment> assignments = new java.util.ArrayList<>();
            for (int r = 0; r < 1 + random.nextInt(3); r++) {
                Map<Privilege, Depth> depths = new java.util.EnumMap<>(Privilege.class);
                for (Privilege privilege : List.of(Privilege.READ, Privilege.CREATE, Privilege.WRITE)) {
                    depths.put(privilege, random.nextBoolean() ? Depth.GLOBAL : Depth.NONE);
                }
                List<SecurityDocument.FieldSecurity> rules = new java.util.ArrayList<>();
                for (String field : fields) {
                    if (random.nextBoolean()) {
                        rules.add(new SecurityDocument.FieldSecurity(
                                "e", field, random.nextBoolean(), random.nextBoolean(), random.nextBoolean()));
                    }
                }
                String name = "role" + r;
                roles.put(
                        name,
                        new SecurityDocument.Role(
                                name,
                                List.of(new SecurityDocument.EntityPrivileges("e", depths)),
                                List.of(),
                                List.of(),
                                rules));
                assignments.add(new EffectivePermissions.Assignment(name, Optional.empty(), Optional.empty(), ANY));
            }
            EffectivePermissions permissions = new EffectivePermissions(user, assignments, roles, Set.of(), Set.of());
            for (String field : fields) {
                assertThat(permissions.uncreatableFields("e").contains(field))
                        .as("round %d create %s", round, field)
                        .isEqualTo(!allows(roles.values(), Privilege.CREATE, field, rule -> rule.create()));
                assertThat(permissions.unupdatableFields("e").contains(field))
                        .as("round %d update %s", round, field)
                        .isEqualTo(!allows(roles.values(), Privilege.WRITE, field, rule -> rule.update()));
                assertThat(permissions.unreadableFields("e").contains(field))
                        .as("round %d read %s", round, field)
                        .isEqualTo(!allows(roles.values(), Privilege.READ, field, rule -> rule.read()));
            }
        }
    }

    /** Some role grants the privilege and either has no rule on the field or a rule that allows it (an empty set: none). */
    private static boolean allows(
            java.util.Collection<SecurityDocument.Role> roles,
            Privilege privilege,
            String field,
            java.util.function.Predicate<SecurityDocument.FieldSecurity> allowed) {
        boolean anyGrant = false;
        for (SecurityDocument.Role role : roles) {
            if (!role.depth("e", privilege).grantsAccess()) {
                continue;
            }
            anyGrant = true;
            Optional<SecurityDocument.FieldSecurity> rule = role.fieldSecurity().stream()
                    .filter(candidate -> candidate.field().equals(field))
                    .findFirst();
            if (rule.isEmpty() || allowed.test(rule.get())) {
                return true;
            }
        }
        // Without any granting role nothing is denied field by field: the privilege itself is missing.
        return !anyGrant;
    }
}
