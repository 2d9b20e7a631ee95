package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.IdentityLifecycle;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * First access and group-team membership (issue 15): before the caller is resolved, a token issued
 * for the user the {@code CallerObjectId} header names (its {@code oid} claim is that id) may create
 * or enable that user and records the groups its {@code groups} claim names. See
 * {@link IdentityLifecycle}.
 */
final class IdentityHandler extends Handler.Wrapper {
    private final IdentityLifecycle identity;

    IdentityHandler(Handler next, IdentityLifecycle identity) {
        super(next);
        this.identity = requireNonNull(identity, "identity is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        HttpField header = request.getHeaders().getField(CallerResolver.CALLER_OBJECT_ID_HEADER);
        Optional<String> callerObjectId =
                header == null || header.getValue() == null ? Optional.empty() : Optional.of(header.getValue());
        identity.beforeResolve(
                callerObjectId, exchange.token().user(), exchange.token().applicationId());
        return super.handle(request, response, callback);
    }
}
