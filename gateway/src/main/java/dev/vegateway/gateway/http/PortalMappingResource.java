package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.ChangeAuthor;
import dev.vegateway.adapter.security.PortalMappingNames;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.security.StoredPortalMapping;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import dev.vegateway.gateway.odata.PortalMappingEntitySets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Serves the portal mapping table and its audit (SPEC 5, {@link PortalMappingEntitySets}) from
 * the {@link SecurityStore}, never through the SQL planner. Only callers holding System
 * administrator or Security administrator may read or change them; anybody else is refused with
 * 403 naming the entity. Mappings support GET (collection with $select, $filter, $orderby, $top,
 * $skip, $count; by key; /$count), POST, PATCH and DELETE; every change is validated and written
 * by the store in one transaction with its audit row, and drops the security caches of this node
 * at once. The audit is read-only (405 for any change).
 */
final class PortalMappingResource implements InMemorySet {
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal; charset=utf-8";
    private static final EntityDefinition MAPPINGS = PortalMappingEntitySets.MAPPINGS;
    private static final Set<String> WRITABLE = Set.of(
            PortalMappingNames.ID,
            PortalMappingNames.CONTACT_ID,
            PortalMappingNames.USER_ID,
            PortalMappingNames.COMPANY);

    /** Reads the request body when a write needs it (after the caller was authorized). */
    @FunctionalInterface
    interface Body {
        byte[] read() throws IOException;
    }

    private final SecurityStore store;
    private final Catalog catalog;
    private final ODataFrontEnd odata;

    PortalMappingResource(SecurityStore store, Catalog catalog, ODataFrontEnd odata) {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.odata = requireNonNull(odata, "odata is null");
    }

    // ---- reads

    @Override
    public void readCollection(
            Exchange exchange,
            Caller caller,
            ODataRequest.ReadCollection read,
            String context,
            java.util.function.Function<String, String> nextLink)
            throws IOException {
        administrator(caller, read.entity(), "Read");
        InMemoryRows.Json page = InMemoryRows.collection(
                catalog, read.entity(), read.query(), rows(exchange, read.entity()), context, nextLink);
        exchange.log.rows = page.rows();
        exchange.send(200, JSON_CONTENT_TYPE, page.body());
    }

    @Override
    public void readEntity(Exchange exchange, Caller caller, ODataRequest.ReadEntity read, String context)
            throws IOException {
        administrator(caller, read.entity(), "Read");
        EntityDefinition entity = read.entity();
        Map<String, Object> row = rows(exchange, entity).stream()
                .filter(candidate -> read.key().equals(candidate.get(entity.keyField())))
                .findFirst()
                .orElseThrow(() -> notFound(entity, read.key()));
        List<FieldDefinition> fields = InMemoryRows.fields(entity, read.select());
        byte[] body = InMemoryRows.entity(catalog, row, fields, context);
        exchange.log.rows = 1;
        exchange.send(200, JSON_CONTENT_TYPE, body);
    }

    @Override
    public boolean serves(EntityDefinition entity) {
        return PortalMappingEntitySets.isPortalMappingSet(entity);
    }

    @Override
    public long count(Exchange exchange, Caller caller, ODataRequest.CountCollection count) {
        administrator(caller, count.entity(), "Read");
        return InMemoryRows.matching(count.entity(), count.query(), rows(exchange, count.entity()))
                .size();
    }

    private List<Map<String, Object>> rows(Exchange exchange, EntityDefinition entity) {
        long started = System.nanoTime();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (Objects.equals(entity, MAPPINGS)) {
            store.storedPortalMappings().forEach(stored -> rows.add(PortalMappingEntitySets.row(stored)));
        } else {
            store.portalMappingAudit().forEach(entry -> rows.add(PortalMappingEntitySets.row(entry)));
        }
        exchange.timings.databaseNanos += System.nanoTime() - started;
        return rows;
    }

    // ---- writes

    /**
     * Serves a POST, PATCH, PUT or DELETE if {@code path} addresses one of these sets.
     *
     * @return false if it addresses anything else, which this resource leaves alone
     */
    boolean write(Exchange exchange, Caller caller, String method, String path, String serviceRoot, Body body)
            throws IOException {
        Optional<ODataRequest> target = target(path);
        if (target.isEmpty()) {
            return false;
        }
        EntityDefinition entity = entity(target.get());
        exchange.log.entitySet = entity.entitySetName();
        if (exchange.inChangeset) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "Entity set '%s' is kept in the security store, outside the backend's transaction:"
                            + " write it in its own request or in a $batch part outside a changeset.",
                    entity.entitySetName());
        }
        if (!entity.equals(MAPPINGS)) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "Entity set '%s' is read-only: the audit of the portal mappings cannot be changed.",
                    entity.entitySetName());
        }
        if (method.equals("POST") && target.get() instanceof ODataRequest.ReadCollection) {
            create(exchange, caller, serviceRoot, body);
        } else if (method.equals("PATCH") && target.get() instanceof ODataRequest.ReadEntity read) {
            update(exchange, caller, read.key(), serviceRoot, body);
        } else if (method.equals("DELETE") && target.get() instanceof ODataRequest.ReadEntity read) {
            delete(exchange, caller, read.key());
        } else {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "The method %s is not allowed on this path of entity set '%s': create"
                            + " with POST %s, change with PATCH %s(<contact id>), remove with DELETE %s(<contact id>).",
                    Exchange.sanitize(method),
                    entity.entitySetName(),
                    entity.entitySetName(),
                    entity.entitySetName(),
                    entity.entitySetName());
        }
        return true;
    }

    /** The parsed path, if it addresses one of these sets. */
    private Optional<ODataRequest> target(String path) {
        if (path.equals("/RetrieveMultiple") || path.equals("/$batch")) {
            return Optional.empty();
        }
        ODataRequest parsed;
        try {
            parsed = odata.parse(path, null, 1);
        } catch (GatewayException e) {
            return Optional.empty();
        }
        if (parsed instanceof ODataRequest.ReadCollection
                || parsed instanceof ODataRequest.ReadEntity
                || parsed instanceof ODataRequest.CountCollection) {
            return PortalMappingEntitySets.isPortalMappingSet(entity(parsed)) ? Optional.of(parsed) : Optional.empty();
        }
        return Optional.empty();
    }

    private static EntityDefinition entity(ODataRequest request) {
        if (request instanceof ODataRequest.ReadCollection read) {
            return read.entity();
        }
        if (request instanceof ODataRequest.ReadEntity read) {
            return read.entity();
        }
        if (request instanceof ODataRequest.CountCollection count) {
            return count.entity();
        }
        throw new IllegalArgumentException("not an entity set request: " + request);
    }

    private void create(Exchange exchange, Caller caller, String serviceRoot, Body body) throws IOException {
        exchange.log.operation = "Create";
        Caller.User user = administrator(caller, MAPPINGS, "Create");
        Map<String, JsonNode> properties = properties(body.read());
        Optional<UUID> id = optionalGuid(properties, PortalMappingNames.ID);
        Optional<UUID> contact = optionalGuid(properties, PortalMappingNames.CONTACT_ID);
        if (id.isPresent() && contact.isPresent() && !id.equals(contact)) {
            throw invalid(
                    PortalMappingNames.ID,
                    "the key of a mapping is its contact id, so it must equal '%s' (%s).",
                    PortalMappingNames.CONTACT_ID,
                    contact.get());
        }
        UUID contactId = contact.or(() -> id)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION,
                        "'%s' is required: the portal contact to map.",
                        PortalMappingNames.CONTACT_ID));
        UUID userId = optionalGuid(properties, PortalMappingNames.USER_ID)
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION,
                        "'%s' is required: the backend user the contact runs as.",
                        PortalMappingNames.USER_ID));
        Optional<String> company =
                properties.containsKey(PortalMappingNames.COMPANY) ? company(properties) : Optional.empty();

        long started = System.nanoTime();
        StoredPortalMapping stored = exchange.database(
                () -> store.createPortalMapping(new PortalMapping(contactId, userId, company), author(user)));
        exchange.timings.databaseNanos = System.nanoTime() - started;
        exchange.log.rows = 1;
        exchange.response.getHeaders().put("OData-EntityId", entityUrl(serviceRoot, contactId));
        if (prefersRepresentation(exchange.request)) {
            sendRepresentation(exchange, 201, serviceRoot, stored);
        } else {
            exchange.sendEmpty(204);
        }
    }

    private void update(Exchange exchange, Caller caller, UUID contactId, String serviceRoot, Body body)
            throws IOException {
        exchange.log.operation = "Update";
        Caller.User user = administrator(caller, MAPPINGS, "Write");
        refuseConditions(exchange.request);
        Map<String, JsonNode> properties = properties(body.read());
        for (String key : List.of(PortalMappingNames.ID, PortalMappingNames.CONTACT_ID)) {
            Optional<UUID> value = optionalGuid(properties, key);
            if (value.isPresent() && !value.get().equals(contactId)) {
                throw invalid(
                        key,
                        "the contact of a mapping cannot change; delete the mapping of %s and create one for %s.",
                        contactId,
                        value.get());
            }
        }
        Optional<UUID> newUser = optionalGuid(properties, PortalMappingNames.USER_ID);
        boolean companyGiven = properties.containsKey(PortalMappingNames.COMPANY);
        Optional<String> newCompany = companyGiven ? company(properties) : Optional.empty();
        UnaryOperator<PortalMapping> change = current -> new PortalMapping(
                current.contactId(), newUser.orElse(current.user()), companyGiven ? newCompany : current.company());

        long started = System.nanoTime();
        StoredPortalMapping stored =
                exchange.database(() -> store.updatePortalMapping(contactId, change, author(user)));
        exchange.timings.databaseNanos = System.nanoTime() - started;
        exchange.log.rows = 1;
        exchange.response.getHeaders().put("OData-EntityId", entityUrl(serviceRoot, contactId));
        if (prefersRepresentation(exchange.request)) {
            sendRepresentation(exchange, 200, serviceRoot, stored);
        } else {
            exchange.sendEmpty(204);
        }
    }

    private void delete(Exchange exchange, Caller caller, UUID contactId) {
        exchange.log.operation = "Delete";
        Caller.User user = administrator(caller, MAPPINGS, "Delete");
        refuseConditions(exchange.request);
        long started = System.nanoTime();
        exchange.database(() -> {
            store.deletePortalMapping(contactId, author(user));
            return null;
        });
        exchange.timings.databaseNanos = System.nanoTime() - started;
        exchange.log.rows = 1;
        exchange.sendEmpty(204);
    }

    // ---- authorization

    /** The caller, if it holds System administrator or Security administrator; 403 naming the entity otherwise. */
    private static Caller.User administrator(Caller caller, EntityDefinition entity, String privilege) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        AccessScopes.administratorsOnly(user.permissions(), entity, privilege);
        return user;
    }

    private static ChangeAuthor author(Caller.User user) {
        return new ChangeAuthor(
                user.permissions().user().id(),
                user.permissions().user().name(),
                user.application().appId());
    }

    /** Mappings carry no ETag: {@code If-Match: *} (the row must exist) is all a client may ask for. */
    private static void refuseConditions(Request request) {
        for (String value : request.getHeaders().getValuesList(HttpHeader.IF_MATCH.asString())) {
            if (!value.trim().equals("*")) {
                throw GatewayException.of(
                        ErrorCode.NOT_IMPLEMENTED,
                        "Entity set '%s' has no ETags; send If-Match: * or no If-Match.",
                        MAPPINGS.entitySetName());
            }
        }
        if (request.getHeaders().get(HttpHeader.IF_NONE_MATCH) != null) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "Entity set '%s' does not upsert; create a mapping with POST instead of If-None-Match.",
                    MAPPINGS.entitySetName());
        }
    }

    // ---- the request body

    /** The body's properties: a JSON object of known, writable properties; instance annotations ({@code @odata.type}) are ignored. */
    private static Map<String, JsonNode> properties(byte[] body) {
        JsonNode node = JsonBodies.object(body, MAPPINGS.logicalName() + " properties");
        Map<String, JsonNode> properties = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("@")) {
                continue;
            }
            if (!WRITABLE.contains(name)) {
                if (MAPPINGS.field(name).isPresent()) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION, "The property '%s' is read-only; the gateway sets it.", name);
                }
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The property '%s' does not exist on type '%s'; its writable properties are"
                                + " %s, %s and %s.",
                        Exchange.sanitize(name),
                        MAPPINGS.logicalName(),
                        PortalMappingNames.CONTACT_ID,
                        PortalMappingNames.USER_ID,
                        PortalMappingNames.COMPANY);
            }
            properties.put(name, field.getValue());
        }
        return properties;
    }

    private static Optional<UUID> optionalGuid(Map<String, JsonNode> properties, String name) {
        JsonNode value = properties.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNull()) {
            throw invalid(name, "it cannot be null.");
        }
        if (!value.isTextual() || !GUID.matcher(value.textValue()).matches()) {
            throw invalid(name, "it must be a GUID such as 00000000-0000-0000-0000-000000000000.");
        }
        return Optional.of(UUID.fromString(value.textValue()));
    }

    /** The company: null for none (the user's roles in every company), or a code of at most four characters. */
    private static Optional<String> company(Map<String, JsonNode> properties) {
        JsonNode value = properties.get(PortalMappingNames.COMPANY);
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()
                || value.textValue().isBlank()
                || value.textValue().length() > PortalMappingNames.COMPANY_MAX_LENGTH
                || !value.textValue().equals(value.textValue().trim())) {
            throw invalid(
                    PortalMappingNames.COMPANY,
                    "it must be a company code of 1 to %d characters, or null for every company.",
                    PortalMappingNames.COMPANY_MAX_LENGTH);
        }
        return Optional.of(value.textValue());
    }

    @FormatMethod
    private static GatewayException invalid(String property, @FormatString String format, Object... arguments) {
        return GatewayException.of(
                ErrorCode.VALIDATION, "The value of '%s' is not valid: %s", property, String.format(format, arguments));
    }

    // ---- responses

    private static boolean prefersRepresentation(Request request) {
        return Preferences.representation(request.getHeaders()).isPresent();
    }

    private void sendRepresentation(Exchange exchange, int status, String serviceRoot, StoredPortalMapping stored)
            throws IOException {
        Map<String, Object> row = PortalMappingEntitySets.row(stored);
        byte[] body = InMemoryRows.entity(
                catalog, row, MAPPINGS.fields(), serviceRoot + "$metadata#" + MAPPINGS.entitySetName() + "/$entity");
        exchange.response.getHeaders().put("Preference-Applied", "return=representation");
        exchange.send(status, JSON_CONTENT_TYPE, body);
    }

    private static String entityUrl(String serviceRoot, UUID contactId) {
        return serviceRoot + MAPPINGS.entitySetName() + "(" + contactId + ")";
    }

    private static GatewayException notFound(EntityDefinition entity, UUID key) {
        return GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", entity.logicalName(), key);
    }
}
