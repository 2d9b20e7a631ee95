package dev.vegateway.adapter.security;

/** The kind of a registered application, which decides the caller headers it may send. */
public enum ApplicationKind {
    /** Sends {@code CallerObjectId} or {@code MSCRMCallerID}. */
    DATAVERSE,
    /** Sends {@code X-Portal-Contact-Id}, or nothing for the anonymous visitor. */
    PORTAL,
    /**
     * Provisions users and groups from a directory through SCIM ({@code /scim/v2}); it may call
     * nothing else, and only it may call SCIM. It needs no role.
     */
    PROVISIONING
}
