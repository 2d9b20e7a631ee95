package dev.vegateway.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group-team membership from the groups claim expires after the TTL (time injected); first access off creates nobody. */
class IdentityLifecycleTest {
    private static final UUID GROUP = UUID.fromString("00000000-0000-4000-8000-000000000777");

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private SecurityStore store;
    private String teamRole;

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void importWithAGroupTeam() {
        DataSource dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME, nanos::get, clock);
        SecurityDocument valid = SecurityFixtures.validDocument();
        teamRole = valid.roles().get(0).name();
        List<SecurityDocument.Team> teams = new ArrayList<>(valid.teams());
        teams.add(new SecurityDocument.Team(
                SecurityDocument.Team.idFor("Group team"),
                "Group team",
                valid.businessUnits().get(0).name(),
                List.of(SecurityDocument.RoleAssignment.unrestricted(teamRole)),
                List.of(),
                Optional.of(new SecurityDocument.GroupBinding(GROUP, TeamInheritance.DIRECT_BASIC_ACCESS))));
        store.replaceAll(new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                valid.users(),
                teams,
                valid.applications(),
                valid.portal()));
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        now.set(now.get().plus(duration));
    }

    @Test
    void theGroupsClaimMakesAMemberUntilTheTtlHasPassed() {
        IdentityLifecycle identity = store.identity(GatewayConfig.Identity.DEFAULTS);
        SecurityDocument.User person = store.exportAll().users().stream()
                .filter(user ->
                        user.kind() == UserKind.PERSON && user.entraObjectId().isPresent())
                .filter(user -> !store.permissionsOf(user.id()).roles().contains(teamRole))
                .findFirst()
                .orElseThrow();
        UUID nora = person.id();
        UUID objectId = person.entraObjectId().orElseThrow();
        assertThat(store.permissionsOf(nora).roles()).doesNotContain(teamRole);

        identity.beforeResolve(
                Optional.of(objectId.toString()),
                new TokenUser(Optional.of(objectId), Optional.empty(), Optional.of(Set.of(GROUP))),
                "app");
        assertThat(store.permissionsOf(nora).roles()).contains(teamRole);

        TokenUser noClaim = new TokenUser(Optional.of(objectId), Optional.empty(), Optional.empty());
        advance(Duration.ofHours(7));
        identity.beforeResolve(Optional.of(objectId.toString()), noClaim, "app");
        assertThat(store.permissionsOf(nora).roles()).contains(teamRole);

        advance(Duration.ofHours(2));
        identity.beforeResolve(Optional.of(objectId.toString()), noClaim, "app");
        assertThat(store.permissionsOf(nora).roles()).doesNotContain(teamRole);
    }

    @Test
    void aScimRemovalFromTheGroupOfAGroupTeamEndsTheClaimMembershipOnEveryNode() {
        IdentityLifecycle nodeA = store.identity(GatewayConfig.Identity.DEFAULTS);
        IdentityLifecycle nodeB = store.identity(GatewayConfig.Identity.DEFAULTS);
        Directory directory = store.directory(GatewayConfig.Provisioning.NONE);
        List<SecurityDocument.User> people = store.exportAll().users().stream()
                .filter(user ->
                        user.kind() == UserKind.PERSON && user.entraObjectId().isPresent())
                .filter(user -> !store.permissionsOf(user.id()).roles().contains(teamRole))
                .toList();
        assertThat(people).hasSizeGreaterThanOrEqualTo(1);
        UUID nora = people.get(0).id();
        UUID objectId = people.get(0).entraObjectId().orElseThrow();
        TokenUser claim = new TokenUser(Optional.of(objectId), Optional.empty(), Optional.of(Set.of(GROUP)));

        nodeA.beforeResolve(Optional.of(objectId.toString()), claim, "app");
        assertThat(store.permissionsOf(nora).roles()).contains(teamRole);

        // bound to the group team by its externalId: no owner team of its name, the group team not renamed
        DirectoryGroup group = directory.createGroup(
                new DirectoryGroupFields("Directory group", Optional.of(GROUP.toString()), List.of(nora)));
        assertThat(group.teamId()).isEqualTo(SecurityDocument.Team.idFor("Group team"));
        assertThat(store.exportAll().teams().stream().map(SecurityDocument.Team::name))
                .contains("Group team")
                .doesNotContain("Directory group");

        directory.updateGroup(group.id(), fields -> fields.withMembers(List.of()));
        assertThat(store.permissionsOf(nora).roles()).doesNotContain(teamRole);
        // neither the node that remembers the claim nor one that reads it afresh brings the membership back
        nodeA.beforeResolve(Optional.of(objectId.toString()), claim, "app");
        nodeB.beforeResolve(Optional.of(objectId.toString()), claim, "app");
        assertThat(store.permissionsOf(nora).roles()).doesNotContain(teamRole);
        advance(Duration.ofHours(7));
        nodeB.beforeResolve(Optional.of(objectId.toString()), claim, "app");
        assertThat(store.permissionsOf(nora).roles()).doesNotContain(teamRole);
        // a token read more than the TTL after the removal is the directory's word again
        advance(Duration.ofHours(2));
        nodeB.beforeResolve(Optional.of(objectId.toString()), claim, "app");
        assertThat(store.permissionsOf(nora).roles()).contains(teamRole);

        // deleting the group removes only what SCIM pushed: the claim's membership stays, the team too
        directory.updateGroup(group.id(), fields -> fields.withMembers(List.of(nora)));
        directory.deleteGroup(group.id());
        assertThat(store.permissionsOf(nora).roles()).contains(teamRole);
        assertThat(store.exportAll().teams().stream().map(SecurityDocument.Team::name))
                .contains("Group team");
    }

    @Test
    void firstAccessOffByDefaultCreatesNobody() {
        IdentityLifecycle identity = store.identity(GatewayConfig.Identity.DEFAULTS);
        UUID unknown = UUID.randomUUID();
        identity.beforeResolve(
                Optional.of(unknown.toString()),
                new TokenUser(Optional.of(unknown), Optional.of("tenant"), Optional.of(Set.of(GROUP))),
                "app");
        assertThat(store.userByEntraObjectId(unknown)).isEmpty();
    }
}
