package dev.vegateway.gateway.http;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever the chain below throws into the Dataverse-style JSON error: the error code's
 * status, {@code {"error":{"code","message"}}}, {@code WWW-Authenticate} on 401,
 * {@code Retry-After} on 429 and 503, and the timings so far. An internal failure is logged with
 * its stack and shown to the client only as its request id.
 *
 * <p>The handlers below complete the callback when they answered; one that throws leaves it to
 * this handler. A failure after a streamed response was committed can only end the stream; a
 * batch part's answer is still in memory and is replaced by the error. A request sent on its own
 * has its unread body discarded first (or its connection closed), so the client reads the answer.
 */
final class ErrorMappingHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappingHandler.class);

    ErrorMappingHandler(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = Exchange.of(request);
        try {
            if (!super.handle(request, response, callback)) {
                throw GatewayException.of(ErrorCode.RESOURCE_NOT_FOUND, "No resource at this path.");
            }
        } catch (GatewayException e) {
            fail(exchange, e, callback);
        } catch (StackOverflowError e) {
            fail(
                    exchange,
                    GatewayException.of(ErrorCode.QUERY_SYNTAX, "The query is nested too deeply; simplify it."),
                    callback);
        } catch (Throwable e) {
            if (exchange.committed() && clientGone(e)) {
                // Not the gateway's failure: one line, no stack trace.
                exchange.log.errorCode = "client-gone";
                LOG.info(
                        "request {}: the client closed the connection while the answer was streamed ({})",
                        exchange.log.requestId,
                        e.toString());
                callback.failed(e);
                return true;
            }
            LOG.error("request {} failed", exchange.log.requestId, e);
            fail(exchange, new GatewayException(ErrorCode.INTERNAL, "internal error", e), callback);
        }
        return true;
    }

    /** Whether {@code failure} says the client's connection is gone (closed, reset, or timed out by Jetty). */
    static boolean clientGone(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EofException || cause instanceof ClosedChannelException) {
                return true;
            }
            if (cause instanceof IOException && cause.getMessage() != null) {
                String message = cause.getMessage().toLowerCase(Locale.ROOT);
                if (message.contains("broken pipe")
                        || message.contains("connection reset")
                        || message.contains("closed")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void fail(Exchange exchange, GatewayException exception, Callback callback) {
        RequestLog log = exchange.log;
        log.status = exception.errorCode().httpStatus();
        log.errorCode = exception.errorCode().code();
        Response response = exchange.response;
        if (exchange.committed()) {
            if (!exchange.batchPart) {
                LOG.warn(
                        "request {} failed after the response was committed: {}",
                        log.requestId,
                        exception.getMessage());
                callback.failed(exception);
                return;
            }
            // A batch part is still in memory: what it wrote so far is replaced by the error.
            response.reset();
            response.getHeaders().put("OData-Version", "4.0");
            response.getHeaders().put("x-ms-service-request-id", log.requestId);
        }
        if (!exchange.batchPart) {
            exchange.settleBody();
        }
        response.setStatus(exception.errorCode().httpStatus());
        HttpFields.Mutable headers = response.getHeaders();
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove("Preference-Applied");
        headers.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        String message = ErrorResponses.clientMessage(exception, log.requestId);
        if (exception.errorCode().httpStatus() == 401) {
            headers.put(HttpHeader.WWW_AUTHENTICATE, ErrorResponses.wwwAuthenticate(message));
        }
        ErrorResponses.retryAfter(exception).ifPresent(seconds -> headers.put(HttpHeader.RETRY_AFTER, seconds));
        headers.put("Server-Timing", exchange.timings.serverTiming());
        byte[] body = ErrorResponses.body(exception.errorCode(), message);
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
