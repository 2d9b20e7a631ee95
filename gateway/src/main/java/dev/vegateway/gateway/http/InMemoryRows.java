package dev.vegateway.gateway.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluates a neutral query over rows held in memory (a built-in entity set's rows, keyed by
 * property name): $filter with eq, ne, gt, ge, lt, le, in, between, contains, startswith,
 * endswith, null tests, and, or and not, comparing text case-insensitively as Dataverse does;
 * $orderby with nulls first; $select. Comparisons with null are false, as in SQL.
 */
final class InMemoryRows {
    private static final JsonFactory JSON = new JsonFactory();

    private InMemoryRows() {}

    /** A response body and the number of rows it holds. */
    @SuppressWarnings("ArrayRecordComponent") // a response body handed on once, never compared or hashed
    record Json(byte[] body, int rows) {}

    /**
     * The rows matching {@code query} as an OData collection: $filter, $orderby, $skip, $top and
     * $count applied, the fields of $select. These sets are never paged, so a $skiptoken is 400.
     */
    /** The position a $skiptoken of an in-memory set names; 400 for anything else. */
    private static int offset(EntityDefinition entity, String token) {
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw GatewayException.of(
                ErrorCode.INVALID_SKIP_TOKEN,
                "The $skiptoken is not one entity set '%s' gave.",
                entity.entitySetName());
    }

    static Json collection(
            Catalog catalog,
            EntityDefinition entity,
            Query query,
            List<Map<String, Object>> rows,
            String context,
            java.util.function.Function<String, String> nextLink)
            throws IOException {
        // These sets are small and held in memory: a page is cut by position, its $skiptoken the rows already read.
        int offset = query.page()
                .flatMap(Query.Page::continuation)
                .map(token -> offset(entity, token))
                .orElse(0);
        List<Map<String, Object>> matching = matching(entity, query, rows);
        int pageSize = query.page().map(Query.Page::size).orElse(Integer.MAX_VALUE);
        long wanted = Math.max(0, (long) query.top().orElse(Integer.MAX_VALUE) - offset);
        List<Map<String, Object>> rest = matching.stream()
                .skip(query.skip().orElse(0) + (long) offset)
                .limit(wanted)
                .toList();
        List<Map<String, Object>> page = rest.subList(0, Math.min(pageSize, rest.size()));
        boolean more = rest.size() > page.size();
        List<FieldDefinition> fields = fields(entity, query.root().columns().names());
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("@odata.context", context);
            if (query.includeCount()) {
                json.writeNumberField(
                        "@odata.count", Math.min(matching.size(), FetchXmlJsonSink.TOTAL_RECORD_COUNT_LIMIT));
            }
            json.writeArrayFieldStart("value");
            for (Map<String, Object> row : page) {
                json.writeStartObject();
                writeFields(json, catalog, row, fields);
                json.writeEndObject();
            }
            json.writeEndArray();
            if (more) {
                json.writeStringField("@odata.nextLink", nextLink.apply(Integer.toString(offset + page.size())));
            }
            json.writeEndObject();
        }
        return new Json(out.toByteArray(), page.size());
    }

    /** One row as an OData entity with {@code fields}. */
    static byte[] entity(Catalog catalog, Map<String, Object> row, List<FieldDefinition> fields, String context)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("@odata.context", context);
            writeFields(json, catalog, row, fields);
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeFields(
            JsonGenerator json, Catalog catalog, Map<String, Object> row, List<FieldDefinition> fields)
            throws IOException {
        for (FieldDefinition field : fields) {
            json.writeFieldName(field.logicalName());
            JsonValues.write(json, catalog, field.type(), row.get(field.logicalName()));
        }
    }

    /** The rows matching the query's criteria, in the query's order (stable: ties keep the rows' order). */
    static List<Map<String, Object>> matching(EntityDefinition entity, Query query, List<Map<String, Object>> rows) {
        List<Map<String, Object>> matching = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (matches(entity, query.root().criteria(), row)) {
                matching.add(row);
            }
        }
        Comparator<Map<String, Object>> order = null;
        for (Order sort : query.root().orders()) {
            field(entity, sort.attribute());
            Comparator<Map<String, Object>> key =
                    (left, right) -> compareNullsFirst(left.get(sort.attribute()), right.get(sort.attribute()));
            key = sort.descending() ? key.reversed() : key;
            order = order == null ? key : order.thenComparing(key);
        }
        if (order != null) {
            matching.sort(order);
        }
        return matching;
    }

    /** The fields a response carries: all of them, or those of $select plus the key. */
    static List<FieldDefinition> fields(EntityDefinition entity, List<String> select) {
        if (select.isEmpty()) {
            return entity.fields();
        }
        List<FieldDefinition> fields = new ArrayList<>();
        for (String name : select) {
            fields.add(field(entity, name));
        }
        if (fields.stream().noneMatch(field -> field.logicalName().equals(entity.keyField()))) {
            fields.add(entity.key());
        }
        return fields;
    }

    private static FieldDefinition field(EntityDefinition entity, String name) {
        return entity.field(name)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Could not find a property named '%s' on entity '%s'.",
                        name,
                        entity.logicalName()));
    }

    private static boolean matches(EntityDefinition entity, Condition condition, Map<String, Object> row) {
        if (condition instanceof Condition.Constant constant) {
            return constant.value();
        }
        if (condition instanceof Condition.And and) {
            return and.conditions().stream().allMatch(part -> matches(entity, part, row));
        }
        if (condition instanceof Condition.Or or) {
            return or.conditions().stream().anyMatch(part -> matches(entity, part, row));
        }
        if (condition instanceof Condition.Not not) {
            return !matches(entity, not.condition(), row);
        }
        if (condition instanceof Condition.IsNull isNull) {
            return (value(entity, isNull.operand(), row) == null) != isNull.negated();
        }
        if (condition instanceof Condition.Comparison comparison) {
            Object left = value(entity, comparison.left(), row);
            Object right = value(entity, comparison.right(), row);
            if (left == null || right == null) {
                return false;
            }
            int result = compare(left, right);
            return switch (comparison.operator()) {
                case EQUAL -> result == 0;
                case NOT_EQUAL -> result != 0;
                case GREATER_THAN -> result > 0;
                case GREATER_EQUAL -> result >= 0;
                case LESS_THAN -> result < 0;
                case LESS_EQUAL -> result <= 0;
            };
        }
        if (condition instanceof Condition.In in) {
            Object subject = value(entity, in.operand(), row);
            if (subject == null) {
                return false;
            }
            return in.values().stream().anyMatch(value -> compare(subject, value.value()) == 0) != in.negated();
        }
        if (condition instanceof Condition.Between between) {
            Object subject = value(entity, between.operand(), row);
            if (subject == null) {
                return false;
            }
            boolean inside = compare(subject, between.low().value()) >= 0
                    && compare(subject, between.high().value()) <= 0;
            return inside != between.negated();
        }
        if (condition instanceof Condition.Like like && like.kind() != Condition.LikeKind.PATTERN) {
            Object subject = value(entity, like.operand(), row);
            if (subject == null) {
                return false;
            }
            String haystack = subject.toString().toLowerCase(Locale.ROOT);
            String needle = like.text().toLowerCase(Locale.ROOT);
            boolean hit =
                    switch (like.kind()) {
                        case CONTAINS -> haystack.contains(needle);
                        case STARTS_WITH -> haystack.startsWith(needle);
                        case ENDS_WITH -> haystack.endsWith(needle);
                        case PATTERN -> false;
                    };
            return hit != like.negated();
        }
        throw GatewayException.of(
                ErrorCode.UNSUPPORTED_QUERY,
                "On entity set '%s', $filter supports comparisons, in, contains, startswith,"
                        + " endswith, null tests, and, or and not.",
                entity.entitySetName());
    }

    private static Object value(EntityDefinition entity, Operand operand, Map<String, Object> row) {
        if (operand instanceof AttributeRef attribute) {
            field(entity, attribute.name());
            return row.get(attribute.name());
        }
        if (operand instanceof Literal literal) {
            return literal.value();
        }
        throw GatewayException.of(
                ErrorCode.UNSUPPORTED_QUERY,
                "On entity set '%s', $filter compares properties with literals only.",
                entity.entitySetName());
    }

    private static int compareNullsFirst(Object left, Object right) {
        if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1;
        }
        return compare(left, right);
    }

    /** Instants as instants, GUIDs as GUIDs, numbers as numbers, anything else as case-insensitive text. */
    private static int compare(Object left, Object right) {
        if (left instanceof OffsetDateTime leftTime && right instanceof OffsetDateTime rightTime) {
            return leftTime.toInstant().compareTo(rightTime.toInstant());
        }
        if (left instanceof UUID || right instanceof UUID) {
            return text(left).compareTo(text(right));
        }
        if (left instanceof Number leftNumber && right instanceof Number rightNumber) {
            return new java.math.BigDecimal(leftNumber.toString())
                    .compareTo(new java.math.BigDecimal(rightNumber.toString()));
        }
        return text(left).compareTo(text(right));
    }

    private static String text(Object value) {
        return value.toString().toLowerCase(Locale.ROOT);
    }
}
