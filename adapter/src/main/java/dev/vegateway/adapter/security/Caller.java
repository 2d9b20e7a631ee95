package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

/** Who a request runs as, once {@link CallerResolver} has checked the application and the caller headers. */
public sealed interface Caller permits Caller.ApplicationOnly, Caller.User {
    ApplicationUser application();

    /**
     * A Dataverse application that named no caller: it may read the catalog and the metadata,
     * nothing else (data access is denied with "Unable to determine the user").
     */
    record ApplicationOnly(ApplicationUser application) implements Caller {
        public ApplicationOnly {
            requireNonNull(application, "application is null");
        }
    }

    /** A backend user, with the permissions every operation of the request is checked against. */
    record User(ApplicationUser application, EffectivePermissions permissions, CallerSource source) implements Caller {
        public User {
            requireNonNull(application, "application is null");
            requireNonNull(permissions, "permissions is null");
            requireNonNull(source, "source is null");
        }
    }
}
