package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.odata.CatalogEntitySet;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves the built-in catalog entity set from memory. Any registered application may read it
 * (SPEC 7), with or without a caller. $select, $filter, $orderby are evaluated in memory by
 * {@link InMemoryRows}; $top, $skip and $count are applied here.
 */
final class CatalogReader {
    private static final JsonFactory JSON = new JsonFactory();
    private final List<Map<String, Object>> rows;
    private final Catalog catalog;

    CatalogReader(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        List<Map<String, Object>> all = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            all.add(CatalogEntitySet.row(entity));
        }
        this.rows = List.copyOf(all);
    }

    long count(Caller caller, Query query) {
        return matching(query).size();
    }

    void readCollection(
            GatewayHandler.Exchange exchange,
            Caller caller,
            ODataRequest.ReadCollection read,
            String context,
            GatewayHandler handler)
            throws IOException {
        Query query = read.query();
        if (query.page().flatMap(Query.Page::continuation).isPresent()) {
            throw GatewayException.of(
                    ErrorCode.INVALID_SKIP_TOKEN, "The catalog entity set is never paged; it has no $skiptoken.");
        }
        List<Map<String, Object>> matching = matching(query);
        int skip = query.skip().orElse(0);
        int top = query.top().orElse(Integer.MAX_VALUE);
        List<Map<String, Object>> page = matching.stream().skip(skip).limit(top).toList();
        List<FieldDefinition> fields = fields(query.columns());
        byte[] body = write(json -> {
            json.writeStartObject();
            json.writeStringField("@odata.context", context);
            if (query.includeCount()) {
                json.writeNumberField("@odata.count", matching.size());
            }
            json.writeArrayFieldStart("value");
            for (Map<String, Object> row : page) {
                writeRow(json, row, fields);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
        exchange.log.rows = page.size();
        handler.sendBytes(exchange, "application/json; odata.metadata=minimal; charset=utf-8", body);
    }

    void readEntity(
            GatewayHandler.Exchange exchange,
            Caller caller,
            ODataRequest.ReadEntity read,
            String context,
            GatewayHandler handler)
            throws IOException {
        List<FieldDefinition> fields = fields(read.select());
        Map<String, Object> row = rows.stream()
                .filter(candidate ->
                        candidate.get(CatalogEntitySet.DEFINITION.keyField()).equals(read.key()))
                .findFirst()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND,
                        "%s With Id = %s Does Not Exist",
                        CatalogEntitySet.LOGICAL_NAME,
                        read.key()));
        byte[] body = write(json -> {
            json.writeStartObject();
            json.writeStringField("@odata.context", context);
            writeFieldsOf(json, row, fields);
            json.writeEndObject();
        });
        exchange.log.rows = 1;
        handler.sendBytes(exchange, "application/json; odata.metadata=minimal; charset=utf-8", body);
    }

    private interface JsonWriting {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(JsonWriting writing) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            writing.write(json);
        }
        return out.toByteArray();
    }

    private void writeRow(JsonGenerator json, Map<String, Object> row, List<FieldDefinition> fields)
            throws IOException {
        json.writeStartObject();
        writeFieldsOf(json, row, fields);
        json.writeEndObject();
    }

    private void writeFieldsOf(JsonGenerator json, Map<String, Object> row, List<FieldDefinition> fields)
            throws IOException {
        for (FieldDefinition field : fields) {
            json.writeFieldName(field.logicalName());
            JsonValues.write(json, catalog, field.type(), row.get(field.logicalName()));
        }
    }

    private static List<FieldDefinition> fields(List<String> names) {
        return InMemoryRows.fields(CatalogEntitySet.DEFINITION, names);
    }

    private List<Map<String, Object>> matching(Query query) {
        return InMemoryRows.matching(CatalogEntitySet.DEFINITION, query, rows);
    }
}
