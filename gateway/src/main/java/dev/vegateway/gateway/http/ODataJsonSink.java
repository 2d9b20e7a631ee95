package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.catalog.Catalog;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Streams OData JSON straight from the result set: each row is written as it is read, with no
 * intermediate entity objects (Olingo's serializer builds them and is slow on wide pages).
 * {@code single} writes one entity instead of a collection.
 */
final class ODataJsonSink implements RowSink {
    private final JsonGenerator json;
    private final Catalog catalog;
    private final String context;
    private final boolean single;
    private final Function<String, String> nextLink;

    ODataJsonSink(
            JsonGenerator json, Catalog catalog, String context, boolean single, Function<String, String> nextLink) {
        this.json = requireNonNull(json, "json is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.context = requireNonNull(context, "context is null");
        this.single = single;
        this.nextLink = requireNonNull(nextLink, "nextLink is null");
    }

    @Override
    public void start(QueryPlan plan, OptionalLong count) throws IOException {
        if (single) {
            return;
        }
        json.writeStartObject();
        json.writeStringField("@odata.context", context);
        if (count.isPresent()) {
            json.writeNumberField("@odata.count", count.getAsLong());
        }
        json.writeArrayFieldStart("value");
    }

    @Override
    public void row(QueryPlan plan, Object[] values) throws IOException {
        json.writeStartObject();
        if (single) {
            json.writeStringField("@odata.context", context);
        }
        writeFields(json, catalog, plan, values);
        json.writeEndObject();
    }

    static void writeFields(JsonGenerator json, Catalog catalog, QueryPlan plan, Object[] values) throws IOException {
        if (plan.etagIndex().isPresent() && values[plan.etagIndex().getAsInt()] != null) {
            json.writeStringField(
                    "@odata.etag", JsonValues.etag(values[plan.etagIndex().getAsInt()]));
        }
        for (OutputField output : plan.output()) {
            json.writeFieldName(output.name());
            JsonValues.write(
                    json, catalog, output.field().type(), output.masked() ? null : values[output.selectIndex()]);
        }
        if (plan.keyIndex().isPresent()
                && plan.output().stream()
                        .noneMatch(output -> output.name().equals(plan.entity().keyField()))) {
            json.writeStringField(
                    plan.entity().keyField(),
                    String.valueOf(values[plan.keyIndex().getAsInt()]));
        }
    }

    @Override
    public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
        if (single) {
            json.flush();
            return;
        }
        json.writeEndArray();
        if (continuation.isPresent()) {
            json.writeStringField("@odata.nextLink", nextLink.apply(continuation.get()));
        }
        json.writeEndObject();
        json.flush();
    }
}
