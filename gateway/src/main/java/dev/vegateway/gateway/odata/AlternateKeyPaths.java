package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.adapter.write.AddressedRecord;
import dev.vegateway.catalog.AlternateKey;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.DerivedKey;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Alternate keys in URLs, as Dataverse has them: {@code set(mserp_dataareaid='usmf',mserp_customeraccount='US-0001')}
 * names the record whose alternate-key fields have these values. Before the path is parsed, the key
 * segment is replaced by the record's GUID, so Retrieve, Update, Delete, upsert and bound actions
 * need nothing else:
 *
 * <ul>
 *   <li>the entity's natural key (from which its GUID is derived) gives the GUID by computation, with
 *       no database access: the request then runs exactly as one by that GUID, under the same row
 *       and field security;
 *   <li>any other alternate key is looked up under the caller's Read privilege (a record the caller
 *       cannot read is 404, as by GUID).
 * </ul>
 *
 * An unknown key property, a value of the wrong type or a missing part is 400 naming it.
 */
public final class AlternateKeyPaths {
    private static final Pattern GUID =
            Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,19}");

    private final Catalog catalog;
    private final QueryService queries;

    public AlternateKeyPaths(Catalog catalog, QueryService queries) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.queries = requireNonNull(queries, "queries is null");
    }

    /**
     * {@code path} (below the service root, still percent-encoded) with an alternate key in its first
     * segment replaced by the record's GUID; any other path unchanged.
     */
    public String rewrite(String path, Caller caller) {
        AddressedRecord.clear();
        int open = path.indexOf('(');
        int slash = path.indexOf('/', 1);
        if (!path.startsWith("/") || open < 0 || (slash >= 0 && slash < open)) {
            return path;
        }
        Optional<EntityDefinition> entity = catalog.byEntitySet(path.substring(1, open));
        if (entity.isEmpty()) {
            return path;
        }
        int close = closingParenthesis(path, open);
        if (close < 0) {
            return path;
        }
        String predicate = percentDecoded(path.substring(open + 1, close));
        if (!predicate.contains("=")) {
            return path; // a GUID (or nothing): the parser's to judge
        }
        Map<String, String> named = namedValues(predicate, entity.get());
        UUID key = key(entity.get(), named, caller, true);
        return path.substring(0, open + 1) + key + path.substring(close);
    }

    /**
     * The GUID of the record of {@code entity} that an alternate key names ({@code predicate}, the
     * text between the parentheses, percent-encoded or not: {@code mserp_dataareaid='usmf',…}), as in a
     * URL; for {@code @odata.bind} references, which name their record the same way.
     */
    public UUID key(EntityDefinition entity, String predicate, Caller caller) {
        return key(entity, namedValues(percentDecoded(predicate), entity), caller, false);
    }

    /** {@code remember}: the addressed record's values are kept for an upsert of the request's own record. */
    private UUID key(EntityDefinition entity, Map<String, String> named, Caller caller, boolean remember) {
        if (named.size() == 1 && named.containsKey(entity.keyField())) {
            String text = named.get(entity.keyField());
            if (!GUID.matcher(text).matches()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The key property '%s' is a Guid; '%s' is not one.",
                        entity.keyField(),
                        ODataFrontEnd.shorten(text));
            }
            return UUID.fromString(text);
        }
        AlternateKey alternateKey = alternateKey(entity, named);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String field : alternateKey.fields()) {
            values.put(field, value(entity.field(field).orElseThrow(), named.get(field)));
        }
        Optional<DerivedKey> derived = entity.derivedKey();
        if (derived.isPresent()
                && derived.get().fieldNames().size() == values.size()
                && values.keySet().containsAll(derived.get().fieldNames())) {
            UUID key = derived.get()
                    .guid(derived.get().fieldNames().stream().map(values::get).toList());
            if (remember) {
                AddressedRecord.set(entity.logicalName(), key, values);
            }
            return key;
        }
        return lookUp(entity, alternateKey, values, caller);
    }

    /** The one alternate key whose fields are exactly the named ones; 400 naming what does not fit. */
    private static AlternateKey alternateKey(EntityDefinition entity, Map<String, String> named) {
        if (entity.alternateKeys().isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "Entity '%s' has no alternate keys; address a record by its id, like %s(<guid>).",
                    entity.logicalName(),
                    entity.entitySetName());
        }
        Optional<AlternateKey> exact = entity.alternateKey(named.keySet());
        if (exact.isPresent()) {
            return exact.get();
        }
        String known = entity.alternateKeys().stream()
                .map(key -> key.name() + " (" + String.join(", ", key.fields()) + ")")
                .collect(Collectors.joining(", "));
        for (String name : named.keySet()) {
            boolean inSomeKey =
                    entity.alternateKeys().stream().anyMatch(key -> key.fields().contains(name));
            if (!inSomeKey) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "'%s' is not a field of any alternate key of entity '%s'; its alternate keys are %s.",
                        ODataFrontEnd.shorten(name),
                        entity.logicalName(),
                        known);
            }
        }
        for (AlternateKey key : entity.alternateKeys()) {
            if (key.fields().containsAll(named.keySet())) {
                List<String> missing = key.fields().stream()
                        .filter(field -> !named.containsKey(field))
                        .toList();
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "The alternate key %s of entity '%s' also needs %s.",
                        key.name() + " (" + String.join(", ", key.fields()) + ")",
                        entity.logicalName(),
                        String.join(", ", missing));
            }
        }
        throw GatewayException.of(
                ErrorCode.QUERY_SYNTAX,
                "The key properties (%s) are not the fields of one alternate key of entity '%s'; its alternate keys are"
                        + " %s.",
                String.join(", ", named.keySet()),
                entity.logicalName(),
                known);
    }

    /** A key property's literal as the Java value of its field's type; 400 naming the property when it does not fit. */
    private static Object value(FieldDefinition field, String text) {
        String name = field.logicalName();
        boolean quoted = text.length() >= 2 && text.startsWith("'") && text.endsWith("'");
        switch (field.type().kind()) {
            case STRING -> {
                if (!quoted) {
                    throw wrongType(name, "a text in single quotes, like '" + "US-0001'", text);
                }
                String value = text.substring(1, text.length() - 1).replace("''", "'");
                if (field.type().maxLength().isPresent()
                        && value.codePointCount(0, value.length())
                                > field.type().maxLength().getAsInt()) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "The key property '%s' is at most %d characters long.",
                            name,
                            field.type().maxLength().getAsInt());
                }
                return value;
            }
            case INT32, INT64 -> {
                if (!INTEGER.matcher(text).matches()) {
                    throw wrongType(name, "a whole number (" + field.type() + ")", text);
                }
                try {
                    long number = Long.parseLong(text);
                    if (field.type().kind() == dev.vegateway.catalog.FieldType.Kind.INT32) {
                        return Math.toIntExact(number);
                    }
                    return number;
                } catch (NumberFormatException | ArithmeticException e) {
                    throw wrongType(name, "a whole number within the range of " + field.type(), text);
                }
            }
            case GUID -> {
                String unquoted = quoted ? text.substring(1, text.length() - 1) : text;
                if (!GUID.matcher(unquoted).matches()) {
                    throw wrongType(name, "a Guid", text);
                }
                return UUID.fromString(unquoted);
            }
            case DATE -> {
                try {
                    return LocalDate.parse(quoted ? text.substring(1, text.length() - 1) : text);
                } catch (DateTimeParseException e) {
                    throw wrongType(name, "a date like 2024-01-31", text);
                }
            }
            case BOOLEAN -> {
                if (text.equals("true") || text.equals("false")) {
                    return Boolean.valueOf(text);
                }
                throw wrongType(name, "true or false", text);
            }
            case DECIMAL, DOUBLE, DATE_TIME_OFFSET, ENUM -> throw new IllegalStateException(
                    "an alternate key part is never " + field.type());
        }
        throw new IllegalStateException("unreachable");
    }

    private static GatewayException wrongType(String name, String expected, String text) {
        return GatewayException.of(
                ErrorCode.QUERY_SYNTAX,
                "The key property '%s' must be %s, was %s.",
                name,
                expected,
                ODataFrontEnd.shorten(text));
    }

    /** The record with these alternate-key values that the caller may read; 404 when there is none. */
    private UUID lookUp(EntityDefinition entity, AlternateKey key, Map<String, Object> values, Caller caller) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        List<Condition> equalities = new ArrayList<>();
        values.forEach((field, value) -> equalities.add(
                new Condition.Comparison(new AttributeRef(field), Condition.Operator.EQUAL, new Literal(value))));
        Query query = new Query(
                new Relation(
                        entity.logicalName(),
                        Columns.named(List.of(entity.keyField())),
                        Condition.and(equalities),
                        List.of(),
                        List.of()),
                OptionalInt.of(2),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
        List<UUID> keys = new ArrayList<>();
        try {
            queries.retrieveMultiple(query, ignored -> AccessScopes.read(user.permissions(), entity), new RowSink() {
                @Override
                public void start(QueryPlan plan, OptionalLong count) {}

                @Override
                public void row(QueryPlan plan, Object[] row) {
                    keys.add((UUID) row[plan.keyIndex().orElseThrow()]);
                }

                @Override
                public void finish(QueryPlan plan, Optional<String> continuation) {}
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String described = values.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
        if (keys.isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.RECORD_NOT_FOUND,
                    "%s With %s Does Not Exist",
                    entity.logicalName(),
                    ODataFrontEnd.shorten(described));
        }
        if (keys.size() > 1) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The alternate key %s of entity '%s' matches several records (%s); the backend does not keep it"
                            + " unique.",
                    key.name(),
                    entity.logicalName(),
                    ODataFrontEnd.shorten(described));
        }
        return keys.get(0);
    }

    /** {@code name=value} pairs (values as written, quotes included), in order; 400 for a malformed list or a repeated name. */
    private static Map<String, String> namedValues(String predicate, EntityDefinition entity) {
        Map<String, String> named = new LinkedHashMap<>();
        int position = 0;
        while (position <= predicate.length()) {
            int equals = predicate.indexOf('=', position);
            if (equals < 0) {
                throw malformed(predicate);
            }
            String name = predicate.substring(position, equals).trim();
            int end = equals + 1;
            while (end < predicate.length() && predicate.charAt(end) == ' ') {
                end++;
            }
            if (end < predicate.length() && predicate.charAt(end) == '\'') {
                end++;
                while (end < predicate.length()) {
                    if (predicate.charAt(end) == '\'') {
                        if (end + 1 < predicate.length() && predicate.charAt(end + 1) == '\'') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= predicate.length()) {
                    throw malformed(predicate);
                }
                end++;
            } else {
                while (end < predicate.length() && predicate.charAt(end) != ',') {
                    end++;
                }
            }
            String value = predicate.substring(equals + 1, end).trim();
            if (name.isEmpty() || value.isEmpty()) {
                throw malformed(predicate);
            }
            if (entity.field(name).isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "Entity '%s' has no property '%s' to use in a key.",
                        entity.logicalName(),
                        ODataFrontEnd.shorten(name));
            }
            if (named.put(name, value) != null) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX, "The key property '%s' is given twice.", ODataFrontEnd.shorten(name));
            }
            while (end < predicate.length() && predicate.charAt(end) == ' ') {
                end++;
            }
            if (end == predicate.length()) {
                return named;
            }
            if (predicate.charAt(end) != ',') {
                throw malformed(predicate);
            }
            position = end + 1;
        }
        throw malformed(predicate);
    }

    private static GatewayException malformed(String predicate) {
        return GatewayException.of(
                ErrorCode.QUERY_SYNTAX,
                "The key (%s) is not a list of name=value pairs such as (mserp_dataareaid='usmf',"
                        + "mserp_customeraccount='US-0001').",
                ODataFrontEnd.shorten(predicate));
    }

    /** The index of the ')' closing the '(' at {@code open}, skipping quoted text; -1 when there is none. */
    private static int closingParenthesis(String path, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (path.startsWith("%27", i)) {
                quoted = !quoted;
                i += 2;
            } else if (c == ')' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decoding as in a URL path (a '+' stays a '+'); 400 for a malformed escape. */
    private static String percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The key has a malformed %%-escape.");
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The key has a malformed %%-escape.");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                int end = i + Character.charCount(text.codePointAt(i));
                byte[] encoded = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
