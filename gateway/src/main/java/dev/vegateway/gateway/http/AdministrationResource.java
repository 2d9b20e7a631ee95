package dev.vegateway.gateway.http;

import static dev.vegateway.gateway.odata.AdministrationEntitySets.ACCESS_MODE;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.BUSINESS_UNITS;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.BUSINESS_UNIT_VALUE;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.FULL_NAME;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.IS_DISABLED;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.NAME;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.OBJECT_ID;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.PARENT_VALUE;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.ROLES;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.SYSTEM_USERS;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.TEAMS;
import static dev.vegateway.gateway.odata.AdministrationEntitySets.TEAM_TYPE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.ChangeAuthor;
import dev.vegateway.adapter.security.SecurityAdministration;
import dev.vegateway.adapter.security.SecurityAdministration.Association;
import dev.vegateway.adapter.security.SecurityAdministration.TeamFields;
import dev.vegateway.adapter.security.SecurityAdministration.UnitFields;
import dev.vegateway.adapter.security.SecurityAdministration.UserFields;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.odata.AdministrationEntitySets;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import dev.vegateway.gateway.odata.RolePrivileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the Dataverse administration sets ({@link AdministrationEntitySets}: {@code systemusers},
 * {@code businessunits}, {@code teams}, {@code roles}) and their associations
 * ({@code systemuserroles_association}, {@code teamroles_association},
 * {@code teammembership_association}) from the security store through
 * {@link SecurityAdministration}: reads of the sets go through the OData parser and
 * {@link InMemoryRows} like the other gateway-owned sets; writes and {@code $ref} associations are
 * served here. Only callers holding System administrator or Security administrator may read or
 * change them (403 {@code 0x80040220} naming the entity otherwise).
 */
final class AdministrationResource implements InMemorySet {
    private static final String JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal; charset=utf-8";
    private static final String GUID_TEXT =
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final Pattern GUID = Pattern.compile(GUID_TEXT);
    private static final Pattern SET_NAME =
            Pattern.compile("^/(systemusers|businessunits|teams|roles|privileges)(?=$|[(/?])");
    private static final Pattern PATH = Pattern.compile("^/(?<set>systemusers|businessunits|teams|roles|privileges)"
            + "(?:\\((?<key>[^)]*)\\))?"
            + "(?:/(?<navigation>[A-Za-z_]+)(?:\\((?<related>[^)]*)\\))?)?"
            + "(?<ref>/\\$ref)?$");
    private static final Pattern ODATA_ID = Pattern.compile(
            "(?:^|/)(?<set>systemusers|businessunits|teams|roles|privileges)\\((?<key>" + GUID_TEXT + ")\\)$");
    /** The role's bound operations of Dataverse that change or read its privileges. */
    private static final Pattern ROLE_OPERATION =
            Pattern.compile("^/roles\\((?<key>[^)]*)\\)/(?:(?<namespace>[A-Za-z0-9_.]+)\\.)?"
                    + "(?<operation>AddPrivilegesRole|ReplacePrivilegesRole|RemovePrivilegeRole|RetrieveRolePrivilegesRole)"
                    + "(?<call>\\(\\))?$");

    /** A navigation property of the sets: the association it is and which side the addressed record is. */
    private record Navigation(Association association, EntityDefinition target, boolean addressedIsFrom) {}

    private static final Map<String, Map<String, Navigation>> NAVIGATIONS = Map.of(
            "systemusers",
            Map.of(
                    "systemuserroles_association", new Navigation(Association.SYSTEM_USER_ROLES, ROLES, true),
                    "teammembership_association", new Navigation(Association.TEAM_MEMBERSHIP, TEAMS, false)),
            "teams",
            Map.of(
                    "teamroles_association", new Navigation(Association.TEAM_ROLES, ROLES, true),
                    "teammembership_association", new Navigation(Association.TEAM_MEMBERSHIP, SYSTEM_USERS, true)),
            "roles",
            Map.of(
                    "systemuserroles_association",
                    new Navigation(Association.SYSTEM_USER_ROLES, SYSTEM_USERS, false),
                    "teamroles_association",
                    new Navigation(Association.TEAM_ROLES, TEAMS, false)),
            "businessunits",
            Map.of(),
            "privileges",
            Map.of());

    private final SecurityAdministration administration;
    private final Catalog catalog;
    private final ODataFrontEnd odata;
    private final RolePrivilegeOperations rolePrivileges;

    AdministrationResource(SecurityAdministration administration, Catalog catalog, ODataFrontEnd odata) {
        this.administration = requireNonNull(administration, "administration is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.odata = requireNonNull(odata, "odata is null");
        this.rolePrivileges = new RolePrivilegeOperations(administration, catalog, odata.namespace(), this);
    }

    /** Whether a path (below the service root) addresses one of these sets. */
    static boolean addresses(String path) {
        return SET_NAME.matcher(path).find();
    }

    // ---- reads of the sets, through the OData parser (ReadEndpoint)

    @Override
    public boolean serves(EntityDefinition entity) {
        return AdministrationEntitySets.isAdministrationSet(entity);
    }

    @Override
    public void readCollection(
            Exchange exchange,
            Caller caller,
            ODataRequest.ReadCollection read,
            String context,
            Function<String, String> nextLink)
            throws IOException {
        administrator(caller, read.entity(), "Read");
        refuseExpand(
                read.entity(), read.expanded().isEmpty() && read.collections().isEmpty());
        refuseAggregation(read.entity(), read.query());
        InMemoryRows.Json page = InMemoryRows.collection(
                catalog, read.entity(), read.query(), rows(exchange, read.entity()), context, nextLink);
        exchange.log.rows = page.rows();
        exchange.send(200, JSON_CONTENT_TYPE, page.body());
    }

    @Override
    public void readEntity(Exchange exchange, Caller caller, ODataRequest.ReadEntity read, String context)
            throws IOException {
        administrator(caller, read.entity(), "Read");
        refuseExpand(
                read.entity(), read.expanded().isEmpty() && read.collections().isEmpty());
        EntityDefinition entity = read.entity();
        Map<String, Object> row = rows(exchange, entity).stream()
                .filter(candidate -> read.key().equals(candidate.get(entity.keyField())))
                .findFirst()
                .orElseThrow(() -> notFound(entity, read.key()));
        byte[] body = InMemoryRows.entity(catalog, row, InMemoryRows.fields(entity, read.select()), context);
        exchange.log.rows = 1;
        exchange.send(200, JSON_CONTENT_TYPE, body);
    }

    @Override
    public long count(Exchange exchange, Caller caller, ODataRequest.CountCollection count) {
        administrator(caller, count.entity(), "Read");
        refuseAggregation(count.entity(), count.query());
        return InMemoryRows.matching(count.entity(), count.query(), rows(exchange, count.entity()))
                .size();
    }

    /** $apply and distinct are not evaluated in memory: 400 rather than every row. */
    private static void refuseAggregation(EntityDefinition entity, dev.vegateway.adapter.query.Query query) {
        if (query.aggregation().isPresent() || query.distinct()) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "Entity set '%s' does not support $apply; it takes $filter, $select, $orderby, $top, $skip and"
                            + " $count.",
                    entity.entitySetName());
        }
    }

    private static void refuseExpand(EntityDefinition entity, boolean none) {
        if (!none) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_QUERY,
                    "Entity set '%s' does not support $expand; read an association with GET %s(<id>)/<association>.",
                    entity.entitySetName(),
                    entity.entitySetName());
        }
    }

    private List<Map<String, Object>> rows(Exchange exchange, EntityDefinition entity) {
        if (entity == AdministrationEntitySets.PRIVILEGES) {
            return RolePrivileges.rows(catalog);
        }
        return AdministrationEntitySets.rows(entity, document(exchange));
    }

    SecurityDocument document(Exchange exchange) {
        return exchange.database(administration::current);
    }

    // ---- everything else: writes, associations

    /**
     * Serves a request to these sets that the read endpoint does not: a POST, PATCH, PUT or DELETE,
     * and a GET of an association ({@code set(id)/association}, {@code .../$ref}).
     *
     * @return false if the request is a plain GET of a set, a record or a count (the read endpoint's), or not for these sets
     */
    boolean handle(Exchange exchange, Caller caller, String method, String path, String serviceRoot)
            throws IOException {
        if (!addresses(path)) {
            return false;
        }
        Matcher operation = ROLE_OPERATION.matcher(path);
        if (operation.matches()) {
            if (exchange.inChangeset) {
                throw GatewayException.of(
                        ErrorCode.BAD_REQUEST,
                        "Entity set 'roles' is kept in the security store, outside the backend's transaction:"
                                + " call %s in its own request or in a $batch part outside a changeset.",
                        operation.group("operation"));
            }
            rolePrivileges.operation(exchange, caller, method, operation, serviceRoot);
            return true;
        }
        Matcher matcher = PATH.matcher(path);
        boolean navigation = matcher.matches() && matcher.group("navigation") != null;
        if (method.equals("GET") && !navigation) {
            return false;
        }
        if (!matcher.matches()) {
            if (method.equals("GET")) {
                return false; // the OData parser answers with its own error ($count, bad syntax)
            }
            throw GatewayException.of(ErrorCode.RESOURCE_NOT_FOUND, "No resource at '%s'.", Exchange.sanitize(path));
        }
        EntityDefinition entity =
                AdministrationEntitySets.byEntitySet(matcher.group("set")).orElseThrow();
        exchange.log.entitySet = entity.entitySetName();
        if (exchange.inChangeset) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "Entity set '%s' is kept in the security store, outside the backend's transaction:"
                            + " write it in its own request or in a $batch part outside a changeset.",
                    entity.entitySetName());
        }
        Optional<UUID> key = Optional.ofNullable(matcher.group("key")).map(text -> key(entity, text));
        if (navigation && matcher.group("navigation").equals(AdministrationEntitySets.ROLE_PRIVILEGES)) {
            rolePrivileges.association(exchange, caller, method, entity, key, matcher, serviceRoot);
            return true;
        }
        if (entity == AdministrationEntitySets.PRIVILEGES && !navigation) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "Entity set 'privileges' is read-only: give a role privileges with"
                            + " POST roles(<id>)/%s.AddPrivilegesRole.",
                    odata.namespace());
        }
        if (navigation) {
            association(exchange, caller, method, entity, key, matcher, serviceRoot);
            return true;
        }
        if (matcher.group("ref") != null) {
            throw GatewayException.of(ErrorCode.RESOURCE_NOT_FOUND, "No resource at '%s'.", Exchange.sanitize(path));
        }
        switch (method) {
            case "POST" -> {
                if (key.isPresent()) {
                    throw methodNotAllowed(method, entity);
                }
                create(exchange, caller, entity, serviceRoot);
            }
            case "PATCH" -> update(
                    exchange, caller, entity, key.orElseThrow(() -> methodNotAllowed(method, entity)), serviceRoot);
            case "DELETE" -> delete(exchange, caller, entity, key.orElseThrow(() -> methodNotAllowed(method, entity)));
            default -> throw methodNotAllowed(method, entity);
        }
        return true;
    }

    private void create(Exchange exchange, Caller caller, EntityDefinition entity, String serviceRoot)
            throws IOException {
        exchange.log.operation = "Create";
        Caller.User user = administrator(caller, entity, "Create");
        Map<String, JsonNode> body = properties(entity, exchange.jsonBody());
        ChangeAuthor author = author(user);
        UUID id;
        if (entity == SYSTEM_USERS) {
            UserFields fields = new UserFields(
                    requiredText(body, FULL_NAME),
                    optionalGuid(body, OBJECT_ID),
                    !optionalBoolean(body, IS_DISABLED).orElse(false),
                    accessMode(body).orElse(AccessMode.READ_WRITE),
                    lookup(body, "businessunitid", BUSINESS_UNIT_VALUE, BUSINESS_UNITS)
                            .orElseGet(() -> root(exchange)));
            id = exchange.database(
                    () -> administration.createUser(optionalGuid(body, entity.keyField()), fields, author));
        } else if (entity == BUSINESS_UNITS) {
            UnitFields fields = new UnitFields(
                    requiredText(body, NAME), lookup(body, "parentbusinessunitid", PARENT_VALUE, BUSINESS_UNITS));
            id = exchange.database(
                    () -> administration.createBusinessUnit(optionalGuid(body, entity.keyField()), fields, author));
        } else if (entity == TEAMS) {
            teamType(body);
            TeamFields fields = new TeamFields(
                    requiredText(body, NAME),
                    lookup(body, "businessunitid", BUSINESS_UNIT_VALUE, BUSINESS_UNITS)
                            .orElseGet(() -> root(exchange)));
            id = exchange.database(
                    () -> administration.createTeam(optionalGuid(body, entity.keyField()), fields, author));
        } else {
            String name = requiredText(body, NAME);
            id = exchange.database(() -> administration.createRole(name, author));
        }
        exchange.log.rows = 1;
        written(exchange, entity, id, serviceRoot, 201);
    }

    private void update(Exchange exchange, Caller caller, EntityDefinition entity, UUID id, String serviceRoot)
            throws IOException {
        exchange.log.operation = "Update";
        Caller.User user = administrator(caller, entity, "Write");
        refuseConditions(exchange, entity);
        Map<String, JsonNode> body = properties(entity, exchange.jsonBody());
        Optional<UUID> keyInBody = optionalGuid(body, entity.keyField());
        if (keyInBody.isPresent() && !keyInBody.get().equals(id)) {
            throw invalid(entity.keyField(), "the key of a record cannot change.");
        }
        ChangeAuthor author = author(user);
        if (entity == SYSTEM_USERS) {
            Optional<String> name = optionalText(body, FULL_NAME);
            boolean objectIdGiven = body.containsKey(OBJECT_ID);
            Optional<UUID> objectId = optionalGuid(body, OBJECT_ID);
            Optional<Boolean> disabled = optionalBoolean(body, IS_DISABLED);
            Optional<AccessMode> mode = accessMode(body);
            Optional<UUID> unit = lookup(body, "businessunitid", BUSINESS_UNIT_VALUE, BUSINESS_UNITS);
            exchange.database(() -> {
                administration.updateUser(
                        id,
                        current -> new UserFields(
                                name.orElse(current.name()),
                                objectIdGiven ? objectId : current.entraObjectId(),
                                disabled.map(value -> !value).orElse(current.enabled()),
                                mode.orElse(current.accessMode()),
                                unit.orElse(current.businessUnitId())),
                        author);
                return null;
            });
        } else if (entity == BUSINESS_UNITS) {
            Optional<String> name = optionalText(body, NAME);
            boolean parentGiven = body.containsKey(PARENT_VALUE) || body.containsKey("parentbusinessunitid@odata.bind");
            Optional<UUID> parent = lookup(body, "parentbusinessunitid", PARENT_VALUE, BUSINESS_UNITS);
            exchange.database(() -> {
                administration.updateBusinessUnit(
                        id,
                        current ->
                                new UnitFields(name.orElse(current.name()), parentGiven ? parent : current.parentId()),
                        author);
                return null;
            });
        } else if (entity == TEAMS) {
            teamType(body);
            Optional<String> name = optionalText(body, NAME);
            Optional<UUID> unit = lookup(body, "businessunitid", BUSINESS_UNIT_VALUE, BUSINESS_UNITS);
            exchange.database(() -> {
                administration.updateTeam(
                        id,
                        current -> new TeamFields(name.orElse(current.name()), unit.orElse(current.businessUnitId())),
                        author);
                return null;
            });
        } else {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "A role cannot be changed through entity set 'roles' (its name is its identity); create a role"
                            + " with POST roles, delete it with DELETE roles(<id>), and change its privileges with AddPrivilegesRole, ReplacePrivilegesRole or RemovePrivilegeRole.");
        }
        exchange.log.rows = 1;
        written(exchange, entity, id, serviceRoot, 200);
    }

    private void delete(Exchange exchange, Caller caller, EntityDefinition entity, UUID id) {
        exchange.log.operation = "Delete";
        Caller.User user = administrator(caller, entity, "Delete");
        refuseConditions(exchange, entity);
        if (entity == SYSTEM_USERS) {
            throw GatewayException.of(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    "A systemuser cannot be deleted, as in Dataverse: disable it with PATCH systemusers(%s)"
                            + " {\"isdisabled\": true}; the rows it owns keep their owner.",
                    id);
        }
        ChangeAuthor author = author(user);
        exchange.database(() -> {
            if (entity == BUSINESS_UNITS) {
                administration.deleteBusinessUnit(id, author);
            } else if (entity == TEAMS) {
                administration.deleteTeam(id, author);
            } else {
                administration.deleteRole(id, author);
            }
            return null;
        });
        exchange.log.rows = 1;
        exchange.sendEmpty(204);
    }

    // ---- associations

    private void association(
            Exchange exchange,
            Caller caller,
            String method,
            EntityDefinition entity,
            Optional<UUID> key,
            Matcher matcher,
            String serviceRoot)
            throws IOException {
        String name = matcher.group("navigation");
        Navigation navigation = Optional.ofNullable(
                        NAVIGATIONS.get(entity.entitySetName()).get(name))
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Entity set '%s' has no navigation property '%s'; it has %s.",
                        entity.entitySetName(),
                        Exchange.sanitize(name),
                        AdministrationEntitySets.ASSOCIATIONS
                                        .get(entity.entitySetName())
                                        .isEmpty()
                                ? "none"
                                : String.join(
                                        ", ",
                                        AdministrationEntitySets.ASSOCIATIONS
                                                .get(entity.entitySetName())
                                                .keySet()
                                                .stream()
                                                .sorted()
                                                .toList())));
        UUID addressed = key.orElseThrow(() -> GatewayException.of(
                ErrorCode.BAD_REQUEST,
                "An association is addressed from one record: %s(<id>)/%s.",
                entity.entitySetName(),
                name));
        boolean reference = matcher.group("ref") != null;
        Optional<UUID> related =
                Optional.ofNullable(matcher.group("related")).map(text -> key(navigation.target(), text));
        switch (method) {
            case "GET" -> {
                if (related.isPresent()) {
                    throw GatewayException.of(
                            ErrorCode.NOT_IMPLEMENTED,
                            "Read the related record at %s(%s).",
                            navigation.target().entitySetName(),
                            related.get());
                }
                administrator(caller, navigation.target(), "Read");
                readAssociation(exchange, entity, addressed, name, navigation, reference, serviceRoot);
            }
            case "POST" -> {
                if (!reference || related.isPresent()) {
                    throw GatewayException.of(
                            ErrorCode.METHOD_NOT_ALLOWED,
                            "Associate with POST %s(<id>)/%s/$ref and a body {\"@odata.id\": \"%s(<id>)\"}.",
                            entity.entitySetName(),
                            name,
                            navigation.target().entitySetName());
                }
                exchange.log.operation = "Associate";
                Caller.User user = administrator(caller, entity, "Append");
                UUID other = odataId(exchange.jsonBody(), navigation.target());
                change(exchange, user, navigation, addressed, other, true);
            }
            case "DELETE" -> {
                if (!reference) {
                    throw GatewayException.of(
                            ErrorCode.METHOD_NOT_ALLOWED,
                            "Disassociate with DELETE %s(<id>)/%s(<id>)/$ref.",
                            entity.entitySetName(),
                            name);
                }
                exchange.log.operation = "Disassociate";
                Caller.User user = administrator(caller, entity, "Append");
                UUID other = related.or(() -> idParameter(exchange, navigation.target()))
                        .orElseThrow(() -> GatewayException.of(
                                ErrorCode.BAD_REQUEST,
                                "Name the record to disassociate: DELETE %s(<id>)/%s(<id>)/$ref, or"
                                        + " .../%s/$ref?$id=%s(<id>).",
                                entity.entitySetName(),
                                name,
                                name,
                                navigation.target().entitySetName()));
                change(exchange, user, navigation, addressed, other, false);
            }
            default -> throw methodNotAllowed(method, entity);
        }
    }

    private void change(
            Exchange exchange, Caller.User user, Navigation navigation, UUID addressed, UUID other, boolean add) {
        UUID from = navigation.addressedIsFrom() ? addressed : other;
        UUID to = navigation.addressedIsFrom() ? other : addressed;
        ChangeAuthor author = author(user);
        exchange.database(() -> {
            if (add) {
                administration.associate(navigation.association(), from, to, author);
            } else {
                administration.disassociate(navigation.association(), from, to, author);
            }
            return null;
        });
        exchange.log.rows = 1;
        exchange.sendEmpty(204);
    }

    private void readAssociation(
            Exchange exchange,
            EntityDefinition entity,
            UUID addressed,
            String name,
            Navigation navigation,
            boolean reference,
            String serviceRoot)
            throws IOException {
        exchange.log.operation = "RetrieveMultiple";
        SecurityDocument document = document(exchange);
        Set<UUID> related = related(document, entity, addressed, navigation);
        EntityDefinition target = navigation.target();
        List<Map<String, Object>> rows = AdministrationEntitySets.rows(target, document).stream()
                .filter(row -> related.contains((UUID) row.get(target.keyField())))
                .toList();
        sendRelated(exchange, target, rows, reference, serviceRoot);
    }

    /** The related records of an association as a collection of the target set (its query options apply), or their references. */
    void sendRelated(
            Exchange exchange,
            EntityDefinition target,
            List<Map<String, Object>> rows,
            boolean reference,
            String serviceRoot)
            throws IOException {
        if (reference) {
            StringBuilder body = new StringBuilder(
                    "{\"@odata.context\":\"" + serviceRoot + "$metadata#Collection($ref)\",\"value\":[");
            for (int index = 0; index < rows.size(); index++) {
                body.append(index == 0 ? "" : ",")
                        .append("{\"@odata.id\":\"")
                        .append(serviceRoot)
                        .append(target.entitySetName())
                        .append('(')
                        .append(rows.get(index).get(target.keyField()))
                        .append(")\"}");
            }
            body.append("]}");
            exchange.log.rows = rows.size();
            exchange.send(200, JSON_CONTENT_TYPE, body.toString().getBytes(StandardCharsets.UTF_8));
            return;
        }
        // The query options are those of the target set: parse them as a read of it.
        ODataRequest parsed = odata.parse(
                "/" + target.entitySetName(), exchange.request.getHttpURI().getQuery(), Integer.MAX_VALUE);
        if (!(parsed instanceof ODataRequest.ReadCollection read)) {
            throw GatewayException.of(ErrorCode.BAD_REQUEST, "Only the related records can be read here.");
        }
        refuseExpand(target, read.expanded().isEmpty() && read.collections().isEmpty());
        refuseAggregation(target, read.query());
        String context = serviceRoot + "$metadata#" + target.entitySetName();
        InMemoryRows.Json page = InMemoryRows.collection(catalog, target, read.query(), rows, context, token -> "");
        exchange.log.rows = page.rows();
        exchange.send(200, JSON_CONTENT_TYPE, page.body());
    }

    /** The ids of the records associated with the addressed one. */
    private static Set<UUID> related(
            SecurityDocument document, EntityDefinition entity, UUID addressed, Navigation navigation) {
        Set<UUID> ids = new java.util.LinkedHashSet<>();
        switch (navigation.association()) {
            case SYSTEM_USER_ROLES -> {
                if (navigation.addressedIsFrom()) {
                    SecurityDocument.User user =
                            document.user(addressed).orElseThrow(() -> notFound(entity, addressed));
                    user.roles().forEach(held -> ids.add(SecurityAdministration.copyId(document, held)));
                } else {
                    UUID copy = roleCopy(document, entity, addressed);
                    document.users().stream()
                            .filter(user -> user.roles().stream()
                                    .anyMatch(held -> SecurityAdministration.copyId(document, held)
                                            .equals(copy)))
                            .forEach(user -> ids.add(user.id()));
                }
            }
            case TEAM_ROLES -> {
                if (navigation.addressedIsFrom()) {
                    team(document, entity, addressed)
                            .roles()
                            .forEach(held -> ids.add(SecurityAdministration.copyId(document, held)));
                } else {
                    UUID copy = roleCopy(document, entity, addressed);
                    document.teams().stream()
                            .filter(team -> team.roles().stream()
                                    .anyMatch(held -> SecurityAdministration.copyId(document, held)
                                            .equals(copy)))
                            .forEach(team -> ids.add(team.id()));
                }
            }
            case TEAM_MEMBERSHIP -> {
                if (navigation.addressedIsFrom()) {
                    ids.addAll(team(document, entity, addressed).members());
                } else {
                    if (document.user(addressed).isEmpty()) {
                        throw notFound(entity, addressed);
                    }
                    document.teams().stream()
                            .filter(team -> team.members().contains(addressed))
                            .forEach(team -> ids.add(team.id()));
                }
            }
        }
        return ids;
    }

    private static SecurityDocument.Team team(SecurityDocument document, EntityDefinition entity, UUID id) {
        return document.teams().stream()
                .filter(team -> team.id().equals(id))
                .findFirst()
                .orElseThrow(() -> notFound(entity, id));
    }

    /** The id of an existing role copy (404 otherwise). */
    private static UUID roleCopy(SecurityDocument document, EntityDefinition entity, UUID id) {
        return SecurityAdministration.roleCopy(document, id)
                .map(SecurityAdministration.RoleCopy::id)
                .orElseThrow(() -> notFound(entity, id));
    }

    /** The record an {@code @odata.id} names: a URL (absolute or relative) ending in {@code set(guid)} of the expected set. */
    private static UUID odataId(byte[] body, EntityDefinition target) {
        JsonNode node = JsonBodies.object(body, "reference");
        JsonNode id = node.get("@odata.id");
        if (id == null || !id.isTextual()) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD,
                    "The body must be {\"@odata.id\": \"%s(<id>)\"}.",
                    target.entitySetName());
        }
        return reference(id.textValue(), target, "@odata.id");
    }

    private static Optional<UUID> idParameter(Exchange exchange, EntityDefinition target) {
        String value = exchange.request.getHttpURI().getQuery() == null
                ? null
                : org.eclipse.jetty.util.UrlEncoded.decodeQuery(
                                exchange.request.getHttpURI().getQuery())
                        .getValue("$id");
        return Optional.ofNullable(value).map(text -> reference(text, target, "$id"));
    }

    private static UUID reference(String text, EntityDefinition target, String what) {
        Matcher matcher = ODATA_ID.matcher(text.trim());
        if (!matcher.find() || !matcher.group("set").equals(target.entitySetName())) {
            throw GatewayException.of(
                    ErrorCode.BAD_REQUEST,
                    "%s must name a record of entity set '%s', such as %s(00000000-0000-0000-0000-000000000000).",
                    what,
                    target.entitySetName(),
                    target.entitySetName());
        }
        return UUID.fromString(matcher.group("key"));
    }

    // ---- authorization

    static Caller.User administrator(Caller caller, EntityDefinition entity, String privilege) {
        if (!(caller instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        AccessScopes.administratorsOnly(user.permissions(), entity, privilege);
        return user;
    }

    static ChangeAuthor author(Caller.User user) {
        return new ChangeAuthor(
                user.permissions().user().id(),
                user.permissions().user().name(),
                user.application().appId());
    }

    private static void refuseConditions(Exchange exchange, EntityDefinition entity) {
        for (String value : exchange.request.getHeaders().getValuesList("If-Match")) {
            if (!value.trim().equals("*")) {
                throw GatewayException.of(
                        ErrorCode.NOT_IMPLEMENTED,
                        "Entity set '%s' has no ETags; send If-Match: * or no If-Match.",
                        entity.entitySetName());
            }
        }
        if (exchange.request.getHeaders().get("If-None-Match") != null) {
            throw GatewayException.of(
                    ErrorCode.NOT_IMPLEMENTED,
                    "Entity set '%s' does not upsert; create a record with POST instead of If-None-Match.",
                    entity.entitySetName());
        }
    }

    // ---- bodies

    /** The body's properties: a JSON object of the set's writable properties and lookups; instance annotations are ignored. */
    private static Map<String, JsonNode> properties(EntityDefinition entity, byte[] body) {
        JsonNode node = JsonBodies.object(body, entity.logicalName() + " properties");
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.startsWith("@")) {
                continue;
            }
            boolean bind = name.endsWith("@odata.bind")
                    && entity.field("_" + name.substring(0, name.length() - "@odata.bind".length()) + "_value")
                            .isPresent();
            Optional<FieldDefinition> definition = entity.field(name);
            if (!bind && definition.isEmpty()) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The property '%s' does not exist on type '%s'; its properties are %s.",
                        Exchange.sanitize(name),
                        entity.logicalName(),
                        String.join(
                                ", ",
                                entity.fields().stream()
                                        .filter(candidate -> !candidate.readOnly())
                                        .map(FieldDefinition::logicalName)
                                        .toList()));
            }
            if (definition.isPresent() && definition.get().readOnly() && !name.equals(TEAM_TYPE)) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION, "The property '%s' is read-only; the gateway sets it.", name);
            }
            properties.put(name, field.getValue());
        }
        return properties;
    }

    private static String requiredText(Map<String, JsonNode> body, String name) {
        return optionalText(body, name)
                .orElseThrow(() -> GatewayException.of(ErrorCode.VALIDATION, "'%s' is required.", name));
    }

    private static Optional<String> optionalText(Map<String, JsonNode> body, String name) {
        JsonNode value = body.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(name, "it must be text.");
        }
        return Optional.of(value.textValue());
    }

    private static Optional<UUID> optionalGuid(Map<String, JsonNode> body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !GUID.matcher(value.textValue()).matches()) {
            throw invalid(name, "it must be a GUID such as 00000000-0000-0000-0000-000000000000.");
        }
        return Optional.of(UUID.fromString(value.textValue()));
    }

    private static Optional<Boolean> optionalBoolean(Map<String, JsonNode> body, String name) {
        JsonNode value = body.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw invalid(name, "it must be true or false.");
        }
        return Optional.of(value.booleanValue());
    }

    private static Optional<AccessMode> accessMode(Map<String, JsonNode> body) {
        JsonNode value = body.get(ACCESS_MODE);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isInt()) {
            for (Map.Entry<AccessMode, Integer> entry : AdministrationEntitySets.ACCESS_MODES.entrySet()) {
                if (entry.getValue() == value.intValue()) {
                    return Optional.of(entry.getKey());
                }
            }
        }
        throw invalid(ACCESS_MODE, "it must be 0 (Read-Write), 1 (Administrative) or 4 (Non-interactive).");
    }

    private static void teamType(Map<String, JsonNode> body) {
        JsonNode value = body.get(TEAM_TYPE);
        if (value != null && !(value.isInt() && value.intValue() == AdministrationEntitySets.OWNER_TEAM)) {
            throw invalid(TEAM_TYPE, "only owner teams (0) can be created or kept here.");
        }
    }

    /**
     * A lookup set as Dataverse clients set it, {@code <name>@odata.bind: "/businessunits(<id>)"}, or
     * by its value property {@code _<name>_value}; empty when the body sets neither (or null).
     */
    private static Optional<UUID> lookup(
            Map<String, JsonNode> body, String navigation, String valueProperty, EntityDefinition target) {
        JsonNode bind = body.get(navigation + "@odata.bind");
        if (bind != null && body.containsKey(valueProperty)) {
            throw invalid(valueProperty, "set either %s@odata.bind or %s, not both.", navigation, valueProperty);
        }
        if (bind != null) {
            if (bind.isNull()) {
                return Optional.empty();
            }
            if (!bind.isTextual()) {
                throw invalid(
                        navigation + "@odata.bind",
                        "it must be a reference such as /%s(<id>).",
                        target.entitySetName());
            }
            return Optional.of(reference(bind.textValue(), target, navigation + "@odata.bind"));
        }
        return optionalGuid(body, valueProperty);
    }

    private UUID root(Exchange exchange) {
        return document(exchange).businessUnits().stream()
                .filter(unit -> unit.parent().isEmpty())
                .map(SecurityDocument.BusinessUnit::id)
                .findFirst()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.VALIDATION, "There is no root business unit; import the security data first."));
    }

    static UUID key(EntityDefinition entity, String text) {
        String value = text.startsWith(entity.keyField() + "=")
                ? text.substring(entity.keyField().length() + 1)
                : text;
        if (!GUID.matcher(value).matches()) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The key of entity set '%s' is a GUID such as %s(00000000-0000-0000-0000-000000000000).",
                    entity.entitySetName(),
                    entity.entitySetName());
        }
        return UUID.fromString(value);
    }

    // ---- responses

    private void written(
            Exchange exchange, EntityDefinition entity, UUID id, String serviceRoot, int representationStatus)
            throws IOException {
        String url = serviceRoot + entity.entitySetName() + "(" + id + ")";
        exchange.response.getHeaders().put("OData-EntityId", url);
        if (Preferences.representation(exchange.request.getHeaders()).isEmpty()) {
            exchange.sendEmpty(204);
            return;
        }
        Map<String, Object> row = rows(exchange, entity).stream()
                .filter(candidate -> id.equals(candidate.get(entity.keyField())))
                .findFirst()
                .orElseThrow(() -> notFound(entity, id));
        byte[] body = InMemoryRows.entity(
                catalog, row, entity.fields(), serviceRoot + "$metadata#" + entity.entitySetName() + "/$entity");
        exchange.response.getHeaders().put("Preference-Applied", "return=representation");
        exchange.send(representationStatus, JSON_CONTENT_TYPE, body);
    }

    static GatewayException methodNotAllowed(String method, EntityDefinition entity) {
        return GatewayException.of(
                ErrorCode.METHOD_NOT_ALLOWED,
                "The method %s is not allowed on this path of entity set '%s'.",
                Exchange.sanitize(method),
                entity.entitySetName());
    }

    static GatewayException notFound(EntityDefinition entity, UUID key) {
        return GatewayException.of(
                ErrorCode.RECORD_NOT_FOUND, "%s With Id = %s Does Not Exist", entity.logicalName(), key);
    }

    @FormatMethod
    private static GatewayException invalid(String property, @FormatString String format, Object... arguments) {
        return GatewayException.of(
                ErrorCode.VALIDATION, "The value of '%s' is not valid: %s", property, String.format(format, arguments));
    }
}
