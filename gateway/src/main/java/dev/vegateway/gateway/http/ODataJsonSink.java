package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.service.ExpandedRows;
import dev.vegateway.adapter.service.ExpandingRowSink;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.gateway.odata.CollectionExpand;
import dev.vegateway.gateway.odata.LookupNames;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Streams OData JSON straight from the result set: each row is written as it is read, with no
 * intermediate entity objects (Olingo's serializer builds them and is slow on wide pages).
 * {@code single} writes one entity instead of a collection. Lookups are named
 * {@code _<field>_value}, with the lookup annotations the request's {@code Prefer} asks for
 * ({@link OutputNames}).
 */
final class ODataJsonSink implements ExpandingRowSink {
    private final JsonGenerator json;
    private final Catalog catalog;
    private final String context;
    private final boolean single;
    private final Function<String, String> nextLink;
    private final List<String> expanded;
    private final Optional<Collections> collections;

    /**
     * The collection-valued expansions of the request: how each is written and where the nextLink
     * of a parent with more related rows than {@code cap} points.
     */
    record Collections(List<CollectionExpand> expands, String serviceRoot, EntityDefinition parent, int cap) {
        Collections {
            expands = List.copyOf(expands);
            requireNonNull(serviceRoot, "serviceRoot is null");
            requireNonNull(parent, "parent is null");
        }
    }

    /**
     * The end of a change-tracking answer's last page: a {@code $deletedEntity} entry for each key
     * in {@code deleted} (their context {@code deletedContext}), then the {@code @odata.deltaLink}.
     */
    record Delta(String deletedContext, List<java.util.UUID> deleted, String deltaLink) {
        Delta {
            requireNonNull(deletedContext, "deletedContext is null");
            deleted = List.copyOf(deleted);
            requireNonNull(deltaLink, "deltaLink is null");
        }
    }

    private final Optional<Delta> delta;
    private final LookupNames lookups;
    private final Optional<IncludeAnnotations> annotations;
    private OutputNames names;
    /** The names of each collection-valued expansion's fields, made from its plan at its first row. */
    private final java.util.Map<QueryPlan, OutputNames> relatedNames = new java.util.IdentityHashMap<>();

    /**
     * @param expanded the navigation paths the request expands, parents first
     * @param annotations the request's {@code odata.include-annotations} preference, if any
     */
    ODataJsonSink(
            JsonGenerator json,
            Catalog catalog,
            String context,
            boolean single,
            Function<String, String> nextLink,
            List<String> expanded,
            LookupNames lookups,
            Optional<IncludeAnnotations> annotations) {
        this(
                json,
                catalog,
                context,
                single,
                nextLink,
                expanded,
                lookups,
                annotations,
                Optional.empty(),
                Optional.empty());
    }

    /**
     * @param collections the collection-valued expansions, when the request has any
     * @param delta the end of a change-tracking answer, when the request asked for one
     */
    ODataJsonSink(
            JsonGenerator json,
            Catalog catalog,
            String context,
            boolean single,
            Function<String, String> nextLink,
            List<String> expanded,
            LookupNames lookups,
            Optional<IncludeAnnotations> annotations,
            Optional<Collections> collections,
            Optional<Delta> delta) {
        this.delta = requireNonNull(delta, "delta is null");
        this.collections = requireNonNull(collections, "collections is null");
        this.expanded = List.copyOf(expanded);
        this.lookups = requireNonNull(lookups, "lookups is null");
        this.annotations = requireNonNull(annotations, "annotations is null");
        this.json = requireNonNull(json, "json is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.context = requireNonNull(context, "context is null");
        this.single = single;
        this.nextLink = requireNonNull(nextLink, "nextLink is null");
    }

    @Override
    public void start(QueryPlan plan, OptionalLong count) throws IOException {
        names = OutputNames.of(plan, lookups, annotations);
        if (single) {
            return;
        }
        json.writeStartObject();
        json.writeStringField("@odata.context", context);
        if (count.isPresent()) {
            json.writeNumberField(
                    "@odata.count", Math.min(count.getAsLong(), FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT));
        }
        writeTotalRecordCount(json, annotations, count);
        json.writeArrayFieldStart("value");
    }

    /**
     * Dataverse's {@code totalrecordcount} and {@code totalrecordcountlimitexceeded} annotations, when
     * {@code odata.include-annotations} asks for them: the count of {@code $count=true} up to 5,000 and
     * whether the true count is larger; -1 and false without {@code $count=true}.
     */
    static void writeTotalRecordCount(JsonGenerator json, Optional<IncludeAnnotations> annotations, OptionalLong count)
            throws IOException {
        if (annotations.isEmpty()) {
            return;
        }
        long limit = FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT;
        if (annotations.get().includes(FetchXmlJsonSink.TOTAL_RECORD_COUNT.substring(1))) {
            json.writeNumberField(
                    FetchXmlJsonSink.TOTAL_RECORD_COUNT, count.isPresent() ? Math.min(count.getAsLong(), limit) : -1);
        }
        if (annotations.get().includes(FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT_EXCEEDED.substring(1))) {
            json.writeBooleanField(
                    FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT_EXCEEDED, count.isPresent() && count.getAsLong() > limit);
        }
    }

    @Override
    public void row(QueryPlan plan, Object[] values) throws IOException {
        row(plan, values, List.of());
    }

    @Override
    public void row(QueryPlan plan, Object[] values, List<ExpandedRows> related) throws IOException {
        json.writeStartObject();
        if (single) {
            json.writeStringField("@odata.context", context);
        }
        writeFields(json, catalog, plan, values, expanded, names);
        if (!related.isEmpty()) {
            writeCollections(plan, values, related);
        }
        json.writeEndObject();
    }

    /**
     * Each collection-valued expansion as an array of the parent's related rows (with their own
     * single-valued expansions), then {@code <nav>@odata.nextLink} when the parent has more.
     */
    private void writeCollections(QueryPlan plan, Object[] values, List<ExpandedRows> related) throws IOException {
        Collections settings = collections.orElseThrow();
        Object parentKey = values[plan.keyIndex().orElseThrow()];
        for (int i = 0; i < related.size(); i++) {
            ExpandedRows rows = related.get(i);
            CollectionExpand expand = settings.expands().get(i);
            json.writeArrayFieldStart(expand.name());
            for (Object[] child : rows.rows(parentKey)) {
                json.writeStartObject();
                OutputNames childNames = relatedNames.computeIfAbsent(
                        rows.plan(), childPlan -> OutputNames.of(childPlan, lookups, annotations));
                writeFields(json, catalog, rows.plan(), child, expand.expanded(), childNames);
                json.writeEndObject();
            }
            json.writeEndArray();
            if (rows.more(parentKey)) {
                json.writeStringField(
                        expand.name() + "@odata.nextLink",
                        expand.nextLink(
                                settings.serviceRoot(), settings.parent().entitySetName(), parentKey, settings.cap()));
            }
        }
    }

    /**
     * The row's own fields (a field of a joined relation is written as {@code relation.field}), its
     * ETag and key; then each of {@code expanded} (navigation paths, parents first) as a nested
     * object under its navigation property, or null where the join found no row the caller may read.
     * Fields are named by {@code names}.
     */
    static void writeFields(
            JsonGenerator json,
            Catalog catalog,
            QueryPlan plan,
            Object[] values,
            List<String> expanded,
            OutputNames names)
            throws IOException {
        if (plan.etagIndex().isPresent() && values[plan.etagIndex().getAsInt()] != null) {
            json.writeStringField(
                    "@odata.etag", JsonValues.etag(values[plan.etagIndex().getAsInt()]));
        }
        Map<String, Object> nested = new LinkedHashMap<>();
        for (int index = 0; index < plan.output().size(); index++) {
            OutputField output = plan.output().get(index);
            if (output.relation().isPresent()
                    && expanded.contains(output.relation().get())) {
                continue;
            }
            if (LookupNameLinks.isName(output)) {
                continue; // the related row's name, written as its lookup's FormattedValue
            }
            if (plan.aggregation().isPresent() && names.names().get(index).contains("/")) {
                // an $apply group through a navigation path, named by its path
                nest(nested, names.names().get(index), index);
                continue;
            }
            String name = names.names().get(index);
            writeField(
                    json,
                    catalog,
                    output,
                    values,
                    output.alias().isPresent()
                            ? name
                            : output.relation()
                                    .map(relation -> relation + "." + name)
                                    .orElse(name),
                    names,
                    index);
        }
        if (plan.keyIndex().isPresent()
                && plan.output().stream()
                        .noneMatch(output -> output.name().equals(plan.entity().keyField()))) {
            json.writeStringField(
                    plan.entity().keyField(),
                    String.valueOf(values[plan.keyIndex().getAsInt()]));
        }
        for (String path : expanded) {
            if (!path.contains("/")) {
                writeExpanded(json, catalog, plan, values, expanded, path, names);
            }
        }
        writeNested(json, catalog, plan, values, names, nested);
    }

    /** Files output {@code index}, named {@code a/b/c}, under a → b as c. */
    @SuppressWarnings("unchecked")
    private static void nest(Map<String, Object> tree, String path, int index) {
        int slash = path.indexOf('/');
        if (slash < 0) {
            tree.put(path, index);
            return;
        }
        Map<String, Object> child = (Map<String, Object>)
                tree.computeIfAbsent(path.substring(0, slash), name -> new LinkedHashMap<String, Object>());
        nest(child, path.substring(slash + 1), index);
    }

    /**
     * The groups of an {@code $apply} through navigation paths, nested as OData's aggregation
     * extension answers them: {@code groupby((mserp_Customer/mserp_name))} → {@code "mserp_Customer":
     * {"mserp_name": …}}.
     */
    @SuppressWarnings("unchecked")
    private static void writeNested(
            JsonGenerator json,
            Catalog catalog,
            QueryPlan plan,
            Object[] values,
            OutputNames names,
            Map<String, Object> tree)
            throws IOException {
        for (Map.Entry<String, Object> entry : tree.entrySet()) {
            if (entry.getValue() instanceof Integer index) {
                writeField(json, catalog, plan.output().get(index), values, entry.getKey(), names, index);
            } else {
                json.writeObjectFieldStart(entry.getKey());
                writeNested(json, catalog, plan, values, names, (Map<String, Object>) entry.getValue());
                json.writeEndObject();
            }
        }
    }

    /** One field, preceded by its lookup annotations when asked for and the value is not null (as Dataverse writes them). */
    private static void writeField(
            JsonGenerator json,
            Catalog catalog,
            OutputField output,
            Object[] values,
            String name,
            OutputNames names,
            int index)
            throws IOException {
        Object value = output.masked() ? null : values[output.selectIndex()];
        Optional<LookupNames.Lookup> lookup = names.lookups().get(index);
        if (value != null && lookup.isPresent()) {
            if (names.navigationProperty()) {
                json.writeStringField(
                        name + "@" + IncludeAnnotations.ASSOCIATED_NAVIGATION_PROPERTY,
                        lookup.get().navigationProperty());
            }
            if (names.logicalName()) {
                json.writeStringField(
                        name + "@" + IncludeAnnotations.LOOKUP_LOGICAL_NAME,
                        lookup.get().targetEntity());
            }
        }
        if (value != null && names.formatted().isPresent()) {
            Optional<String> formatted = FormattedValues.format(
                    catalog, output.field(), value, names.formatted().get());
            if (formatted.isPresent()) {
                json.writeStringField(name + "@" + FormattedValues.TERM, formatted.get());
            }
            // a lookup: the related row's primary name, when the caller may read that row and field
            if (names.primaryNames().get(index).isPresent()) {
                Object related = values[names.primaryNames().get(index).getAsInt()];
                if (related != null) {
                    json.writeStringField(name + "@" + FormattedValues.TERM, related.toString());
                }
            }
        }
        json.writeFieldName(name);
        JsonValues.write(json, catalog, output.field().type(), value);
    }

    private static void writeExpanded(
            JsonGenerator json,
            Catalog catalog,
            QueryPlan plan,
            Object[] values,
            List<String> expanded,
            String path,
            OutputNames names)
            throws IOException {
        json.writeFieldName(path.substring(path.lastIndexOf('/') + 1));
        Integer key = plan.linkKeys().get(path);
        if (key == null || values[key] == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        for (int index = 0; index < plan.output().size(); index++) {
            OutputField output = plan.output().get(index);
            if (output.relation().filter(path::equals).isPresent()) {
                writeField(json, catalog, output, values, names.names().get(index), names, index);
            }
        }
        for (String child : expanded) {
            if (child.startsWith(path + "/") && child.indexOf('/', path.length() + 1) < 0) {
                writeExpanded(json, catalog, plan, values, expanded, child, names);
            }
        }
        json.writeEndObject();
    }

    @Override
    public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
        if (single) {
            json.flush();
            return;
        }
        if (delta.isPresent() && continuation.isEmpty()) {
            for (java.util.UUID key : delta.get().deleted()) {
                json.writeStartObject();
                json.writeStringField("@odata.context", delta.get().deletedContext());
                json.writeStringField("id", key.toString());
                json.writeStringField("reason", "deleted");
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        if (continuation.isPresent()) {
            json.writeStringField("@odata.nextLink", nextLink.apply(continuation.get()));
        } else if (delta.isPresent()) {
            json.writeStringField("@odata.deltaLink", delta.get().deltaLink());
        }
        json.writeEndObject();
        json.flush();
    }
}
