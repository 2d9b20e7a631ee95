package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.service.Explainer;
import dev.vegateway.adapter.service.Explanation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The unbound function {@code vegateway_Explain(UserId=…,EntityName='…',Key=…,Field='…')}: {@link
 * Explainer}'s answer (the one {@code vegateway explain} prints) as JSON, for System and Security
 * administrators only (Administrative users included, as for the administration sets). Parameters
 * are inline OData literals or aliases ({@code UserId=@u…?@u=<guid>}); {@code Key} and
 * {@code Field} may be left out.
 */
final class ExplainEndpoint {
    static final String FUNCTION = "vegateway_Explain";
    private static final Pattern PATH = Pattern.compile(
            "^/(?:(?<namespace>[A-Za-z0-9_.]+)\\.)?" + FUNCTION + "(?:\\((?<parameters>.*)\\))?$", Pattern.DOTALL);
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final List<String> PARAMETERS = List.of("UserId", "EntityName", "Key", "Field");
    private static final JsonFactory JSON = new JsonFactory();
    private static final String JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal; charset=utf-8";

    private final Catalog catalog;
    private final Explainer explainer;
    private final String namespace;

    ExplainEndpoint(Catalog catalog, Explainer explainer, String namespace) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.explainer = requireNonNull(explainer, "explainer is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
    }

    /** Whether a path (below the service root) calls the function, with any namespace; for caller resolution. */
    static boolean addresses(String path) {
        return PATH.matcher(decode(path)).matches();
    }

    /** Answers the call if {@code path} names the function (in no namespace or the service's own); false otherwise. */
    boolean handle(Exchange exchange, String method, String path) throws IOException {
        Matcher matcher = PATH.matcher(decode(path));
        if (!matcher.matches()
                || (matcher.group("namespace") != null
                        && !matcher.group("namespace").equals(namespace))) {
            return false;
        }
        if (!method.equals("GET")) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED, "%s is a function: call it with GET, not %s.", FUNCTION, method);
        }
        Caller.User user = administrator(exchange.caller());
        exchange.log.operation = FUNCTION;
        Map<String, String> aliases = aliases(exchange.request.getHttpURI().getQuery());
        Map<String, String> parameters =
                parameters(Optional.ofNullable(matcher.group("parameters")).orElse(""), aliases);
        UUID userId = guid("UserId", required(parameters, "UserId"));
        String entityName = text("EntityName", required(parameters, "EntityName"));
        EntityDefinition entity = catalog.byLogicalName(entityName)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION, "Parameter EntityName: the catalog has no entity '%s'.", entityName));
        Optional<UUID> key = Optional.ofNullable(parameters.get("Key")).map(value -> guid("Key", value));
        Optional<String> field = Optional.ofNullable(parameters.get("Field")).map(value -> text("Field", value));
        if (field.isPresent() && entity.field(field.get()).isEmpty()) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "Parameter Field: entity '%s' has no field '%s'.",
                    entity.logicalName(),
                    field.get());
        }
        long started = System.nanoTime();
        Explanation explanation = explainer.explain(userId, entity, key, field);
        exchange.timings.databaseNanos = System.nanoTime() - started;
        exchange.log.rows = 1;
        exchange.send(200, JSON_CONTENT_TYPE, json(explanation, exchange.serviceRoot()));
        return true;
    }

    /** Only System and Security administrators; anybody else 403 0x80040220, an application without a caller 0x8ff00032. */
    private static Caller.User administrator(Caller caller) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        if (!user.permissions().isSystemAdministrator() && !user.permissions().isSecurityAdministrator()) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE,
                    "Principal user '%s' may not call function %s: only a System administrator or a Security"
                            + " administrator may, whatever other roles grant.",
                    user.permissions().user().name(),
                    FUNCTION);
        }
        return user;
    }

    // ---- parameters

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    /** The query's parameter aliases ({@code @name=value}); any other query option is refused. */
    private static Map<String, String> aliases(String query) {
        Map<String, String> aliases = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return aliases;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (!name.startsWith("@") || equals < 0) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "%s takes no query options but parameter aliases (@name=value); found '%s'.",
                        FUNCTION,
                        Exchange.sanitize(name));
            }
            aliases.put(name, decode(pair.substring(equals + 1)));
        }
        return aliases;
    }

    /** {@code Name=literal,…} split on commas outside quoted text, aliases resolved; null values left out. */
    private static Map<String, String> parameters(String list, Map<String, String> aliases) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (list.isBlank()) {
            return parameters;
        }
        for (String part : split(list)) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "%s: each parameter must read Name=value; found '%s'.",
                        FUNCTION,
                        Exchange.sanitize(part));
            }
            String name = part.substring(0, equals).trim();
            String value = part.substring(equals + 1).trim();
            if (!PARAMETERS.contains(name)) {
                throw GatewayException.of(
                        ErrorCode.QUERY_SYNTAX,
                        "%s has no parameter '%s' (its parameters: %s).",
                        FUNCTION,
                        Exchange.sanitize(name),
                        String.join(", ", PARAMETERS));
            }
            if (value.startsWith("@")) {
                String alias = value;
                value = Optional.ofNullable(aliases.get(alias))
                        .orElseThrow(() -> GatewayException.of(
                                ErrorCode.QUERY_SYNTAX,
                                "Parameter %s names the alias %s, which the query does not give.",
                                name,
                                Exchange.sanitize(alias)));
            }
            if (parameters.containsKey(name)) {
                throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "Parameter %s is given twice.", name);
            }
            if (!value.equals("null")) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    private static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int index = 0; index < list.length(); index++) {
            char c = list.charAt(index);
            if (c == '\'') {
                quoted = !quoted; // '' inside text toggles twice: stays quoted
            }
            if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "%s: a quoted text is not closed.", FUNCTION);
        }
        parts.add(current.toString());
        return parts;
    }

    private static String required(Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "%s needs parameter %s.", FUNCTION, name);
        }
        return value;
    }

    /** A GUID literal: bare, as OData writes it (quotes are tolerated). */
    private static UUID guid(String name, String literal) {
        String value = literal.length() >= 2 && literal.startsWith("'") && literal.endsWith("'")
                ? literal.substring(1, literal.length() - 1)
                : literal;
        if (!GUID.matcher(value).matches()) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX, "Parameter %s must be a GUID, was '%s'.", name, Exchange.sanitize(literal));
        }
        return UUID.fromString(value);
    }

    /** A text literal: single-quoted, {@code ''} for a quote. */
    private static String text(String name, String literal) {
        if (literal.length() < 2 || !literal.startsWith("'") || !literal.endsWith("'")) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "Parameter %s must be a quoted text ('…'), was '%s'.",
                    name,
                    Exchange.sanitize(literal));
        }
        return literal.substring(1, literal.length() - 1).replace("''", "'");
    }

    // ---- the answer

    private byte[] json(Explanation explanation, String serviceRoot) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(body)) {
            json.writeStartObject();
            json.writeStringField(
                    "@odata.context", serviceRoot + "$metadata#" + namespace + ".vegateway_ExplainResponse");
            json.writeStringField("UserId", explanation.userId().toString());
            json.writeStringField("EntityName", explanation.entity());
            json.writeBooleanField("CanCall", explanation.canCall());
            if (explanation.refusal().isPresent()) {
                json.writeStringField("Refusal", explanation.refusal().get());
            }
            if (explanation.user().isPresent()) {
                Explanation.Subject user = explanation.user().get();
                json.writeStringField("UserName", user.name());
                optional(json, "BusinessUnitId", user.businessUnit().map(UUID::toString));
                optional(json, "BusinessUnitName", user.businessUnitName());
                strings(json, "Roles", user.roles());
                json.writeBooleanField("SystemAdministrator", user.systemAdministrator());
            }
            json.writeArrayFieldStart("Privileges");
            for (Explanation.PrivilegeVerdict privilege : explanation.privileges()) {
                json.writeStartObject();
                json.writeStringField("Privilege", privilege.privilege());
                json.writeBooleanField("Allowed", privilege.allowed());
                json.writeBooleanField("EveryRow", privilege.everyRow());
                optional(json, "Refusal", privilege.refusal());
                json.writeArrayFieldStart("Grants");
                for (Explanation.Grant grant : privilege.grants()) {
                    grant(json, grant);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            if (explanation.fieldSecurity().isPresent()) {
                Explanation.FieldRules rules = explanation.fieldSecurity().get();
                json.writeObjectFieldStart("FieldSecurity");
                strings(json, "HiddenFromReads", sorted(rules.hiddenFromReads()));
                strings(json, "NotSettableOnCreate", sorted(rules.notSettableOnCreate()));
                strings(json, "NotSettableOnUpdate", sorted(rules.notSettableOnUpdate()));
                json.writeEndObject();
            }
            if (explanation.field().isPresent()) {
                Explanation.FieldVerdict field = explanation.field().get();
                json.writeObjectFieldStart("Field");
                json.writeStringField("Name", field.field());
                json.writeBooleanField("Read", field.read());
                json.writeBooleanField("Create", field.create());
                json.writeBooleanField("Update", field.update());
                json.writeEndObject();
            }
            if (explanation.row().isPresent()) {
                Explanation.RowVerdict row = explanation.row().get();
                json.writeObjectFieldStart("Row");
                json.writeStringField("Key", row.key().toString());
                json.writeBooleanField("Exists", row.exists());
                json.writeArrayFieldStart("Privileges");
                for (Explanation.RowPrivilege privilege : row.privileges()) {
                    json.writeStartObject();
                    json.writeStringField("Privilege", privilege.privilege());
                    json.writeBooleanField("Allowed", privilege.allowed());
                    optional(json, "Refusal", privilege.refusal());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        return body.toByteArray();
    }

    private static void grant(JsonGenerator json, Explanation.Grant grant) throws IOException {
        json.writeStartObject();
        json.writeStringField("Role", grant.role());
        json.writeStringField("Depth", grant.depth());
        json.writeStringField("Via", grant.via());
        optional(json, "TeamId", grant.team().map(UUID::toString));
        strings(
                json,
                "Owners",
                grant.owners().stream().map(UUID::toString).sorted().toList());
        optional(json, "BusinessUnitId", grant.businessUnit().map(UUID::toString));
        optional(json, "BusinessUnitName", grant.businessUnitName());
        json.writeBooleanField("BusinessUnitFromAssignment", grant.businessUnitAssigned());
        if (grant.companies().isPresent()) {
            strings(json, "Companies", sorted(grant.companies().get()));
        } else {
            json.writeNullField("Companies");
        }
        optional(json, "RowFilter", grant.rowFilter());
        if (grant.opensRow().isPresent()) {
            json.writeBooleanField("OpensRow", grant.opensRow().get());
        }
        if (grant.rowFilterHolds().isPresent()) {
            json.writeBooleanField("RowFilterHolds", grant.rowFilterHolds().get());
        }
        json.writeEndObject();
    }

    private static void optional(JsonGenerator json, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(name, value.get());
        } else {
            json.writeNullField(name);
        }
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
