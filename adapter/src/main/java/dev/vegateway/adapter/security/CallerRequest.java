package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a request says about its caller: the authenticated application (the token's
 * {@code appid} or {@code azp}) and the raw values of the caller headers
 * ({@link CallerResolver#CALLER_OBJECT_ID_HEADER}, {@link CallerResolver#MSCRM_CALLER_ID_HEADER},
 * {@link CallerResolver#PORTAL_CONTACT_ID_HEADER}), unparsed.
 */
public record CallerRequest(
        String applicationId,
        Optional<String> callerObjectId,
        Optional<String> msCrmCallerId,
        Optional<String> portalContactId) {
    public CallerRequest {
        requireNonNull(applicationId, "applicationId is null");
        requireNonNull(callerObjectId, "callerObjectId is null");
        requireNonNull(msCrmCallerId, "msCrmCallerId is null");
        requireNonNull(portalContactId, "portalContactId is null");
    }
}
