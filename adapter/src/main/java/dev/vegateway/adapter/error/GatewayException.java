package dev.vegateway.adapter.error;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;

/**
 * The one exception type that reaches the client: an {@link ErrorCode} and a message fit to
 * show to the caller (never SQL text, never a token). The gateway turns it into the JSON error
 * body in one place.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode errorCode;

    public GatewayException(ErrorCode errorCode, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public GatewayException(ErrorCode errorCode, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause, false, true);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The message is {@code format} with its {@code %s}-style {@code arguments} (checked at compile time by Error Prone). */
    @FormatMethod
    public static GatewayException of(ErrorCode errorCode, @FormatString String format, Object... arguments) {
        return new GatewayException(errorCode, arguments.length == 0 ? format : String.format(format, arguments));
    }
}
