package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.ReadRouting;
import dev.vegateway.gateway.odata.AlternateKeyPaths;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Just above the routes: a record addressed by an alternate key
 * ({@code set(mserp_dataareaid='usmf',mserp_customeraccount='US-0001')}) is addressed by its
 * GUID from here on, so that every endpoint below sees one kind of key. A natural key's GUID is
 * computed; another alternate key is looked up under the caller's Read privilege. Runs for every
 * request and every {@code $batch} part, so that what an upsert by alternate key remembers of its
 * record never leaks into the next request on the thread.
 */
final class AlternateKeyHandler extends Handler.Wrapper {
    private final AlternateKeyPaths alternateKeys;

    AlternateKeyHandler(Handler next, AlternateKeyPaths alternateKeys) {
        super(next);
        this.alternateKeys = requireNonNull(alternateKeys, "alternateKeys is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        // A write's record is looked up where the write goes: on the primary, never a lagging replica.
        try (ReadRouting.Scope primary = request.getMethod().equals("GET") ? null : ReadRouting.primaryOnly()) {
            exchange.path(alternateKeys.rewrite(exchange.path(), exchange.caller()));
        }
        return super.handle(request, response, callback);
    }
}
