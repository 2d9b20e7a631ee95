package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CatalogVisibility;
import dev.vegateway.adapter.security.ChangeAuthor;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.SchemaCheck;
import dev.vegateway.catalog.TableDrift;
import dev.vegateway.gateway.odata.CatalogEntitySet;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the catalog set {@code mserp_financeandoperationsentities}: a System administrator
 * may {@code PATCH} one entity's {@code mserp_hasbeengenerated} (hide it from {@code $metadata}
 * and every front end, or show it again) and {@code mserp_refresh} (re-read its table's columns
 * and answer what differs from the catalog). A hide or show is stored in the security database
 * with its audit row and announced to every node ({@link CatalogVisibility}); this node serves it
 * before it answers. Every other method on the set is 405.
 */
final class CatalogSetWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSetWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String VISIBLE = "mserp_hasbeengenerated";
    static final String REFRESH = "mserp_refresh";
    /** The instance annotation of a refresh's report in the answer. */
    static final String REFRESH_ANNOTATION = "@vegateway.refresh";

    /** What a catalog-set write needs besides the snapshot it runs on. */
    record Administration(CatalogVisibility visibility, DataSource backend, Clock clock) {
        Administration {
            requireNonNull(visibility, "visibility is null");
            requireNonNull(backend, "backend is null");
            requireNonNull(clock, "clock is null");
        }
    }

    private final Catalog catalog;
    private final ODataFrontEnd odata;
    private final Administration administration;

    CatalogSetWriter(Catalog catalog, ODataFrontEnd odata, Administration administration) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.odata = requireNonNull(odata, "odata is null");
        this.administration = requireNonNull(administration, "administration is null");
    }

    /**
     * Serves a write if {@code path} addresses the catalog set.
     *
     * @return false if it addresses anything else, which this writer leaves alone
     */
    boolean write(Exchange exchange, String method, String path) throws IOException {
        Optional<ODataRequest> target = target(path);
        if (target.isEmpty()) {
            return false;
        }
        exchange.log.entitySet = CatalogEntitySet.ENTITY_SET_NAME;
        if (!method.equals("PATCH") || !(target.get() instanceof ODataRequest.ReadEntity read)) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "The method %s is not allowed on this path of entity set '%s': only PATCH %s(<id>) with %s or %s.",
                    Exchange.sanitize(method),
                    CatalogEntitySet.ENTITY_SET_NAME,
                    CatalogEntitySet.ENTITY_SET_NAME,
                    VISIBLE,
                    REFRESH);
        }
        exchange.log.operation = "UpdateCatalog";
        if (exchange.inChangeset) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "Entity set '%s' is kept in the security store, outside the backend's transaction:"
                            + " write it in its own request or in a $batch part outside a changeset.",
                    CatalogEntitySet.ENTITY_SET_NAME);
        }
        Caller.User user = systemAdministrator(exchange.caller());
        EntityDefinition entity = entity(read.key());
        Change change = change(JsonBodies.object(exchange.jsonBody(), "catalog entity properties"), entity);

        boolean visible = entity.visible();
        if (change.visible().isPresent() && change.visible().get() != entity.visible()) {
            if (entity.origin() == EntityDefinition.Origin.GATEWAY) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "Entity '%s' is one of the gateway's own sets: it cannot be hidden.",
                        entity.logicalName());
            }
            visible = change.visible().get();
            boolean shown = visible;
            exchange.database(() -> administration
                    .visibility()
                    .set(
                            entity.logicalName(),
                            shown,
                            entity.visible(),
                            author(user),
                            OffsetDateTime.now(administration.clock())));
        }
        Optional<TableDrift> drift = change.refresh() ? Optional.of(refresh(exchange, entity, user)) : Optional.empty();

        if (drift.isEmpty()
                && Preferences.representation(exchange.request.getHeaders()).isEmpty()) {
            exchange.sendEmpty(204);
            return true;
        }
        Preferences.representation(exchange.request.getHeaders())
                .ifPresent(asked -> Preferences.applied(exchange.response.getHeaders(), asked));
        String context = exchange.serviceRoot() + "$metadata#" + CatalogEntitySet.ENTITY_SET_NAME + "/$entity";
        ObjectNode body = (ObjectNode) JSON.readTree(InMemoryRows.entity(
                catalog,
                CatalogEntitySet.row(entity.withVisible(visible)),
                CatalogEntitySet.DEFINITION.fields(),
                context));
        drift.ifPresent(found -> body.set(REFRESH_ANNOTATION, report(found)));
        exchange.log.rows = 1;
        exchange.send(200, "application/json; odata.metadata=minimal; charset=utf-8", JSON.writeValueAsBytes(body));
        return true;
    }

    /** The parsed path, if it addresses the catalog set. */
    private Optional<ODataRequest> target(String path) {
        if (!path.startsWith("/" + CatalogEntitySet.ENTITY_SET_NAME)) {
            return Optional.empty();
        }
        ODataRequest parsed;
        try {
            parsed = odata.parse(path, null, 1);
        } catch (GatewayException e) {
            return Optional.empty();
        }
        if (parsed instanceof ODataRequest.ReadEntity read && read.entity() == CatalogEntitySet.DEFINITION) {
            return Optional.of(parsed);
        }
        if (parsed instanceof ODataRequest.ReadCollection read && read.entity() == CatalogEntitySet.DEFINITION) {
            return Optional.of(parsed);
        }
        return Optional.empty();
    }

    /** The caller, if it holds System administrator; 403 otherwise. */
    private static Caller.User systemAdministrator(Caller caller) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        if (!user.permissions().isSystemAdministrator()) {
            throw AccessDenied.systemAdministratorsOnly(
                    user.permissions().user().name(), "Write", CatalogEntitySet.LOGICAL_NAME);
        }
        return user;
    }

    private static ChangeAuthor author(Caller.User user) {
        return new ChangeAuthor(
                user.permissions().user().id(),
                user.permissions().user().name(),
                user.application().appId());
    }

    /** The catalog entity whose catalog-set row has this id; 404 otherwise. */
    private EntityDefinition entity(UUID key) {
        for (EntityDefinition entity : catalog.entities()) {
            if (CatalogEntitySet.row(entity)
                    .get(CatalogEntitySet.DEFINITION.keyField())
                    .equals(key)) {
                return entity;
            }
        }
        throw GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", CatalogEntitySet.LOGICAL_NAME, key);
    }

    /** What the body asks: show or hide, refresh or not. */
    record Change(Optional<Boolean> visible, boolean refresh) {}

    private static Change change(ObjectNode body, EntityDefinition entity) {
        Optional<Boolean> visible = Optional.empty();
        boolean refresh = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("@")) {
                continue; // an instance annotation such as @odata.type
            }
            if (name.equals(VISIBLE) || name.equals(REFRESH)) {
                if (!field.getValue().isBoolean()) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION,
                            "The property '%s' must be true or false, was %s.",
                            name,
                            shorten(field.getValue().toString()));
                }
                if (name.equals(VISIBLE)) {
                    visible = Optional.of(field.getValue().booleanValue());
                } else {
                    refresh = field.getValue().booleanValue();
                }
            } else if (CatalogEntitySet.DEFINITION.field(name).isPresent()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The property '%s' is read-only and cannot be set: only %s and %s of entity '%s' can be"
                                + " changed.",
                        name,
                        VISIBLE,
                        REFRESH,
                        entity.logicalName());
            } else {
                throw GatewayException.of(
                        ErrorCode.MALFORMED_PAYLOAD,
                        "Invalid property '%s' was found in entity '%s'.",
                        shorten(name),
                        CatalogEntitySet.LOGICAL_NAME);
            }
        }
        return new Change(visible, refresh);
    }

    private TableDrift refresh(Exchange exchange, EntityDefinition entity, Caller.User user) {
        if (entity.origin() == EntityDefinition.Origin.GATEWAY) {
            throw GatewayException.of(
                    ErrorCode.VALIDATION,
                    "Entity '%s' is one of the gateway's own sets: it has no table to refresh.",
                    entity.logicalName());
        }
        TableDrift drift = exchange.database(() -> {
            try (Connection connection = administration.backend().getConnection()) {
                return SchemaCheck.drift(entity, connection);
            } catch (SQLException e) {
                throw SqlErrors.classify(e, "reading the columns of " + entity.table());
            }
        });
        LOG.info(
                "catalog entity {} refreshed by {} ({}): table {} {}, {} column(s) added, {} removed, {} retyped",
                entity.logicalName(),
                user.permissions().user().name(),
                user.permissions().user().id(),
                drift.table(),
                drift.found() ? "found" : "NOT FOUND",
                drift.added().size(),
                drift.removed().size(),
                drift.retyped().size());
        return drift;
    }

    /** The refresh's report, as the answer carries it in {@link #REFRESH_ANNOTATION}. */
    static ObjectNode report(TableDrift drift) {
        ObjectNode report = JSON.createObjectNode();
        report.put("table", drift.table());
        report.put("tableFound", drift.found());
        report.put("unchanged", drift.unchanged());
        ArrayNode added = report.putArray("addedColumns");
        drift.added()
                .forEach(column ->
                        added.addObject().put("column", column.column()).put("type", column.type()));
        ArrayNode removed = report.putArray("removedColumns");
        drift.removed()
                .forEach(column ->
                        removed.addObject().put("field", column.field()).put("column", column.column()));
        ArrayNode retyped = report.putArray("retypedColumns");
        drift.retyped().forEach(column -> retyped.addObject()
                .put("field", column.field())
                .put("column", column.column())
                .put("catalogType", column.catalogType())
                .put("backendType", column.backendType()));
        return report;
    }

    private static String shorten(String text) {
        return text.length() > 128 ? text.substring(0, 128) + "…" : text;
    }
}
