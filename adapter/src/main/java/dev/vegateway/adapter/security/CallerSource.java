package dev.vegateway.adapter.security;

/** How the gateway found the backend user a request runs as. */
public enum CallerSource {
    CALLER_OBJECT_ID,
    MSCRM_CALLER_ID,
    PORTAL_CONTACT,
    PORTAL_ANONYMOUS
}
