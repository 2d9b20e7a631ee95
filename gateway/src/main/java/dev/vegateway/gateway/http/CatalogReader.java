package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.odata.CatalogEntitySet;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Serves the built-in catalog entity set from memory. Any registered application may read it
 * (SPEC 7), with or without a caller. Supports $select, $filter (eq, ne, in, contains,
 * startswith, endswith, null tests, and/or/not), $orderby, $top, $skip and $count.
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

    void readCollection(GatewayHandler.Exchange exchange, Caller caller, ODataRequest.ReadCollection read, String context, GatewayHandler handler) throws IOException {
        Query query = read.query();
        if (query.page().flatMap(Query.Page::continuation).isPresent()) {
            throw GatewayException.of(ErrorCode.INVALID_SKIP_TOKEN, "The catalog entity set is never paged; it has no $skiptoken.");
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

    void readEntity(GatewayHandler.Exchange exchange, Caller caller, ODataRequest.ReadEntity read, String context, GatewayHandler handler) throws IOException {
        List<FieldDefinition> fields = fields(read.select());
        Map<String, Object> row = rows.stream().filter(candidate -> candidate.get(CatalogEntitySet.DEFINITION.keyField()).equals(read.key())).findFirst()
                .orElseThrow(() -> GatewayException.of(ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", CatalogEntitySet.LOGICAL_NAME, read.key()));
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

    private void writeRow(JsonGenerator json, Map<String, Object> row, List<FieldDefinition> fields) throws IOException {
        json.writeStartObject();
        writeFieldsOf(json, row, fields);
        json.writeEndObject();
    }

    private void writeFieldsOf(JsonGenerator json, Map<String, Object> row, List<FieldDefinition> fields) throws IOException {
        for (FieldDefinition field : fields) {
            json.writeFieldName(field.logicalName());
            JsonValues.write(json, catalog, field.type(), row.get(field.logicalName()));
        }
    }

    private static List<FieldDefinition> fields(List<String> names) {
        EntityDefinition definition = CatalogEntitySet.DEFINITION;
        if (names.isEmpty()) {
            return definition.fields();
        }
        List<FieldDefinition> fields = new ArrayList<>();
        for (String name : names) {
            fields.add(field(name));
        }
        if (fields.stream().noneMatch(field -> field.logicalName().equals(definition.keyField()))) {
            fields.add(definition.key());
        }
        return fields;
    }

    private static FieldDefinition field(String name) {
        return CatalogEntitySet.DEFINITION.field(name).orElseThrow(() -> GatewayException.of(ErrorCode.UNKNOWN_PROPERTY,
                "Could not find a property named '%s' on entity '%s'.", name, CatalogEntitySet.LOGICAL_NAME));
    }

    private List<Map<String, Object>> matching(Query query) {
        List<Map<String, Object>> matching = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (matches(query.criteria(), row)) {
                matching.add(row);
            }
        }
        Comparator<Map<String, Object>> order = null;
        for (var sort : query.orders()) {
            field(sort.attribute());
            Comparator<Map<String, Object>> key = Comparator.comparing(row -> String.valueOf(row.get(sort.attribute())));
            key = sort.descending() ? key.reversed() : key;
            order = order == null ? key : order.thenComparing(key);
        }
        if (order != null) {
            matching.sort(order);
        }
        return matching;
    }

    private boolean matches(Condition condition, Map<String, Object> row) {
        if (condition instanceof Condition.Constant constant) {
            return constant.value();
        }
        if (condition instanceof Condition.And and) {
            return and.conditions().stream().allMatch(part -> matches(part, row));
        }
        if (condition instanceof Condition.Or or) {
            return or.conditions().stream().anyMatch(part -> matches(part, row));
        }
        if (condition instanceof Condition.Not not) {
            return !matches(not.condition(), row);
        }
        if (condition instanceof Condition.IsNull isNull) {
            return (value(isNull.operand(), row) == null) != isNull.negated();
        }
        if (condition instanceof Condition.Comparison comparison
                && (comparison.operator() == Condition.Operator.EQUAL || comparison.operator() == Condition.Operator.NOT_EQUAL)) {
            boolean equal = Objects.equals(text(value(comparison.left(), row)), text(value(comparison.right(), row)));
            return equal == (comparison.operator() == Condition.Operator.EQUAL);
        }
        if (condition instanceof Condition.In in) {
            String subject = text(value(in.operand(), row));
            return in.values().stream().anyMatch(value -> Objects.equals(subject, text(value.value()))) != in.negated();
        }
        if (condition instanceof Condition.Like like && like.kind() != Condition.LikeKind.PATTERN) {
            String subject = text(value(like.operand(), row));
            if (subject == null) {
                return false;
            }
            String haystack = subject.toLowerCase(Locale.ROOT);
            String needle = like.text().toLowerCase(Locale.ROOT);
            boolean hit = switch (like.kind()) {
                case CONTAINS -> haystack.contains(needle);
                case STARTS_WITH -> haystack.startsWith(needle);
                case ENDS_WITH -> haystack.endsWith(needle);
                case PATTERN -> false;
            };
            return hit != like.negated();
        }
        throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY,
                "On the catalog entity set, $filter supports eq, ne, in, contains, startswith, endswith, null tests, and, or and not.");
    }

    private static Object value(Operand operand, Map<String, Object> row) {
        if (operand instanceof AttributeRef attribute) {
            field(attribute.name());
            return row.get(attribute.name());
        }
        if (operand instanceof Literal literal) {
            return literal.value();
        }
        throw GatewayException.of(ErrorCode.UNSUPPORTED_QUERY, "On the catalog entity set, $filter compares properties with literals only.");
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().toLowerCase(Locale.ROOT);
    }
}
