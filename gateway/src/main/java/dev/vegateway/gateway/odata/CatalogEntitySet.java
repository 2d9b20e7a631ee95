package dev.vegateway.gateway.odata;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The built-in catalog entity set {@code mserp_financeandoperationsentities} (SPEC 7): one row
 * per catalog entity, served from memory. Its definition is a catalog entity like any other,
 * so the EDM and the serializer treat it uniformly.
 */
public final class CatalogEntitySet {
    public static final String LOGICAL_NAME = "mserp_financeandoperationsentity";
    public static final String ENTITY_SET_NAME = "mserp_financeandoperationsentities";

    public static final EntityDefinition DEFINITION = EntityDefinition.builder(
                    LOGICAL_NAME,
                    ENTITY_SET_NAME,
                    new TableName(Optional.empty(), "(catalog)"),
                    "mserp_financeandoperationsentityid")
            .labels(Map.of("en-US", "Finance and Operations entities"))
            .fields(List.of(
                    field("mserp_financeandoperationsentityid", FieldType.of(FieldType.Kind.GUID), true),
                    field("mserp_physicalname", FieldType.string(255), true),
                    field("mserp_logicalname", FieldType.string(128), true),
                    field("mserp_entitysetname", FieldType.string(128), true),
                    field("mserp_label", FieldType.string(255), false),
                    field("mserp_hasbeengenerated", FieldType.of(FieldType.Kind.BOOLEAN), true),
                    field("mserp_refresh", FieldType.of(FieldType.Kind.BOOLEAN), true),
                    field("mserp_changetrackingenabled", FieldType.of(FieldType.Kind.BOOLEAN), true)))
            .build();

    private CatalogEntitySet() {}

    private static FieldDefinition field(String name, FieldType type, boolean required) {
        return new FieldDefinition(name, name, type, required, true, Map.of());
    }

    /** The row describing one catalog entity, keyed by a GUID derived from its logical name (stable across nodes and restarts). */
    public static Map<String, Object> row(EntityDefinition entity) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(
                "mserp_financeandoperationsentityid",
                UUID.nameUUIDFromBytes(("catalog:" + entity.logicalName()).getBytes(UTF_8)));
        row.put("mserp_physicalname", entity.table().toString());
        row.put("mserp_logicalname", entity.logicalName());
        row.put("mserp_entitysetname", entity.entitySetName());
        row.put("mserp_label", entity.label("en-US"));
        row.put("mserp_hasbeengenerated", entity.visible());
        row.put("mserp_refresh", false);
        row.put("mserp_changetrackingenabled", entity.changeTracking());
        return row;
    }
}
