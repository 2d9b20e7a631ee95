package dev.vegateway.gateway.http;

import static dev.vegateway.gateway.odata.AdministrationEntitySets.PRIVILEGES;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.ROLES;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.Depth;
import dev.vegateway.adapter.security.SecurityAdministration;
import dev.vegateway.adapter.security.SecurityAdministration.PrivilegeChange;
import dev.vegateway.adapter.security.SecurityAdministration.RolePrivilege;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.gateway.odata.AdministrationEntitySets;
import dev.vegateway.gateway.odata.RolePrivileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;

/**
 * A role's privileges the Dataverse way (issue 15): the bound actions {@code AddPrivilegesRole}
 * (adds privileges or raises their depth), {@code ReplacePrivilegesRole} (the given privileges are
 * all the role has), {@code RemovePrivilegeRole}, the bound function
 * {@code RetrieveRolePrivilegesRole}, and the read-only association
 * {@code roles(id)/roleprivileges_association} (and {@code privileges(id)/roleprivileges_association}).
 * Changes go through {@link SecurityAdministration}: administrators only, validated as an import,
 * one transaction, audited, enforced at once. A role's row filters and field rules are not changed
 * here (they come from the security file).
 */
final class RolePrivilegeOperations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal; charset=utf-8";
    /** Dataverse's PrivilegeDepth members, by value. */
    private static final List<Depth> DEPTHS = List.of(Depth.BASIC, Depth.LOCAL, Depth.DEEP, Depth.GLOBAL);

    private final SecurityAdministration administration;
    private final Catalog catalog;
    private final String namespace;
    private final AdministrationResource resource;

    RolePrivilegeOperations(
            SecurityAdministration administration, Catalog catalog, String namespace, AdministrationResource resource) {
        this.administration = requireNonNull(administration, "administration is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.resource = requireNonNull(resource, "resource is null");
    }

    /** {@code roles(id)/<namespace>.<operation>}. */
    void operation(Exchange exchange, Caller caller, String method, Matcher matcher, String serviceRoot)
            throws IOException {
        String operation = matcher.group("operation");
        exchange.log.entitySet = ROLES.entitySetName();
        exchange.log.operation = operation;
        if (matcher.group("namespace") != null && !matcher.group("namespace").equals(namespace)) {
            throw GatewayException.of(
                    ErrorCode.RESOURCE_NOT_FOUND,
                    "No operation '%s.%s' is bound to roles; use %s.%s.",
                    Exchange.sanitize(matcher.group("namespace")),
                    operation,
                    namespace,
                    operation);
        }
        UUID role = AdministrationResource.key(ROLES, matcher.group("key"));
        boolean function = operation.equals("RetrieveRolePrivilegesRole");
        if (!method.equals(function ? "GET" : "POST")) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "%s is %s: call it with %s.",
                    operation,
                    function ? "a function" : "an action",
                    function ? "GET" : "POST");
        }
        if (function) {
            AdministrationResource.administrator(caller, ROLES, "Read");
            retrieve(exchange, role, serviceRoot);
            return;
        }
        if (matcher.group("call") != null) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "An action is called without parentheses: POST roles(<id>)/%s.%s with its parameters in the body.",
                    namespace,
                    operation);
        }
        Caller.User user = AdministrationResource.administrator(caller, ROLES, "Write");
        ObjectNode body = JsonBodies.object(exchange.jsonBody(), operation + " parameters");
        switch (operation) {
            case "AddPrivilegesRole", "ReplacePrivilegesRole" -> {
                List<RolePrivilege> privileges = privileges(body, operation);
                PrivilegeChange kind =
                        operation.equals("AddPrivilegesRole") ? PrivilegeChange.ADD : PrivilegeChange.REPLACE;
                exchange.database(() -> {
                    administration.changePrivileges(
                            role, kind, privileges, catalog, AdministrationResource.author(user));
                    return null;
                });
            }
            default -> {
                RolePrivileges.Definition privilege = removed(body);
                exchange.database(() -> {
                    administration.removePrivilege(
                            role,
                            privilege.entity().logicalName(),
                            privilege.privilege(),
                            catalog,
                            AdministrationResource.author(user));
                    return null;
                });
            }
        }
        exchange.log.rows = 1;
        exchange.sendEmpty(204);
    }

    /** {@code RetrieveRolePrivilegesRole}: {@code {"RolePrivileges":[{Depth, PrivilegeId, BusinessUnitId, PrivilegeName}]}}. */
    private void retrieve(Exchange exchange, UUID roleId, String serviceRoot) throws IOException {
        SecurityDocument document = resource.document(exchange);
        SecurityDocument.Role role = role(document, roleId);
        Object root = document.businessUnits().stream()
                .filter(unit -> unit.parent().isEmpty())
                .map(unit -> (Object) unit.id().toString())
                .findFirst()
                .orElse(null);
        ObjectNode response = JSON.createObjectNode();
        response.put("@odata.context", serviceRoot + "$metadata#" + namespace + ".RetrieveRolePrivilegesRoleResponse");
        ArrayNode privileges = response.putArray("RolePrivileges");
        for (RolePrivileges.Definition definition : RolePrivileges.all(catalog)) {
            Depth depth = role.depth(definition.entity().logicalName(), definition.privilege());
            if (depth.grantsAccess()) {
                ObjectNode entry = privileges.addObject();
                entry.put("Depth", depthName(depth));
                entry.put("PrivilegeId", definition.id().toString());
                entry.putPOJO("BusinessUnitId", root);
                entry.put("PrivilegeName", definition.name());
            }
        }
        exchange.log.rows = privileges.size();
        exchange.send(200, JSON_CONTENT_TYPE, JSON.writeValueAsString(response).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code roles(id)/roleprivileges_association} and {@code privileges(id)/roleprivileges_association}: GET only. */
    void association(
            Exchange exchange,
            Caller caller,
            String method,
            EntityDefinition entity,
            Optional<UUID> key,
            Matcher matcher,
            String serviceRoot)
            throws IOException {
        String name = AdministrationEntitySets.ROLE_PRIVILEGES;
        if (!method.equals("GET")) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "%s is read-only: change a role's privileges with POST roles(<id>)/%s.AddPrivilegesRole,"
                            + " .ReplacePrivilegesRole or .RemovePrivilegeRole.",
                    name,
                    namespace);
        }
        EntityDefinition target = entity == ROLES ? PRIVILEGES : ROLES;
        UUID addressed = key.orElseThrow(() -> GatewayException.of(
                ErrorCode.BAD_REQUEST,
                "An association is addressed from one record: %s(<id>)/%s.",
                entity.entitySetName(),
                name));
        if (matcher.group("related") != null) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "Read the related record at %s(%s).",
                    target.entitySetName(),
                    Exchange.sanitize(matcher.group("related")));
        }
        AdministrationResource.administrator(caller, target, "Read");
        exchange.log.entitySet = entity.entitySetName();
        exchange.log.operation = "RetrieveMultiple";
        SecurityDocument document = resource.document(exchange);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (entity == ROLES) {
            SecurityDocument.Role role = role(document, addressed);
            for (RolePrivileges.Definition definition : RolePrivileges.all(catalog)) {
                if (role.depth(definition.entity().logicalName(), definition.privilege())
                        .grantsAccess()) {
                    rows.add(RolePrivileges.row(definition));
                }
            }
        } else {
            RolePrivileges.Definition definition = RolePrivileges.byId(catalog, addressed)
                    .orElseThrow(() -> AdministrationResource.notFound(PRIVILEGES, addressed));
            for (SecurityDocument.Role role : document.roles()) {
                if (role.depth(definition.entity().logicalName(), definition.privilege())
                        .grantsAccess()) {
                    rows.add(AdministrationEntitySets.row(document, role));
                }
            }
        }
        resource.sendRelated(exchange, target, rows, matcher.group("ref") != null, serviceRoot);
    }

    // ---- parameters

    /** {@code Privileges}: a list of RolePrivilege objects, {@code {"PrivilegeId": "<guid>", "Depth": "Basic"|…|0…3}}. */
    private List<RolePrivilege> privileges(ObjectNode body, String operation) {
        allowOnly(body, "", Set.of("Privileges", "SolutionUniqueName"));
        JsonNode list = body.get("Privileges");
        if (list == null || !list.isArray()) {
            throw invalid(
                    "Privileges", "%s needs Privileges, a list of {\"PrivilegeId\": …, \"Depth\": …}.", operation);
        }
        List<RolePrivilege> privileges = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (int index = 0; index < list.size(); index++) {
            String path = "Privileges[" + index + "]";
            JsonNode item = list.get(index);
            if (!item.isObject()) {
                throw invalid(path, "it must be an object {\"PrivilegeId\": …, \"Depth\": …}.");
            }
            allowOnly(item, path + ".", Set.of("PrivilegeId", "Depth", "BusinessUnitId", "PrivilegeName"));
            RolePrivileges.Definition definition = privilege(item.get("PrivilegeId"), path + ".PrivilegeId");
            if (!seen.add(definition.id())) {
                throw invalid(path + ".PrivilegeId", "privilege %s is listed twice.", definition.name());
            }
            privileges.add(new RolePrivilege(
                    definition.entity().logicalName(),
                    definition.privilege(),
                    depth(item.get("Depth"), path + ".Depth")));
        }
        return privileges;
    }

    /** {@code {"PrivilegeId": "<guid>"}}, or the entity-typed {@code {"Privilege": {"privilegeid": "<guid>"}}}. */
    private RolePrivileges.Definition removed(ObjectNode body) {
        allowOnly(body, "", Set.of("PrivilegeId", "Privilege"));
        if (body.has("PrivilegeId") == body.has("Privilege")) {
            throw invalid("PrivilegeId", "RemovePrivilegeRole needs PrivilegeId (or Privilege with privilegeid).");
        }
        if (body.has("PrivilegeId")) {
            return privilege(body.get("PrivilegeId"), "PrivilegeId");
        }
        JsonNode privilege = body.get("Privilege");
        if (!privilege.isObject()) {
            throw invalid("Privilege", "it must be an object {\"privilegeid\": …}.");
        }
        return privilege(privilege.get(AdministrationEntitySets.PRIVILEGE_ID), "Privilege.privilegeid");
    }

    private RolePrivileges.Definition privilege(JsonNode value, String path) {
        if (value == null || !value.isTextual()) {
            throw invalid(path, "it is required: the privilegeid of a record of the privileges set.");
        }
        UUID id;
        try {
            id = UUID.fromString(value.textValue());
        } catch (IllegalArgumentException e) {
            throw invalid(path, "'%s' is not a GUID.", Exchange.sanitize(value.textValue()));
        }
        return RolePrivileges.byId(catalog, id)
                .orElseThrow(() -> invalid(path, "there is no privilege with id %s; GET privileges lists them.", id));
    }

    private static Depth depth(JsonNode value, String path) {
        if (value != null && value.isInt() && value.intValue() >= 0 && value.intValue() < DEPTHS.size()) {
            return DEPTHS.get(value.intValue());
        }
        if (value != null && value.isTextual()) {
            for (Depth depth : DEPTHS) {
                if (depthName(depth).equals(value.textValue())) {
                    return depth;
                }
            }
        }
        throw invalid(
                path,
                "'%s' is not a PrivilegeDepth: Basic (0), Local (1), Deep (2) or Global (3).",
                value == null ? "" : Exchange.sanitize(value.toString()));
    }

    static String depthName(Depth depth) {
        return switch (depth) {
            case NONE -> "None";
            case BASIC -> "Basic";
            case LOCAL -> "Local";
            case DEEP -> "Deep";
            case GLOBAL -> "Global";
        };
    }

    private static void allowOnly(JsonNode object, String prefix, Set<String> names) {
        for (Iterator<String> fields = object.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.startsWith("@") && !names.contains(field)) {
                throw invalid(
                        prefix + Exchange.sanitize(field),
                        "it is not a parameter here; the parameters are %s.",
                        String.join(", ", names.stream().sorted().toList()));
            }
        }
    }

    /** The role of any of its copies: a business unit's copy has the role's privileges. */
    private static SecurityDocument.Role role(SecurityDocument document, UUID id) {
        return SecurityAdministration.roleCopy(document, id)
                .map(SecurityAdministration.RoleCopy::role)
                .orElseThrow(() -> AdministrationResource.notFound(ROLES, id));
    }

    @FormatMethod
    private static GatewayException invalid(String parameter, @FormatString String format, Object... arguments) {
        return GatewayException.of(
                ErrorCode.VALIDATION,
                "The value of '%s' is not valid: %s",
                parameter,
                String.format(format, arguments));
    }
}
