package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.jdbc.InFlightStatements;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.queryexpression.QueryExpressionParser;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerRequest;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.service.ExpandedRows;
import dev.vegateway.adapter.service.ExpandingRowSink;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.service.ReadResult;
import dev.vegateway.adapter.write.ActionService;
import dev.vegateway.adapter.write.WriteService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.TokenValidator;
import dev.vegateway.gateway.auth.VerifiedToken;
import dev.vegateway.gateway.odata.CatalogEntitySet;
import dev.vegateway.gateway.odata.CollectionExpand;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import dev.vegateway.gateway.odata.PortalMappingEntitySets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline (STYLE 1): authenticate (JWT) → resolve caller → parse (OData or
 * QueryExpression → neutral query) → authorize and plan → render → execute → serialize, each
 * stage timed into {@code Server-Timing}, every error turned into the JSON error body here.
 */
public final class GatewayHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** WhoAmI's business unit of a user in none (never for an imported user; kept total). */
    private static final String NO_BUSINESS_UNIT = "00000000-0000-0000-0000-000000000000";

    private static final int BUFFERED_BYTES = 256 * 1024;

    private final String servicePath;
    private final Catalog catalog;
    private final ODataFrontEnd odata;
    /**
     * WhoAmI's OrganizationId: one deployment's, the same on every node, derived from its EDM
     * namespace and service path.
     */
    private final UUID organizationId;

    private final TokenValidator tokens;
    private final CallerResolver callers;
    private final QueryService queries;
    private final dev.vegateway.gateway.odata.AlternateKeyPaths alternateKeys;
    private final CatalogReader catalogReader;
    private final WriteEndpoint writes;
    private final ActionEndpoint actions;
    private final PortalMappingResource portalMappings;
    private final BatchEndpoint batches;
    private final int maxPageSize;
    private final int expandPageSize;
    private static final String BODY_READ = "vegateway.bodyRead";
    private static final String CLOSE_CONNECTION = "vegateway.closeConnection";

    private final long maxRequestBodyBytes;
    /** An unread body up to this length is read and discarded before an error answer. */
    private final long discardLimit;

    private final int maxUrlBytes;
    private final Metrics metrics;

    /** {@code changesets} must be the data source the query, write and action services were built on. */
    public GatewayHandler(
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
            Metrics metrics,
            SecurityStore securityStore) {
        this.servicePath = requireNonNull(servicePath, "servicePath is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.odata = requireNonNull(odata, "odata is null");
        this.organizationId = UUID.nameUUIDFromBytes(
                ("VE Gateway organization " + odata.namespace() + " " + servicePath).getBytes(StandardCharsets.UTF_8));
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.callers = requireNonNull(callers, "callers is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.alternateKeys = new dev.vegateway.gateway.odata.AlternateKeyPaths(catalog, queries);
        this.catalogReader = new CatalogReader(catalog);
        this.writes = new WriteEndpoint(writeService, queries, odata.lookups());
        this.actions = new ActionEndpoint(catalog, actionService, odata.namespace());
        this.portalMappings = new PortalMappingResource(securityStore, catalog, odata);
        this.batches = new BatchEndpoint(changesets, servicePath, limits.maxBatchParts(), limits.maxBatchBodyBytes());
        this.maxPageSize = limits.maxPageSize();
        this.expandPageSize = limits.expandPageSize();
        this.maxRequestBodyBytes = limits.maxRequestBodyBytes();
        this.discardLimit = Math.max(limits.maxRequestBodyBytes(), limits.maxBatchBodyBytes());
        this.maxUrlBytes = limits.maxUrlBytes();
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        RequestLog log = new RequestLog();
        log.requestId = UUID.randomUUID().toString();
        Exchange exchange = new Exchange(request, response, new Timings(), log, false, false);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("OData-Version", "4.0");
        headers.put("x-ms-service-request-id", log.requestId);
        String clientRequestId = request.getHeaders().get("x-ms-client-request-id");
        if (clientRequestId != null) {
            log.clientRequestId = sanitize(clientRequestId);
            headers.put("x-ms-client-request-id", log.clientRequestId);
        }
        InFlightStatements.enter(this, log.requestId);
        try {
            run(exchange, callback, () -> {
                checkUrlLength(request);
                rest(request); // a path outside the service is 404 before any authentication
                dispatch(exchange, authenticate(exchange));
            });
        } finally {
            InFlightStatements.exit();
        }
        return true;
    }

    /**
     * Runs one request of a {@code $batch} for the batch's caller, through the same dispatch as a
     * request sent on its own; its answer, an error included, lands in {@code part}'s response.
     */
    void runPart(Exchange part, Caller caller) {
        partHeaders(part);
        run(part, Callback.NOOP, () -> dispatch(part, caller));
    }

    /** Answers a batch part with {@code failure} without running it (a bad reference, a forbidden header, a failed commit). */
    void failPart(Exchange part, GatewayException failure) {
        partHeaders(part);
        run(part, Callback.NOOP, () -> {
            throw failure;
        });
    }

    /** A part's own {@code OData-Version}, and its request id ({@code <batch id>/<n>}, as in its log line). */
    private static void partHeaders(Exchange part) {
        part.response.getHeaders().put("OData-Version", "4.0");
        part.response.getHeaders().put("x-ms-service-request-id", part.log.requestId);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    private void run(Exchange exchange, Callback callback, Step step) {
        RequestLog log = exchange.log;
        try {
            step.run();
            callback.succeeded();
        } catch (GatewayException e) {
            fail(exchange, e, callback);
        } catch (StackOverflowError e) {
            fail(
                    exchange,
                    GatewayException.of(ErrorCode.QUERY_SYNTAX, "The query is nested too deeply; simplify it."),
                    callback);
        } catch (Throwable e) {
            LOG.error("request {} failed", log.requestId, e);
            fail(exchange, new GatewayException(ErrorCode.INTERNAL, "internal error", e), callback);
        } finally {
            log.write(exchange.timings);
            metrics.record(
                    log.operation,
                    log.status,
                    exchange.timings.elapsedNanos(),
                    exchange.timings.databaseNanos,
                    log.rows);
        }
    }

    private void fail(Exchange exchange, GatewayException exception, Callback callback) {
        RequestLog log = exchange.log;
        log.status = exception.errorCode().httpStatus();
        log.errorCode = exception.errorCode().code();
        Response response = exchange.response;
        if (exchange.output != null && exchange.output.committed()) {
            if (!exchange.batchPart) {
                LOG.warn(
                        "request {} failed after the response was committed: {}",
                        log.requestId,
                        exception.getMessage());
                callback.failed(exception);
                return;
            }
            // A batch part is still in memory: what it wrote so far is replaced by the error.
            response.reset();
            partHeaders(exchange);
        }
        if (!exchange.batchPart) {
            settleBody(exchange);
        }
        response.setStatus(exception.errorCode().httpStatus());
        HttpFields.Mutable headers = response.getHeaders();
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove("Preference-Applied");
        headers.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        String message = ErrorResponses.clientMessage(exception, log.requestId);
        if (exception.errorCode().httpStatus() == 401) {
            headers.put(HttpHeader.WWW_AUTHENTICATE, ErrorResponses.wwwAuthenticate(message));
        }
        if (exception.errorCode().httpStatus() == 503 || exception.errorCode().httpStatus() == 429) {
            headers.put(HttpHeader.RETRY_AFTER, "5");
        }
        headers.put("Server-Timing", exchange.timings.serverTiming());
        byte[] body = ErrorResponses.body(exception.errorCode(), message);
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /** Authenticates the token and resolves the caller it acts for (both timed). */
    private Caller authenticate(Exchange exchange) {
        Request request = exchange.request;
        long started = System.nanoTime();
        VerifiedToken token = tokens.validate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        exchange.log.application = token.applicationId();
        long authenticated = System.nanoTime();
        exchange.timings.authNanos = authenticated - started;
        Caller caller = callers.resolve(new CallerRequest(
                token.applicationId(),
                header(request, "CallerObjectId"),
                header(request, "MSCRMCallerID"),
                header(request, "X-Portal-Contact-Id")));
        if (caller instanceof Caller.User user) {
            exchange.log.user = user.permissions().user().id().toString();
        }
        exchange.timings.authzNanos = System.nanoTime() - authenticated;
        return caller;
    }

    /** The path after the service root; 404 for a path outside it. */
    private String rest(Request request) {
        String path = request.getHttpURI().getPath();
        if (path == null || !(path.equals(servicePath) || path.startsWith(servicePath + "/"))) {
            throw GatewayException.of(
                    ErrorCode.RESOURCE_NOT_FOUND, "No resource at this path; the service root is %s/.", servicePath);
        }
        return path.substring(servicePath.length());
    }

    private void dispatch(Exchange exchange, Caller caller) throws IOException {
        Request request = exchange.request;
        String rest = alternateKeys.rewrite(rest(request), caller);
        String method = request.getMethod();

        // The portal mapping sets are served from the security store, never by the generic write path.
        if (!method.equals("GET")
                && portalMappings.write(
                        exchange, caller, method, rest, serviceRoot(request), () -> readBody(request))) {
            return;
        }
        switch (method) {
            case "GET" -> get(exchange, caller, rest);
            case "POST" -> {
                if (rest.equals("/RetrieveMultiple")) {
                    retrieveMultipleQueryExpression(exchange, caller);
                } else if (rest.equals("/$batch")) {
                    if (exchange.batchPart) {
                        throw GatewayException.of(ErrorCode.BATCH_MALFORMED, "A $batch cannot contain another $batch.");
                    }
                    batches.execute(exchange, caller, serviceRoot(request), this);
                } else if (actions.isAction(rest)) {
                    actions.perform(exchange, caller, rest, readOptionalBody(request), serviceRoot(request), this);
                } else {
                    writes.create(
                            exchange, caller, odata.writeTarget(rest), readBody(request), serviceRoot(request), this);
                }
            }
            case "PATCH" -> writes.update(
                    exchange, caller, odata.writeTarget(rest), readBody(request), serviceRoot(request), this);
            case "PUT" -> throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "Update records with PATCH; PUT of single properties is not supported.");
            case "DELETE" -> writes.delete(exchange, caller, odata.writeTarget(rest));
            default -> throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED, "The method %s is not allowed here.", sanitize(method));
        }
    }

    private void get(Exchange exchange, Caller caller, String rest) throws IOException {
        Prefer prefer = Prefer.parse(exchange.request.getHeaders(), maxPageSize);
        ODataRequest parsed = odata.parse(rest, exchange.request.getHttpURI().getQuery(), prefer.pageSize());
        String serviceRoot = serviceRoot(exchange.request);
        if (parsed instanceof ODataRequest.ServiceDocument) {
            exchange.log.operation = "ServiceDocument";
            sendBytes(
                    exchange,
                    "application/json; odata.metadata=minimal; charset=utf-8",
                    odata.serviceDocument(serviceRoot));
        } else if (parsed instanceof ODataRequest.Metadata) {
            exchange.log.operation = "Metadata";
            sendBytes(exchange, "application/xml; charset=utf-8", odata.metadataXml());
        } else if (parsed instanceof ODataRequest.ReadCollection read) {
            exchange.log.operation = "RetrieveMultiple";
            exchange.log.entitySet = read.entity().entitySetName();
            String context = serviceRoot + "$metadata#" + read.entity().entitySetName()
                    + selectSuffix(read.select(), withCollections(read.expanded(), read.collections()));
            String requestUrl = serviceRoot + rest.substring(1);
            String rawQuery = exchange.request.getHttpURI().getQuery();
            if (prefer.requestedPageSize().isPresent()) {
                Preferences.applied(exchange.response.getHeaders(), "odata.maxpagesize=" + prefer.pageSize());
            }
            if (read.entity() == CatalogEntitySet.DEFINITION) {
                catalogReader.readCollection(
                        exchange, caller, read, context, this, token -> nextLink(requestUrl, rawQuery, token));
                return;
            }
            if (PortalMappingEntitySets.isPortalMappingSet(read.entity())) {
                portalMappings.readCollection(
                        exchange, caller, read, context, this, token -> nextLink(requestUrl, rawQuery, token));
                return;
            }
            ReadScopes scopes = scopes(caller);
            Optional<IncludeAnnotations> annotations = includeAnnotations(exchange);
            stream(
                    exchange,
                    json -> new ODataJsonSink(
                            json,
                            catalog,
                            context,
                            false,
                            token -> nextLink(requestUrl, rawQuery, token),
                            read.expanded(),
                            odata.lookups(),
                            annotations,
                            collections(read.collections(), serviceRoot, read.entity())),
                    sink -> queries.retrieveMultiple(
                            read.query(), expansions(read.collections()), expandPageSize, scopes, (ExpandingRowSink)
                                    sink));
        } else if (parsed instanceof ODataRequest.WhoAmI) {
            exchange.log.operation = "WhoAmI";
            if (!(caller instanceof Caller.User user)) {
                throw AccessDenied.noCaller();
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(256);
            try (JsonGenerator json = JSON.createGenerator(body)) {
                json.writeStartObject();
                json.writeStringField(
                        "@odata.context", serviceRoot + "$metadata#" + odata.namespace() + ".WhoAmIResponse");
                json.writeStringField(
                        "BusinessUnitId",
                        user.permissions()
                                .user()
                                .businessUnitId()
                                .map(UUID::toString)
                                .orElse(NO_BUSINESS_UNIT));
                json.writeStringField("UserId", user.permissions().user().id().toString());
                json.writeStringField("OrganizationId", organizationId.toString());
                json.writeEndObject();
            }
            sendBytes(exchange, "application/json; odata.metadata=minimal; charset=utf-8", body.toByteArray());
        } else if (parsed instanceof ODataRequest.FetchXmlQuery fetch) {
            exchange.log.operation = "RetrieveMultiple";
            exchange.log.entitySet = fetch.entity().entitySetName();
            String context = serviceRoot + "$metadata#" + fetch.entity().entitySetName();
            ReadScopes scopes = scopes(caller);
            Optional<IncludeAnnotations> annotations = includeAnnotations(exchange);
            stream(
                    exchange,
                    json -> new FetchXmlJsonSink(
                            json,
                            catalog,
                            context,
                            odata.lookups(),
                            annotations,
                            fetch.fetch().pageNumber()),
                    sink -> queries.retrieveMultiple(fetch.fetch().query(), scopes, sink));
        } else if (parsed instanceof ODataRequest.ReadEntity read) {
            exchange.log.operation = "Retrieve";
            exchange.log.entitySet = read.entity().entitySetName();
            String context = serviceRoot + "$metadata#" + read.entity().entitySetName()
                    + selectSuffix(read.select(), withCollections(read.expanded(), read.collections())) + "/$entity";
            if (read.entity() == CatalogEntitySet.DEFINITION) {
                catalogReader.readEntity(exchange, caller, read, context, this);
                return;
            }
            if (PortalMappingEntitySets.isPortalMappingSet(read.entity())) {
                portalMappings.readEntity(exchange, caller, read, context, this);
                return;
            }
            ReadScopes scopes = scopes(caller);
            Optional<IncludeAnnotations> annotations = includeAnnotations(exchange);
            stream(
                    exchange,
                    json -> new ODataJsonSink(
                            json,
                            catalog,
                            context,
                            true,
                            token -> "",
                            read.expanded(),
                            odata.lookups(),
                            annotations,
                            collections(read.collections(), serviceRoot, read.entity())),
                    sink -> queries.retrieve(
                            read.entity(),
                            read.key(),
                            read.columns(),
                            read.links(),
                            expansions(read.collections()),
                            expandPageSize,
                            scopes,
                            (ExpandingRowSink) sink));
        } else if (parsed instanceof ODataRequest.CountCollection count) {
            exchange.log.operation = "Count";
            exchange.log.entitySet = count.entity().entitySetName();
            long total;
            long started = System.nanoTime();
            if (count.entity() == CatalogEntitySet.DEFINITION) {
                total = catalogReader.count(caller, count.query());
            } else if (PortalMappingEntitySets.isPortalMappingSet(count.entity())) {
                total = portalMappings.count(exchange, caller, count);
            } else {
                total = queries.count(count.query(), scopes(caller));
            }
            exchange.timings.databaseNanos = System.nanoTime() - started;
            exchange.log.rows = 1;
            sendBytes(
                    exchange, "text/plain; charset=utf-8", Long.toString(total).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void retrieveMultipleQueryExpression(Exchange exchange, Caller caller) throws IOException {
        exchange.log.operation = "RetrieveMultiple(QueryExpression)";
        byte[] body = readBody(exchange.request);
        Query parsed = QueryExpressionParser.parseRequestBody(body);
        Query query = parsed.page().isPresent() || parsed.top().isPresent()
                ? parsed
                : parsed.withPage(Optional.of(new Query.Page(maxPageSize, Optional.empty())));
        EntityDefinition entity = catalog.byLogicalName(query.entityLogicalName())
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Entity '%s' does not exist.", query.entityLogicalName()));
        exchange.log.entitySet = entity.entitySetName();
        ReadScopes scopes = scopes(caller);
        stream(
                exchange,
                json -> new QueryExpressionJsonSink(json, catalog),
                sink -> queries.retrieveMultiple(query, scopes, sink));
    }

    /** The caller's read scope of every entity a query touches; 403 at once for a request without a caller. */
    private ReadScopes scopes(Caller caller) {
        if (!(caller instanceof Caller.User)) {
            throw AccessDenied.noCaller();
        }
        return entity -> scope(caller, entity);
    }

    private AccessScope scope(Caller caller, EntityDefinition entity) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        return AccessScopes.read(user.permissions(), entity);
    }

    interface SinkFactory {
        dev.vegateway.adapter.service.RowSink create(JsonGenerator json);
    }

    interface Reader {
        ReadResult read(dev.vegateway.adapter.service.RowSink sink) throws IOException;
    }

    void stream(Exchange exchange, SinkFactory sinks, Reader reader) throws IOException {
        stream(exchange, 200, sinks, reader);
    }

    void stream(Exchange exchange, int status, SinkFactory sinks, Reader reader) throws IOException {
        Timings timings = exchange.timings;
        long readStarted = System.nanoTime();
        open(
                exchange,
                status,
                "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8",
                () -> TimedSink.measured(timings, readStarted));
        try (JsonGenerator json = JSON.createGenerator(exchange.output, JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            ReadResult result = reader.read(new TimedSink(sinks.create(json), timings));
            exchange.log.rows = result.rows();
            timings.authzNanos += result.planNanos();
            timings.databaseNanos += result.databaseNanos();
            timings.serializeNanos = result.sinkNanos();
        }
        exchange.output.close();
    }

    /**
     * The response body of {@code exchange}: buffered up to 256 KiB and sent with exact headers,
     * or, when larger, committed with the timings measured so far ({@code beforeStreaming} runs
     * first) and streamed, the final {@code Server-Timing} following as a trailer. A batch part is
     * buffered whole.
     */
    ResponseOutput open(Exchange exchange, int status, String contentType, Runnable beforeStreaming) {
        Response response = exchange.response;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        exchange.log.status = status;
        Timings timings = exchange.timings;
        // A batch part is kept in memory until the batch writes it: buffered whole, it says its final timings and
        // length.
        int threshold = exchange.batchPart ? Integer.MAX_VALUE - 16 : BUFFERED_BYTES;
        exchange.output = new ResponseOutput(response, threshold, committing -> {
            if (committing) {
                beforeStreaming.run();
                response.getHeaders().put(HttpHeader.TRAILER, "Server-Timing");
                response.setTrailersSupplier(() -> HttpFields.build().put("Server-Timing", timings.serverTiming()));
            }
            response.getHeaders().put("Server-Timing", timings.serverTiming());
        });
        return exchange.output;
    }

    /** Counts the time spent serializing as it happens, so that headers committed mid-stream carry real figures. */
    private static final class TimedSink implements ExpandingRowSink {
        private final dev.vegateway.adapter.service.RowSink delegate;
        private final Timings timings;

        TimedSink(dev.vegateway.adapter.service.RowSink delegate, Timings timings) {
            this.delegate = delegate;
            this.timings = timings;
            timings.serializeNanos = 0;
        }

        static void measured(Timings timings, long readStarted) {
            timings.databaseNanos = Math.max(0, System.nanoTime() - readStarted - timings.serializeNanos);
        }

        @Override
        public void start(dev.vegateway.adapter.plan.QueryPlan plan, java.util.OptionalLong count) throws IOException {
            long started = System.nanoTime();
            delegate.start(plan, count);
            timings.serializeNanos += System.nanoTime() - started;
        }

        @Override
        public void row(dev.vegateway.adapter.plan.QueryPlan plan, Object[] values) throws IOException {
            long started = System.nanoTime();
            delegate.row(plan, values);
            timings.serializeNanos += System.nanoTime() - started;
        }

        /** Passes related rows on to a sink that writes them; any other sink is only given rows without. */
        @Override
        public void row(dev.vegateway.adapter.plan.QueryPlan plan, Object[] values, List<ExpandedRows> related)
                throws IOException {
            long started = System.nanoTime();
            if (delegate instanceof ExpandingRowSink expanding) {
                expanding.row(plan, values, related);
            } else if (related.isEmpty()) {
                delegate.row(plan, values);
            } else {
                throw new IllegalStateException("related rows for a sink that cannot write them");
            }
            timings.serializeNanos += System.nanoTime() - started;
        }

        @Override
        public void finish(dev.vegateway.adapter.plan.QueryPlan plan, Optional<String> continuation)
                throws IOException {
            long started = System.nanoTime();
            delegate.finish(plan, continuation);
            timings.serializeNanos += System.nanoTime() - started;
        }
    }

    void sendBytes(Exchange exchange, String contentType, byte[] body) throws IOException {
        exchange.send(200, contentType, body);
    }

    private byte[] readBody(Request request) throws IOException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (request.getLength() <= maxRequestBodyBytes
                && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            throw GatewayException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be application/json.");
        }
        return readBounded(request, maxRequestBodyBytes, "request body");
    }

    /** 414 for a URL (path and query) longer than {@code limits.maxUrlBytes}, naming both lengths. */
    private void checkUrlLength(Request request) {
        String pathQuery = request.getHttpURI().getPathQuery();
        int length = pathQuery == null ? 0 : pathQuery.length();
        if (length > maxUrlBytes) {
            throw GatewayException.of(
                    ErrorCode.URI_TOO_LONG,
                    "The request URL is %d bytes long; at most %d are allowed (limits.maxUrlBytes). Send long queries as"
                            + " a QueryExpression (POST RetrieveMultiple) or inside a $batch.",
                    length,
                    maxUrlBytes);
        }
    }

    /**
     * The body, read up to {@code limit} bytes: a larger declared or actual length is 413 before
     * anything is parsed, the rest of the body read and discarded first (see {@link #discardRest}).
     */
    byte[] readBounded(Request request, long limit, String what) throws IOException {
        request.setAttribute(BODY_READ, Boolean.TRUE);
        if (request.getLength() > limit) {
            discardRest(request, Content.Source.asInputStream(request));
            throw GatewayException.of(ErrorCode.PAYLOAD_TOO_LARGE, "The %s is larger than %d bytes.", what, limit);
        }
        InputStream in = Content.Source.asInputStream(request);
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
        if (body.length > limit) {
            discardRest(request, in);
            throw GatewayException.of(ErrorCode.PAYLOAD_TOO_LARGE, "The %s is larger than %d bytes.", what, limit);
        }
        in.close();
        return body;
    }

    /**
     * Reads and discards what the client still sends of a body the gateway refuses, so that a
     * client that writes its whole request before reading gets the answer and can keep the
     * connection. A body longer than the larger of the two body limits is not read to its end: the
     * answer then says {@code Connection: close}.
     */
    private void discardRest(Request request, InputStream in) {
        if (request.getLength() > discardLimit) {
            request.setAttribute(CLOSE_CONNECTION, Boolean.TRUE);
            return;
        }
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read += n;
                if (read > discardLimit) {
                    request.setAttribute(CLOSE_CONNECTION, Boolean.TRUE);
                    return;
                }
            }
        } catch (IOException e) {
            request.setAttribute(CLOSE_CONNECTION, Boolean.TRUE);
        }
    }

    /** Before an error answer to a request sent on its own: its unread body is discarded, or the connection closed. */
    private void settleBody(Exchange exchange) {
        Request request = exchange.request;
        if (request.getAttribute(BODY_READ) == null) {
            request.setAttribute(BODY_READ, Boolean.TRUE);
            discardRest(request, Content.Source.asInputStream(request));
        }
        if (request.getAttribute(CLOSE_CONNECTION) != null) {
            exchange.response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** The body of a request that may have none (an action without parameters): no body and no Content-Type read as empty. */
    private byte[] readOptionalBody(Request request) throws IOException {
        if (request.getLength() == 0
                || (request.getLength() < 0
                        && request.getHeaders().get(HttpHeader.CONTENT_TYPE) == null
                        && request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) == null)) {
            return new byte[0];
        }
        return readBody(request);
    }

    private static Optional<String> header(Request request, String name) {
        HttpField field = request.getHeaders().getField(name);
        if (field == null || field.getValue() == null || field.getValue().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(field.getValue().trim());
    }

    private String serviceRoot(Request request) {
        String host = request.getHttpURI().getHost();
        int port = request.getHttpURI().getPort();
        String scheme = request.getHttpURI().getScheme() == null
                ? "https"
                : request.getHttpURI().getScheme();
        String safeHost = host == null || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+") ? "localhost" : host;
        return scheme + "://" + safeHost + (port > 0 ? ":" + port : "") + servicePath + "/";
    }

    private Optional<ODataJsonSink.Collections> collections(
            List<CollectionExpand> collections, String serviceRoot, EntityDefinition parent) {
        return collections.isEmpty()
                ? Optional.empty()
                : Optional.of(new ODataJsonSink.Collections(collections, serviceRoot, parent, expandPageSize));
    }

    /** The expanded navigation paths with the collection-valued ones, for the context URL. */
    private static List<String> withCollections(List<String> expanded, List<CollectionExpand> collections) {
        List<String> all = new java.util.ArrayList<>(expanded);
        collections.forEach(collection -> all.add(collection.name()));
        return all;
    }

    private static List<Expansion> expansions(List<CollectionExpand> collections) {
        return collections.stream().map(CollectionExpand::expansion).toList();
    }

    /** The request's {@code odata.include-annotations} preference, if any, noted in {@code Preference-Applied}. */
    static Optional<IncludeAnnotations> includeAnnotations(Exchange exchange) {
        Optional<IncludeAnnotations> annotations = Preferences.includeAnnotations(exchange.request.getHeaders());
        annotations.ifPresent(asked -> Preferences.applied(exchange.response.getHeaders(), asked.applied()));
        return annotations;
    }

    /** The context URL's projection: the selected properties and each expanded navigation property as {@code nav()}. */
    private static String selectSuffix(java.util.List<String> select, java.util.List<String> expanded) {
        java.util.List<String> items = new java.util.ArrayList<>(select);
        expanded.stream().filter(path -> !path.contains("/")).forEach(path -> items.add(path + "()"));
        return items.isEmpty() ? "" : "(" + String.join(",", items) + ")";
    }

    /** The request URL with its $skiptoken replaced by {@code token}. */
    static String nextLink(String requestUrl, String rawQuery, String token) {
        StringBuilder link = new StringBuilder(requestUrl).append('?');
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String parameter : rawQuery.split("&")) {
                String name = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
                if (!name.equalsIgnoreCase("$skiptoken")
                        && !name.equalsIgnoreCase("%24skiptoken")
                        && !parameter.isEmpty()) {
                    link.append(parameter).append('&');
                }
            }
        }
        return link.append("$skiptoken=").append(token).toString();
    }

    static String sanitize(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7e]", "");
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }

    /** One request as it goes through the pipeline: one sent on its own, or one part of a {@code $batch}. */
    static final class Exchange {
        final Request request;
        final Response response;
        final Timings timings;
        final RequestLog log;
        /** A request of a {@code $batch}. */
        final boolean batchPart;
        /** A request of a changeset: its writes join the changeset's transaction. */
        final boolean inChangeset;

        ResponseOutput output;

        Exchange(
                Request request,
                Response response,
                Timings timings,
                RequestLog log,
                boolean batchPart,
                boolean inChangeset) {
            this.request = request;
            this.response = response;
            this.timings = timings;
            this.log = log;
            this.batchPart = batchPart;
            this.inChangeset = inChangeset;
        }

        /** Sends a body built whole, with its exact length and final {@code Server-Timing}. */
        void send(int status, String contentType, byte[] body) throws IOException {
            response.setStatus(status);
            log.status = status;
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            output = new ResponseOutput(response, Integer.MAX_VALUE - 16, committing -> response.getHeaders()
                    .put("Server-Timing", timings.serverTiming()));
            output.write(body, 0, body.length);
            output.close();
        }

        /** Runs work against the backend (a write's transaction, an action), its time counted as {@code db}. */
        <T> T database(java.util.function.Supplier<T> work) {
            long started = System.nanoTime();
            try {
                return work.get();
            } finally {
                timings.databaseNanos += System.nanoTime() - started;
            }
        }
    }

    /** Parsed {@code Prefer} header: the page size asked for, capped by the configured maximum. */
    record Prefer(OptionalInt requestedPageSize, int pageSize) {
        static Prefer parse(HttpFields headers, int maxPageSize) {
            OptionalInt requested = OptionalInt.empty();
            for (String preference : Preferences.of(headers)) {
                if (preference.startsWith("odata.maxpagesize=")) {
                    try {
                        int size = Integer.parseInt(preference
                                .substring("odata.maxpagesize=".length())
                                .replace("\"", ""));
                        if (size > 0) {
                            requested = OptionalInt.of(size);
                        }
                    } catch (NumberFormatException e) {
                        // An unusable preference is ignored, as RFC 7240 asks.
                    }
                }
            }
            int size = requested.isPresent() ? Math.min(requested.getAsInt(), maxPageSize) : maxPageSize;
            return new Prefer(requested, size);
        }
    }
}
