package dev.vegateway.adapter.security;

/**
 * The names under which the API exposes the portal mapping table (SPEC 5): the entity set the
 * gateway serves from {@link SecurityStore}, whose validation messages and audit values name
 * these properties.
 */
public final class PortalMappingNames {
    public static final String LOGICAL_NAME = "msdyn_externalportalusermapping";
    public static final String ENTITY_SET_NAME = "msdyn_externalportalusermappings";
    /** The key: the contact id again, so that a contact's mapping is addressed by the contact. */
    public static final String ID = "msdyn_externalportalusermappingid";

    public static final String CONTACT_ID = "msdyn_contactid";
    public static final String USER_ID = "msdyn_userid";
    public static final String COMPANY = "msdyn_company";
    public static final String MODIFIED_ON = "msdyn_modifiedon";
    public static final String MODIFIED_BY = "msdyn_modifiedby";

    /** Company codes are at most this long (F&O's DataAreaId). */
    public static final int COMPANY_MAX_LENGTH = 4;

    private PortalMappingNames() {}
}
