package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.write.ActionService;
import dev.vegateway.adapter.write.WriteService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.gateway.odata.ODataFrontEnd;

/**
 * Everything built from one catalog: the OData front end (EDM, {@code $metadata}), the query
 * service with its planner, and the write and action services. A new catalog gets new ones; a
 * request uses the ones of the {@link CatalogSnapshot} it started with.
 */
public record CatalogServices(
        Catalog catalog, ODataFrontEnd odata, QueryService queries, WriteService writes, ActionService actions) {
    public CatalogServices {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(odata, "odata is null");
        requireNonNull(queries, "queries is null");
        requireNonNull(writes, "writes is null");
        requireNonNull(actions, "actions is null");
    }

    /** Builds the services of one catalog (the composition root knows the configuration they need). */
    @FunctionalInterface
    public interface Factory {
        CatalogServices build(Catalog catalog);
    }
}
