package dev.vegateway.adapter.security;

/** The kind of a registered application, which decides the caller headers it may send. */
public enum ApplicationKind {
    /** Sends {@code CallerObjectId} or {@code MSCRMCallerID}. */
    DATAVERSE,
    /** Sends {@code X-Portal-Contact-Id}, or nothing for the anonymous visitor. */
    PORTAL
}
