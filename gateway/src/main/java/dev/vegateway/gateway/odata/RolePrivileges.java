package dev.vegateway.gateway.odata;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The records of the read-only {@code privileges} set (issue 15): one per catalog entity and access
 * right the gateway's security model enforces (Create, Read, Write, Delete, Append, AppendTo), named
 * as Dataverse names them ({@code prvRead<entity logical name>}), with an id derived from the name,
 * {@code UUID.nameUUIDFromBytes(("privilege:" + name).getBytes(UTF_8))}, so that it is the same on
 * every node and after every restart. Assign and Share are not listed: the gateway has no sharing.
 */
public final class RolePrivileges {
    /** One privilege: its id and name, and the entity and access right it stands for. */
    public record Definition(UUID id, String name, EntityDefinition entity, Privilege privilege) {
        public Definition {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(entity, "entity is null");
            requireNonNull(privilege, "privilege is null");
        }
    }

    /** Dataverse's {@code accessright} values of the privileges the gateway knows. */
    private static final Map<Privilege, Integer> ACCESS_RIGHTS = accessRights();

    private RolePrivileges() {}

    private static Map<Privilege, Integer> accessRights() {
        Map<Privilege, Integer> rights = new EnumMap<>(Privilege.class);
        for (Privilege privilege : Privilege.values()) {
            rights.put(
                    privilege,
                    switch (privilege) {
                        case READ -> 1;
                        case WRITE -> 2;
                        case APPEND -> 4;
                        case APPEND_TO -> 16;
                        case CREATE -> 32;
                        case DELETE -> 65536;
                    });
        }
        return rights;
    }

    /** {@code Create}, {@code Read}, ..., {@code AppendTo}: the word in a privilege's name. */
    public static String right(Privilege privilege) {
        return dev.vegateway.adapter.service.AccessScopes.name(privilege);
    }

    public static String name(String entityLogicalName, Privilege privilege) {
        return "prv" + right(privilege) + entityLogicalName;
    }

    public static UUID id(String name) {
        return UUID.nameUUIDFromBytes(("privilege:" + requireNonNull(name, "name is null")).getBytes(UTF_8));
    }

    public static UUID id(String entityLogicalName, Privilege privilege) {
        return id(name(entityLogicalName, privilege));
    }

    /** Every privilege of the catalog's entities (the gateway's own sets have none), entity by entity. */
    public static List<Definition> all(Catalog catalog) {
        List<Definition> all = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            if (entity.origin() == EntityDefinition.Origin.GATEWAY) {
                continue;
            }
            for (Privilege privilege : Privilege.values()) {
                String name = name(entity.logicalName(), privilege);
                all.add(new Definition(id(name), name, entity, privilege));
            }
        }
        return all;
    }

    public static Optional<Definition> byId(Catalog catalog, UUID id) {
        return all(catalog).stream().filter(each -> each.id().equals(id)).findFirst();
    }

    /** The {@code privileges} record of one privilege. */
    public static Map<String, Object> row(Definition definition) {
        boolean owned = definition.entity().ownerField().isPresent();
        boolean unitScoped = owned || definition.entity().businessUnitField().isPresent();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(AdministrationEntitySets.PRIVILEGE_ID, definition.id());
        row.put(AdministrationEntitySets.NAME, definition.name());
        row.put(AdministrationEntitySets.ACCESS_RIGHT, ACCESS_RIGHTS.get(definition.privilege()));
        row.put(AdministrationEntitySets.CAN_BE_BASIC, owned);
        row.put(AdministrationEntitySets.CAN_BE_LOCAL, unitScoped);
        row.put(AdministrationEntitySets.CAN_BE_DEEP, unitScoped);
        row.put(AdministrationEntitySets.CAN_BE_GLOBAL, true);
        return row;
    }

    public static List<Map<String, Object>> rows(Catalog catalog) {
        return all(catalog).stream().map(RolePrivileges::row).toList();
    }
}
