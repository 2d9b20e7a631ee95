package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Resolves who a request runs as (SPEC 4 and 5): checks the calling application, then maps the
 * caller headers it may send to a backend user and that user's permissions. Every refusal is a
 * {@link GatewayException} with its own message, so that an administrator can tell from the
 * response which rule failed.
 */
public final class CallerResolver {
    public static final String CALLER_OBJECT_ID_HEADER = "CallerObjectId";
    public static final String MSCRM_CALLER_ID_HEADER = "MSCRMCallerID";
    public static final String PORTAL_CONTACT_ID_HEADER = "X-Portal-Contact-Id";

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final SecurityStore store;

    public CallerResolver(SecurityStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public Caller resolve(CallerRequest request) {
        requireNonNull(request, "request is null");
        ApplicationUser application = application(request.applicationId());
        return switch (application.kind()) {
            case DATAVERSE -> dataverseCaller(application, request);
            case PORTAL -> portalCaller(application, request);
            case PROVISIONING -> throw new IllegalStateException("a provisioning application passed the role check");
        };
    }

    /**
     * The permissions a Dataverse application's call naming {@code userId} in {@code MSCRMCallerID}
     * would run with, or the same refusal (unknown, stub, disabled, Administrative, no role): what
     * {@code explain} reports for the user.
     *
     * @throws GatewayException {@link ErrorCode#CALLER_NOT_ALLOWED} with the gateway's own message
     */
    public EffectivePermissions permissionsAsCaller(UUID userId) {
        requireNonNull(userId, "userId is null");
        BackendUser user = store.userById(userId)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.CALLER_NOT_ALLOWED, "no backend user with %s %s", MSCRM_CALLER_ID_HEADER, userId));
        return permissions(user, "user");
    }

    /**
     * As {@link #resolve}, for a request to the administration sets ({@code systemusers},
     * {@code businessunits}, {@code teams}, {@code roles}): a Dataverse caller whose access mode is
     * Administrative is accepted too (enabled, a person, holding at least one role), since those
     * sets are what such a user is for. Whether the caller may read or change them is the sets' own
     * check.
     */
    public Caller resolveForAdministration(CallerRequest request) {
        requireNonNull(request, "request is null");
        ApplicationUser application = application(request.applicationId());
        if (application.kind() == ApplicationKind.DATAVERSE
                && request.portalContactId().isEmpty()) {
            Optional<UUID> objectId = guid(request.callerObjectId(), CALLER_OBJECT_ID_HEADER);
            Optional<UUID> callerId = guid(request.msCrmCallerId(), MSCRM_CALLER_ID_HEADER);
            Optional<BackendUser> user = objectId.isPresent()
                    ? objectId.flatMap(store::userByEntraObjectId)
                    : callerId.flatMap(store::userById);
            if (user.isPresent()
                    && user.get().accessMode() == AccessMode.ADMINISTRATIVE
                    && user.get().kind() == UserKind.PERSON
                    && user.get().enabled()
                    && (callerId.isEmpty() || callerId.get().equals(user.get().id()))) {
                EffectivePermissions permissions =
                        store.permissionsOf(user.get().id());
                if (permissions.roles().isEmpty()) {
                    throw GatewayException.of(
                            ErrorCode.CALLER_NOT_ALLOWED,
                            "user %s holds no security role",
                            user.get().name());
                }
                CallerSource source =
                        objectId.isPresent() ? CallerSource.CALLER_OBJECT_ID : CallerSource.MSCRM_CALLER_ID;
                return new Caller.User(application, permissions, source);
            }
        }
        return resolve(request);
    }

    /**
     * The registered, enabled provisioning application whose id this is: the only callers of the
     * SCIM endpoint.
     *
     * @throws GatewayException {@link ErrorCode#APPLICATION_NOT_ALLOWED} for any other application
     */
    public ApplicationUser provisioningApplication(String appId) {
        ApplicationUser application = registeredEnabled(requireNonNull(appId, "appId is null"));
        if (application.kind() != ApplicationKind.PROVISIONING) {
            throw GatewayException.of(
                    ErrorCode.APPLICATION_NOT_ALLOWED,
                    "application %s is not a provisioning application; only those may call the SCIM endpoint",
                    describe(application));
        }
        return application;
    }

    private ApplicationUser registeredEnabled(String appId) {
        ApplicationUser application = store.application(appId)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.APPLICATION_NOT_ALLOWED, "application %s is not registered", appId));
        if (!application.enabled()) {
            throw GatewayException.of(
                    ErrorCode.APPLICATION_NOT_ALLOWED, "application %s is disabled", describe(application));
        }
        return application;
    }

    private ApplicationUser application(String appId) {
        ApplicationUser application = registeredEnabled(appId);
        if (application.kind() == ApplicationKind.PROVISIONING) {
            throw GatewayException.of(
                    ErrorCode.APPLICATION_NOT_ALLOWED,
                    "application %s is a provisioning application; it may call only the SCIM endpoint /scim/v2",
                    describe(application));
        }
        if (!application.hasRole(BuiltInRoles.VIRTUAL_ENTITY_APPLICATION)) {
            throw GatewayException.of(
                    ErrorCode.APPLICATION_NOT_ALLOWED,
                    "application %s does not hold the %s role",
                    describe(application),
                    BuiltInRoles.VIRTUAL_ENTITY_APPLICATION);
        }
        return application;
    }

    private Caller dataverseCaller(ApplicationUser application, CallerRequest request) {
        if (request.portalContactId().isPresent()) {
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "header %s is accepted only from portal applications, and application %s is a Dataverse application",
                    PORTAL_CONTACT_ID_HEADER,
                    describe(application));
        }
        Optional<UUID> objectId = guid(request.callerObjectId(), CALLER_OBJECT_ID_HEADER);
        Optional<UUID> callerId = guid(request.msCrmCallerId(), MSCRM_CALLER_ID_HEADER);
        if (objectId.isEmpty() && callerId.isEmpty()) {
            return new Caller.ApplicationOnly(application);
        }
        Optional<BackendUser> byObjectId = objectId.map(id -> store.userByEntraObjectId(id)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.CALLER_NOT_ALLOWED, "no backend user with %s %s", CALLER_OBJECT_ID_HEADER, id)));
        Optional<BackendUser> byCallerId = callerId.map(id -> store.userById(id)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.CALLER_NOT_ALLOWED, "no backend user with %s %s", MSCRM_CALLER_ID_HEADER, id)));
        if (byObjectId.isPresent()
                && byCallerId.isPresent()
                && !byObjectId.get().id().equals(byCallerId.get().id())) {
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "headers %s %s and %s %s name different users: %s and %s",
                    CALLER_OBJECT_ID_HEADER,
                    objectId.get(),
                    MSCRM_CALLER_ID_HEADER,
                    callerId.get(),
                    byObjectId.get().name(),
                    byCallerId.get().name());
        }
        BackendUser user = byObjectId.or(() -> byCallerId).orElseThrow();
        CallerSource source = byObjectId.isPresent() ? CallerSource.CALLER_OBJECT_ID : CallerSource.MSCRM_CALLER_ID;
        return new Caller.User(application, permissions(user, "user"), source);
    }

    private Caller portalCaller(ApplicationUser application, CallerRequest request) {
        rejectForPortal(request.callerObjectId(), CALLER_OBJECT_ID_HEADER, application);
        rejectForPortal(request.msCrmCallerId(), MSCRM_CALLER_ID_HEADER, application);
        Optional<UUID> contactId = guid(request.portalContactId(), PORTAL_CONTACT_ID_HEADER);
        if (contactId.isPresent()) {
            PortalMapping mapping = store.portalMapping(contactId.get())
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.CALLER_NOT_ALLOWED,
                            "portal contact %s is not mapped to a backend user",
                            contactId.get()));
            BackendUser user = store.userById(mapping.user())
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.CALLER_NOT_ALLOWED,
                            "portal contact %s is mapped to user %s, which does not exist",
                            contactId.get(),
                            mapping.user()));
            EffectivePermissions permissions = portalPermissions(user, "portal user");
            if (mapping.company().isPresent()) {
                permissions = permissions.restrictedToCompany(mapping.company().get());
                if (permissions.roles().isEmpty()) {
                    throw GatewayException.of(
                            ErrorCode.CALLER_NOT_ALLOWED,
                            "portal user %s holds no security role in company %s, "
                                    + "the company portal contact %s is mapped to",
                            user.name(),
                            mapping.company().get(),
                            contactId.get());
                }
            }
            return new Caller.User(application, permissions, CallerSource.PORTAL_CONTACT);
        }
        UUID anonymousId = store.anonymousPortalUser()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNAUTHENTICATED_CALLER,
                        "the portal request names no contact (header %s) and no anonymous portal user is configured",
                        PORTAL_CONTACT_ID_HEADER));
        BackendUser anonymous = store.userById(anonymousId)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.CALLER_NOT_ALLOWED, "the anonymous portal user %s does not exist", anonymousId));
        return new Caller.User(
                application, portalPermissions(anonymous, "anonymous portal user"), CallerSource.PORTAL_ANONYMOUS);
    }

    private static void rejectForPortal(Optional<String> header, String name, ApplicationUser application) {
        if (header.isPresent()) {
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "header %s is not accepted from portal applications, and application %s is a portal application",
                    name,
                    describe(application));
        }
    }

    /** A portal user holds CDSVirtualEntityAuthorizedPortalUser and neither administrator role. */
    private EffectivePermissions portalPermissions(BackendUser user, String what) {
        EffectivePermissions permissions = permissions(user, what);
        if (permissions.isSystemAdministrator() || permissions.isSecurityAdministrator()) {
            String role = permissions.isSystemAdministrator()
                    ? BuiltInRoles.SYSTEM_ADMINISTRATOR
                    : BuiltInRoles.SECURITY_ADMINISTRATOR;
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "%s %s holds the %s role, which a portal user may not hold",
                    what,
                    user.name(),
                    role);
        }
        if (!permissions.hasRole(BuiltInRoles.AUTHORIZED_PORTAL_USER)) {
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "%s %s lacks the %s role, which every portal user needs",
                    what,
                    user.name(),
                    BuiltInRoles.AUTHORIZED_PORTAL_USER);
        }
        return permissions;
    }

    /**
     * A caller is an enabled person with data access and at least one role. {@code who} ("user",
     * "portal user", "anonymous portal user") tells in the message how the user was reached.
     */
    private EffectivePermissions permissions(BackendUser user, String who) {
        switch (user.kind()) {
            case PERSON -> {}
            case STUB -> throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "%s %s is a stub user, which only owns rows and cannot be a caller",
                    who,
                    user.name());
            case APPLICATION -> throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "%s %s is the user of an application and cannot be a caller",
                    who,
                    user.name());
        }
        if (!user.enabled()) {
            throw GatewayException.of(ErrorCode.CALLER_NOT_ALLOWED, "%s %s is disabled", who, user.name());
        }
        if (!user.accessMode().grantsDataAccess()) {
            throw GatewayException.of(
                    ErrorCode.CALLER_NOT_ALLOWED,
                    "%s %s has access mode Administrative, which grants no data access"
                            + " (only the administration sets systemusers, businessunits, teams, roles and privileges)",
                    who,
                    user.name());
        }
        EffectivePermissions permissions = store.permissionsOf(user.id());
        if (permissions.roles().isEmpty()) {
            throw GatewayException.of(ErrorCode.CALLER_NOT_ALLOWED, "%s %s holds no security role", who, user.name());
        }
        return permissions;
    }

    private static Optional<UUID> guid(Optional<String> header, String name) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        if (!GUID.matcher(value).matches()) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD,
                    "header %s must be a GUID such as 00000000-0000-0000-0000-000000000000",
                    name);
        }
        return Optional.of(UUID.fromString(value));
    }

    private static String describe(ApplicationUser application) {
        return application.appId() + " (" + application.name() + ")";
    }
}
