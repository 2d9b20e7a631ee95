package dev.vegateway.adapter.error;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import java.time.Duration;
import java.util.Optional;

/**
 * The one exception type that reaches the client: an {@link ErrorCode} and a message fit to
 * show to the caller (never SQL text, never a token). The gateway turns it into the JSON error
 * body in one place.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode errorCode;
    private final Optional<Duration> retryAfter;

    public GatewayException(ErrorCode errorCode, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.retryAfter = Optional.empty();
    }

    public GatewayException(ErrorCode errorCode, String message, Throwable cause) {
        this(errorCode, message, cause, Optional.empty());
    }

    /**
     * @param retryAfter when the client may try again ({@code Retry-After}); empty leaves it to the
     *     gateway's default for the status
     */
    public GatewayException(ErrorCode errorCode, String message, Throwable cause, Optional<Duration> retryAfter) {
        super(requireNonNull(message, "message is null"), cause, false, true);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
        if (retryAfter.isPresent()
                && (retryAfter.get().isNegative() || retryAfter.get().isZero())) {
            throw new IllegalArgumentException("retryAfter must be positive, was " + retryAfter.get());
        }
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** When the client may retry, if this error says so itself (the {@code Retry-After} header). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** The message is {@code format} with its {@code %s}-style {@code arguments} (checked at compile time by Error Prone). */
    @FormatMethod
    public static GatewayException of(ErrorCode errorCode, @FormatString String format, Object... arguments) {
        return new GatewayException(errorCode, arguments.length == 0 ? format : String.format(format, arguments));
    }
}
