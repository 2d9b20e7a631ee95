package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.CatalogVisibility;
import dev.vegateway.adapter.security.IdentityLifecycle;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.Explainer;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.TokenValidator;
import dev.vegateway.gateway.odata.AlternateKeyPaths;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
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
 *           └ CallerHandler          the user it acts for, with their roles' permissions (for the administration
 *                                    sets systemusers, businessunits, teams, roles: Administrative users too)
 *           └ ThrottlingHandler      service protection limits per user and application (429)
 *             └ CatalogSnapshotHandler  the catalog snapshot the request runs on to its end
 *               └ AlternateKeyHandler    a record addressed by an alternate key → by its GUID
 *                 └ Routes                 GET, RetrieveMultiple, $batch, actions, writes, own sets
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
    private final LiveCatalog catalog;

    private ApiChain(RequestContextHandler top, LiveCatalog catalog) {
        this.top = top;
        this.catalog = catalog;
    }

    /**
     * {@code changesets} must be the data source the services of every catalog are built on.
     *
     * @param catalog the catalog file's catalog with the gateway's own sets
     * @param choices the administrators' visibility choices (logical name to visible) stored so far
     * @param services builds the services of each catalog snapshot
     */
    public static ApiChain build(
            String servicePath,
            Catalog catalog,
            Map<String, Boolean> choices,
            CatalogServices.Factory services,
            TokenValidator tokens,
            CallerResolver callers,
            ChangesetDataSource changesets,
            GatewayConfig.Limits limits,
            GatewayConfig.Throttling throttling,
            Metrics metrics,
            SecurityStore securityStore,
            DeltaLinks deltas,
            CatalogVisibility catalogVisibility,
            DataSource backend,
            Clock clock,
            IdentityLifecycle identity) {
        requireNonNull(servicePath, "servicePath is null");
        Exchange.BodyLimits bodyLimits = new Exchange.BodyLimits(
                limits.maxRequestBodyBytes(), Math.max(limits.maxRequestBodyBytes(), limits.maxBatchBodyBytes()));
        CatalogSetWriter.Administration administration =
                new CatalogSetWriter.Administration(catalogVisibility, backend, clock);
        LiveCatalog live = new LiveCatalog(
                catalog,
                choices,
                (sequence, effective) -> {
                    CatalogServices built = services.build(effective);
                    return new CatalogSnapshot(
                            sequence,
                            built,
                            ConditionalGet.contentTag(built.odata().metadataXml()),
                            routes(
                                    servicePath,
                                    built,
                                    changesets,
                                    limits,
                                    metrics,
                                    securityStore,
                                    deltas,
                                    administration,
                                    bodyLimits,
                                    callers));
                },
                metrics.registry());
        return new ApiChain(
                new RequestContextHandler(
                        new ErrorMappingHandler(new RequestLimitsHandler(
                                new AuthenticationHandler(
                                        new IdentityHandler(
                                                new CallerHandler(
                                                        new ThrottlingHandler(
                                                                new CatalogSnapshotHandler(live), throttling),
                                                        callers::resolve,
                                                        callers::resolveForAdministration),
                                                identity),
                                        tokens),
                                servicePath,
                                limits.maxUrlBytes())),
                        servicePath,
                        bodyLimits,
                        metrics),
                live);
    }

    /** The routes of one catalog snapshot: every endpoint built on its services, and the chain of its $batch parts. */
    private static Handler routes(
            String servicePath,
            CatalogServices services,
            ChangesetDataSource changesets,
            GatewayConfig.Limits limits,
            Metrics metrics,
            SecurityStore securityStore,
            DeltaLinks deltas,
            CatalogSetWriter.Administration administration,
            Exchange.BodyLimits bodyLimits,
            CallerResolver callers) {
        Catalog catalog = services.catalog();
        ODataFrontEnd odata = services.odata();
        QueryService queries = services.queries();
        PortalMappingResource portalMappings = new PortalMappingResource(securityStore, catalog, odata);
        AdministrationResource administrationSets =
                new AdministrationResource(securityStore.administration(), catalog, odata);
        ReadEndpoint reads = new ReadEndpoint(
                catalog,
                odata,
                queries,
                List.of(new CatalogReader(catalog), portalMappings, administrationSets),
                organizationId(odata.namespace(), servicePath),
                limits.maxPageSize(),
                limits.expandPageSize(),
                deltas);
        AlternateKeyPaths alternateKeys = new AlternateKeyPaths(catalog, queries);
        WriteEndpoint writes = new WriteEndpoint(services.writes(), queries, odata.lookups(), alternateKeys);
        ActionEndpoint actions = new ActionEndpoint(catalog, services.actions(), odata.namespace());
        CatalogSetWriter catalogSet = new CatalogSetWriter(catalog, odata, administration);
        MetadataDefinitions metadataDefinitions = new MetadataDefinitions(catalog);
        ExplainEndpoint explain =
                new ExplainEndpoint(catalog, new Explainer(callers, securityStore, queries), odata.namespace());

        Handler parts = new RequestContextHandler(
                new ErrorMappingHandler(new PartRefusalHandler(new AlternateKeyHandler(
                        new Routes(
                                odata,
                                reads,
                                writes,
                                actions,
                                portalMappings,
                                Optional.empty(),
                                catalogSet,
                                metadataDefinitions,
                                administrationSets,
                                explain),
                        alternateKeys))),
                servicePath,
                bodyLimits,
                metrics);
        BatchEndpoint batches = new BatchEndpoint(
                changesets, servicePath, limits.maxBatchParts(), limits.maxBatchBodyBytes(), bodyLimits, parts);
        Routes routes = new Routes(
                odata,
                reads,
                writes,
                actions,
                portalMappings,
                Optional.of(batches),
                catalogSet,
                metadataDefinitions,
                administrationSets,
                explain);
        return new AlternateKeyHandler(routes, alternateKeys);
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

    /** The catalog this chain serves, swapped as a whole when the catalog file or a visibility choice changes. */
    public LiveCatalog catalog() {
        return catalog;
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
