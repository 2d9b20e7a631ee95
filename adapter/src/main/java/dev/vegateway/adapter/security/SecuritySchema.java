package dev.vegateway.adapter.security;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The database schema that holds the security data (SPEC 5), shared by all gateway nodes. The
 * DDL is portable SQL that H2 2.3 and PostgreSQL 17 both run unchanged: {@code UUID},
 * {@code VARCHAR}, {@code BOOLEAN}, {@code INTEGER}, {@code BIGINT} and
 * {@code TIMESTAMP WITH TIME ZONE} columns, primary, unique, foreign-key and {@code CHECK}
 * constraints, {@code IF NOT EXISTS} everywhere, no sequences or identity columns.
 * The schema name comes from configuration; it is validated and always double-quoted, table
 * names are constants of this class.
 *
 * <p>Every table has a {@code sort_order} column so that an export lists everything in the order
 * it was imported. Enum values are stored as their Java names ({@code READ_WRITE}, {@code GLOBAL}).
 */
public final class SecuritySchema {
    public static final String DEFAULT_NAME = "vegateway_security";

    /** The tables, parents before children. */
    public static final List<String> TABLES = List.of(
            "business_units",
            "companies",
            "roles",
            "role_privileges",
            "role_actions",
            "role_row_filters",
            "role_field_security",
            "users",
            "user_attributes",
            "teams",
            "team_members",
            "applications",
            "role_assignments",
            "role_assignment_companies",
            "portal_mappings",
            "portal_anonymous_user");

    /**
     * The tables an import leaves as they are: the audit of the portal mapping changes made
     * through the API, and the single-row counter that every change of the security data bumps in
     * its own transaction, so that every node can tell cheaply that its caches are out of date.
     */
    public static final List<String> KEPT_TABLES = List.of(
            "portal_mapping_audit",
            "security_version",
            "directory_users",
            "directory_groups",
            "directory_group_members",
            "catalog_visibility",
            "catalog_audit",
            "catalog_version",
            "security_change_audit",
            "group_claim_members",
            "first_access_audit",
            "group_claim_removals");

    /** The check of {@code applications.kind}, named so that a later kind can replace it. */
    static final String APPLICATION_KIND_CHECK = "applications_kind_check";

    private static final String APPLICATION_KINDS = "('DATAVERSE', 'PORTAL', 'PROVISIONING')";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String DEPTHS = "('NONE', 'BASIC', 'LOCAL', 'DEEP', 'GLOBAL')";

    private final String name;

    /**
     * @param name a letter or underscore followed by letters, digits or underscores, at most 63
     *     characters (PostgreSQL's limit); case is kept, since the name is always quoted
     */
    public SecuritySchema(String name) {
        requireNonNull(name, "name is null");
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "security schema name must be a letter or underscore followed by letters, "
                            + "digits or underscores, at most 63 characters, was '" + name + "'");
        }
        this.name = name;
    }

    public static SecuritySchema defaultSchema() {
        return new SecuritySchema(DEFAULT_NAME);
    }

    public String name() {
        return name;
    }

    /** A table of this schema, qualified: {@code "vegateway_security".users}. */
    String table(String table) {
        if (!TABLES.contains(table) && !KEPT_TABLES.contains(table)) {
            throw new IllegalArgumentException("not a security table: " + table);
        }
        return quotedName() + "." + table;
    }

    private String quotedName() {
        return "\"" + name + "\"";
    }

    /** The statements {@link #createIfMissing} runs, in order. */
    public List<String> statements() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + quotedName(),
                "CREATE TABLE IF NOT EXISTS " + table("business_units") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "name VARCHAR(255) NOT NULL UNIQUE, "
                        + "parent_id UUID REFERENCES " + table("business_units") + " (id), "
                        + "sort_order INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("companies") + " ("
                        + "code VARCHAR(255) NOT NULL PRIMARY KEY, "
                        + "sort_order INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("roles") + " ("
                        + "name VARCHAR(255) NOT NULL PRIMARY KEY, "
                        + "sort_order INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("role_privileges") + " ("
                        + "role_name VARCHAR(255) NOT NULL REFERENCES " + table("roles") + " (name), "
                        + "entity_name VARCHAR(255) NOT NULL, "
                        + "create_depth VARCHAR(10) NOT NULL CHECK (create_depth IN " + DEPTHS + "), "
                        + "read_depth VARCHAR(10) NOT NULL CHECK (read_depth IN " + DEPTHS + "), "
                        + "write_depth VARCHAR(10) NOT NULL CHECK (write_depth IN " + DEPTHS + "), "
                        + "delete_depth VARCHAR(10) NOT NULL CHECK (delete_depth IN " + DEPTHS + "), "
                        + "append_depth VARCHAR(10) NOT NULL CHECK (append_depth IN " + DEPTHS + "), "
                        + "append_to_depth VARCHAR(10) NOT NULL CHECK (append_to_depth IN " + DEPTHS + "), "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (role_name, entity_name))",
                "CREATE TABLE IF NOT EXISTS " + table("role_actions") + " ("
                        + "role_name VARCHAR(255) NOT NULL REFERENCES " + table("roles") + " (name), "
                        + "action_name VARCHAR(255) NOT NULL, "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (role_name, action_name))",
                "CREATE TABLE IF NOT EXISTS " + table("role_row_filters") + " ("
                        + "role_name VARCHAR(255) NOT NULL REFERENCES " + table("roles") + " (name), "
                        + "entity_name VARCHAR(255) NOT NULL, "
                        + "filter_text VARCHAR NOT NULL, "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (role_name, entity_name))",
                "CREATE TABLE IF NOT EXISTS " + table("role_field_security") + " ("
                        + "role_name VARCHAR(255) NOT NULL REFERENCES " + table("roles") + " (name), "
                        + "entity_name VARCHAR(255) NOT NULL, "
                        + "field_name VARCHAR(255) NOT NULL, "
                        + "can_read BOOLEAN NOT NULL, "
                        + "can_create BOOLEAN, "
                        + "can_update BOOLEAN NOT NULL, "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (role_name, entity_name, field_name))",
                // Schemas created before field rules had a create flag lack it; null reads as can_update.
                "ALTER TABLE " + table("role_field_security") + " ADD COLUMN IF NOT EXISTS can_create BOOLEAN",
                "CREATE TABLE IF NOT EXISTS " + table("users") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "name VARCHAR(255) NOT NULL, "
                        + "entra_object_id UUID UNIQUE, "
                        + "enabled BOOLEAN NOT NULL, "
                        + "access_mode VARCHAR(20) NOT NULL CHECK (access_mode IN ('READ_WRITE', 'ADMINISTRATIVE', 'NON_INTERACTIVE')), "
                        + "kind VARCHAR(20) NOT NULL CHECK (kind IN ('PERSON', 'STUB', 'APPLICATION')), "
                        + "business_unit_id UUID REFERENCES " + table("business_units") + " (id), "
                        + "sort_order INTEGER NOT NULL, "
                        + "CHECK (kind <> 'PERSON' OR business_unit_id IS NOT NULL))",
                "CREATE TABLE IF NOT EXISTS " + table("user_attributes") + " ("
                        + "user_id UUID NOT NULL REFERENCES " + table("users") + " (id), "
                        + "attribute_name VARCHAR(255) NOT NULL, "
                        + "attribute_value VARCHAR NOT NULL, "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (user_id, attribute_name))",
                "CREATE TABLE IF NOT EXISTS " + table("teams") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "name VARCHAR(255) NOT NULL UNIQUE, "
                        + "business_unit_id UUID NOT NULL REFERENCES " + table("business_units") + " (id), "
                        + "sort_order INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("team_members") + " ("
                        + "team_id UUID NOT NULL REFERENCES " + table("teams") + " (id), "
                        + "user_id UUID NOT NULL REFERENCES " + table("users") + " (id), "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (team_id, user_id))",
                "CREATE TABLE IF NOT EXISTS " + table("applications") + " ("
                        + "app_id VARCHAR(255) NOT NULL PRIMARY KEY, "
                        + "user_id UUID NOT NULL UNIQUE REFERENCES " + table("users") + " (id), "
                        + "kind VARCHAR(20) NOT NULL, "
                        + "sort_order INTEGER NOT NULL, "
                        + "CONSTRAINT " + APPLICATION_KIND_CHECK + " CHECK (kind IN " + APPLICATION_KINDS + "))",
                "CREATE TABLE IF NOT EXISTS " + table("role_assignments") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "role_name VARCHAR(255) NOT NULL REFERENCES " + table("roles") + " (name), "
                        + "user_id UUID REFERENCES " + table("users") + " (id), "
                        + "team_id UUID REFERENCES " + table("teams") + " (id), "
                        + "sort_order INTEGER NOT NULL, "
                        + "CHECK ((user_id IS NOT NULL AND team_id IS NULL) OR (user_id IS NULL AND team_id IS NOT NULL)))",
                "CREATE TABLE IF NOT EXISTS " + table("role_assignment_companies") + " ("
                        + "assignment_id UUID NOT NULL REFERENCES " + table("role_assignments") + " (id), "
                        + "company_code VARCHAR(255) NOT NULL REFERENCES " + table("companies") + " (code), "
                        + "sort_order INTEGER NOT NULL, "
                        + "PRIMARY KEY (assignment_id, company_code))",
                "CREATE TABLE IF NOT EXISTS " + table("portal_mappings") + " ("
                        + "contact_id UUID NOT NULL PRIMARY KEY, "
                        + "user_id UUID NOT NULL REFERENCES " + table("users") + " (id), "
                        + "company_code VARCHAR(255) REFERENCES " + table("companies") + " (code), "
                        + "sort_order INTEGER NOT NULL, "
                        + "modified_at TIMESTAMP WITH TIME ZONE, "
                        + "modified_by VARCHAR(255))",
                // Schemas created before the mappings were editable through the API lack these two columns.
                "ALTER TABLE " + table("portal_mappings")
                        + " ADD COLUMN IF NOT EXISTS modified_at TIMESTAMP WITH TIME ZONE",
                "ALTER TABLE " + table("portal_mappings") + " ADD COLUMN IF NOT EXISTS modified_by VARCHAR(255)",
                "CREATE TABLE IF NOT EXISTS " + table("portal_anonymous_user") + " ("
                        + "singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1), "
                        + "user_id UUID NOT NULL REFERENCES " + table("users") + " (id))",
                // No foreign keys: the audit outlives the users, contacts and imports it mentions.
                "CREATE TABLE IF NOT EXISTS " + table("portal_mapping_audit") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "changed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "changed_by UUID NOT NULL, "
                        + "application_id VARCHAR(255) NOT NULL, "
                        + "operation VARCHAR(10) NOT NULL CHECK (operation IN ('CREATE', 'UPDATE', 'DELETE')), "
                        + "contact_id UUID NOT NULL, "
                        + "before_value VARCHAR, "
                        + "after_value VARCHAR, "
                        + "CHECK (operation = 'CREATE' OR before_value IS NOT NULL), "
                        + "CHECK (operation = 'DELETE' OR after_value IS NOT NULL))",
                // Directory provisioning (SCIM): what the directory says of the users and groups it provisioned. No
                // foreign keys: kept across imports; rows of users or teams an import removed are ignored, then
                // dropped.
                "CREATE TABLE IF NOT EXISTS " + table("directory_users") + " ("
                        + "user_id UUID NOT NULL PRIMARY KEY, "
                        + "user_name VARCHAR(255) NOT NULL, "
                        + "user_name_key VARCHAR(255) NOT NULL UNIQUE, "
                        + "active BOOLEAN NOT NULL, "
                        + "deleted BOOLEAN NOT NULL, "
                        + "display_name VARCHAR(255), "
                        + "given_name VARCHAR(255), "
                        + "family_name VARCHAR(255), "
                        + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "modified_at TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("directory_groups") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "display_name VARCHAR(255) NOT NULL UNIQUE, "
                        + "external_id VARCHAR(255), "
                        + "team_id UUID NOT NULL UNIQUE, "
                        + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "modified_at TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("directory_group_members") + " ("
                        + "group_id UUID NOT NULL, "
                        + "user_id UUID NOT NULL, "
                        + "PRIMARY KEY (group_id, user_id))",
                "CREATE INDEX IF NOT EXISTS directory_group_members_user_idx ON " + table("directory_group_members")
                        + " (user_id)",
                // Changes made through the administration sets (systemusers, teams, ...); no foreign keys, kept across
                // imports like the portal mapping audit.
                "CREATE TABLE IF NOT EXISTS " + table("security_change_audit") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "changed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "changed_by UUID NOT NULL, "
                        + "application_id VARCHAR(255) NOT NULL, "
                        + "operation VARCHAR(20) NOT NULL, "
                        + "record_type VARCHAR(64) NOT NULL, "
                        + "record_id VARCHAR(255) NOT NULL, "
                        + "before_value VARCHAR, "
                        + "after_value VARCHAR)",
                // Group teams, roles applied in another business unit, the groups tokens said a user is in, and the
                // users first access created or enabled (issue 15); the last two are kept across imports.
                "ALTER TABLE " + table("teams") + " ADD COLUMN IF NOT EXISTS group_object_id UUID",
                "ALTER TABLE " + table("teams") + " ADD COLUMN IF NOT EXISTS inheritance VARCHAR(32)",
                "ALTER TABLE " + table("role_assignments") + " ADD COLUMN IF NOT EXISTS business_unit_id UUID",
                "CREATE TABLE IF NOT EXISTS " + table("group_claim_members") + " ("
                        + "user_id UUID NOT NULL, "
                        + "group_object_id UUID NOT NULL, "
                        + "refreshed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "PRIMARY KEY (user_id, group_object_id))",
                // A member removed from a group team's group over SCIM: tokens' groups claims naming that group do not
                // make the user a member again for identity.groupMembershipTtl after the removal (IdentityLifecycle).
                "CREATE TABLE IF NOT EXISTS " + table("group_claim_removals") + " ("
                        + "user_id UUID NOT NULL, "
                        + "group_object_id UUID NOT NULL, "
                        + "removed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "PRIMARY KEY (user_id, group_object_id))",
                "CREATE TABLE IF NOT EXISTS " + table("first_access_audit") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "changed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "user_id UUID NOT NULL, "
                        + "entra_object_id UUID NOT NULL, "
                        + "tenant_id VARCHAR(255), "
                        + "application_id VARCHAR(255) NOT NULL, "
                        + "operation VARCHAR(20) NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("security_version") + " ("
                        + "singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1), "
                        + "version BIGINT NOT NULL)",
                "INSERT INTO " + table("security_version")
                        + " (singleton, version) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM "
                        + table("security_version") + ")",
                "CREATE INDEX IF NOT EXISTS role_assignments_user_idx ON " + table("role_assignments") + " (user_id)",
                "CREATE INDEX IF NOT EXISTS role_assignments_team_idx ON " + table("role_assignments") + " (team_id)",
                "CREATE INDEX IF NOT EXISTS team_members_user_idx ON " + table("team_members") + " (user_id)",
                "CREATE INDEX IF NOT EXISTS portal_mapping_audit_contact_idx ON " + table("portal_mapping_audit")
                        + " (contact_id)",
                // Live catalog changes (CatalogVisibility): the entities an administrator hid or showed through the
                // catalog set, their audit, and the counter every such change bumps. No foreign keys: entities are
                // the catalog file's, not the security data's.
                "CREATE TABLE IF NOT EXISTS " + table("catalog_visibility") + " ("
                        + "entity_name VARCHAR(255) NOT NULL PRIMARY KEY, "
                        + "visible BOOLEAN NOT NULL, "
                        + "changed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "changed_by UUID NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("catalog_audit") + " ("
                        + "id UUID NOT NULL PRIMARY KEY, "
                        + "changed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "changed_by UUID NOT NULL, "
                        + "application_id VARCHAR(255) NOT NULL, "
                        + "entity_name VARCHAR(255) NOT NULL, "
                        + "operation VARCHAR(10) NOT NULL CHECK (operation IN ('HIDE', 'SHOW')), "
                        + "visible_before BOOLEAN NOT NULL, "
                        + "visible_after BOOLEAN NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + table("catalog_version") + " ("
                        + "singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1), "
                        + "version BIGINT NOT NULL)",
                "INSERT INTO " + table("catalog_version")
                        + " (singleton, version) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM "
                        + table("catalog_version") + ")",
                // a user's manager (no foreign key: an import writes the users in one batch) and language (an LCID)
                "ALTER TABLE " + table("users") + " ADD COLUMN IF NOT EXISTS manager_id UUID",
                "ALTER TABLE " + table("users") + " ADD COLUMN IF NOT EXISTS language_code INTEGER",
                "ALTER TABLE " + table("users") + " ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64)",
                "CREATE INDEX IF NOT EXISTS users_manager_idx ON " + table("users") + " (manager_id)");
    }

    /**
     * A schema created before provisioning applications existed checks {@code applications.kind}
     * against the first two kinds under a name the database chose: that check is replaced by
     * {@link #APPLICATION_KIND_CHECK}.
     */
    private void allowProvisioningApplications(Connection connection, Statement statement) throws SQLException {
        List<String> outdated = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement select = connection.prepareStatement("SELECT tc.constraint_name"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.check_constraints cc"
                + " ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name"
                + " WHERE tc.table_schema = ? AND tc.table_name = 'applications' AND tc.constraint_type = 'CHECK'"
                + " AND cc.check_clause LIKE '%PORTAL%' AND cc.check_clause NOT LIKE '%PROVISIONING%'")) {
            select.setString(1, name);
            try (java.sql.ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    outdated.add(rows.getString(1));
                }
            }
        }
        for (String constraint : outdated) {
            statement.execute("ALTER TABLE " + table("applications") + " DROP CONSTRAINT \""
                    + constraint.replace("\"", "\"\"") + "\"");
        }
        if (!outdated.isEmpty()) {
            statement.execute("ALTER TABLE " + table("applications") + " ADD CONSTRAINT " + APPLICATION_KIND_CHECK
                    + " CHECK (kind IN " + APPLICATION_KINDS + ")");
        }
    }

    /**
     * Creates the schema, tables, columns and indexes that do not exist yet, and the version
     * counter's row; existing ones are left as they are.
     */
    public void createIfMissing(DataSource dataSource) {
        requireNonNull(dataSource, "dataSource is null");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
            allowProvisioningApplications(connection, statement);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw SecurityStoreFailures.failure("create the security schema " + quotedName(), e);
        }
    }
}
