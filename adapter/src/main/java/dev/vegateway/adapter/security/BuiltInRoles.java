package dev.vegateway.adapter.security;

import java.util.List;

/** The roles that always exist, whether or not the security file declares them (SPEC 5). */
public final class BuiltInRoles {
    /** Everything: every privilege at depth Global on every entity, every action. */
    public static final String SYSTEM_ADMINISTRATOR = "System administrator";
    /** Manages the security data (for example the portal mappings); no data access by itself. */
    public static final String SECURITY_ADMINISTRATOR = "Security administrator";
    /** Lets an application call the service and read the catalog, nothing else. */
    public static final String VIRTUAL_ENTITY_APPLICATION = "CDSVirtualEntityApplication";
    /** Required by every user a portal contact or the anonymous visitor maps to. */
    public static final String AUTHORIZED_PORTAL_USER = "CDSVirtualEntityAuthorizedPortalUser";

    /** All of them, in this order. */
    public static final List<String> ALL =
            List.of(SYSTEM_ADMINISTRATOR, SECURITY_ADMINISTRATOR, VIRTUAL_ENTITY_APPLICATION, AUTHORIZED_PORTAL_USER);

    private BuiltInRoles() {}

    public static boolean isBuiltIn(String roleName) {
        return ALL.contains(roleName);
    }
}
