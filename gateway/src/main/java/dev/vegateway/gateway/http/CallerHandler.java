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
 * Caller resolution: the user the authenticated application acts for, named by
 * {@code CallerObjectId}, {@code MSCRMCallerID} or {@code X-Portal-Contact-Id} (or the
 * application alone), with the permissions of their roles; timed as {@code authz}. Everything
 * below acts for that caller. A request to the administration sets ({@code systemusers},
 * {@code businessunits}, {@code teams}, {@code roles} and their associations) and to the function
 * {@code vegateway_Explain} is resolved by
 * {@code administrators}, which also admits users of access mode Administrative; every other one
 * by {@code callers}, which refuses them, so they reach these sets and nothing else.
 */
final class CallerHandler extends Handler.Wrapper {
    private final Function<CallerRequest, Caller> callers;
    private final Function<CallerRequest, Caller> administrators;

    /**
     * {@code callers} is {@link CallerResolver#resolve} in the gateway, {@code administrators}
     * {@link CallerResolver#resolveForAdministration}.
     */
    CallerHandler(
            Handler next, Function<CallerRequest, Caller> callers, Function<CallerRequest, Caller> administrators) {
        super(next);
        this.callers = requireNonNull(callers, "callers is null");
        this.administrators = requireNonNull(administrators, "administrators is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        long started = System.nanoTime();
        Function<CallerRequest, Caller> resolver =
                AdministrationResource.addresses(exchange.path()) || ExplainEndpoint.addresses(exchange.path())
                        ? administrators
                        : callers;
        exchange.caller(resolver.apply(new CallerRequest(
                exchange.token().applicationId(),
                header(request, "CallerObjectId"),
                header(request, "MSCRMCallerID"),
                header(request, "X-Portal-Contact-Id"))));
        exchange.timings.authzNanos = System.nanoTime() - started;
        return super.handle(request, response, callback);
    }

    private static Optional<String> header(Request request, String name) {
        HttpField field = request.getHeaders().getField(name);
        if (field == null || field.getValue() == null || field.getValue().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(field.getValue().trim());
    }
}
