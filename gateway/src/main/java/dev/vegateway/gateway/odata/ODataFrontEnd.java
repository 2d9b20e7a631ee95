package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.fetchxml.FetchXml;
import dev.vegateway.adapter.fetchxml.FetchXmlParser;
import dev.vegateway.adapter.plan.NavigableRelations;
import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.write.AuditLog;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.InverseRelation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriInfoKind;
import org.apache.olingo.server.api.uri.UriParameter;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.apache.olingo.server.core.uri.parser.UriParserException;
import org.apache.olingo.server.core.uri.parser.UriParserSemanticException;
import org.apache.olingo.server.core.uri.validator.UriValidationException;

/**
 * The OData front end: the EDM generated from the catalog, the cached $metadata and service
 * documents, and the translation of an OData GET (Olingo's URI parser) into the neutral query.
 */
public final class ODataFrontEnd {
    private final OData odata = OData.newInstance();
    private final Catalog catalog;
    private final String namespace;
    private final ServiceMetadata serviceMetadata;
    private final byte[] metadataXml;
    private final Map<String, byte[]> serviceDocuments = new ConcurrentHashMap<>();
    private final Navigations.Limits expandLimits;
    private final LookupNames lookups;

    public ODataFrontEnd(Catalog catalog, String namespace) {
        this(catalog, namespace, Navigations.Limits.DEFAULT.maxDepth(), Navigations.Limits.DEFAULT.maxExpands());
    }

    /**
     * @param maxExpandDepth at most this many levels of nested $expand
     * @param maxExpands at most this many expanded navigation properties in one request
     */
    public ODataFrontEnd(Catalog catalog, String namespace, int maxExpandDepth, int maxExpands) {
        this.expandLimits = new Navigations.Limits(maxExpandDepth, maxExpands);
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.lookups = new LookupNames(catalog);
        this.serviceMetadata = odata.createServiceMetadata(new CatalogEdmProvider(catalog, namespace), List.of());
        try (InputStream content = odata.createSerializer(ContentType.APPLICATION_XML)
                .metadataDocument(serviceMetadata)
                .getContent()) {
            this.metadataXml = content.readAllBytes();
        } catch (SerializerException | IOException e) {
            throw new IllegalStateException("cannot build $metadata from the catalog", e);
        }
    }

    /** The EDM namespace (Microsoft.Dynamics.CRM unless configured otherwise). */
    public String namespace() {
        return namespace;
    }

    /** The OData names of lookups ({@code _<field>_value}) and the logical names behind them. */
    public LookupNames lookups() {
        return lookups;
    }

    /** The CSDL XML document; built once (which also warms Olingo's EDM caches before requests run concurrently). */
    public byte[] metadataXml() {
        return metadataXml;
    }

    public byte[] serviceDocument(String serviceRoot) {
        return serviceDocuments.computeIfAbsent(serviceRoot, root -> {
            try (InputStream content = odata.createSerializer(ContentType.JSON_NO_METADATA)
                    .serviceDocument(serviceMetadata, root)
                    .getContent()) {
                return content.readAllBytes();
            } catch (SerializerException | IOException e) {
                throw new IllegalStateException("cannot build the service document", e);
            }
        });
    }

    /**
     * Parses a GET below the service root.
     *
     * @param path the raw (still percent-encoded) path below the service root, starting with '/'
     * @param rawQuery the raw query string, or null
     * @param pageSize the page size to use (from Prefer: odata.maxpagesize, or the default)
     */
    /** The entity (and key, when the path names one) a write addresses: {@code /set} or {@code /set(guid)}. */
    public record WriteTarget(EntityDefinition entity, Optional<UUID> key) {}

    public WriteTarget writeTarget(String path) {
        UriInfo uriInfo;
        try {
            uriInfo = new Parser(serviceMetadata.getEdm(), odata).parseUri(path, null, null, "");
        } catch (UriParserException | UriValidationException e) {
            throw translate(e, path);
        } catch (RuntimeException | StackOverflowError e) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The request URL could not be parsed.");
        }
        List<UriResource> parts = uriInfo.getKind() == UriInfoKind.resource ? uriInfo.getUriResourceParts() : List.of();
        if (parts.size() != 1 || !(parts.get(0) instanceof UriResourceEntitySet entitySet)) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "Writes address an entity set or one record; '%s' is not supported yet.",
                    shorten(path));
        }
        String setName = entitySet.getEntitySet().getName();
        if (setName.equals(CatalogEntitySet.ENTITY_SET_NAME) || setName.equals(AuditLog.ENTITY_SET)) {
            throw GatewayException.of(ErrorCode.METHOD_NOT_ALLOWED, "The entity set %s is read-only.", setName);
        }
        EntityDefinition entity = catalog.byEntitySet(setName)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Resource not found for the segment '%s'.", setName));
        List<UriParameter> keys = entitySet.getKeyPredicates();
        if (keys.size() > 1) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The key must be one GUID.");
        }
        return new WriteTarget(entity, keys.isEmpty() ? Optional.empty() : Optional.of(key(keys.get(0))));
    }

    public ODataRequest parse(String path, String rawQuery, int pageSize) {
        if (path.isEmpty() || path.equals("/")) {
            return new ODataRequest.ServiceDocument();
        }
        if (path.equals("/$metadata")) {
            return new ODataRequest.Metadata();
        }
        if (path.equals("/" + CatalogEdmProvider.WHO_AM_I) || path.equals("/" + CatalogEdmProvider.WHO_AM_I + "()")) {
            if (rawQuery != null && !rawQuery.isEmpty()) {
                throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "WhoAmI takes no query options.");
            }
            return new ODataRequest.WhoAmI();
        }
        Optional<String> fetchXml = fetchXml(rawQuery);
        if (fetchXml.isPresent()) {
            return fetchXmlRequest(path, rawQuery, fetchXml.get(), pageSize);
        }
        FilterOptions filter = FilterOptions.split(rawQuery);
        UriInfo uriInfo;
        try {
            uriInfo = new Parser(serviceMetadata.getEdm(), odata).parseUri(path, filter.otherOptions(), null, "");
        } catch (UriParserException | UriValidationException e) {
            throw translate(e, path);
        } catch (StackOverflowError e) {
            throw tooDeep();
        } catch (RuntimeException e) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The request URL could not be parsed.");
        }
        if (uriInfo.getKind() != UriInfoKind.resource) {
            throw GatewayException.of(ErrorCode.RESOURCE_NOT_FOUND, "No resource at '%s'.", shorten(path));
        }
        rejectUnsupportedOptions(uriInfo);
        List<UriResource> parts = uriInfo.getUriResourceParts();
        if (!(parts.get(0) instanceof UriResourceEntitySet entitySet)) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "Only entity sets can be read; '%s' is not supported yet.",
                    shorten(path));
        }
        String setName = entitySet.getEntitySet().getName();
        EntityDefinition entity = setName.equals(CatalogEntitySet.ENTITY_SET_NAME)
                ? CatalogEntitySet.DEFINITION
                : PortalMappingEntitySets.byEntitySet(setName)
                        .or(() -> AdministrationEntitySets.byEntitySet(setName))
                        .or(() -> catalog.byEntitySet(setName))
                        .orElseThrow(() -> GatewayException.of(
                                ErrorCode.ENTITY_SET_NOT_FOUND, "Resource not found for the segment '%s'.", setName));
        List<String> select = select(uriInfo);
        String expandText = expandText(rawQuery);
        try {
            return request(uriInfo, filter, parts, entitySet, entity, select, pageSize, path, expandText);
        } catch (StackOverflowError e) {
            throw tooDeep();
        }
    }

    /** The decoded value of the query's {@code $expand} (empty when it has none), as written. */
    private static String expandText(String rawQuery) {
        if (rawQuery == null) {
            return "";
        }
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && decode(parameter.substring(0, equals)).equals("$expand")) {
                return decode(parameter.substring(equals + 1));
            }
        }
        return "";
    }

    /** The decoded value of the query's {@code fetchXml} option (named in any case, as Dataverse accepts it). */
    private static Optional<String> fetchXml(String rawQuery) {
        if (rawQuery == null || !mentionsFetchXml(rawQuery)) {
            return Optional.empty();
        }
        for (String parameter : rawQuery.split("&", -1)) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && decode(parameter.substring(0, equals)).equalsIgnoreCase("fetchXml")) {
                return Optional.of(decode(parameter.substring(equals + 1)));
            }
        }
        return Optional.empty();
    }

    /** A cheap test on every query string, without allocating: does {@code fetchXml} appear in it (in any case)? */
    private static boolean mentionsFetchXml(String rawQuery) {
        for (int at = 0; at + 8 <= rawQuery.length(); at++) {
            if (rawQuery.regionMatches(true, at, "fetchxml", 0, 8)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code GET {set}?fetchXml=…}: the fetch's entity must be the set's, and no other query option
     * may come with it (as in Dataverse).
     */
    private ODataRequest fetchXmlRequest(String path, String rawQuery, String text, int pageSize) {
        String setName = path.substring(1);
        if (setName.isEmpty() || setName.contains("/") || setName.contains("(")) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX, "fetchXml is a query of an entity set: GET {entityset}?fetchXml=….");
        }
        for (String parameter : rawQuery.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            if (!name.equalsIgnoreCase("fetchXml") && !name.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "fetchXml cannot be combined with other query options; remove '%s'.",
                        shorten(name));
            }
        }
        EntityDefinition entity = catalog.byEntitySet(setName)
                .filter(found -> found.origin() == EntityDefinition.Origin.CATALOG)
                .filter(EntityDefinition::visible) // a hidden entity is in no front end
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND, "Resource not found for the segment '%s'.", shorten(setName)));
        FetchXml fetch = FetchXmlParser.parse(text, pageSize);
        if (!fetch.query().entityLogicalName().equals(entity.logicalName())) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The FetchXML queries entity '%s', but the URL names the set of '%s'.",
                    shorten(fetch.query().entityLogicalName()),
                    entity.logicalName());
        }
        return new ODataRequest.FetchXmlQuery(entity, fetch);
    }

    /** Percent-decoding only: a '+' stays a plus, as in the OData URL conventions. */
    static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The query string has a malformed %%-escape.");
        }
    }

    private static GatewayException tooDeep() {
        return GatewayException.of(ErrorCode.QUERY_SYNTAX, "The $filter expression is nested too deeply; simplify it.");
    }

    private ODataRequest request(
            UriInfo uriInfo,
            FilterOptions filter,
            List<UriResource> parts,
            UriResourceEntitySet entitySet,
            EntityDefinition entity,
            List<String> select,
            int pageSize,
            String path,
            String expandText) {
        Optional<ApplyOption> apply = filter.applyOption();
        if (apply.isPresent()) {
            return aggregated(uriInfo, filter, apply.get(), parts, entitySet, entity);
        }
        if (parts.size() == 1 && entitySet.getKeyPredicates().isEmpty()) {
            Navigations navigations = new Navigations(catalog, entity, expandLimits);
            return new ODataRequest.ReadCollection(
                    entity,
                    lookups.logical(
                            collectionQuery(entity, uriInfo, filter, select, pageSize, navigations, expandText)),
                    select,
                    navigations.expanded(),
                    lookups.logical(navigations.collections()));
        }
        if (parts.size() == 2
                && parts.get(1) instanceof UriResourceNavigation navigation
                && navigation.isCollection()
                && entitySet.getKeyPredicates().size() == 1) {
            InverseRelation inverse = catalog.inverseRelation(
                            entity.logicalName(), navigation.getProperty().getName())
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.UNKNOWN_PROPERTY,
                            "Entity '%s' has no navigation property '%s'.",
                            entity.logicalName(),
                            navigation.getProperty().getName()));
            NavigableRelations.require(
                    catalog, inverse.relation(), navigation.getProperty().getName());
            EntityDefinition related =
                    catalog.byLogicalName(inverse.sourceEntity()).orElseThrow();
            Navigations navigations = new Navigations(catalog, related, expandLimits);
            Query query = lookups.logical(
                    collectionQuery(related, uriInfo, filter, select, pageSize, navigations, expandText));
            return new ODataRequest.ReadCollection(
                    related,
                    RelatedCollection.of(
                            entity, key(entitySet.getKeyPredicates().get(0)), inverse, query),
                    select,
                    navigations.expanded(),
                    lookups.logical(navigations.collections()));
        }
        if (parts.size() == 2
                && parts.get(1) instanceof UriResourceCount
                && entitySet.getKeyPredicates().isEmpty()) {
            Query query = lookups.logical(collectionQuery(
                    entity, uriInfo, filter, List.of(), pageSize, new Navigations(catalog, entity, expandLimits), ""));
            // The orders do not change a count, but they are planned like any other query part, so that a
            // field the caller may not sort by is refused here as on the collection.
            return new ODataRequest.CountCollection(entity, query.forCount());
        }
        if (parts.size() == 1) {
            List<UriParameter> keys = entitySet.getKeyPredicates();
            if (keys.size() != 1
                    || filter.filter().isPresent()
                    || uriInfo.getOrderByOption() != null
                    || uriInfo.getTopOption() != null
                    || uriInfo.getSkipOption() != null
                    || uriInfo.getCountOption() != null
                    || uriInfo.getSkipTokenOption() != null) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "A single entity takes only $select and $expand; remove the other query options.");
            }
            Navigations navigations = new Navigations(catalog, entity, expandLimits);
            navigations.expand(uriInfo.getExpandOption(), expandText);
            return new ODataRequest.ReadEntity(
                    entity,
                    key(keys.get(0)),
                    select,
                    lookups.logicalLinks(navigations.links()),
                    navigations.expanded(),
                    lookups.logicalNames(entity.logicalName(), select),
                    lookups.logical(navigations.collections()));
        }
        if (parts.get(parts.size() - 1) instanceof UriResourcePrimitiveProperty) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED, "Reading a single property is not supported yet; use $select.");
        }
        throw GatewayException.of(ErrorCode.NOT_IMPLEMENTED, "The path '%s' is not supported yet.", shorten(path));
    }

    /** {@code GET {set}?$apply=…}: the entity's matching rows grouped and aggregated. */
    private ODataRequest aggregated(
            UriInfo uriInfo,
            FilterOptions filter,
            ApplyOption apply,
            List<UriResource> parts,
            UriResourceEntitySet entitySet,
            EntityDefinition entity) {
        if (parts.size() != 1 || !entitySet.getKeyPredicates().isEmpty()) {
            throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$apply applies to an entity set.");
        }
        if (uriInfo.getSelectOption() != null
                || uriInfo.getExpandOption() != null
                || uriInfo.getSkipTokenOption() != null) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "With $apply, $select, $expand and $skiptoken are not supported: the answer holds the groups and"
                            + " aggregates of the $apply, ordered with $orderby and cut with $top and $skip.");
        }
        ApplyResultOptions options = ApplyResultOptions.parse(filter.applyOptions(), apply.aggregation());
        Condition criteria = Condition.and(List.of(filter.condition(), apply.filter()));
        Navigations navigations = new Navigations(catalog, entity, expandLimits);
        navigations.use(criteria);
        // a group through a navigation path joins it as $expand does (the related entity's security applies)
        apply.aggregation()
                .groups()
                .forEach(group -> group.attribute().relation().ifPresent(navigations::usePath));
        // names in the aggregation are OData properties: a lookup is grouped or counted by its field
        Aggregation aggregation = new Aggregation(
                apply.aggregation().groups().stream()
                        .map(group -> new Aggregation.Grouping(
                                new AttributeRef(
                                        group.attribute().relation(),
                                        lookups.fieldName(
                                                group.attribute()
                                                        .relation()
                                                        .map(path -> navigations
                                                                .target(path)
                                                                .logicalName())
                                                        .orElse(entity.logicalName()),
                                                group.attribute().name())),
                                group.alias()))
                        .toList(),
                apply.aggregation().aggregates().stream()
                        .map(aggregate -> new Aggregation.Aggregate(
                                aggregate.function(),
                                aggregate
                                        .attribute()
                                        .map(attribute -> new AttributeRef(
                                                lookups.fieldName(entity.logicalName(), attribute.name()))),
                                aggregate.distinct(),
                                aggregate.alias()))
                        .toList(),
                options.orders());
        Query query = new Query(
                        new Relation(
                                entity.logicalName(),
                                Columns.named(List.of()),
                                criteria,
                                List.of(),
                                navigations.links()),
                        options.top(),
                        options.skip(),
                        false,
                        Optional.empty(),
                        options.count())
                .withAggregation(aggregation);
        List<String> aliases = new ArrayList<>();
        aggregation.groups().forEach(group -> aliases.add(group.alias()));
        aggregation.aggregates().forEach(aggregate -> aliases.add(aggregate.alias()));
        return new ODataRequest.ReadCollection(entity, lookups.logical(query), aliases, List.of());
    }

    private static UUID key(UriParameter key) {
        String text = key.getText();
        if (text == null) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The key must be a GUID literal.");
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The key '%s' is not a GUID.", shorten(text));
        }
    }

    /** The collection's query; {@code navigations} collects its $expand and the navigation paths it filters or sorts on. */
    private Query collectionQuery(
            EntityDefinition entity,
            UriInfo uriInfo,
            FilterOptions filter,
            List<String> select,
            int pageSize,
            Navigations navigations,
            String expandText) {
        Condition criteria = filter.condition();
        List<Order> orders = Navigations.orders(uriInfo.getOrderByOption());
        OptionalInt top = uriInfo.getTopOption() == null
                ? OptionalInt.empty()
                : OptionalInt.of(uriInfo.getTopOption().getValue());
        OptionalInt skip = uriInfo.getSkipOption() == null
                ? OptionalInt.empty()
                : OptionalInt.of(uriInfo.getSkipOption().getValue());
        boolean count =
                uriInfo.getCountOption() != null && uriInfo.getCountOption().getValue();
        Optional<String> continuation = uriInfo.getSkipTokenOption() == null
                ? Optional.empty()
                : Optional.of(uriInfo.getSkipTokenOption().getValue());
        return new Query(
                new Relation(
                        entity.logicalName(),
                        Columns.namedOrAll(select),
                        criteria,
                        orders,
                        links(navigations, uriInfo, criteria, orders, expandText)),
                top,
                skip,
                false,
                Optional.of(new Query.Page(pageSize, continuation)),
                count);
    }

    private static List<Link> links(
            Navigations navigations, UriInfo uriInfo, Condition criteria, List<Order> orders, String expandText) {
        navigations.expand(uriInfo.getExpandOption(), expandText);
        navigations.use(criteria);
        orders.forEach(navigations::use);
        return navigations.links();
    }

    private static List<String> select(UriInfo uriInfo) {
        return select(uriInfo.getSelectOption());
    }

    /** The properties a $select names; empty for none or {@code *}. */
    static List<String> select(SelectOption option) {
        if (option == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (SelectItem item : option.getSelectItems()) {
            if (item.isStar()) {
                return List.of();
            }
            List<UriResource> path = item.getResourcePath() == null
                    ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (path.size() != 1 || !(path.get(0) instanceof UriResourcePrimitiveProperty property)) {
                throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "$select supports plain properties only.");
            }
            names.add(property.getProperty().getName());
        }
        return names;
    }

    private static void rejectUnsupportedOptions(UriInfo uriInfo) {
        if (uriInfo.getSearchOption() != null) {
            throw GatewayException.of(ErrorCode.NOT_IMPLEMENTED, "$search is not supported.");
        }
        if (uriInfo.getDeltaTokenOption() != null) {
            throw GatewayException.of(ErrorCode.NOT_IMPLEMENTED, "$deltatoken is not supported.");
        }
        if (uriInfo.getFormatOption() != null
                && !uriInfo.getFormatOption()
                        .getFormat()
                        .toLowerCase(Locale.ROOT)
                        .startsWith("json")
                && !uriInfo.getFormatOption()
                        .getFormat()
                        .toLowerCase(Locale.ROOT)
                        .startsWith("application/json")) {
            throw GatewayException.of(ErrorCode.NOT_ACCEPTABLE, "Only $format=json is supported.");
        }
    }

    private GatewayException translate(ODataLibraryException exception, String path) {
        String message = exception.getTranslatedMessage(Locale.ENGLISH) == null
                ? exception.getMessage()
                : exception.getTranslatedMessage(Locale.ENGLISH).getMessage();
        if (exception instanceof UriParserSemanticException semantic) {
            String key = semantic.getMessageKey().getKey();
            if (key.equals("RESOURCE_NOT_FOUND")) {
                return GatewayException.of(
                        ErrorCode.ENTITY_SET_NOT_FOUND,
                        "Resource not found for the segment '%s'.",
                        shorten(path.substring(1).split("[/(]")[0]));
            }
            if (key.contains("PROPERTY_NOT_IN_TYPE")
                    || key.equals("EXPRESSION_PROPERTY_NOT_IN_TYPE")
                    || key.equals("UNKNOWN_PART")) {
                return new GatewayException(ErrorCode.UNKNOWN_PROPERTY, shorten(message) + lookupHint(message));
            }
        }
        return new GatewayException(ErrorCode.QUERY_SYNTAX, "The query is not valid: " + shorten(message));
    }

    /** Olingo's unknown-property message: the property, then the type it is not defined in. */
    private static final Pattern PROPERTY_NOT_IN_TYPE =
            Pattern.compile("'([^']{1,200})'[^']*type '(?:[^']*\\.)?([^'.]{1,200})'");

    /** Where a lookup's logical name named in an unknown-property message went: it is served as {@code _<field>_value}. */
    private String lookupHint(String message) {
        Matcher unknown = PROPERTY_NOT_IN_TYPE.matcher(message);
        if (!unknown.find()) {
            return "";
        }
        return lookups.byField(unknown.group(2), unknown.group(1))
                .map(lookup -> " The lookup '%s' is served as '%s' (its navigation property is '%s')."
                        .formatted(lookup.field(), lookup.property(), lookup.navigationProperty()))
                .orElse("");
    }

    static String shorten(String text) {
        String clean = text.replaceAll("[\\p{Cntrl}]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
