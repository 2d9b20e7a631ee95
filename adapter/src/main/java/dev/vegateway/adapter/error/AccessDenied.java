package dev.vegateway.adapter.error;

/** Factories for privilege denials, so every denial reads the same way. */
public final class AccessDenied {
    private AccessDenied() {}

    public static GatewayException privilege(String userName, String privilege, String entityLogicalName) {
        return GatewayException.of(
                ErrorCode.MISSING_PRIVILEGE,
                "Principal user '%s' is missing the %s privilege on entity '%s'.",
                userName,
                privilege,
                entityLogicalName);
    }

    /** A gateway-owned entity set (an audit, the portal mappings) that only System and Security administrators may use. */
    public static GatewayException administratorsOnly(String userName, String privilege, String entityLogicalName) {
        return GatewayException.of(
                ErrorCode.MISSING_PRIVILEGE,
                "Principal user '%s' is missing the %s privilege on entity '%s': only a System administrator or a Security"
                        + " administrator may use it, whatever other roles grant.",
                userName,
                privilege,
                entityLogicalName);
    }

    /**
     * A write that sets a field the caller's field security forbids: {@code operation} is
     * {@code create} or {@code update}. The whole write is refused.
     */
    public static GatewayException field(String userName, String operation, String field, String entityLogicalName) {
        return GatewayException.of(
                ErrorCode.MISSING_PRIVILEGE,
                "Principal user '%s' may not %s field '%s' of entity '%s': field security denies it. Nothing was"
                        + " written.",
                userName,
                operation,
                field,
                entityLogicalName);
    }

    public static GatewayException noCaller() {
        return GatewayException.of(
                ErrorCode.CALLER_NOT_ALLOWED,
                "Unable to determine the user: the request names no caller (CallerObjectId or MSCRMCallerID), so only the catalog and metadata are available.");
    }

    /** A change of the catalog (hide, show, refresh an entity) that only a System administrator may make. */
    public static GatewayException systemAdministratorsOnly(
            String userName, String privilege, String entityLogicalName) {
        return GatewayException.of(
                ErrorCode.MISSING_PRIVILEGE,
                "Principal user '%s' is missing the %s privilege on entity '%s': only a System administrator may change"
                        + " the catalog.",
                userName,
                privilege,
                entityLogicalName);
    }
}
