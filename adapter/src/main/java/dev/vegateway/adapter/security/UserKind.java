package dev.vegateway.adapter.security;

/** What a backend user is. Only {@link #PERSON} users can be callers. */
public enum UserKind {
    /** A person, who may call through a Dataverse or portal application. */
    PERSON,
    /** A user that only owns rows and can never be a caller. */
    STUB,
    /** The user of a registered application; holds the application's roles. */
    APPLICATION
}
