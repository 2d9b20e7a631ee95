package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.SecurityAdministration;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlNavigationProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlNavigationPropertyBinding;

/**
 * The Dataverse administration sets (issue 15): {@code systemusers}, {@code businessunits},
 * {@code teams} and {@code roles}, with Dataverse's entity, set and property names and a subset of
 * their properties. Served from the security store by the gateway, never from backend tables; their
 * definitions are catalog entities owned by the gateway, so the EDM, the OData parser and the
 * serializer treat them like any other set.
 */
public final class AdministrationEntitySets {
    public static final String SYSTEM_USER_ID = "systemuserid";
    public static final String FULL_NAME = "fullname";
    public static final String DOMAIN_NAME = "domainname";
    public static final String OBJECT_ID = "azureactivedirectoryobjectid";
    public static final String IS_DISABLED = "isdisabled";
    public static final String ACCESS_MODE = "accessmode";
    public static final String BUSINESS_UNIT_VALUE = "_businessunitid_value";
    public static final String BUSINESS_UNIT_ID = "businessunitid";
    public static final String NAME = "name";
    public static final String PARENT_VALUE = "_parentbusinessunitid_value";
    public static final String TEAM_ID = "teamid";
    public static final String TEAM_TYPE = "teamtype";
    public static final String ROLE_ID = "roleid";
    public static final String PARENT_ROOT_ROLE_VALUE = "_parentrootroleid_value";
    public static final String PRIVILEGE_ID = "privilegeid";
    public static final String ACCESS_RIGHT = "accessright";
    public static final String CAN_BE_BASIC = "canbebasic";
    public static final String CAN_BE_LOCAL = "canbelocal";
    public static final String CAN_BE_DEEP = "canbedeep";
    public static final String CAN_BE_GLOBAL = "canbeglobal";
    /** The read-only association of a role's privileges ({@code roles(id)/roleprivileges_association}). */
    public static final String ROLE_PRIVILEGES = "roleprivileges_association";

    /** Dataverse's {@code accessmode} values: 0 Read-Write, 1 Administrative, 4 Non-interactive. */
    public static final Map<AccessMode, Integer> ACCESS_MODES =
            Map.of(AccessMode.READ_WRITE, 0, AccessMode.ADMINISTRATIVE, 1, AccessMode.NON_INTERACTIVE, 4);

    /** Dataverse's {@code teamtype} of an owner team. */
    public static final int OWNER_TEAM = 0;

    public static final EntityDefinition SYSTEM_USERS = entity(
            "systemuser",
            "systemusers",
            "Users",
            SYSTEM_USER_ID,
            List.of(
                    field(SYSTEM_USER_ID, FieldType.of(FieldType.Kind.GUID), true, false),
                    field(FULL_NAME, FieldType.string(255), true, false),
                    field(DOMAIN_NAME, FieldType.string(255), false, true),
                    field(OBJECT_ID, FieldType.of(FieldType.Kind.GUID), false, false),
                    field(IS_DISABLED, FieldType.of(FieldType.Kind.BOOLEAN), true, false),
                    field(ACCESS_MODE, FieldType.of(FieldType.Kind.INT32), true, false),
                    field(BUSINESS_UNIT_VALUE, FieldType.of(FieldType.Kind.GUID), true, false)));

    public static final EntityDefinition BUSINESS_UNITS = entity(
            "businessunit",
            "businessunits",
            "Business units",
            BUSINESS_UNIT_ID,
            List.of(
                    field(BUSINESS_UNIT_ID, FieldType.of(FieldType.Kind.GUID), true, false),
                    field(NAME, FieldType.string(255), true, false),
                    field(PARENT_VALUE, FieldType.of(FieldType.Kind.GUID), false, false)));

    public static final EntityDefinition TEAMS = entity(
            "team",
            "teams",
            "Teams",
            TEAM_ID,
            List.of(
                    field(TEAM_ID, FieldType.of(FieldType.Kind.GUID), true, false),
                    field(NAME, FieldType.string(255), true, false),
                    field(TEAM_TYPE, FieldType.of(FieldType.Kind.INT32), true, true),
                    field(OBJECT_ID, FieldType.of(FieldType.Kind.GUID), false, true),
                    field(BUSINESS_UNIT_VALUE, FieldType.of(FieldType.Kind.GUID), true, false)));

    public static final EntityDefinition ROLES = entity(
            "role",
            "roles",
            "Security roles",
            ROLE_ID,
            List.of(
                    field(ROLE_ID, FieldType.of(FieldType.Kind.GUID), true, true),
                    field(NAME, FieldType.string(255), true, false),
                    field(BUSINESS_UNIT_VALUE, FieldType.of(FieldType.Kind.GUID), true, true),
                    field(PARENT_ROOT_ROLE_VALUE, FieldType.of(FieldType.Kind.GUID), true, true)));

    /** The privileges roles can hold (read-only; see {@link RolePrivileges}). */
    public static final EntityDefinition PRIVILEGES = entity(
            "privilege",
            "privileges",
            "Privileges",
            PRIVILEGE_ID,
            List.of(
                    field(PRIVILEGE_ID, FieldType.of(FieldType.Kind.GUID), true, true),
                    field(NAME, FieldType.string(255), true, true),
                    field(ACCESS_RIGHT, FieldType.of(FieldType.Kind.INT32), true, true),
                    field(CAN_BE_BASIC, FieldType.of(FieldType.Kind.BOOLEAN), true, true),
                    field(CAN_BE_LOCAL, FieldType.of(FieldType.Kind.BOOLEAN), true, true),
                    field(CAN_BE_DEEP, FieldType.of(FieldType.Kind.BOOLEAN), true, true),
                    field(CAN_BE_GLOBAL, FieldType.of(FieldType.Kind.BOOLEAN), true, true)));

    /**
     * The collection-valued navigation properties of the many-to-many associations, per set: name →
     * target set. Each has a partner of the same name on the target, as in Dataverse.
     */
    public static final Map<String, Map<String, String>> ASSOCIATIONS = Map.of(
            "systemusers",
            Map.of("systemuserroles_association", "roles", "teammembership_association", "teams"),
            "teams",
            Map.of("teamroles_association", "roles", "teammembership_association", "systemusers"),
            "roles",
            Map.of(
                    "systemuserroles_association",
                    "systemusers",
                    "teamroles_association",
                    "teams",
                    ROLE_PRIVILEGES,
                    "privileges"),
            "businessunits",
            Map.of(),
            "privileges",
            Map.of(ROLE_PRIVILEGES, "roles"));

    /** All five, in the order of $metadata. */
    public static final List<EntityDefinition> ALL = List.of(SYSTEM_USERS, BUSINESS_UNITS, TEAMS, ROLES, PRIVILEGES);

    private AdministrationEntitySets() {}

    public static Optional<EntityDefinition> byEntitySet(String entitySetName) {
        return ALL.stream()
                .filter(entity -> entity.entitySetName().equals(entitySetName))
                .findFirst();
    }

    public static boolean isAdministrationSet(EntityDefinition entity) {
        return ALL.stream().anyMatch(set -> set == entity); // identity: the sets are these constants
    }

    /** The association navigation properties of an administration set (none for any other entity), sorted by name. */
    static List<CsdlNavigationProperty> navigationProperties(EntityDefinition entity, String namespace) {
        if (!isAdministrationSet(entity)) {
            return List.of();
        }
        return ASSOCIATIONS.get(entity.entitySetName()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(association -> new CsdlNavigationProperty()
                        .setName(association.getKey())
                        .setType(new FullQualifiedName(
                                namespace,
                                byEntitySet(association.getValue())
                                        .orElseThrow()
                                        .logicalName()))
                        .setCollection(true)
                        .setPartner(association.getKey()))
                .toList();
    }

    /** The bindings of {@link #navigationProperties}. */
    static List<CsdlNavigationPropertyBinding> navigationPropertyBindings(EntityDefinition entity) {
        if (!isAdministrationSet(entity)) {
            return List.of();
        }
        return ASSOCIATIONS.get(entity.entitySetName()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(association -> new CsdlNavigationPropertyBinding()
                        .setPath(association.getKey())
                        .setTarget(association.getValue()))
                .toList();
    }

    /** The rows of one set, by property name, from the security data. */
    public static List<Map<String, Object>> rows(EntityDefinition entity, SecurityDocument document) {
        if (entity == SYSTEM_USERS) {
            return document.users().stream().map(user -> row(document, user)).toList();
        }
        if (entity == BUSINESS_UNITS) {
            return document.businessUnits().stream()
                    .map(unit -> row(document, unit))
                    .toList();
        }
        if (entity == TEAMS) {
            return document.teams().stream().map(team -> row(document, team)).toList();
        }
        if (entity == ROLES) {
            return SecurityAdministration.roleCopies(document).stream()
                    .map(copy -> row(document, copy))
                    .toList();
        }
        if (entity == PRIVILEGES) {
            throw new IllegalArgumentException("the privileges come from the catalog: RolePrivileges.rows");
        }
        throw new IllegalArgumentException("not an administration set: " + entity.entitySetName());
    }

    public static Map<String, Object> row(SecurityDocument document, User user) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SYSTEM_USER_ID, user.id());
        row.put(FULL_NAME, user.name());
        row.put(DOMAIN_NAME, null);
        row.put(OBJECT_ID, user.entraObjectId().orElse(null));
        row.put(IS_DISABLED, !user.enabled());
        row.put(ACCESS_MODE, ACCESS_MODES.get(user.accessMode()));
        row.put(
                BUSINESS_UNIT_VALUE,
                user.businessUnit().map(name -> unitId(document, name)).orElse(null));
        return row;
    }

    public static Map<String, Object> row(SecurityDocument document, BusinessUnit unit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(BUSINESS_UNIT_ID, unit.id());
        row.put(NAME, unit.name());
        row.put(PARENT_VALUE, unit.parent().map(name -> unitId(document, name)).orElse(null));
        return row;
    }

    public static Map<String, Object> row(SecurityDocument document, Team team) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(TEAM_ID, team.id());
        row.put(NAME, team.name());
        row.put(TEAM_TYPE, OWNER_TEAM);
        row.put(OBJECT_ID, null);
        row.put(BUSINESS_UNIT_VALUE, unitId(document, team.businessUnit()));
        return row;
    }

    /** The root copy of a role (the root business unit's, which gives the role in the holder's own unit). */
    public static Map<String, Object> row(SecurityDocument document, Role role) {
        return row(document, new SecurityAdministration.RoleCopy(role, Optional.empty()));
    }

    /**
     * One business unit's copy of a role (Dataverse's modern business units): the root copy keeps the
     * id {@code roleId(name)}; every other unit's copy has its own derived id and that unit as
     * {@code _businessunitid_value}; {@code _parentrootroleid_value} is the root copy's id for all.
     */
    public static Map<String, Object> row(SecurityDocument document, SecurityAdministration.RoleCopy copy) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(ROLE_ID, copy.id());
        row.put(NAME, copy.role().name());
        row.put(BUSINESS_UNIT_VALUE, copy.unit().map(BusinessUnit::id).orElseGet(() -> document.businessUnits().stream()
                .filter(unit -> unit.parent().isEmpty())
                .map(BusinessUnit::id)
                .findFirst()
                .orElse(null)));
        row.put(
                PARENT_ROOT_ROLE_VALUE,
                SecurityAdministration.roleId(copy.role().name()));
        return row;
    }

    private static UUID unitId(SecurityDocument document, String name) {
        return document.businessUnits().stream()
                .filter(unit -> unit.name().equals(name))
                .map(BusinessUnit::id)
                .findFirst()
                .orElse(null);
    }

    private static EntityDefinition entity(
            String logicalName, String entitySetName, String label, String key, List<FieldDefinition> fields) {
        return EntityDefinition.builder(
                        logicalName,
                        entitySetName,
                        new TableName(Optional.empty(), "(security store: " + entitySetName + ")"),
                        key)
                .labels(Map.of("en-US", label))
                .fields(fields)
                .build()
                .ownedByTheGateway();
    }

    private static FieldDefinition field(String name, FieldType type, boolean required, boolean readOnly) {
        return new FieldDefinition(name, name, type, required, readOnly, Map.of());
    }
}
