package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses, before any token is read, what the gateway will not serve whoever asks: a URL longer
 * than {@code limits.maxUrlBytes} (414, naming both lengths; Jetty itself refuses request lines
 * beyond its header buffer) and a path outside the service root (404).
 */
final class RequestLimitsHandler extends Handler.Wrapper {
    private final String servicePath;
    private final int maxUrlBytes;

    RequestLimitsHandler(Handler next, String servicePath, int maxUrlBytes) {
        super(next);
        this.servicePath = requireNonNull(servicePath, "servicePath is null");
        this.maxUrlBytes = maxUrlBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String pathQuery = request.getHttpURI().getPathQuery();
        int length = pathQuery == null ? 0 : pathQuery.length();
        if (length > maxUrlBytes) {
            throw GatewayException.of(
                    ErrorCode.URI_TOO_LONG,
                    "The request URL is %d bytes long; at most %d are allowed (limits.maxUrlBytes). Send long queries as"
                            + " a QueryExpression (POST RetrieveMultiple) or inside a $batch.",
                    length,
                    maxUrlBytes);
        }
        String path = request.getHttpURI().getPath();
        if (path == null || !(path.equals(servicePath) || path.startsWith(servicePath + "/"))) {
            throw GatewayException.of(
                    ErrorCode.RESOURCE_NOT_FOUND, "No resource at this path; the service root is %s/.", servicePath);
        }
        return super.handle(request, response, callback);
    }
}
