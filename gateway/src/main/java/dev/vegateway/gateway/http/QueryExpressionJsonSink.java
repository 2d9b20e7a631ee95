package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.catalog.Catalog;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Streams the RetrieveMultiple (QueryExpression) response in the Dataverse Web API layout:
 * {@code {"EntityName", "value", "MoreRecords", "PagingCookie", "TotalRecordCount", ...}}.
 */
final class QueryExpressionJsonSink implements RowSink {
    private final JsonGenerator json;
    private final Catalog catalog;
    private long count = -1;
    private OutputNames names;

    QueryExpressionJsonSink(JsonGenerator json, Catalog catalog) {
        this.json = requireNonNull(json, "json is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public void start(QueryPlan plan, OptionalLong totalCount) throws IOException {
        count = totalCount.orElse(-1);
        names = OutputNames.logical(plan);
        json.writeStartObject();
        json.writeStringField("EntityName", plan.entity().logicalName());
        json.writeArrayFieldStart("value");
    }

    @Override
    public void row(QueryPlan plan, Object[] values) throws IOException {
        json.writeStartObject();
        ODataJsonSink.writeFields(json, catalog, plan, values, List.of(), names);
        json.writeEndObject();
    }

    @Override
    public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
        json.writeEndArray();
        json.writeBooleanField("MoreRecords", continuation.isPresent());
        if (continuation.isPresent()) {
            json.writeStringField("PagingCookie", continuation.get());
        } else {
            json.writeNullField("PagingCookie");
        }
        json.writeNumberField("TotalRecordCount", Math.min(count, FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT));
        json.writeBooleanField("TotalRecordCountLimitExceeded", count > FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT);
        json.writeEndObject();
        json.flush();
    }
}
