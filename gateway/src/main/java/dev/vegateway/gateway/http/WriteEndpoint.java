package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.write.Preconditions;
import dev.vegateway.adapter.write.WriteContext;
import dev.vegateway.adapter.write.WriteScopes;
import dev.vegateway.adapter.write.WriteService;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import dev.vegateway.gateway.odata.AlternateKeyPaths;
import dev.vegateway.gateway.odata.LookupNames;
import dev.vegateway.gateway.odata.ODataFrontEnd.WriteTarget;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Create ({@code POST {set}}), Update ({@code PATCH {set}(key)}) and Delete
 * ({@code DELETE {set}(key)}): the JSON body read into plain values, the caller's write scopes
 * derived from their roles, the write done by the adapter's {@link WriteService}, and the
 * Dataverse answers: 204 with {@code OData-EntityId}, or the stored record under
 * {@code Prefer: return=representation} (read back through the read path, so defaults and
 * triggers show and read security applies). A lookup is written only through its navigation
 * property ({@code "nav@odata.bind": "/set(<id>)"}, or null to clear it), never as its
 * {@code _<field>_value} property or its logical field name, as in Dataverse.
 */
final class WriteEndpoint {

    private final WriteService writes;
    private final QueryService queries;
    private final QueryPlanner planner;
    private final LookupNames lookups;
    private final AlternateKeyPaths alternateKeys;

    WriteEndpoint(WriteService writes, QueryService queries, LookupNames lookups, AlternateKeyPaths alternateKeys) {
        this.alternateKeys = requireNonNull(alternateKeys, "alternateKeys is null");
        this.writes = requireNonNull(writes, "writes is null");
        this.queries = requireNonNull(queries, "queries is null");
        this.lookups = requireNonNull(lookups, "lookups is null");
        this.planner = queries.planner();
    }

    void create(Exchange exchange, Caller caller, WriteTarget target, byte[] body, String serviceRoot)
            throws IOException {
        if (target.key().isPresent()) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "Create with POST on the entity set %s, not on one record.",
                    target.entity().entitySetName());
        }
        exchange.log.operation = "Create";
        EntityDefinition entity = target.entity();
        WriteContext context = context(caller, entity, exchange);
        WriteService.Result result =
                exchange.database(() -> writes.create(entity, values(entity, Optional.empty(), caller, body), context));
        respond(exchange, caller, entity, result, serviceRoot);
    }

    void update(Exchange exchange, Caller caller, WriteTarget target, byte[] body, String serviceRoot)
            throws IOException {
        UUID key = target.key()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "Update needs a record: PATCH %s(<id>).",
                        target.entity().entitySetName()));
        exchange.log.operation = "Update";
        EntityDefinition entity = target.entity();
        WriteContext context = context(caller, entity, exchange);
        Preconditions preconditions = preconditions(exchange);
        WriteService.Result result = exchange.database(() ->
                writes.update(entity, key, values(entity, Optional.of(key), caller, body), preconditions, context));
        respond(exchange, caller, entity, result, serviceRoot);
    }

    void delete(Exchange exchange, Caller caller, WriteTarget target) {
        UUID key = target.key()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "Delete needs a record: DELETE %s(<id>).",
                        target.entity().entitySetName()));
        exchange.log.operation = "Delete";
        Preconditions preconditions = preconditions(exchange);
        WriteContext context = context(caller, target.entity(), exchange);
        exchange.database(() -> {
            writes.delete(target.entity(), key, preconditions, context);
            return null;
        });
        exchange.sendEmpty(204);
    }

    private void respond(
            Exchange exchange, Caller caller, EntityDefinition entity, WriteService.Result result, String serviceRoot)
            throws IOException {
        String entityId = serviceRoot + entity.entitySetName() + "(" + result.key() + ")";
        exchange.response.getHeaders().put("OData-EntityId", entityId);
        Optional<String> asked = Preferences.representation(exchange.request.getHeaders());
        boolean representation = asked.isPresent();
        if (!representation) {
            exchange.sendEmpty(204);
            return;
        }
        Preferences.applied(exchange.response.getHeaders(), asked.get());
        Optional<IncludeAnnotations> annotations = exchange.includeAnnotations();
        String context = serviceRoot + "$metadata#" + entity.entitySetName() + "/$entity";
        EffectivePermissions permissions = ((Caller.User) caller).permissions();
        exchange.stream(
                result.created() ? 201 : 200,
                json -> new ODataJsonSink(
                        json, queries.planner().catalog(), context, true, token -> "", List.of(), lookups, annotations),
                sink -> queries.retrieve(
                        entity, result.key(), List.of(), AccessScopes.read(permissions, entity), sink));
    }

    private WriteContext context(Caller caller, EntityDefinition entity, Exchange exchange) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        EffectivePermissions permissions = user.permissions();
        exchange.log.entitySet = entity.entitySetName();
        return new WriteContext(
                permissions.user().id(),
                permissions.user().name(),
                permissions.user().businessUnitId(),
                user.application().appId(),
                WriteScopes.of(planner, permissions, entity));
    }

    private static Preconditions preconditions(Exchange exchange) {
        return new Preconditions(
                Optional.ofNullable(exchange.request.getHeaders().get(HttpHeader.IF_MATCH)),
                Optional.ofNullable(exchange.request.getHeaders().get(HttpHeader.IF_NONE_MATCH)));
    }

    /**
     * The body's field values, with each {@code relation@odata.bind} resolved to the lookup
     * field's value. Binding needs Append on the record written ({@code source}: the record
     * updated; a new record is the caller's own) and AppendTo on the target record, each at the
     * depth, companies and row filters the caller's roles give: a target the caller cannot read
     * is 404, one they can read but not append to is 403.
     */
    private Map<String, Object> values(EntityDefinition entity, Optional<UUID> source, Caller caller, byte[] body) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Optional<String>> binds = new LinkedHashMap<>();
        payload(body, values, binds);
        rejectLookupProperties(entity, values.keySet());
        if (binds.isEmpty()) {
            return values;
        }
        EffectivePermissions permissions = ((Caller.User) caller).permissions();
        AccessScope append = AccessScopes.of(permissions, entity, Privilege.APPEND);
        planner.rowScope(entity, append, "Append");
        if (source.isPresent()
                && !queries.inScope(entity, source.get(), append)
                && queries.inScope(entity, source.get(), AccessScopes.read(permissions, entity))) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE,
                    "Principal user %s may not append to record %s of entity '%s': it is outside what"
                            + " their Append privilege covers.",
                    permissions.user().name(),
                    source.get(),
                    entity.logicalName());
        }
        for (Map.Entry<String, Optional<String>> bind : binds.entrySet()) {
            RelationDefinition relation = entity.relation(bind.getKey())
                    .orElseThrow(() -> GatewayException.of(
                            ErrorCode.MALFORMED_PAYLOAD,
                            "Entity '%s' has no navigation property '%s' to bind.",
                            entity.logicalName(),
                            shorten(bind.getKey())));
            if (bind.getValue().isEmpty()) {
                // "nav@odata.bind": null clears the lookup (Append on the record suffices, there is no target).
                if (relation.composite().isPresent()) {
                    CompositeBinds.clear(entity, relation, values);
                } else {
                    values.put(relation.field(), null);
                }
                continue;
            }
            EntityDefinition target =
                    planner.catalog().byLogicalName(relation.targetEntity()).orElseThrow();
            UUID targetKey = reference(bind.getValue().get(), target, bind.getKey(), caller);
            AccessScope appendTo = AccessScopes.of(permissions, target, Privilege.APPEND_TO);
            planner.rowScope(target, appendTo, "AppendTo");
            Object value = relation.composite().isPresent()
                    ? null
                    : targetValue(target, targetKey, relation.targetField(), permissions);
            Map<String, Object> compositeValues = new LinkedHashMap<>();
            if (relation.composite().isPresent()) {
                RelationDefinition.CompositeReference composite =
                        relation.composite().get();
                for (int index = 0; index < composite.fields().size(); index++) {
                    compositeValues.put(
                            composite.fields().get(index),
                            targetValue(
                                    target, targetKey, composite.targetFields().get(index), permissions));
                }
            }
            if (!queries.inScope(target, targetKey, appendTo)) {
                throw GatewayException.of(
                        ErrorCode.MISSING_PRIVILEGE,
                        "Principal user %s may not append records to %s(%s) through '%s': the record is"
                                + " outside what their AppendTo privilege on '%s' covers.",
                        permissions.user().name(),
                        target.entitySetName(),
                        targetKey,
                        shorten(bind.getKey()),
                        target.logicalName());
            }
            if (relation.composite().isPresent()) {
                Optional<Object> rowCompany = source.isPresent()
                        ? entity.companyField()
                                .filter(compositeValues::containsKey)
                                .map(company -> targetValue(entity, source.get(), company, permissions))
                        : Optional.empty();
                CompositeBinds.put(entity, relation, shorten(bind.getKey()), compositeValues, rowCompany, values);
                continue;
            }
            values.put(relation.field(), CompositeBinds.text(value));
        }
        return values;
    }

    /**
     * A body may not name a lookup by its {@code _<field>_value} property (Dataverse refuses direct
     * updates of entity reference properties) nor by its logical field name (not a property of the
     * OData entity type): 400 naming the property and the navigation property to bind instead.
     */
    private void rejectLookupProperties(EntityDefinition entity, java.util.Set<String> names) {
        for (String name : names) {
            Optional<LookupNames.Lookup> byProperty = lookups.byProperty(entity.logicalName(), name);
            if (byProperty.isPresent()) {
                throw GatewayException.of(
                        ErrorCode.MALFORMED_PAYLOAD,
                        "The lookup property '%s' of entity '%s' cannot be set directly; bind its navigation"
                                + " property instead: \"%s@odata.bind\": \"/%s(<guid>)\" (or null to clear it).",
                        name,
                        entity.logicalName(),
                        byProperty.get().navigationProperty(),
                        targetSet(byProperty.get()));
            }
            Optional<LookupNames.Lookup> byField = lookups.byField(entity.logicalName(), name);
            if (byField.isPresent()) {
                throw GatewayException.of(
                        ErrorCode.MALFORMED_PAYLOAD,
                        "Invalid property '%s' was found in entity '%s': the lookup is read as '%s' and set"
                                + " by binding its navigation property: \"%s@odata.bind\": \"/%s(<guid>)\".",
                        name,
                        entity.logicalName(),
                        byField.get().property(),
                        byField.get().navigationProperty(),
                        targetSet(byField.get()));
            }
        }
    }

    private String targetSet(LookupNames.Lookup lookup) {
        return planner.catalog()
                .byLogicalName(lookup.targetEntity())
                .map(EntityDefinition::entitySetName)
                .orElse(lookup.targetEntity());
    }

    /**
     * {@code /set(guid)}, {@code set(guid)} or an absolute URL ending so, naming a record of {@code target};
     * or the same with an alternate key, {@code /set(mserp_dataareaid='usmf',mserp_paymenttermid='Net30')}.
     */
    private UUID reference(String reference, EntityDefinition target, String property, Caller caller) {
        String path = reference.trim();
        String prefix = target.entitySetName() + "(";
        // the first segment naming the set (an alternate key's values may hold a slash)
        int start = path.startsWith(prefix) ? 0 : path.indexOf("/" + prefix) + 1;
        path = start > 0 || path.startsWith(prefix) ? path.substring(start) : path;
        if (!path.startsWith(prefix) || !path.endsWith(")")) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD,
                    "The value of '%s@odata.bind' must reference a record of %s, like /%s(<guid>).",
                    shorten(property),
                    target.entitySetName(),
                    target.entitySetName());
        }
        String predicate = path.substring(prefix.length(), path.length() - 1);
        if (predicate.contains("=") || predicate.contains("%3D") || predicate.contains("%3d")) {
            return alternateKeys.key(target, predicate, caller);
        }
        try {
            return UUID.fromString(predicate);
        } catch (IllegalArgumentException e) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD, "The key in '%s@odata.bind' is not a GUID.", shorten(property));
        }
    }

    /** The referenced record's field value, read through the read path: a record the caller cannot see is 404, as if missing. */
    private Object targetValue(EntityDefinition target, UUID key, String field, EffectivePermissions permissions) {
        Object[] captured = new Object[1];
        try {
            queries.retrieve(
                    target,
                    key,
                    List.of(field),
                    AccessScopes.read(permissions, target),
                    new dev.vegateway.adapter.service.RowSink() {
                        @Override
                        public void start(dev.vegateway.adapter.plan.QueryPlan plan, java.util.OptionalLong count) {}

                        @Override
                        public void row(dev.vegateway.adapter.plan.QueryPlan plan, Object[] values) {
                            var output = plan.output().get(0);
                            captured[0] = output.masked() ? null : values[output.selectIndex()];
                        }

                        @Override
                        public void finish(dev.vegateway.adapter.plan.QueryPlan plan, Optional<String> continuation) {}
                    });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (captured[0] == null) {
            throw GatewayException.of(
                    ErrorCode.MISSING_PRIVILEGE, "The caller may not read field '%s' of the referenced record.", field);
        }
        return captured[0];
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    /**
     * The body as field name → plain JSON value (annotations ignored) and navigation property → bound
     * reference (empty for {@code null}, which clears the lookup).
     */
    static void payload(byte[] body, Map<String, Object> values, Map<String, Optional<String>> binds) {
        JsonNode root = JsonBodies.object(body, "field values");
        var fields = root.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (name.endsWith("@odata.bind")) {
                if (!field.getValue().isTextual() && !field.getValue().isNull()) {
                    throw GatewayException.of(
                            ErrorCode.MALFORMED_PAYLOAD,
                            "The value of '%s' must be a record reference such as /set(<guid>).",
                            shorten(name));
                }
                binds.put(
                        name.substring(0, name.length() - "@odata.bind".length()),
                        Optional.ofNullable(field.getValue().textValue()));
                continue;
            }
            if (name.contains("@")) {
                continue; // an instance or property annotation (@odata.type, @odata.etag, …), not a field
            }
            values.put(name, plain(field.getValue(), name));
        }
    }

    private static Object plain(JsonNode value, String name) {
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : value.bigIntegerValue();
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        throw GatewayException.of(
                ErrorCode.MALFORMED_PAYLOAD,
                "The value of '%s' must be a single value, not %s.",
                name.length() > 80 ? name.substring(0, 80) : name,
                value.isArray() ? "an array" : "an object");
    }
}
