package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ReadRouting;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The last link of the chain: sends an authenticated request, by method and path, to the
 * endpoint that answers it, and completes the request once it answered (an endpoint that fails
 * throws, and the error mapping above answers instead).
 *
 * <pre>
 *   write or association of systemusers, businessunits, teams, roles → AdministrationResource
 *   non-GET on a portal-mapping set   → PortalMappingResource (from the security store)
 *   non-GET on the catalog set        → CatalogSetWriter (hide, show, refresh an entity)
 *   GET of EntityDefinitions, GlobalOptionSetDefinitions → MetadataDefinitions (from the catalog)
 *   GET vegateway_Explain(…)          → ExplainEndpoint (administrators only)
 *   GET                               → ReadEndpoint
 *   POST /RetrieveMultiple            → ReadEndpoint (QueryExpression)
 *   POST /$batch                      → BatchEndpoint (its parts run through a chain of their own)
 *   POST /{Action}, /set(id)/ns.Action → ActionEndpoint
 *   POST /set, PATCH, DELETE          → WriteEndpoint
 * </pre>
 *
 * The routes of a {@code $batch} part have no batch endpoint: a batch inside a batch is refused.
 */
final class Routes extends Handler.Abstract {
    private final ODataFrontEnd odata;
    private final ReadEndpoint reads;
    private final WriteEndpoint writes;
    private final ActionEndpoint actions;
    private final PortalMappingResource portalMappings;
    private final Optional<BatchEndpoint> batches;
    private final CatalogSetWriter catalogSet;
    private final MetadataDefinitions metadataDefinitions;
    private final AdministrationResource administration;
    private final ExplainEndpoint explain;

    Routes(
            ODataFrontEnd odata,
            ReadEndpoint reads,
            WriteEndpoint writes,
            ActionEndpoint actions,
            PortalMappingResource portalMappings,
            Optional<BatchEndpoint> batches,
            CatalogSetWriter catalogSet,
            MetadataDefinitions metadataDefinitions,
            AdministrationResource administration,
            ExplainEndpoint explain) {
        super(InvocationType.BLOCKING);
        this.explain = requireNonNull(explain, "explain is null");
        this.metadataDefinitions = requireNonNull(metadataDefinitions, "metadataDefinitions is null");
        this.odata = requireNonNull(odata, "odata is null");
        this.reads = requireNonNull(reads, "reads is null");
        this.writes = requireNonNull(writes, "writes is null");
        this.actions = requireNonNull(actions, "actions is null");
        this.portalMappings = requireNonNull(portalMappings, "portalMappings is null");
        this.batches = requireNonNull(batches, "batches is null");
        this.catalogSet = requireNonNull(catalogSet, "catalogSet is null");
        this.administration = requireNonNull(administration, "administration is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        String path = exchange.path();
        String method = request.getMethod();
        boolean reading = method.equals("GET") || (method.equals("POST") && path.equals("/RetrieveMultiple"));
        boolean strong = Preferences.strongConsistency(request.getHeaders());
        if (strong) {
            Preferences.applied(exchange.response.getHeaders(), Preferences.STRONG_CONSISTENCY);
        }
        // A write (which may read back what it wrote, or bind to a record it must see) and a read that asks for
        // strong consistency read from the primary; other reads may go to a replica.
        try (ReadRouting.Scope primary = reading && !strong ? null : ReadRouting.primaryOnly()) {
            route(exchange, method, path);
        }
        callback.succeeded();
        return true;
    }

    private void route(Exchange exchange, String method, String path) throws Exception {
        if (method.equals("GET") && MetadataDefinitions.serves(path)) {
            metadataDefinitions.get(exchange);
        } else if (explain.handle(exchange, method, path)) {
            // the function vegateway_Explain, for administrators
        } else if (administration.handle(exchange, exchange.caller(), method, path, exchange.serviceRoot())) {
            // an administration set's write or association, served from the security store
        } else if (method.equals("GET")) {
            reads.get(exchange);
        } else if (portalMappings.write(
                exchange, exchange.caller(), method, path, exchange.serviceRoot(), exchange::jsonBody)) {
            // served from the security store
        } else if (catalogSet.write(exchange, method, path)) {
            // a catalog entity hidden, shown or refreshed
        } else {
            switch (method) {
                case "POST" -> post(exchange, path);
                case "PATCH" -> writes.update(
                        exchange,
                        exchange.caller(),
                        odata.writeTarget(path),
                        exchange.jsonBody(),
                        exchange.serviceRoot());
                case "PUT" -> throw GatewayException.of(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "Update records with PATCH; PUT of single properties is not supported.");
                case "DELETE" -> writes.delete(exchange, exchange.caller(), odata.writeTarget(path));
                default -> throw GatewayException.of(
                        ErrorCode.METHOD_NOT_ALLOWED, "The method %s is not allowed here.", Exchange.sanitize(method));
            }
        }
    }

    private void post(Exchange exchange, String path) throws Exception {
        if (path.equals("/RetrieveMultiple")) {
            reads.retrieveMultiple(exchange);
        } else if (path.equals("/$batch")) {
            batches.orElseThrow(() ->
                            GatewayException.of(ErrorCode.BATCH_MALFORMED, "A $batch cannot contain another $batch."))
                    .execute(exchange);
        } else if (actions.isAction(path)) {
            actions.perform(exchange, exchange.caller(), path, exchange.optionalJsonBody(), exchange.serviceRoot());
        } else {
            writes.create(
                    exchange, exchange.caller(), odata.writeTarget(path), exchange.jsonBody(), exchange.serviceRoot());
        }
    }
}
