package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ReadRouting;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.queryexpression.QueryExpressionParser;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.service.ExpandingRowSink;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.gateway.odata.CollectionExpand;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;

/**
 * Reads: every {@code GET} (service document, {@code $metadata}, entity sets with {@code $filter}
 * and the rest, one record, {@code $count}, FetchXML, WhoAmI) and {@code POST RetrieveMultiple}
 * with a QueryExpression. The gateway's own in-memory sets answer from memory; every other read
 * is planned under the caller's read scope of each entity it touches and streamed as it is read.
 */
final class ReadEndpoint {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal; charset=utf-8";
    /** WhoAmI's business unit of a user in none (never for an imported user; kept total). */
    private static final String NO_BUSINESS_UNIT = "00000000-0000-0000-0000-000000000000";

    private final Catalog catalog;
    private final ODataFrontEnd odata;
    private final QueryService queries;
    private final List<InMemorySet> inMemorySets;
    /** WhoAmI's OrganizationId: one deployment's, the same on every node. */
    private final UUID organizationId;

    private final int maxPageSize;
    private final int expandPageSize;
    private final DeltaLinks deltas;
    /** The ETag of this snapshot's {@code $metadata}: a hash of the document. */
    private final String metadataEtag;

    ReadEndpoint(
            Catalog catalog,
            ODataFrontEnd odata,
            QueryService queries,
            List<InMemorySet> inMemorySets,
            UUID organizationId,
            int maxPageSize,
            int expandPageSize,
            DeltaLinks deltas) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.odata = requireNonNull(odata, "odata is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.inMemorySets = List.copyOf(inMemorySets);
        this.organizationId = requireNonNull(organizationId, "organizationId is null");
        this.maxPageSize = maxPageSize;
        this.expandPageSize = expandPageSize;
        this.deltas = requireNonNull(deltas, "deltas is null");
        this.metadataEtag = ConditionalGet.contentTag(odata.metadataXml());
    }

    void get(Exchange exchange) throws IOException {
        Prefer prefer = Prefer.parse(exchange.request.getHeaders(), maxPageSize);
        String rest = exchange.path();
        Optional<DeltaLinks.Ask> delta = deltas.ask(
                exchange.request.getHeaders(), exchange.request.getHttpURI().getQuery());
        ODataRequest parsed = odata.parse(
                rest,
                delta.map(DeltaLinks.Ask::queryToParse)
                        .orElse(exchange.request.getHttpURI().getQuery()),
                prefer.pageSize());
        String serviceRoot = exchange.serviceRoot();
        if (delta.isPresent()) {
            if (!(parsed instanceof ODataRequest.ReadCollection read)) {
                throw GatewayException.of(
                        ErrorCode.CHANGE_TRACKING_NOT_ENABLED,
                        "Change tracking (Prefer: odata.track-changes, $deltatoken) applies to an entity set's"
                                + " collection only.");
            }
            exchange.log.operation = "RetrieveEntityChanges";
            exchange.log.entitySet = read.entity().entitySetName();
            if (prefer.requestedPageSize().isPresent()) {
                Preferences.applied(exchange.response.getHeaders(), "odata.maxpagesize=" + prefer.pageSize());
            }
            readChanges(exchange, read, serviceRoot, rest, delta.get());
            return;
        }
        if (parsed instanceof ODataRequest.ServiceDocument) {
            exchange.log.operation = "ServiceDocument";
            exchange.send(200, JSON_CONTENT_TYPE, odata.serviceDocument(serviceRoot));
        } else if (parsed instanceof ODataRequest.Metadata) {
            exchange.log.operation = "Metadata";
            if (ConditionalGet.matches(exchange.request.getHeaders(), metadataEtag)) {
                ConditionalGet.notModified(exchange, metadataEtag);
                return;
            }
            exchange.response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.ETAG, metadataEtag);
            exchange.send(200, "application/xml; charset=utf-8", odata.metadataXml());
        } else if (parsed instanceof ODataRequest.ReadCollection read) {
            exchange.log.operation = "RetrieveMultiple";
            exchange.log.entitySet = read.entity().entitySetName();
            if (prefer.requestedPageSize().isPresent()) {
                Preferences.applied(exchange.response.getHeaders(), "odata.maxpagesize=" + prefer.pageSize());
            }
            readCollection(exchange, read, serviceRoot, rest);
        } else if (parsed instanceof ODataRequest.ReadEntity read) {
            exchange.log.operation = "Retrieve";
            exchange.log.entitySet = read.entity().entitySetName();
            readEntity(exchange, read, serviceRoot);
        } else if (parsed instanceof ODataRequest.CountCollection count) {
            exchange.log.operation = "Count";
            exchange.log.entitySet = count.entity().entitySetName();
            count(exchange, count);
        } else if (parsed instanceof ODataRequest.FetchXmlQuery fetch) {
            exchange.log.operation = "RetrieveMultiple";
            exchange.log.entitySet = fetch.entity().entitySetName();
            String context = serviceRoot + "$metadata#" + fetch.entity().entitySetName();
            ReadScopes scopes = scopes(exchange);
            Optional<IncludeAnnotations> annotations = exchange.includeAnnotations();
            exchange.stream(
                    json -> new FetchXmlJsonSink(
                            json,
                            catalog,
                            context,
                            odata.lookups(),
                            annotations,
                            fetch.fetch().pageNumber()),
                    sink -> queries.retrieveMultiple(fetch.fetch().query(), scopes, sink));
        } else if (parsed instanceof ODataRequest.WhoAmI) {
            exchange.log.operation = "WhoAmI";
            whoAmI(exchange, serviceRoot);
        }
    }

    /** {@code POST RetrieveMultiple} with a QueryExpression body, paged at the maximum page size unless it asks. */
    void retrieveMultiple(Exchange exchange) throws IOException {
        exchange.log.operation = "RetrieveMultiple(QueryExpression)";
        Query parsed = QueryExpressionParser.parseRequestBody(exchange.jsonBody());
        Query query = parsed.page().isPresent() || parsed.top().isPresent()
                ? parsed
                : parsed.withPage(Optional.of(new Query.Page(maxPageSize, Optional.empty())));
        EntityDefinition entity = catalog.byLogicalName(query.entityLogicalName())
                .filter(EntityDefinition::visible) // a hidden entity is in no front end
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Entity '%s' does not exist.", query.entityLogicalName()));
        exchange.log.entitySet = entity.entitySetName();
        ReadScopes scopes = scopes(exchange);
        exchange.stream(
                json -> new QueryExpressionJsonSink(json, catalog),
                sink -> queries.retrieveMultiple(query, scopes, sink));
    }

    private void readCollection(Exchange exchange, ODataRequest.ReadCollection read, String serviceRoot, String rest)
            throws IOException {
        String context = serviceRoot + "$metadata#" + read.entity().entitySetName()
                + selectSuffix(read.select(), withCollections(read.expanded(), read.collections()));
        String requestUrl = serviceRoot + rest.substring(1);
        String rawQuery = exchange.request.getHttpURI().getQuery();
        Function<String, String> nextLink = token -> nextLink(requestUrl, rawQuery, token);
        Optional<InMemorySet> inMemory = inMemory(read.entity());
        if (inMemory.isPresent()) {
            inMemory.get().readCollection(exchange, exchange.caller(), read, context, nextLink);
            return;
        }
        ReadScopes scopes = scopes(exchange);
        Query query = formattedLookups(exchange)
                ? LookupNameLinks.withNames(catalog, read.entity(), read.query(), scopes)
                : read.query();
        exchange.stream(
                odataSink(exchange, context, false, nextLink, read.expanded(), read.collections(), read.entity()),
                sink -> queries.retrieveMultiple(
                        query, expansions(read.collections()), expandPageSize, scopes, (ExpandingRowSink) sink));
    }

    /**
     * A change-tracking read: the set's rows (or, after a delta token, those changed since and the
     * keys deleted since), on the primary, its last page ending with a new delta link.
     */
    private void readChanges(
            Exchange exchange, ODataRequest.ReadCollection read, String serviceRoot, String rest, DeltaLinks.Ask ask)
            throws IOException {
        EntityDefinition entity = read.entity();
        DeltaLinks.requireTracked(entity); // the gateway's in-memory sets never are
        DeltaLinks.requireOnlySelect(ask.query());
        ReadScopes scopes = scopes(exchange);
        // the counter and the rows come from the primary: a replica may not have every change the counter counts
        try (ReadRouting.Scope primary = ReadRouting.primaryOnly()) {
            long upTo = ask.pinned().isPresent() ? ask.pinned().getAsLong() : deltas.current(entity);
            Query query = read.query();
            List<UUID> deleted = List.of();
            if (ask.since().isPresent()) {
                long since = ask.since().getAsLong();
                DeltaLinks.requireNotAhead(since, upTo);
                query = DeltaLinks.changedSince(query, entity, since);
                deleted = deltas.deleted(entity, since, upTo);
            }
            String setUrl = serviceRoot + rest.substring(1);
            String context = serviceRoot + "$metadata#" + entity.entitySetName()
                    + selectSuffix(read.select(), List.of()) + "/$delta";
            ODataJsonSink.Delta end = new ODataJsonSink.Delta(
                    serviceRoot + "$metadata#" + entity.entitySetName() + "/$deletedEntity",
                    deleted,
                    deltas.link(setUrl, ask.query(), upTo));
            Function<String, String> nextLink =
                    token -> nextLink(setUrl, ask.query(), DeltaLinks.pageToken(upTo, token));
            Preferences.applied(exchange.response.getHeaders(), DeltaLinks.TRACK_CHANGES);
            Optional<IncludeAnnotations> annotations = exchange.includeAnnotations();
            Query changes = query;
            exchange.stream(
                    json -> new ODataJsonSink(
                            json,
                            catalog,
                            context,
                            false,
                            nextLink,
                            List.of(),
                            odata.lookups(),
                            annotations,
                            Optional.empty(),
                            Optional.of(end)),
                    sink -> queries.retrieveMultiple(changes, scopes, sink));
        }
    }

    private void readEntity(Exchange exchange, ODataRequest.ReadEntity read, String serviceRoot) throws IOException {
        String context = serviceRoot + "$metadata#" + read.entity().entitySetName()
                + selectSuffix(read.select(), withCollections(read.expanded(), read.collections())) + "/$entity";
        Optional<InMemorySet> inMemory = inMemory(read.entity());
        if (inMemory.isPresent()) {
            inMemory.get().readEntity(exchange, exchange.caller(), read, context);
            return;
        }
        ReadScopes scopes = scopes(exchange);
        if (EntityReadTag.notModified(exchange, read, queries, scopes)) {
            return;
        }
        List<dev.vegateway.adapter.query.Link> links = formattedLookups(exchange)
                ? LookupNameLinks.withNames(
                        catalog,
                        read.entity(),
                        dev.vegateway.adapter.query.Columns.namedOrAll(read.columns()),
                        read.links(),
                        scopes)
                : read.links();
        exchange.stream(
                odataSink(exchange, context, true, token -> "", read.expanded(), read.collections(), read.entity()),
                sink -> queries.retrieve(
                        read.entity(),
                        read.key(),
                        read.columns(),
                        links,
                        expansions(read.collections()),
                        expandPageSize,
                        scopes,
                        (ExpandingRowSink) sink));
    }

    /** Whether the request asks for FormattedValue annotations: its lookups then carry the related row's name. */
    private static boolean formattedLookups(Exchange exchange) {
        return exchange.includeAnnotations()
                .filter(asked -> asked.includes(FormattedValues.TERM))
                .isPresent();
    }

    private void count(Exchange exchange, ODataRequest.CountCollection count) throws IOException {
        long started = System.nanoTime();
        ReadRouting.servedBy(); // forget an earlier request's
        Optional<InMemorySet> inMemory = inMemory(count.entity());
        long total = inMemory.isPresent()
                ? inMemory.get().count(exchange, exchange.caller(), count)
                : queries.count(count.query(), scopes(exchange));
        exchange.timings.databaseNanos = System.nanoTime() - started;
        ReadRouting.servedBy().ifPresent(name -> exchange.timings.readFrom = name);
        exchange.log.rows = 1;
        // as Dataverse, a count answers at most 5,000
        long answered = Math.min(total, FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT);
        exchange.send(200, "text/plain; charset=utf-8", Long.toString(answered).getBytes(StandardCharsets.UTF_8));
    }

    private void whoAmI(Exchange exchange, String serviceRoot) throws IOException {
        Caller.User user = exchange.user();
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(body)) {
            json.writeStartObject();
            json.writeStringField("@odata.context", serviceRoot + "$metadata#" + odata.namespace() + ".WhoAmIResponse");
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
        exchange.send(200, JSON_CONTENT_TYPE, body.toByteArray());
    }

    /** The OData JSON sink of one answer (a page or one record), with the request's annotation preference. */
    private Exchange.SinkFactory odataSink(
            Exchange exchange,
            String context,
            boolean single,
            Function<String, String> nextLink,
            List<String> expanded,
            List<CollectionExpand> collections,
            EntityDefinition entity) {
        Optional<IncludeAnnotations> annotations = exchange.includeAnnotations();
        Optional<ODataJsonSink.Collections> expandedCollections =
                collections(collections, exchange.serviceRoot(), entity);
        return json -> new ODataJsonSink(
                json,
                catalog,
                context,
                single,
                nextLink,
                expanded,
                odata.lookups(),
                annotations,
                expandedCollections,
                Optional.empty());
    }

    private Optional<InMemorySet> inMemory(EntityDefinition entity) {
        for (InMemorySet set : inMemorySets) {
            if (set.serves(entity)) {
                return Optional.of(set);
            }
        }
        return Optional.empty();
    }

    /** The caller's read scope of every entity a query touches; 403 at once for a request without a user. */
    private static ReadScopes scopes(Exchange exchange) {
        Caller.User user = exchange.user();
        return entity -> AccessScopes.read(user.permissions(), entity);
    }

    private Optional<ODataJsonSink.Collections> collections(
            List<CollectionExpand> collections, String serviceRoot, EntityDefinition parent) {
        return collections.isEmpty()
                ? Optional.empty()
                : Optional.of(new ODataJsonSink.Collections(collections, serviceRoot, parent, expandPageSize));
    }

    /** The expanded navigation paths with the collection-valued ones, for the context URL. */
    private static List<String> withCollections(List<String> expanded, List<CollectionExpand> collections) {
        List<String> all = new ArrayList<>(expanded);
        collections.forEach(collection -> all.add(collection.name()));
        return all;
    }

    private static List<Expansion> expansions(List<CollectionExpand> collections) {
        return collections.stream().map(CollectionExpand::expansion).toList();
    }

    /** The context URL's projection: the selected properties and each expanded navigation property as {@code nav()}. */
    private static String selectSuffix(List<String> select, List<String> expanded) {
        List<String> items = new ArrayList<>(select);
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
