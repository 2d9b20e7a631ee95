package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.security.PortalMappingAuditEntry;
import dev.vegateway.adapter.security.PortalMappingNames;
import dev.vegateway.adapter.security.StoredPortalMapping;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in entity sets of the portal mapping table (SPEC 5): the mappings themselves
 * ({@code msdyn_externalportalusermappings}, keyed by the contact id, readable and writable by
 * System and Security administrators only) and the audit of their changes
 * ({@code msdyn_externalportalusermappingaudits}, read-only). Served from the security store, not
 * from backend tables; their definitions are catalog entities like any other, so the EDM and the
 * serializer treat them uniformly.
 */
public final class PortalMappingEntitySets {
    public static final String AUDIT_LOGICAL_NAME = "msdyn_externalportalusermappingaudit";
    public static final String AUDIT_ENTITY_SET_NAME = "msdyn_externalportalusermappingaudits";
    public static final String AUDIT_ID = "msdyn_externalportalusermappingauditid";
    public static final String AUDIT_CHANGED_ON = "msdyn_changedon";
    public static final String AUDIT_CHANGED_BY = "msdyn_changedby";
    public static final String AUDIT_APPLICATION_ID = "msdyn_applicationid";
    public static final String AUDIT_OPERATION = "msdyn_operation";
    public static final String AUDIT_CONTACT_ID = "msdyn_contactid";
    public static final String AUDIT_BEFORE = "msdyn_before";
    public static final String AUDIT_AFTER = "msdyn_after";

    public static final EntityDefinition MAPPINGS = EntityDefinition.builder(
                    PortalMappingNames.LOGICAL_NAME,
                    PortalMappingNames.ENTITY_SET_NAME,
                    new TableName(Optional.empty(), "(security store: portal_mappings)"),
                    PortalMappingNames.ID)
            .labels(Map.of("en-US", "External portal user mappings"))
            .fields(List.of(
                    field(PortalMappingNames.ID, "contact_id", FieldType.of(FieldType.Kind.GUID), true, false),
                    field(PortalMappingNames.CONTACT_ID, "contact_id", FieldType.of(FieldType.Kind.GUID), true, false),
                    field(PortalMappingNames.USER_ID, "user_id", FieldType.of(FieldType.Kind.GUID), true, false),
                    field(
                            PortalMappingNames.COMPANY,
                            "company_code",
                            FieldType.string(PortalMappingNames.COMPANY_MAX_LENGTH),
                            false,
                            false),
                    field(
                            PortalMappingNames.MODIFIED_ON,
                            "modified_at",
                            FieldType.of(FieldType.Kind.DATE_TIME_OFFSET),
                            false,
                            true),
                    field(PortalMappingNames.MODIFIED_BY, "modified_by", FieldType.string(255), false, true)))
            .build()
            .ownedByTheGateway();

    public static final EntityDefinition AUDIT = EntityDefinition.builder(
                    AUDIT_LOGICAL_NAME,
                    AUDIT_ENTITY_SET_NAME,
                    new TableName(Optional.empty(), "(security store: portal_mapping_audit)"),
                    AUDIT_ID)
            .labels(Map.of("en-US", "External portal user mapping changes"))
            .fields(List.of(
                    field(AUDIT_ID, "id", FieldType.of(FieldType.Kind.GUID), true, true),
                    field(AUDIT_CHANGED_ON, "changed_at", FieldType.of(FieldType.Kind.DATE_TIME_OFFSET), true, true),
                    field(AUDIT_CHANGED_BY, "changed_by", FieldType.of(FieldType.Kind.GUID), true, true),
                    field(AUDIT_APPLICATION_ID, "application_id", FieldType.string(255), true, true),
                    field(AUDIT_OPERATION, "operation", FieldType.string(10), true, true),
                    field(AUDIT_CONTACT_ID, "contact_id", FieldType.of(FieldType.Kind.GUID), true, true),
                    field(AUDIT_BEFORE, "before_value", FieldType.of(FieldType.Kind.STRING), false, true),
                    field(AUDIT_AFTER, "after_value", FieldType.of(FieldType.Kind.STRING), false, true)))
            .build()
            .ownedByTheGateway();

    /** Both, in the order of $metadata. */
    public static final List<EntityDefinition> ALL = List.of(MAPPINGS, AUDIT);

    private PortalMappingEntitySets() {}

    public static Optional<EntityDefinition> byEntitySet(String entitySetName) {
        return ALL.stream()
                .filter(entity -> entity.entitySetName().equals(entitySetName))
                .findFirst();
    }

    public static boolean isPortalMappingSet(EntityDefinition entity) {
        return entity == MAPPINGS || entity == AUDIT; // identity: the sets are these constants
    }

    /** The row of one mapping, by property name; the key is the contact id. */
    public static Map<String, Object> row(StoredPortalMapping stored) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(PortalMappingNames.ID, stored.mapping().contactId());
        row.put(PortalMappingNames.CONTACT_ID, stored.mapping().contactId());
        row.put(PortalMappingNames.USER_ID, stored.mapping().user());
        row.put(PortalMappingNames.COMPANY, stored.mapping().company().orElse(null));
        row.put(PortalMappingNames.MODIFIED_ON, stored.modifiedOn().orElse(null));
        row.put(PortalMappingNames.MODIFIED_BY, stored.modifiedBy().orElse(null));
        return row;
    }

    /** The row of one audited change; the operation in lower case ({@code create}, {@code update}, {@code delete}). */
    public static Map<String, Object> row(PortalMappingAuditEntry entry) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(AUDIT_ID, entry.id());
        row.put(AUDIT_CHANGED_ON, entry.changedAt());
        row.put(AUDIT_CHANGED_BY, entry.changedBy());
        row.put(AUDIT_APPLICATION_ID, entry.applicationId());
        row.put(AUDIT_OPERATION, entry.operation().name().toLowerCase(Locale.ROOT));
        row.put(AUDIT_CONTACT_ID, entry.contactId());
        row.put(AUDIT_BEFORE, entry.before().orElse(null));
        row.put(AUDIT_AFTER, entry.after().orElse(null));
        return row;
    }

    private static FieldDefinition field(
            String name, String column, FieldType type, boolean required, boolean readOnly) {
        return new FieldDefinition(name, column, type, required, readOnly, Map.of());
    }
}
