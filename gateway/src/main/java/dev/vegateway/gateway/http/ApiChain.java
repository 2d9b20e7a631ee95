package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.IdentityLifecycle;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.write.ActionService;
import dev.vegateway.adapter.write.WriteService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.TokenValidator;
import dev.vegateway.gateway.odata.AlternateKeyPaths;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.server.Handler;

/**
 * The API's handler chain, each link a Jetty {@link Handler.Wrapper} that does one thing and
 * hands the request down; nothing calls back up.
 *
 * <pre>
 *   RequestContextHandler   request id, identifying headers, in flight, log line and metrics
 *   └ ErrorMappingHandler   any failure below → the JSON error answer
 *     └ RequestLimitsHandler  URL length (414), path outside the service root (404)
 *       └ AuthenticationHandler  the application's bearer token (401)
 *         └ IdentityHandler        first access and group teams from the token's oid/tid/groups claims
 *         └ CallerHandler          the user it acts for, with their roles' permissions
 *           └ ThrottlingHandler      service protection limits per user and application (429)
 *             └ AlternateKeyHandler    a record addressed by an alternate key → by its GUID
 *               └ Routes                 GET, RetrieveMultiple, $batch, actions, writes, own sets
 *
 *   a $batch part:  RequestContextHandler → ErrorMappingHandler → PartRefusalHandler → AlternateKeyHandler
 *                   → Routes (no $batch)
 * </pre>
 *
 * A {@code $batch} part runs below authentication, for the batch's caller: its chain starts with
 * its own context (id {@code <batch id>/<n>}, its own timer and log line) and error mapping.
 */
public final class ApiChain {
    private final RequestContextHandler top;

    private ApiChain(RequestContextHandler top) {
        this.top = top;
    }

    /** {@code changesets} must be the data source the query, write and action services were built on. */
    public static ApiChain build(
            String servicePath,
            Catalog catalog,
            ODataFrontEnd odata,
            TokenValidator tokens,
            CallerResolver callers,
            QueryService queries,
            WriteService writeService,
            ActionService actionService,
            ChangesetDataSource changesets,
            GatewayConfig.Limits limits,
            GatewayConfig.Throttling throttling,
            Metrics metrics,
            SecurityStore securityStore,
            DeltaLinks deltas,
            IdentityLifecycle identity) {
        requireNonNull(servicePath, "servicePath is null");
        Exchange.BodyLimits bodyLimits = new Exchange.BodyLimits(
                limits.maxRequestBodyBytes(), Math.max(limits.maxRequestBodyBytes(), limits.maxBatchBodyBytes()));
        PortalMappingResource portalMappings = new PortalMappingResource(securityStore, catalog, odata);
        ReadEndpoint reads = new ReadEndpoint(
                catalog,
                odata,
                queries,
                List.of(new CatalogReader(catalog), portalMappings),
                organizationId(odata.namespace(), servicePath),
                limits.maxPageSize(),
                limits.expandPageSize(),
                deltas);
        AlternateKeyPaths alternateKeys = new AlternateKeyPaths(catalog, queries);
        WriteEndpoint writes = new WriteEndpoint(writeService, queries, odata.lookups(), alternateKeys);
        ActionEndpoint actions = new ActionEndpoint(catalog, actionService, odata.namespace());

        Handler parts = new RequestContextHandler(
                new ErrorMappingHandler(new PartRefusalHandler(new AlternateKeyHandler(
                        new Routes(odata, reads, writes, actions, portalMappings, Optional.empty()), alternateKeys))),
                servicePath,
                bodyLimits,
                metrics);
        BatchEndpoint batches = new BatchEndpoint(
                changesets, servicePath, limits.maxBatchParts(), limits.maxBatchBodyBytes(), bodyLimits, parts);
        Routes routes = new Routes(odata, reads, writes, actions, portalMappings, Optional.of(batches));
        return new ApiChain(new RequestContextHandler(
                new ErrorMappingHandler(new RequestLimitsHandler(
                        new AuthenticationHandler(
                                new IdentityHandler(
                                        new CallerHandler(
                                                new ThrottlingHandler(
                                                        new AlternateKeyHandler(routes, alternateKeys), throttling),
                                                callers::resolve),
                                        identity),
                                tokens),
                        servicePath,
                        limits.maxUrlBytes())),
                servicePath,
                bodyLimits,
                metrics));
    }

    /**
     * WhoAmI's OrganizationId: one deployment's, the same on every node, derived from its EDM
     * namespace and service path.
     */
    private static UUID organizationId(String namespace, String servicePath) {
        return UUID.nameUUIDFromBytes(
                ("VE Gateway organization " + namespace + " " + servicePath).getBytes(StandardCharsets.UTF_8));
    }

    /** The chain's first handler, to be installed on the server. */
    public Handler handler() {
        return top;
    }

    /** Requests being served. */
    public int requestsInFlight() {
        return top.requestsInFlight();
    }

    /** Cancels at the database the statements of every request still being served. */
    public void cancelInFlight() {
        top.cancelInFlight();
    }
}
