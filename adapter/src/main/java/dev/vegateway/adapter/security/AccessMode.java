package dev.vegateway.adapter.security;

/** A user's access mode; written {@code ReadWrite}, {@code Administrative} or {@code NonInteractive}. */
public enum AccessMode {
    READ_WRITE,
    /** May administer but has no data access through the gateway. */
    ADMINISTRATIVE,
    NON_INTERACTIVE;

    public boolean grantsDataAccess() {
        return this != ADMINISTRATIVE;
    }
}
