package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import org.eclipse.jetty.server.Handler;

/**
 * One immutable state of the served catalog: the catalog (file plus the administrators' choices),
 * the services built from it, its {@code $metadata} ETag, and the routes that answer with them.
 * {@link CatalogSnapshotHandler} takes the current snapshot once when a request arrives, and the
 * request (every part of a {@code $batch} included) runs on it to its end, whatever replaces it
 * meanwhile.
 *
 * @param sequence counts the snapshots of this node, 1 for the first
 * @param handler the routes below the throttling, built on this snapshot's services
 */
public record CatalogSnapshot(long sequence, CatalogServices services, String metadataEtag, Handler handler) {
    public CatalogSnapshot {
        requireNonNull(services, "services is null");
        requireNonNull(metadataEtag, "metadataEtag is null");
        requireNonNull(handler, "handler is null");
    }

    public Catalog catalog() {
        return services.catalog();
    }

    public ODataFrontEnd odata() {
        return services.odata();
    }
}
