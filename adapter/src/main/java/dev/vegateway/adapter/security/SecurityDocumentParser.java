package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.filter.ParsedRowFilter;
import dev.vegateway.adapter.security.SecurityDocument.Application;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.FieldSecurity;
import dev.vegateway.adapter.security.SecurityDocument.GroupBinding;
import dev.vegateway.adapter.security.SecurityDocument.Portal;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.RowFilter;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.Problems;
import dev.vegateway.config.yaml.YamlNode;
import dev.vegateway.config.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a security YAML tree into a {@link SecurityDocument}, recording every problem (file,
 * line, key) before throwing them all at once. Findings that the gateway also enforces at run
 * time (a portal user holding an administrator role) are {@link #warnings()} instead: they do
 * not stop the document from being imported. Sections are read in dependency order
 * (companies, business units, roles, users, teams, applications, portal) so that each reference
 * is checked where it is written. One parser reads one document.
 */
final class SecurityDocumentParser {
    static final int MAX_NAME_LENGTH = 255;

    static final Map<String, Depth> DEPTHS = choices(
            Map.entry("None", Depth.NONE),
            Map.entry("Basic", Depth.BASIC),
            Map.entry("Local", Depth.LOCAL),
            Map.entry("Deep", Depth.DEEP),
            Map.entry("Global", Depth.GLOBAL));
    static final Map<String, AccessMode> ACCESS_MODES = choices(
            Map.entry("ReadWrite", AccessMode.READ_WRITE),
            Map.entry("Administrative", AccessMode.ADMINISTRATIVE),
            Map.entry("NonInteractive", AccessMode.NON_INTERACTIVE));
    /** Files declare person and stub users only; application users come from the applications section. */
    static final Map<String, UserKind> USER_KINDS =
            choices(Map.entry("person", UserKind.PERSON), Map.entry("stub", UserKind.STUB));

    static final Map<String, ApplicationKind> APPLICATION_KINDS = choices(
            Map.entry("dataverse", ApplicationKind.DATAVERSE),
            Map.entry("portal", ApplicationKind.PORTAL),
            Map.entry("provisioning", ApplicationKind.PROVISIONING));
    /** The YAML key of each privilege. */
    static final Map<Privilege, String> PRIVILEGE_KEYS = privilegeKeys();

    private final Optional<Catalog> catalog;
    private final Problems problems = new Problems();
    private final Problems warnings = new Problems();
    private final YamlReader reader = new YamlReader(problems);

    private final Map<String, YamlNode> companies = new LinkedHashMap<>();
    private final Map<String, YamlNode> businessUnits = new LinkedHashMap<>();
    private final Set<String> roles = new LinkedHashSet<>(BuiltInRoles.ALL);
    private final Map<UUID, User> users = new LinkedHashMap<>();
    private final List<Team> teams = new ArrayList<>();
    private Optional<String> rootUnit = Optional.empty();

    SecurityDocumentParser(Optional<Catalog> catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    SecurityDocument parse(YamlNode root) {
        if (!root.isMapping()) {
            problems.add(
                    root,
                    "a security file is a mapping with the keys businessUnits, companies, roles, users, teams, applications and portal");
            problems.throwIfAny();
        }
        reader.allowOnly(root, "businessUnits", "companies", "roles", "users", "teams", "applications", "portal");
        List<String> companyList = companies(root.get("companies"));
        List<BusinessUnit> unitList = businessUnits(root.get("businessUnits"));
        List<Role> roleList = roles(root.get("roles"));
        List<User> userList = users(root.get("users"));
        List<Team> teamList = teams(root.get("teams"));
        List<Application> applicationList = applications(root.get("applications"));
        Portal portal = portal(root.get("portal"));
        problems.throwIfAny();
        return new SecurityDocument(unitList, companyList, roleList, userList, teamList, applicationList, portal);
    }

    /** The warnings of the last {@link #parse}: valid data that will be refused at run time. */
    List<Problem> warnings() {
        return warnings.list();
    }

    // ---- companies and business units

    private List<String> companies(YamlNode node) {
        for (YamlNode element : list(node)) {
            String company = name(element).toLowerCase(Locale.ROOT);
            if (!company.isEmpty()) {
                firstOccurrence(companies, company, element, "company");
            }
        }
        return List.copyOf(companies.keySet());
    }

    private List<BusinessUnit> businessUnits(YamlNode node) {
        List<BusinessUnit> units = new ArrayList<>();
        Map<String, YamlNode> parentNodes = new HashMap<>();
        Map<UUID, YamlNode> ids = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "name", "parent", "id");
            String name = name(element.get("name"));
            Optional<String> parent = optionalName(element.get("parent"));
            UUID id = reader.uuid(element.get("id")).orElse(BusinessUnit.idFor(name));
            if (name.isEmpty() || !firstOccurrence(businessUnits, name, element.get("name"), "business unit")) {
                continue;
            }
            firstOccurrence(
                    ids,
                    id,
                    element.get("id").isMissing() ? element.get("name") : element.get("id"),
                    "business unit id");
            parent.ifPresent(parentName -> parentNodes.put(name, element.get("parent")));
            units.add(new BusinessUnit(id, name, parent));
        }
        Map<String, String> parents = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (BusinessUnit unit : units) {
            if (unit.parent().isEmpty()) {
                roots.add(unit.name());
            } else if (!businessUnits.containsKey(unit.parent().get())) {
                problems.add(
                        parentNodes.get(unit.name()),
                        "unknown business unit '" + unit.parent().get() + "'");
            } else {
                parents.put(unit.name(), unit.parent().get());
            }
        }
        if (roots.size() == 1) {
            rootUnit = Optional.of(roots.get(0));
        }
        if (!units.isEmpty() && roots.isEmpty()) {
            problems.add(node, "no business unit is the root: exactly one must have no parent");
        } else if (roots.size() > 1) {
            problems.add(
                    node,
                    "exactly one business unit may have no parent (the root), found " + roots.size() + ": "
                            + String.join(", ", roots));
        }
        reportCycles(parents, parentNodes);
        return units;
    }

    private void reportCycles(Map<String, String> parents, Map<String, YamlNode> parentNodes) {
        Set<String> reported = new LinkedHashSet<>();
        for (String start : parents.keySet()) {
            List<String> path = new ArrayList<>();
            String current = start;
            while (current != null && !path.contains(current) && !reported.contains(current)) {
                path.add(current);
                current = parents.get(current);
            }
            if (current != null && path.contains(current)) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
                reported.addAll(cycle);
                cycle.add(current);
                problems.add(
                        parentNodes.get(current), "business units form a parent cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    // ---- roles

    private List<Role> roles(YamlNode node) {
        List<Role> result = new ArrayList<>();
        Map<String, YamlNode> declared = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "name", "privileges", "actions", "rowFilters", "fieldSecurity");
            String name = name(element.get("name"));
            boolean first = !name.isEmpty() && firstOccurrence(declared, name, element.get("name"), "role");
            Role role = new Role(
                    name,
                    privileges(element.get("privileges")),
                    actions(element.get("actions")),
                    rowFilters(element.get("rowFilters")),
                    fieldSecurity(element.get("fieldSecurity")));
            if (first) {
                roles.add(name);
                result.add(role);
            }
        }
        return result;
    }

    private List<EntityPrivileges> privileges(YamlNode node) {
        List<EntityPrivileges> result = new ArrayList<>();
        Map<String, YamlNode> entities = new HashMap<>();
        for (YamlNode element : list(node)) {
            List<String> allowed = new ArrayList<>(List.of("entity"));
            allowed.addAll(PRIVILEGE_KEYS.values());
            reader.allowOnly(element, allowed.toArray(String[]::new));
            String entityName = name(element.get("entity"));
            Optional<EntityDefinition> entity = entity(element.get("entity"), entityName);
            Map<Privilege, Depth> depths = new EnumMap<>(Privilege.class);
            for (Map.Entry<Privilege, String> key : PRIVILEGE_KEYS.entrySet()) {
                YamlNode depthNode = element.get(key.getValue());
                Depth depth = choice(depthNode, DEPTHS, Depth.NONE);
                depths.put(key.getKey(), depth);
                entity.ifPresent(definition -> checkDepthFits(depthNode, definition, depth));
            }
            if (!entityName.isEmpty()
                    && firstOccurrence(entities, entityName, element.get("entity"), "privileges for entity")) {
                result.add(new EntityPrivileges(entityName, depths));
            }
        }
        return result;
    }

    /** Basic needs an owner field; Local and Deep need an owner or a business-unit field. */
    private void checkDepthFits(YamlNode node, EntityDefinition entity, Depth depth) {
        boolean owned = entity.ownerField().isPresent();
        boolean unitScoped = entity.businessUnitField().isPresent();
        switch (depth) {
            case NONE, GLOBAL -> {
                return;
            }
            case BASIC, LOCAL, DEEP -> {
                if (!owned && !unitScoped) {
                    problems.add(
                            node,
                            "depth " + displayName(depth) + " is not allowed: entity '" + entity.logicalName()
                                    + "' has no owner or business-unit field, so only None and Global are allowed");
                } else if (depth == Depth.BASIC && !owned) {
                    problems.add(
                            node,
                            "depth Basic is not allowed: entity '" + entity.logicalName()
                                    + "' has no owner field (use None, Local, Deep or Global)");
                }
            }
        }
    }

    private List<String> actions(YamlNode node) {
        Map<String, YamlNode> actions = new LinkedHashMap<>();
        for (YamlNode element : list(node)) {
            String action = name(element);
            if (!action.isEmpty()) {
                firstOccurrence(actions, action, element, "action");
            }
        }
        return List.copyOf(actions.keySet());
    }

    private List<RowFilter> rowFilters(YamlNode node) {
        List<RowFilter> result = new ArrayList<>();
        Map<String, YamlNode> entities = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "entity", "filter");
            String entityName = name(element.get("entity"));
            Optional<EntityDefinition> entity = entity(element.get("entity"), entityName);
            String filter = reader.requiredString(element.get("filter"));
            checkRowFilter(element.get("filter"), filter, entity);
            if (!entityName.isEmpty()
                    && firstOccurrence(entities, entityName, element.get("entity"), "row filter for entity")) {
                result.add(new RowFilter(entityName, filter));
            }
        }
        return result;
    }

    /**
     * A row filter must parse, use only the known placeholders and, with a catalog, only fields
     * of its entity (placeholders compared with fields of their kind). The column in a message
     * counts characters of the filter text.
     */
    private void checkRowFilter(YamlNode node, String filter, Optional<EntityDefinition> entity) {
        if (filter.isBlank()) {
            return; // already reported as required
        }
        ParsedRowFilter parsed;
        try {
            parsed = FilterParser.rowFilter(filter);
        } catch (FilterSyntaxException e) {
            problems.add(node, "row filter does not parse: " + e.getMessage());
            return;
        }
        entity.ifPresent(definition -> parsed.problemsOn(definition, catalog.orElseThrow())
                .forEach(problem -> problems.add(node, "row filter: " + problem)));
    }

    private List<FieldSecurity> fieldSecurity(YamlNode node) {
        List<FieldSecurity> result = new ArrayList<>();
        Map<List<String>, YamlNode> fields = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "entity", "field", "read", "create", "update");
            String entityName = name(element.get("entity"));
            String fieldName = name(element.get("field"));
            Optional<EntityDefinition> entity = entity(element.get("entity"), entityName);
            if (entity.isPresent()
                    && !fieldName.isEmpty()
                    && entity.get().field(fieldName).isEmpty()) {
                problems.add(element.get("field"), "entity '" + entityName + "' has no field '" + fieldName + "'");
            }
            boolean read = reader.bool(element.get("read"), true);
            boolean update = reader.bool(element.get("update"), true);
            // A rule written before fields had a create flag protected the field on create too.
            boolean create = reader.bool(element.get("create"), update);
            if (!entityName.isEmpty()
                    && !fieldName.isEmpty()
                    && firstOccurrence(
                            fields, List.of(entityName, fieldName), element.get("field"), "field security for field")) {
                result.add(new FieldSecurity(entityName, fieldName, read, create, update));
            }
        }
        return result;
    }

    private Optional<EntityDefinition> entity(YamlNode node, String name) {
        if (catalog.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        Optional<EntityDefinition> entity = catalog.get().byLogicalName(name);
        if (entity.isEmpty()) {
            problems.add(node, "unknown entity '" + name + "': it is not in the catalog");
        }
        return entity;
    }

    // ---- users, teams, applications

    private List<User> users(YamlNode node) {
        List<User> result = new ArrayList<>();
        Map<UUID, YamlNode> managerNodes = new HashMap<>();
        Map<UUID, YamlNode> ids = new HashMap<>();
        Map<UUID, YamlNode> entraObjectIds = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(
                    element,
                    "id",
                    "name",
                    "entraObjectId",
                    "enabled",
                    "accessMode",
                    "kind",
                    "businessUnit",
                    "attributes",
                    "roles",
                    "manager",
                    "language",
                    "timeZone");
            Optional<UUID> id = requiredUuid(element.get("id"));
            String name = name(element.get("name"));
            Optional<UUID> entraObjectId = reader.uuid(element.get("entraObjectId"));
            entraObjectId.ifPresent(objectId ->
                    firstOccurrence(entraObjectIds, objectId, element.get("entraObjectId"), "entraObjectId"));
            boolean enabled = reader.bool(element.get("enabled"), true);
            AccessMode accessMode = choice(element.get("accessMode"), ACCESS_MODES, AccessMode.READ_WRITE);
            UserKind kind = choice(element.get("kind"), USER_KINDS, UserKind.PERSON);
            YamlNode unitNode = element.get("businessUnit");
            Optional<String> businessUnit = optionalName(unitNode);
            if (businessUnit.isEmpty() && kind == UserKind.PERSON && unitNode.isAbsent()) {
                problems.add(unitNode, "is required for person users");
            }
            businessUnit.ifPresent(unit -> checkBusinessUnit(unitNode, unit));
            Map<String, String> attributes = attributes(element.get("attributes"));
            List<RoleAssignment> assignments = assignments(element.get("roles"));
            if (kind == UserKind.STUB && !assignments.isEmpty()) {
                problems.add(
                        element.get("roles"),
                        "a stub user cannot hold roles: stub users only own rows and can never be callers");
            }
            if (id.isPresent() && firstOccurrence(ids, id.get(), element.get("id"), "user id")) {
                User user = new User(
                        id.get(),
                        name,
                        entraObjectId,
                        enabled,
                        accessMode,
                        kind,
                        businessUnit,
                        attributes,
                        assignments,
                        settings(element));
                users.put(user.id(), user);
                result.add(user);
                if (!element.get("manager").isAbsent()) {
                    managerNodes.put(user.id(), element.get("manager"));
                }
            }
        }
        checkManagers(result, managerNodes);
        return result;
    }

    /**
     * A user's {@code manager} (a user id), {@code language} (an LCID from 1 to 65535) and
     * {@code timeZone} (an IANA zone id such as Europe/Berlin, or UTC), all optional.
     */
    private SecurityDocument.UserSettings settings(YamlNode element) {
        Optional<UUID> manager = reader.uuid(element.get("manager"));
        YamlNode languageNode = element.get("language");
        java.util.OptionalInt language = languageNode.isAbsent()
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(reader.integer(languageNode, 1033, 1, 65535));
        return new SecurityDocument.UserSettings(manager, language, timeZone(element.get("timeZone")));
    }

    private Optional<java.time.ZoneId> timeZone(YamlNode node) {
        Optional<String> given = reader.optionalString(node);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String text = given.get();
        try {
            return Optional.of(java.time.ZoneId.of(text));
        } catch (java.time.DateTimeException e) {
            problems.add(node, "timeZone must be an IANA time zone such as Europe/Berlin or UTC, was '" + text + "'");
            return Optional.empty();
        }
    }

    /**
     * Every {@code manager} names another user of the file, and following managers from any user
     * never comes back to it (the manager hierarchy is a forest).
     */
    private void checkManagers(List<User> declared, Map<UUID, YamlNode> managerNodes) {
        Map<UUID, UUID> managers = new HashMap<>();
        for (User user : declared) {
            Optional<UUID> manager = user.settings().manager();
            if (manager.isEmpty()) {
                continue;
            }
            YamlNode node = managerNodes.get(user.id());
            if (manager.get().equals(user.id())) {
                problems.add(node, "a user cannot be its own manager");
            } else if (!users.containsKey(manager.get())) {
                problems.add(node, "unknown user '" + manager.get() + "' (a manager is the id of a user of this file)");
            } else {
                managers.put(user.id(), manager.get());
            }
        }
        for (User user : declared) {
            Set<UUID> seen = new java.util.HashSet<>();
            UUID current = user.id();
            while (managers.containsKey(current)) {
                if (!seen.add(current)) {
                    problems.add(
                            managerNodes.get(user.id()),
                            "the managers of user '" + user.name() + "' form a cycle (a user is above itself)");
                    break;
                }
                current = managers.get(current);
            }
        }
    }

    private Map<String, String> attributes(YamlNode node) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (node.isAbsent()) {
            return attributes;
        }
        if (!node.isMapping()) {
            problems.add(node, "must be a mapping of attribute names to text values");
            return attributes;
        }
        for (String key : node.keys()) {
            YamlNode value = node.get(key);
            if (value.text().isEmpty()) {
                problems.add(value, "must be a text value");
            } else {
                attributes.put(key, value.text().get());
            }
        }
        return attributes;
    }

    private List<RoleAssignment> assignments(YamlNode node) {
        List<RoleAssignment> result = new ArrayList<>();
        Map<String, YamlNode> assigned = new HashMap<>();
        for (YamlNode element : list(node)) {
            YamlNode roleNode;
            Optional<Set<String>> restriction = Optional.empty();
            Optional<String> unit = Optional.empty();
            if (element.isScalar()) {
                roleNode = element;
            } else if (element.isMapping()) {
                reader.allowOnly(element, "role", "companies", "businessUnit");
                roleNode = element.get("role");
                if (!element.get("companies").isAbsent()) {
                    restriction = Optional.of(companyRestriction(element.get("companies")));
                }
                YamlNode unitNode = element.get("businessUnit");
                if (!unitNode.isAbsent()) {
                    String unitName = name(unitNode);
                    if (!unitName.isEmpty()) {
                        checkBusinessUnit(unitNode, unitName);
                        unit = Optional.of(unitName);
                    }
                }
            } else {
                problems.add(
                        element,
                        "must be a role name or a mapping { role: <name>, companies: [<company>, ...],"
                                + " businessUnit: <name> }");
                continue;
            }
            String role = name(roleNode);
            if (role.isEmpty()) {
                continue;
            }
            // a role may be held once per business unit it applies in (the holder's own, or one named)
            String key = unit.map(name -> role + "' in business unit '" + name).orElse(role);
            if (!roles.contains(role)) {
                problems.add(roleNode, "unknown role '" + role + "'");
            } else if (firstOccurrence(assigned, key, roleNode, "role assignment of")) {
                result.add(new RoleAssignment(role, restriction, unit));
            }
        }
        return result;
    }

    private Set<String> companyRestriction(YamlNode node) {
        Map<String, YamlNode> restriction = new LinkedHashMap<>();
        List<YamlNode> elements = list(node);
        if (node.isSequence() && elements.isEmpty()) {
            problems.add(node, "must name at least one company (leave companies out for all companies)");
        }
        for (YamlNode element : elements) {
            String company = name(element).toLowerCase(Locale.ROOT);
            if (company.isEmpty()) {
                continue;
            }
            if (!companies.containsKey(company)) {
                problems.add(element, "unknown company '" + company + "'");
            } else {
                firstOccurrence(restriction, company, element, "company");
            }
        }
        return restriction.keySet();
    }

    private List<Team> teams(YamlNode node) {
        Map<String, YamlNode> names = new HashMap<>();
        Map<UUID, YamlNode> ids = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "name", "id", "businessUnit", "roles", "members", "type", "group", "inheritance");
            String name = name(element.get("name"));
            UUID id = reader.uuid(element.get("id")).orElse(Team.idFor(name));
            Optional<GroupBinding> group = GroupTeams.binding(element, reader, problems);
            String businessUnit =
                    group.isPresent() && element.get("businessUnit").isMissing()
                            ? rootBusinessUnit()
                            : name(element.get("businessUnit"));
            if (!businessUnit.isEmpty()) {
                checkBusinessUnit(element.get("businessUnit"), businessUnit);
            }
            List<RoleAssignment> assignments = assignments(element.get("roles"));
            List<UUID> members = members(element.get("members"));
            if (!name.isEmpty()
                    && firstOccurrence(names, name, element.get("name"), "team")
                    && firstOccurrence(
                            ids,
                            id,
                            element.get("id").isMissing() ? element.get("name") : element.get("id"),
                            "team id")) {
                teams.add(new Team(id, name, businessUnit, assignments, members, group));
            }
        }
        return List.copyOf(teams);
    }

    private List<UUID> members(YamlNode node) {
        Map<UUID, YamlNode> members = new LinkedHashMap<>();
        for (YamlNode element : list(node)) {
            Optional<UUID> id = requiredUuid(element);
            if (id.isEmpty()) {
                continue;
            }
            User user = users.get(id.get());
            if (user == null) {
                problems.add(element, "unknown user " + id.get());
            } else if (user.kind() == UserKind.STUB) {
                problems.add(element, "user " + describe(user) + " is a stub user and cannot be a team member");
            } else {
                firstOccurrence(members, id.get(), element, "team member");
            }
        }
        return List.copyOf(members.keySet());
    }

    private List<Application> applications(YamlNode node) {
        List<Application> result = new ArrayList<>();
        Map<String, YamlNode> appIds = new HashMap<>();
        for (YamlNode element : list(node)) {
            reader.allowOnly(element, "appId", "name", "kind", "enabled", "roles");
            String appId = name(element.get("appId"));
            String name = name(element.get("name"));
            YamlNode kindNode = element.get("kind");
            if (kindNode.isAbsent()) {
                problems.add(kindNode, "is required (dataverse, portal or provisioning)");
            }
            ApplicationKind kind = choice(kindNode, APPLICATION_KINDS, ApplicationKind.DATAVERSE);
            boolean enabled = reader.bool(element.get("enabled"), true);
            List<RoleAssignment> assignments = assignments(element.get("roles"));
            if (!appId.isEmpty() && firstOccurrence(appIds, appId, element.get("appId"), "application appId")) {
                result.add(new Application(appId, name, kind, enabled, assignments));
            }
        }
        return result;
    }

    // ---- portal

    private Portal portal(YamlNode node) {
        if (node.isAbsent()) {
            return Portal.NONE;
        }
        reader.allowOnly(node, "anonymousUser", "mappings");
        Optional<UUID> anonymousUser = reader.uuid(node.get("anonymousUser"));
        anonymousUser.ifPresent(id -> checkPortalUser(node.get("anonymousUser"), id, "the anonymous portal user is"));
        List<PortalMapping> mappings = new ArrayList<>();
        Map<UUID, YamlNode> contacts = new HashMap<>();
        for (YamlNode element : list(node.get("mappings"))) {
            reader.allowOnly(element, "contactId", "user", "company");
            Optional<UUID> contactId = requiredUuid(element.get("contactId"));
            Optional<UUID> user = requiredUuid(element.get("user"));
            Optional<String> company = optionalName(element.get("company")).map(text -> text.toLowerCase(Locale.ROOT));
            if (company.isPresent() && !companies.containsKey(company.get())) {
                problems.add(element.get("company"), "unknown company '" + company.get() + "'");
            }
            String subject = contactId
                    .map(contact -> "portal contact " + contact + " maps to")
                    .orElse("this portal mapping names");
            user.ifPresent(id -> checkPortalUser(element.get("user"), id, subject));
            if (contactId.isPresent()
                    && user.isPresent()
                    && firstOccurrence(contacts, contactId.get(), element.get("contactId"), "portal contact")) {
                mappings.add(new PortalMapping(contactId.get(), user.get(), company));
            }
        }
        return new Portal(anonymousUser, mappings);
    }

    /**
     * A portal user is a person holding CDSVirtualEntityAuthorizedPortalUser and neither
     * administrator role. An administrator role is only a warning: the mapping is kept, and
     * {@link CallerResolver} refuses the user with 403 at run time, which is what the demo data
     * shows.
     */
    private void checkPortalUser(YamlNode node, UUID id, String subject) {
        User user = users.get(id);
        if (user == null) {
            problems.add(node, subject + " unknown user " + id);
            return;
        }
        if (user.kind() != UserKind.PERSON) {
            problems.add(node, subject + " " + describe(user) + ", a stub user; portal users must be person users");
            return;
        }
        Map<String, String> held = rolesHeldBy(user);
        for (String forbidden : List.of(BuiltInRoles.SYSTEM_ADMINISTRATOR, BuiltInRoles.SECURITY_ADMINISTRATOR)) {
            if (held.containsKey(forbidden)) {
                warnings.add(
                        node,
                        subject + " " + describe(user) + ", who holds " + forbidden + held.get(forbidden)
                                + ", which a portal user may not hold: the gateway refuses this portal user with 403");
            }
        }
        if (!held.containsKey(BuiltInRoles.AUTHORIZED_PORTAL_USER)) {
            problems.add(
                    node,
                    subject + " " + describe(user) + ", who lacks the " + BuiltInRoles.AUTHORIZED_PORTAL_USER
                            + " role, which every portal user needs");
        }
    }

    /** Role name → how it is held ("" directly, " through team X"). */
    private Map<String, String> rolesHeldBy(User user) {
        Map<String, String> held = new LinkedHashMap<>();
        user.roles().forEach(assignment -> held.putIfAbsent(assignment.role(), ""));
        for (Team team : teams) {
            if (team.members().contains(user.id())) {
                team.roles().forEach(assignment -> held.putIfAbsent(assignment.role(), " through team " + team.name()));
            }
        }
        return held;
    }

    // ---- helpers

    /** The root business unit's name, the unit of a group team that names none; "" when there is no single root. */
    private String rootBusinessUnit() {
        return rootUnit.orElse("");
    }

    private void checkBusinessUnit(YamlNode node, String name) {
        if (!businessUnits.containsKey(name)) {
            problems.add(node, "unknown business unit '" + name + "'");
        }
    }

    private List<YamlNode> list(YamlNode node) {
        if (node.isAbsent()) {
            return List.of();
        }
        if (!node.isSequence()) {
            problems.add(node, "must be a list");
            return List.of();
        }
        return node.elements();
    }

    /** A required name: non-empty text of at most {@value #MAX_NAME_LENGTH} characters; "" after a problem. */
    private String name(YamlNode node) {
        String text = reader.requiredString(node);
        if (text.length() > MAX_NAME_LENGTH) {
            problems.add(node, "must be at most " + MAX_NAME_LENGTH + " characters long, was " + text.length());
            return "";
        }
        return text.isBlank() ? "" : text;
    }

    private Optional<String> optionalName(YamlNode node) {
        return node.isAbsent() ? Optional.empty() : Optional.of(name(node)).filter(text -> !text.isEmpty());
    }

    private Optional<UUID> requiredUuid(YamlNode node) {
        if (node.isAbsent()) {
            problems.add(node, "is required");
            return Optional.empty();
        }
        return reader.uuid(node);
    }

    /** Records "duplicate ..." and returns false when {@code key} was seen before. */
    private <K> boolean firstOccurrence(Map<K, YamlNode> seen, K key, YamlNode node, String what) {
        YamlNode first = seen.putIfAbsent(key, node);
        if (first != null) {
            problems.add(node, "duplicate " + what + " '" + key + "' (first on line " + first.line() + ")");
            return false;
        }
        return true;
    }

    /** One of the spellings in {@code choices}, matched ignoring case, '-', '_' and spaces. */
    private <E> E choice(YamlNode node, Map<String, E> choices, E fallback) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("");
        for (Map.Entry<String, E> choice : choices.entrySet()) {
            if (normalise(choice.getKey()).equals(normalise(text))) {
                return choice.getValue();
            }
        }
        problems.add(node, "must be one of " + String.join(", ", choices.keySet()) + ", was '" + text + "'");
        return fallback;
    }

    private static String normalise(String text) {
        return text.replace("-", "").replace("_", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static String describe(User user) {
        return user.name() + " (" + user.id() + ")";
    }

    /** The spelling of a depth in files and messages: None, Basic, Local, Deep, Global. */
    static String displayName(Depth depth) {
        return spelling(DEPTHS, depth);
    }

    static <E> String spelling(Map<String, E> choices, E value) {
        return choices.entrySet().stream()
                .filter(entry -> entry.getValue() == value)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no spelling for " + value));
    }

    @SafeVarargs
    private static <E> Map<String, E> choices(Map.Entry<String, E>... spellings) {
        Map<String, E> choices = new LinkedHashMap<>();
        for (Map.Entry<String, E> spelling : spellings) {
            choices.put(spelling.getKey(), spelling.getValue());
        }
        return Collections.unmodifiableMap(choices);
    }

    private static Map<Privilege, String> privilegeKeys() {
        Map<Privilege, String> keys = new EnumMap<>(Privilege.class);
        for (Privilege privilege : Privilege.values()) {
            keys.put(
                    privilege,
                    switch (privilege) {
                        case CREATE -> "create";
                        case READ -> "read";
                        case WRITE -> "write";
                        case DELETE -> "delete";
                        case APPEND -> "append";
                        case APPEND_TO -> "appendTo";
                    });
        }
        return Collections.unmodifiableMap(keys);
    }
}
