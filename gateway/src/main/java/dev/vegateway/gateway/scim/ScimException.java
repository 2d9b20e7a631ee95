package dev.vegateway.gateway.scim;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A SCIM error (RFC 7644 section 3.12): the HTTP status, the {@code scimType} if any, and a detail for the client. */
final class ScimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final Optional<String> scimType;

    ScimException(int status, Optional<String> scimType, String detail) {
        super(requireNonNull(detail, "detail is null"));
        this.status = status;
        this.scimType = requireNonNull(scimType, "scimType is null");
    }

    static ScimException badRequest(String scimType, String detail) {
        return new ScimException(400, Optional.of(scimType), detail);
    }

    static ScimException invalidFilter(String detail) {
        return badRequest("invalidFilter", detail);
    }

    static ScimException invalidValue(String detail) {
        return badRequest("invalidValue", detail);
    }

    int status() {
        return status;
    }

    Optional<String> scimType() {
        return scimType;
    }
}
