package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.ALICE_OBJECT_ID;
import static dev.vegateway.adapter.security.SecurityFixtures.ANONYMOUS;
import static dev.vegateway.adapter.security.SecurityFixtures.DATAVERSE_APP;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA_CONTACT_USMF;
import static dev.vegateway.adapter.security.SecurityFixtures.ROW_OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.Application;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecurityStoreTest {
    private final SecurityDocument valid = SecurityFixtures.validDocument();
    private final AtomicLong nanos = new AtomicLong();
    private DataSource dataSource;
    private SecurityStore store;

    @BeforeEach
    void importTheValidDocument() {
        dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME, nanos::get);
        store.replaceAll(valid);
    }

    @Test
    void exportsExactlyWhatWasImported() {
        assertThat(store.exportAll()).isEqualTo(valid);
        assertThat(store.exportAll().toYaml()).isEqualTo(valid.toYaml());
    }

    @Test
    void aFreshSchemaExportsOnlyTheBuiltInRoles() {
        DataSource fresh = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(fresh);
        assertThat(new SecurityStore(fresh, SecuritySchema.DEFAULT_NAME).exportAll())
                .isEqualTo(SecurityDocument.empty());
    }

    @Test
    void replaceAllReplacesEverything() {
        SecurityDocument small = SecurityDocument.parse(
                "small",
                """
                businessUnits: [{ name: Head office }]
                companies: [usmf]
                users:
                  - { id: 6f1c2c4e-0000-4000-8000-000000000099, name: Only One, businessUnit: Head office, roles: [System administrator] }
                """,
                Optional.empty());
        store.replaceAll(small);
        assertThat(store.exportAll()).isEqualTo(small);
        assertThat(store.userById(ALICE)).isEmpty();
        assertThat(store.application(DATAVERSE_APP)).isEmpty();
        assertThat(store.anonymousPortalUser()).isEmpty();
    }

    @Test
    void looksUpUsersByIdAndByEntraObjectId() {
        BackendUser alice = store.userById(ALICE).orElseThrow();
        assertThat(alice)
                .isEqualTo(new BackendUser(
                        ALICE,
                        "Alice Sales",
                        Optional.of(ALICE_OBJECT_ID),
                        true,
                        AccessMode.READ_WRITE,
                        UserKind.PERSON,
                        Optional.of(SecurityDocument.BusinessUnit.idFor("Contoso US")),
                        Map.of("region", "West", "level", "3")));
        assertThat(store.userByEntraObjectId(ALICE_OBJECT_ID)).contains(alice);
        assertThat(store.userByEntraObjectId(ALICE)).isEmpty();
        assertThat(store.userById(ALICE_OBJECT_ID)).isEmpty();
        assertThat(store.userById(ROW_OWNER).orElseThrow().kind()).isEqualTo(UserKind.STUB);
    }

    @Test
    void storesApplicationsAsApplicationUsers() {
        assertThat(store.application(DATAVERSE_APP))
                .contains(new ApplicationUser(
                        DATAVERSE_APP,
                        "Dataverse virtual entities",
                        ApplicationKind.DATAVERSE,
                        true,
                        Set.of(BuiltInRoles.VIRTUAL_ENTITY_APPLICATION)));
        assertThat(store.application(SecurityFixtures.DISABLED_APP)
                        .orElseThrow()
                        .enabled())
                .isFalse();
        assertThat(store.application(SecurityFixtures.PORTAL_APP).orElseThrow().kind())
                .isEqualTo(ApplicationKind.PORTAL);
        assertThat(store.application("unknown")).isEmpty();
        Application application = valid.applications().get(0);
        BackendUser applicationUser = store.userById(application.userId()).orElseThrow();
        assertThat(applicationUser.kind()).isEqualTo(UserKind.APPLICATION);
        assertThat(applicationUser.name()).isEqualTo("Dataverse virtual entities");
        assertThat(store.permissionsOf(application.userId()).roles())
                .containsExactly(BuiltInRoles.VIRTUAL_ENTITY_APPLICATION);
    }

    @Test
    void looksUpThePortalMappings() {
        assertThat(store.portalMapping(PAULA_CONTACT_USMF))
                .contains(new PortalMapping(PAULA_CONTACT_USMF, PAULA, Optional.of("usmf")));
        assertThat(store.portalUserForContact(PAULA_CONTACT_USMF)).contains(PAULA);
        assertThat(store.portalUserForContact(SecurityFixtures.PAULA_CONTACT_ALL))
                .contains(PAULA);
        assertThat(store.portalUserForContact(PAULA)).isEmpty();
        assertThat(store.anonymousPortalUser()).contains(ANONYMOUS);
    }

    @Test
    void permissionsOfAnUnknownUserIsRefused() {
        UUID nobody = SecurityFixtures.user(404);
        assertThatThrownBy(() -> store.permissionsOf(nobody))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CALLER_NOT_ALLOWED))
                .hasMessage("no backend user with id " + nobody);
    }

    @Test
    void aFailureBeforeCommitLeavesTheOldDataIntact() {
        AtomicInteger changes = new AtomicInteger();
        store.addChangeListener(changes::incrementAndGet);
        SecurityDocument replacement = withUsers(valid, List.of());
        assertThatThrownBy(() -> store.replaceAll(replacement, connection -> {
                    // by now every old row is deleted and every new row inserted; a duplicate key fails the import
                    try (PreparedStatement duplicate = connection.prepareStatement(
                            "INSERT INTO \"vegateway_security\".companies (code, sort_order) VALUES ('usmf', 99)")) {
                        duplicate.executeUpdate();
                    }
                }))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage())
                            .isEqualTo("the security store failed to replace the security data; nothing was changed");
                    assertThat(e.getCause()).isInstanceOf(java.sql.SQLException.class);
                });
        assertThat(store.exportAll()).isEqualTo(valid);
        assertThat(changes).hasValue(0);
    }

    @Test
    void aDocumentTheDatabaseRejectsMidwayLeavesTheOldDataIntact() {
        User alice = valid.user(ALICE).orElseThrow();
        List<User> users = new ArrayList<>(valid.users());
        users.add(new User(
                ALICE,
                "Alice again",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        assertThatThrownBy(() -> store.replaceAll(withUsers(valid, users))).isInstanceOf(GatewayException.class);
        assertThat(store.exportAll()).isEqualTo(valid);
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo(alice.name());
    }

    @Test
    void replaceAllDropsTheCachesOfThisNodeAndTellsTheListeners() {
        AtomicInteger changes = new AtomicInteger();
        store.addChangeListener(changes::incrementAndGet);
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Sales");
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("Sales manager", "Sales clerk");
        assertThat(store.userById(SecurityFixtures.user(77))).isEmpty();
        assertThat(store.anonymousPortalUser()).contains(ANONYMOUS);

        List<User> users = new ArrayList<>();
        for (User user : valid.users()) {
            users.add(
                    user.id().equals(ALICE)
                            ? new User(
                                    ALICE,
                                    "Alice Renamed",
                                    user.entraObjectId(),
                                    true,
                                    user.accessMode(),
                                    user.kind(),
                                    user.businessUnit(),
                                    user.attributes(),
                                    List.of(SecurityDocument.RoleAssignment.unrestricted("AP clerk")),
                                    dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE)
                            : user);
        }
        users.add(new User(
                SecurityFixtures.user(77),
                "Newcomer",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        SecurityDocument changed = withUsers(valid, users);
        store.replaceAll(new SecurityDocument(
                changed.businessUnits(),
                changed.companies(),
                changed.roles(),
                changed.users(),
                changed.teams(),
                changed.applications(),
                new Portal(Optional.empty(), changed.portal().mappings())));

        assertThat(changes).hasValue(1);
        assertThat(store.userById(ALICE).orElseThrow().name()).isEqualTo("Alice Renamed");
        assertThat(store.userByEntraObjectId(ALICE_OBJECT_ID).orElseThrow().name())
                .isEqualTo("Alice Renamed");
        assertThat(store.permissionsOf(ALICE).roles()).containsExactly("AP clerk", "Sales clerk");
        assertThat(store.userById(SecurityFixtures.user(77))).isPresent();
        assertThat(store.anonymousPortalUser()).isEmpty();
    }

    @Test
    void anotherNodesChangeIsSeenAfterTheListenersCheckOrInvalidateAll() throws Exception {
        SecurityStore otherNode = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isTrue();
        assertThat(store.permissionsOf(ALICE).isSystemAdministrator()).isFalse();

        List<Application> applications = new ArrayList<>();
        for (Application application : valid.applications()) {
            applications.add(
                    application.appId().equals(DATAVERSE_APP)
                            ? new Application(
                                    application.appId(),
                                    application.name(),
                                    application.kind(),
                                    false,
                                    application.roles())
                            : application);
        }
        otherNode.replaceAll(new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                valid.users(),
                valid.teams(),
                applications,
                valid.portal()));

        // this node still serves what it cached ...
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isTrue();
        // ... until its invalidation listener checks the version and notices the other node's change
        try (java.sql.Connection connection = dataSource.getConnection()) {
            store.invalidationSubscriber().check(connection);
        }
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isFalse();

        otherNode.replaceAll(valid);
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isFalse();
        AtomicInteger changes = new AtomicInteger();
        store.addChangeListener(changes::incrementAndGet);
        store.invalidateAll();
        assertThat(changes).hasValue(1);
        assertThat(store.application(DATAVERSE_APP).orElseThrow().enabled()).isTrue();
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        AtomicInteger changes = new AtomicInteger();
        store.addChangeListener(() -> {
            throw new IllegalStateException("listener failure for the test");
        });
        store.addChangeListener(changes::incrementAndGet);
        store.replaceAll(valid);
        assertThat(changes).hasValue(1);
    }

    /** The document with other users; team members, portal mappings and the anonymous user that no longer exist are left out. */
    static SecurityDocument withUsers(SecurityDocument document, List<User> users) {
        Set<UUID> ids = new java.util.HashSet<>();
        users.forEach(user -> ids.add(user.id()));
        List<SecurityDocument.Team> teams = new ArrayList<>();
        for (SecurityDocument.Team team : document.teams()) {
            teams.add(new SecurityDocument.Team(
                    team.id(),
                    team.name(),
                    team.businessUnit(),
                    team.roles(),
                    team.members().stream().filter(ids::contains).toList(),
                    team.group()));
        }
        Portal portal = new Portal(
                document.portal().anonymousUser().filter(ids::contains),
                document.portal().mappings().stream()
                        .filter(mapping -> ids.contains(mapping.user()))
                        .toList());
        return new SecurityDocument(
                document.businessUnits(),
                document.companies(),
                document.roles(),
                users,
                teams,
                document.applications(),
                portal);
    }
}
