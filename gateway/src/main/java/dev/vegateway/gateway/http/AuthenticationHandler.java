package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.gateway.auth.TokenValidator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Authentication: verifies the bearer token of a registered application (401 otherwise) and
 * hands it to the exchange, timed as {@code auth}. Nothing below runs for a request without one.
 */
final class AuthenticationHandler extends Handler.Wrapper {
    private final TokenValidator tokens;

    AuthenticationHandler(Handler next, TokenValidator tokens) {
        super(next);
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        long started = System.nanoTime();
        exchange.token(tokens.validate(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
        exchange.timings.authNanos = System.nanoTime() - started;
        return super.handle(request, response, callback);
    }
}
