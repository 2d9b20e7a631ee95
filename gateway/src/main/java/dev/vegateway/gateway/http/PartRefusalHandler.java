package dev.vegateway.gateway.http;

import dev.vegateway.adapter.error.GatewayException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * In a {@code $batch} part's chain, just above its routes: a part its batch refused before it
 * could run (a Content-ID used twice, a reference to no earlier request, another caller's header,
 * a changeset whose commit failed) answers that refusal, through the same error mapping and log
 * line as any part, without reaching an endpoint.
 */
final class PartRefusalHandler extends Handler.Wrapper {
    private static final String ATTRIBUTE = PartRefusalHandler.class.getName();

    PartRefusalHandler(Handler next) {
        super(next);
    }

    /** Marks {@code part} as refused with {@code failure}. */
    static void refuse(Request part, GatewayException failure) {
        part.setAttribute(ATTRIBUTE, failure);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getAttribute(ATTRIBUTE) instanceof GatewayException refusal) {
            throw refusal;
        }
        return super.handle(request, response, callback);
    }
}
