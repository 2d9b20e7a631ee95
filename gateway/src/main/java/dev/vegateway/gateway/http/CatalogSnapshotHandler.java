package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The link that fixes a request's catalog: it takes the {@link LiveCatalog}'s current snapshot
 * once and hands the request to that snapshot's routes, so a catalog swapped in meanwhile never
 * changes a request that has started.
 */
final class CatalogSnapshotHandler extends Handler.Abstract {
    private final LiveCatalog catalog;

    CatalogSnapshotHandler(LiveCatalog catalog) {
        super(InvocationType.BLOCKING);
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return catalog.current().handler().handle(request, response, callback);
    }
}
