package dev.vegateway.gateway.http;

import dev.vegateway.adapter.security.Caller;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.util.function.Function;

/**
 * One of the gateway's own entity sets served from memory rather than by the SQL planner (the
 * catalog set, the portal mappings and their audit). Each knows its own definitions, by
 * identity; the routes ask it before the planner.
 */
interface InMemorySet {
    /** Whether {@code entity} is one of this resource's sets (the same definition object). */
    boolean serves(EntityDefinition entity);

    void readCollection(
            Exchange exchange,
            Caller caller,
            ODataRequest.ReadCollection read,
            String context,
            Function<String, String> nextLink)
            throws IOException;

    void readEntity(Exchange exchange, Caller caller, ODataRequest.ReadEntity read, String context) throws IOException;

    long count(Exchange exchange, Caller caller, ODataRequest.CountCollection count);
}
