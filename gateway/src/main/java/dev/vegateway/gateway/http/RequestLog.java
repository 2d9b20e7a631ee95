package dev.vegateway.gateway.http;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One structured line per request (key=value), never a token or a header value other than ids. */
final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("vegateway.request");

    String requestId;
    String clientRequestId = "-";
    String application = "-";
    String user = "-";
    String operation = "-";
    String entitySet = "-";
    int status;
    long rows;
    String errorCode = "-";

    void write(Timings timings) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        // The same fields as key-value pairs, for the JSON log format (logging.format: json).
        LOG.atInfo()
                .addKeyValue("requestId", requestId)
                .addKeyValue("clientRequestId", clientRequestId)
                .addKeyValue("application", application)
                .addKeyValue("user", user)
                .addKeyValue("operation", operation)
                .addKeyValue("entitySet", entitySet)
                .addKeyValue("status", status)
                .addKeyValue("errorCode", errorCode)
                .addKeyValue("rows", rows)
                .addKeyValue("totalMs", Timings.millis(timings.elapsedNanos()))
                .log(String.format(
                        Locale.ROOT,
                        "request id=%s client_id=%s app=%s user=%s op=%s set=%s status=%d code=%s rows=%d auth_ms=%.3f authz_ms=%.3f db_ms=%.3f ser_ms=%.3f total_ms=%.3f",
                        requestId,
                        clientRequestId,
                        application,
                        user,
                        operation,
                        entitySet,
                        status,
                        errorCode,
                        rows,
                        Timings.millis(timings.authNanos),
                        Timings.millis(timings.authzNanos),
                        Timings.millis(timings.databaseNanos),
                        Timings.millis(timings.serializeNanos),
                        Timings.millis(timings.elapsedNanos())));
    }
}
