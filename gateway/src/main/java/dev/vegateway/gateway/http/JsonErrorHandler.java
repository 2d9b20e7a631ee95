package dev.vegateway.gateway.http;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.config.GatewayConfig;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before the gateway sees the request (URI or headers too long, a
 * malformed request line) in the same JSON form and with the same identifying headers as
 * every other error, instead of Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private final GatewayConfig.Limits limits;

    public JsonErrorHandler(GatewayConfig.Limits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        ErrorCode code =
                switch (status) {
                    case 404 -> ErrorCode.RESOURCE_NOT_FOUND;
                    case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
                    case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
                    case 414 -> ErrorCode.URI_TOO_LONG;
                    case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
                    case 431 -> ErrorCode.HEADERS_TOO_LARGE;
                    case 503 -> ErrorCode.BACKEND_UNAVAILABLE;
                    default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
                };
        String message =
                switch (code) {
                    case URI_TOO_LONG -> "The request URL is longer than " + limits.maxUrlBytes()
                            + " bytes (limits.maxUrlBytes); send long queries as a QueryExpression (POST RetrieveMultiple).";
                    case HEADERS_TOO_LARGE -> "The request line and headers are larger than "
                            + limits.maxRequestHeaderBytes()
                            + " bytes together (limits.maxUrlBytes + limits.maxTokenBytes + 16 KiB).";
                    case PAYLOAD_TOO_LARGE -> "The request body is too large.";
                        // Jetty answers 503 itself only while the gateway stops (its graceful handler refuses new
                        // requests).
                    case BACKEND_UNAVAILABLE -> "The gateway is shutting down; retry the request.";
                    case INTERNAL -> "An unexpected error occurred.";
                    default -> "The request is malformed (HTTP " + status + ").";
                };
        byte[] body = ErrorResponses.body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put("OData-Version", "4.0");
        response.getHeaders().put("x-ms-service-request-id", UUID.randomUUID().toString());
        if (code == ErrorCode.BACKEND_UNAVAILABLE) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        if (code != ErrorCode.BACKEND_UNAVAILABLE) {
            // Jetty refused the request before reading it whole (a request line or headers too large, a malformed
            // message): what the client still sends of it would be read as the next request on this connection.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
