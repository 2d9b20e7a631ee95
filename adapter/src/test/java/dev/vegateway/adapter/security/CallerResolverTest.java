package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ALICE;
import static dev.vegateway.adapter.security.SecurityFixtures.ALICE_OBJECT_ID;
import static dev.vegateway.adapter.security.SecurityFixtures.ANONYMOUS;
import static dev.vegateway.adapter.security.SecurityFixtures.DATAVERSE_APP;
import static dev.vegateway.adapter.security.SecurityFixtures.DAVE;
import static dev.vegateway.adapter.security.SecurityFixtures.DAVE_OBJECT_ID;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA_CONTACT_ALL;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA_CONTACT_USMF;
import static dev.vegateway.adapter.security.SecurityFixtures.PORTAL_APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CallerResolverTest {
    private static final UUID MALLORY = SecurityFixtures.user(60);
    private static final UUID RITA = SecurityFixtures.user(61);
    private static final UUID NOBODY = SecurityFixtures.user(404);

    private final SecurityDocument valid = SecurityFixtures.validDocument();
    private final SecurityStore store = SecurityFixtures.storeWithValidData();
    private final CallerResolver resolver = new CallerResolver(store);

    // ---- what is accepted

    @Test
    void aDataverseApplicationWithoutCallerMayOnlyReadTheCatalog() {
        Caller caller = resolver.resolve(dataverse(null, null));
        assertThat(caller).isInstanceOfSatisfying(Caller.ApplicationOnly.class, applicationOnly -> assertThat(
                        applicationOnly.application().appId())
                .isEqualTo(DATAVERSE_APP));
    }

    @Test
    void resolvesCallerObjectIdAndMsCrmCallerId() {
        assertUser(resolver.resolve(dataverse(ALICE_OBJECT_ID.toString(), null)), ALICE, CallerSource.CALLER_OBJECT_ID);
        assertUser(resolver.resolve(dataverse(null, ALICE.toString())), ALICE, CallerSource.MSCRM_CALLER_ID);
        assertUser(
                resolver.resolve(dataverse(ALICE_OBJECT_ID.toString().toUpperCase(Locale.ROOT), " " + ALICE + " ")),
                ALICE,
                CallerSource.CALLER_OBJECT_ID);
    }

    @Test
    void acceptsNonInteractiveUsersAndUsersWhoseOnlyRolesComeFromTeams() {
        assertUser(
                resolver.resolve(dataverse(null, SecurityFixtures.NICK.toString())),
                SecurityFixtures.NICK,
                CallerSource.MSCRM_CALLER_ID);
        Caller dave = resolver.resolve(dataverse(DAVE_OBJECT_ID.toString(), null));
        assertUser(dave, DAVE, CallerSource.CALLER_OBJECT_ID);
        assertThat(((Caller.User) dave).permissions().roles()).containsExactly("AP clerk", "Sales clerk");
    }

    @Test
    void resolvesPortalContactsInTheirMappedCompany() {
        Caller inUsmf = resolver.resolve(portal(PAULA_CONTACT_USMF.toString()));
        assertUser(inUsmf, PAULA, CallerSource.PORTAL_CONTACT);
        assertThat(((Caller.User) inUsmf).permissions().companies()).containsExactly("usmf");
        Caller everywhere = resolver.resolve(portal(PAULA_CONTACT_ALL.toString()));
        assertThat(((Caller.User) everywhere).permissions().companies()).containsExactly("usmf", "demf", "gbsi");
        assertThat(((Caller.User) everywhere).application().appId()).isEqualTo(PORTAL_APP);
    }

    @Test
    void aPortalRequestWithoutContactRunsAsTheAnonymousUser() {
        assertUser(resolver.resolve(portal(null)), ANONYMOUS, CallerSource.PORTAL_ANONYMOUS);
    }

    // ---- what is refused, each with its own status and message

    @Test
    void refusesEveryBrokenRuleWithItsOwnMessage() {
        List<Refusal> refusals = new ArrayList<>();
        refusals.addAll(applicationRefusals());
        refusals.addAll(headerRefusals());
        refusals.addAll(userRefusals());
        refusals.addAll(portalRefusals());
        Set<String> messages = new HashSet<>();
        for (Refusal refusal : refusals) {
            assertThatThrownBy(() -> refusal.resolver().resolve(refusal.request()))
                    .as(refusal.rule())
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.errorCode()).as(refusal.rule()).isEqualTo(refusal.code());
                        assertThat(e.errorCode().httpStatus())
                                .as(refusal.rule())
                                .isEqualTo(refusal.status());
                        assertThat(e.getMessage()).as(refusal.rule()).isEqualTo(refusal.message());
                    });
            assertThat(messages.add(refusal.message()))
                    .as("message of " + refusal.rule() + " is distinct")
                    .isTrue();
        }
        assertThat(refusals).hasSize(28);
    }

    private List<Refusal> applicationRefusals() {
        return List.of(
                refusal(
                        "unknown application",
                        request("99999999-9999-4999-8999-999999999999", ALICE_OBJECT_ID.toString(), null, null),
                        ErrorCode.APPLICATION_NOT_ALLOWED,
                        403,
                        "application 99999999-9999-4999-8999-999999999999 is not registered"),
                refusal(
                        "disabled application",
                        request(SecurityFixtures.DISABLED_APP, null, null, null),
                        ErrorCode.APPLICATION_NOT_ALLOWED,
                        403,
                        "application 33333333-3333-4333-8333-333333333333 (Retired integration) is disabled"),
                refusal(
                        "application without CDSVirtualEntityApplication",
                        request(SecurityFixtures.ROLELESS_APP, null, null, null),
                        ErrorCode.APPLICATION_NOT_ALLOWED,
                        403,
                        "application 44444444-4444-4444-8444-444444444444 (Roleless integration) "
                                + "does not hold the CDSVirtualEntityApplication role"));
    }

    private List<Refusal> headerRefusals() {
        String guidHint = " must be a GUID such as 00000000-0000-0000-0000-000000000000";
        return List.of(
                refusal(
                        "CallerObjectId not a GUID",
                        dataverse("not-a-guid", null),
                        ErrorCode.MALFORMED_PAYLOAD,
                        400,
                        "header CallerObjectId" + guidHint),
                refusal(
                        "MSCRMCallerID not a GUID",
                        dataverse(null, "12345"),
                        ErrorCode.MALFORMED_PAYLOAD,
                        400,
                        "header MSCRMCallerID" + guidHint),
                refusal(
                        "X-Portal-Contact-Id not a GUID",
                        portal("{" + PAULA_CONTACT_USMF + "}"),
                        ErrorCode.MALFORMED_PAYLOAD,
                        400,
                        "header X-Portal-Contact-Id" + guidHint),
                refusal(
                        "both caller headers naming different users",
                        dataverse(ALICE_OBJECT_ID.toString(), DAVE.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "headers CallerObjectId " + ALICE_OBJECT_ID + " and MSCRMCallerID " + DAVE
                                + " name different users: Alice Sales and Dave Teamwork"),
                refusal(
                        "Dataverse application sending a portal contact",
                        request(DATAVERSE_APP, null, null, PAULA_CONTACT_USMF.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "header X-Portal-Contact-Id is accepted only from portal applications, and application "
                                + DATAVERSE_APP + " (Dataverse virtual entities) is a Dataverse application"),
                refusal(
                        "portal application sending CallerObjectId",
                        request(PORTAL_APP, ALICE_OBJECT_ID.toString(), null, null),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "header CallerObjectId is not accepted from portal applications, and application " + PORTAL_APP
                                + " (Customer portal) is a portal application"),
                refusal(
                        "portal application sending MSCRMCallerID",
                        request(PORTAL_APP, null, ALICE.toString(), null),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "header MSCRMCallerID is not accepted from portal applications, and application " + PORTAL_APP
                                + " (Customer portal) is a portal application"));
    }

    private List<Refusal> userRefusals() {
        UUID applicationUser = valid.applications().get(0).userId();
        return List.of(
                refusal(
                        "unknown CallerObjectId",
                        dataverse(NOBODY.toString(), null),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "no backend user with CallerObjectId " + NOBODY),
                refusal(
                        "unknown MSCRMCallerID",
                        dataverse(null, NOBODY.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "no backend user with MSCRMCallerID " + NOBODY),
                refusal(
                        "stub user",
                        dataverse(null, SecurityFixtures.ROW_OWNER.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "user Row Owner UK is a stub user, which only owns rows and cannot be a caller"),
                refusal(
                        "application user",
                        dataverse(null, applicationUser.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "user Dataverse virtual entities is the user of an application and cannot be a caller"),
                refusal(
                        "disabled user",
                        dataverse(null, SecurityFixtures.DORA.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "user Dora Disabled is disabled"),
                refusal(
                        "administrative user",
                        dataverse(null, SecurityFixtures.ADAM.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "user Adam Administrative has access mode Administrative, which grants no data access"
                                + " (only the administration sets systemusers, businessunits, teams, roles and privileges)"),
                refusal(
                        "user without a role",
                        dataverse(null, SecurityFixtures.NORA.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "user Nora Norole holds no security role"));
    }

    private List<Refusal> portalRefusals() {
        CallerResolver unsafe = new CallerResolver(storeWith(unsafePortalDocument()));
        SecurityDocument withoutAnonymous = new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                valid.users(),
                valid.teams(),
                valid.applications(),
                new Portal(Optional.empty(), valid.portal().mappings()));
        CallerResolver noAnonymous = new CallerResolver(storeWith(withoutAnonymous));
        return List.of(
                refusal(
                        "unmapped contact",
                        portal(NOBODY.toString()),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal contact " + NOBODY + " is not mapped to a backend user"),
                refusal(
                        noAnonymous,
                        "no contact and no anonymous user",
                        portal(null),
                        ErrorCode.UNAUTHENTICATED_CALLER,
                        401,
                        "the portal request names no contact (header X-Portal-Contact-Id) and no anonymous portal user is configured"),
                refusal(
                        unsafe,
                        "anonymous user holding System administrator",
                        portal(null),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "anonymous portal user Sam Admin holds the System administrator role, which a portal user may not hold"),
                refusal(
                        unsafe,
                        "mapped user holding System administrator",
                        portal(contact(10)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Sam Admin holds the System administrator role, which a portal user may not hold"),
                refusal(
                        unsafe,
                        "mapped user holding Security administrator through a team",
                        portal(contact(11)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Mallory Portaladmin holds the Security administrator role, which a portal user may not hold"),
                refusal(
                        unsafe,
                        "mapped user lacking CDSVirtualEntityAuthorizedPortalUser",
                        portal(contact(12)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Alice Sales lacks the CDSVirtualEntityAuthorizedPortalUser role, which every portal user needs"),
                refusal(
                        unsafe,
                        "mapped stub user",
                        portal(contact(13)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Row Owner UK is a stub user, which only owns rows and cannot be a caller"),
                refusal(
                        unsafe,
                        "mapped user without a role in the mapped company",
                        portal(contact(16)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Rita Restricted holds no security role in company gbsi, the company portal contact "
                                + contact(16) + " is mapped to"),
                refusal(
                        unsafe,
                        "mapped disabled user",
                        portal(contact(14)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Dora Disabled is disabled"),
                refusal(
                        unsafe,
                        "mapped user without any role",
                        portal(contact(15)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Nora Norole holds no security role"),
                refusal(
                        unsafe,
                        "mapped application user",
                        portal(contact(17)),
                        ErrorCode.CALLER_NOT_ALLOWED,
                        403,
                        "portal user Dataverse virtual entities is the user of an application and cannot be a caller"));
    }

    /**
     * Portal data that validation would reject, written straight to the store: the anonymous user
     * is a System administrator, contacts map to administrators, to users lacking the portal
     * role, to a stub, a disabled user, a user without roles and a user without roles in the
     * mapped company.
     */
    private SecurityDocument unsafePortalDocument() {
        List<User> users = new ArrayList<>(valid.users());
        users.add(new User(
                MALLORY,
                "Mallory Portaladmin",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(RoleAssignment.unrestricted(BuiltInRoles.AUTHORIZED_PORTAL_USER)),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        users.add(new User(
                RITA,
                "Rita Restricted",
                Optional.empty(),
                true,
                AccessMode.READ_WRITE,
                UserKind.PERSON,
                Optional.of("Contoso"),
                Map.of(),
                List.of(new RoleAssignment(
                        BuiltInRoles.AUTHORIZED_PORTAL_USER, Optional.of(Set.of("usmf")), Optional.empty())),
                dev.vegateway.adapter.security.SecurityDocument.UserSettings.NONE));
        List<Team> teams = new ArrayList<>(valid.teams());
        teams.add(new Team(
                "Security team",
                "Contoso",
                List.of(RoleAssignment.unrestricted(BuiltInRoles.SECURITY_ADMINISTRATOR)),
                List.of(MALLORY)));
        List<PortalMapping> mappings = List.of(
                new PortalMapping(UUID.fromString(contact(10)), SecurityFixtures.SAM, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(11)), MALLORY, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(12)), ALICE, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(13)), SecurityFixtures.ROW_OWNER, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(14)), SecurityFixtures.DORA, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(15)), SecurityFixtures.NORA, Optional.empty()),
                new PortalMapping(UUID.fromString(contact(16)), RITA, Optional.of("gbsi")),
                new PortalMapping(
                        UUID.fromString(contact(17)),
                        valid.applications().get(0).userId(),
                        Optional.empty()));
        return new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                users,
                teams,
                valid.applications(),
                new Portal(Optional.of(SecurityFixtures.SAM), mappings));
    }

    // ---- helpers

    private record Refusal(
            CallerResolver resolver, String rule, CallerRequest request, ErrorCode code, int status, String message) {}

    private Refusal refusal(String rule, CallerRequest request, ErrorCode code, int status, String message) {
        return refusal(resolver, rule, request, code, status, message);
    }

    private static Refusal refusal(
            CallerResolver resolver, String rule, CallerRequest request, ErrorCode code, int status, String message) {
        return new Refusal(resolver, rule, request, code, status, message);
    }

    private static SecurityStore storeWith(SecurityDocument document) {
        javax.sql.DataSource dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(document);
        return store;
    }

    private static String contact(int number) {
        return String.format("7c000000-0000-4000-8000-%012d", number);
    }

    private static void assertUser(Caller caller, UUID user, CallerSource source) {
        assertThat(caller).isInstanceOfSatisfying(Caller.User.class, resolved -> {
            assertThat(resolved.permissions().user().id()).isEqualTo(user);
            assertThat(resolved.source()).isEqualTo(source);
        });
    }

    private static CallerRequest dataverse(String callerObjectId, String msCrmCallerId) {
        return request(DATAVERSE_APP, callerObjectId, msCrmCallerId, null);
    }

    private static CallerRequest portal(String contactId) {
        return request(PORTAL_APP, null, null, contactId);
    }

    private static CallerRequest request(
            String application, String callerObjectId, String msCrmCallerId, String contactId) {
        return new CallerRequest(
                application,
                Optional.ofNullable(callerObjectId),
                Optional.ofNullable(msCrmCallerId),
                Optional.ofNullable(contactId));
    }
}
