package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerRequest;
import dev.vegateway.adapter.security.CallerResolver;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Caller resolution for a request to the administration sets ({@code systemusers},
 * {@code businessunits}, {@code teams}, {@code roles} and their associations): the caller is
 * resolved with {@link CallerResolver#resolveForAdministration}, which accepts users of access mode
 * Administrative, and the request goes on to the links below the ordinary caller handler
 * (throttling, routes). Every other request goes through the ordinary caller handler, which refuses
 * Administrative users, so they reach these sets and nothing else.
 */
final class AdministrationCallerHandler extends Handler.Wrapper {
    private final Handler below;
    private final Function<CallerRequest, Caller> callers;

    private AdministrationCallerHandler(Handler callerHandler, Handler below, Function<CallerRequest, Caller> callers) {
        super(callerHandler);
        this.below = requireNonNull(below, "below is null");
        this.callers = requireNonNull(callers, "callers is null");
    }

    /**
     * @param callerHandler makes the ordinary caller handler around {@code below}
     * @param below the links below caller resolution
     * @param callers {@link CallerResolver#resolveForAdministration} in the gateway
     */
    static Handler around(
            Function<Handler, Handler> callerHandler, Handler below, Function<CallerRequest, Caller> callers) {
        return new AdministrationCallerHandler(callerHandler.apply(below), below, callers);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        if (!AdministrationResource.addresses(exchange.path())) {
            return super.handle(request, response, callback);
        }
        long started = System.nanoTime();
        exchange.caller(callers.apply(new CallerRequest(
                exchange.token().applicationId(),
                header(request, "CallerObjectId"),
                header(request, "MSCRMCallerID"),
                header(request, "X-Portal-Contact-Id"))));
        exchange.timings.authzNanos = System.nanoTime() - started;
        return below.handle(request, response, callback);
    }

    private static Optional<String> header(Request request, String name) {
        HttpField field = request.getHeaders().getField(name);
        if (field == null || field.getValue() == null || field.getValue().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(field.getValue().trim());
    }
}
