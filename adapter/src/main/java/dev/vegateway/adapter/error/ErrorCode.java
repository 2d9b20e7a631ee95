package dev.vegateway.adapter.error;

/**
 * Every error the gateway answers, with its HTTP status and Dataverse-style code. Codes marked
 * Dataverse in SPEC 8 are Dataverse's own; the {@code 0x8ff0....} range is the gateway's and
 * stable once released. The README lists this table.
 */
public enum ErrorCode {
    MALFORMED_PAYLOAD(400, "0x80048d19", Category.USER),
    QUERY_SYNTAX(400, "0x8ff00001", Category.USER),
    UNKNOWN_PROPERTY(400, "0x8ff00002", Category.USER),
    UNSUPPORTED_QUERY(400, "0x8ff00003", Category.USER),
    TOO_MANY_LINK_ENTITIES(400, "0x8004430D", Category.USER),
    AGGREGATE_LIMIT(400, "0x8004E023", Category.USER),
    INVALID_SKIP_TOKEN(400, "0x8ff00004", Category.USER),
    VALIDATION(400, "0x80044331", Category.USER),
    BUSINESS_RULE(400, "0x80040265", Category.USER),
    INVALID_TOKEN(401, "0x8ff00030", Category.USER),
    UNAUTHENTICATED_CALLER(401, "0x8ff00033", Category.USER),
    APPLICATION_NOT_ALLOWED(403, "0x8ff00031", Category.USER),
    CALLER_NOT_ALLOWED(403, "0x8ff00032", Category.USER),
    MISSING_PRIVILEGE(403, "0x80040220", Category.USER),
    ENTITY_SET_NOT_FOUND(404, "0x80060888", Category.USER),
    RESOURCE_NOT_FOUND(404, "0x8ff00007", Category.USER),
    RECORD_NOT_FOUND(404, "0x80040217", Category.USER),
    METHOD_NOT_ALLOWED(405, "0x8ff00005", Category.USER),
    NOT_ACCEPTABLE(406, "0x8ff00008", Category.USER),
    DUPLICATE_RECORD(409, "0x80040237", Category.USER),
    ETAG_MISMATCH(412, "0x80060882", Category.USER),
    RECORD_EXISTS(412, "0x80040237", Category.USER),
    PAYLOAD_TOO_LARGE(413, "0x8ff00009", Category.USER),
    URI_TOO_LONG(414, "0x8ff0000b", Category.USER),
    UNSUPPORTED_MEDIA_TYPE(415, "0x8ff0000a", Category.USER),
    HEADERS_TOO_LARGE(431, "0x8ff0000c", Category.USER),
    BAD_REQUEST(400, "0x8ff0000d", Category.USER),
    BATCH_MALFORMED(400, "0x8ff0000e", Category.USER),
    BATCH_TOO_LARGE(400, "0x8ff0000f", Category.USER),
    /** {@code Prefer: odata.track-changes} or a delta link on an entity that is not change-tracked. */
    CHANGE_TRACKING_NOT_ENABLED(400, "0x8ff00040", Category.USER),
    /** A {@code $deltatoken} this gateway did not give, or with other query options than {@code $select}. */
    INVALID_DELTA_TOKEN(400, "0x8ff00041", Category.USER),
    /** A {@code $deltatoken} older than the data audit keeps deletions: read the set again from the start. */
    DELTA_TOKEN_EXPIRED(410, "0x8ff00042", Category.USER),
    THROTTLED_COUNT(429, "0x80072322", Category.USER),
    THROTTLED_TIME(429, "0x80072321", Category.USER),
    THROTTLED_CONCURRENCY(429, "0x80072326", Category.USER),
    INTERNAL(500, "0x8ff00020", Category.INTERNAL),
    NOT_IMPLEMENTED(501, "0x8ff00006", Category.USER),
    BACKEND_UNAVAILABLE(503, "0x8ff00010", Category.EXTERNAL),
    /** Every pool connection stayed busy for the whole {@code backend.acquireTimeout}: the backend is up, the node is saturated. */
    BACKEND_BUSY(503, "0x8ff00012", Category.EXTERNAL),
    BACKEND_TIMEOUT(504, "0x8ff00011", Category.EXTERNAL);

    public enum Category {
        USER,
        INTERNAL,
        EXTERNAL
    }

    private final int httpStatus;
    private final String code;
    private final Category category;

    ErrorCode(int httpStatus, String code, Category category) {
        this.httpStatus = httpStatus;
        this.code = code;
        this.category = category;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }

    public Category category() {
        return category;
    }
}
