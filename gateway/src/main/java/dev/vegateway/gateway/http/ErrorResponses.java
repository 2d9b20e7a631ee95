package dev.vegateway.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/** The one place that turns an error into the Dataverse-style JSON body {@code {"error":{"code","message"}}}. */
final class ErrorResponses {
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorResponses() {}

    static byte[] body(ErrorCode code, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code.code());
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The message a client may see: a gateway message as is; an internal failure only as its request id. */
    static String clientMessage(GatewayException exception, String requestId) {
        if (exception.errorCode().category() == ErrorCode.Category.INTERNAL) {
            return "An unexpected error occurred. Quote request id " + requestId + " to the operator.";
        }
        return exception.getMessage();
    }

    /** {@code Retry-After} of a 429 or 503 when the error names no time of its own. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * The {@code Retry-After} header's value in whole seconds (at least 1): the error's own time
     * when it has one, {@link #DEFAULT_RETRY_AFTER} for any other 429 or 503, none otherwise.
     */
    static Optional<String> retryAfter(GatewayException exception) {
        int status = exception.errorCode().httpStatus();
        Optional<Duration> after = exception
                .retryAfter()
                .or(() -> status == 503 || status == 429 ? Optional.of(DEFAULT_RETRY_AFTER) : Optional.empty());
        return after.map(duration -> Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000)));
    }

    /** {@code WWW-Authenticate} for a 401 (RFC 6750), with the description made safe for a quoted string. */
    static String wwwAuthenticate(String message) {
        String safe = message.replace("\\", "").replace("\"", "'").replaceAll("[^\\x20-\\x7e]", "?");
        return "Bearer error=\"invalid_token\", error_description=\"" + safe + "\"";
    }
}
