package dev.vegateway.adapter.security;

/** The entity privileges a role grants, each at a {@link Depth}. */
public enum Privilege {
    CREATE,
    READ,
    WRITE,
    DELETE,
    APPEND,
    APPEND_TO
}
