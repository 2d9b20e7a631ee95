package dev.vegateway.gateway.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.UUID;

/**
 * The identities of the demo security data ({@code demo/security.yaml}): business units, users,
 * applications and portal contacts, with stable ids so that tests and the demo data can refer
 * to them. {@link DemoData} draws the owner and business unit of every owned row from
 * {@link #ROW_OWNERS}.
 *
 * <p>Id patterns: users {@code 00000000-0000-4000-8000-0000000000NN}, their Entra object ids
 * {@code …-0000000001NN}, portal contacts {@code …-0000000002NN}. {@code security.yaml} names
 * business units only by name, so a unit's id is derived from its name:
 * {@code UUID.nameUUIDFromBytes(("businessunit:" + name).getBytes(UTF_8))}.
 */
public final class DemoIdentities {
    /** A business unit of the demo organisation; {@code parent} is empty for the root. */
    public record BusinessUnit(UUID id, String name, String parent) {
        public BusinessUnit {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(parent, "parent is null");
        }
    }

    /** A backend user: {@code id} is the MSCRMCallerID, {@code entraObjectId} the CallerObjectId. */
    public record User(UUID id, String name, UUID entraObjectId, BusinessUnit businessUnit) {
        public User {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(entraObjectId, "entraObjectId is null");
            requireNonNull(businessUnit, "businessUnit is null");
        }
    }

    /** A registered application ({@code appId}: the application id claim of its S2S tokens). */
    public record Application(UUID appId, String name, String kind) {
        public Application {
            requireNonNull(appId, "appId is null");
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
        }
    }

    /** A portal contact and the user it should map to. */
    public record Contact(UUID id, String name, User user) {
        public Contact {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(user, "user is null");
        }
    }

    public static final BusinessUnit CONTOSO = unit("Contoso", "");
    public static final BusinessUnit CONTOSO_US = unit("Contoso US", "Contoso");
    public static final BusinessUnit CONTOSO_EUROPE = unit("Contoso Europe", "Contoso");
    public static final BusinessUnit CONTOSO_GERMANY = unit("Contoso Germany", "Contoso Europe");
    public static final BusinessUnit CONTOSO_UK = unit("Contoso UK", "Contoso Europe");

    /** Role "Sales manager" (all companies): customers, groups, orders, lines, products, legal entities. */
    public static final User ALICE_SALES_MANAGER = user(1, "Alice Sales", CONTOSO);
    /**
     * Role "Sales clerk" restricted to usmf, depth Local: usmf customers and sales orders of
     * {@link #CONTOSO_US}, usmf customer groups; no vendors.
     */
    public static final User BOB_SALES_CLERK = user(2, "Bob Clerk", CONTOSO_US);
    /** Role "AP clerk" restricted to demf: demf vendors of groups 10 and 40 (row filter), legal entities. */
    public static final User CAROL_AP_CLERK = user(3, "Carol Payables", CONTOSO_EUROPE);
    /** No role of his own; member of team "Purchasing team", whose role "Purchasing agent" reads vendors and legal entities. */
    public static final User DAVE_TEAM_MEMBER = user(4, "Dave Teamwork", CONTOSO_UK);
    /** Role "System administrator": everything. */
    public static final User SAM_SYSTEM_ADMINISTRATOR = user(5, "Sam Admin", CONTOSO);
    /** Disabled, although holding "Sales manager": 403. */
    public static final User DORA_DISABLED = user(6, "Dora Disabled", CONTOSO_GERMANY);
    /** Access mode Administrative, although holding "Sales manager": 403. */
    public static final User ADAM_ADMINISTRATIVE = user(7, "Adam Administrative", CONTOSO);
    /** Enabled, Read-Write, but no role at all: 403. */
    public static final User NORA_NO_ROLE = user(8, "Nora Norole", CONTOSO_US);
    /** Mapped from {@link #PAULA_CONTACT}: CDSVirtualEntityAuthorizedPortalUser + "Portal customer" (customers, products). */
    public static final User PAULA_PORTAL = user(9, "Paula Portal", CONTOSO_US);
    /**
     * The anonymous portal user: CDSVirtualEntityAuthorizedPortalUser + "Anonymous visitor":
     * released products whose {@code mserp_isreleased} is true (row filter).
     */
    public static final User ANONYMOUS_PORTAL = user(10, "Anonymous Visitor", CONTOSO);
    /**
     * A portal user who wrongly holds System administrator. {@link #MALLORY_CONTACT} is mapped to
     * her in security.yaml (the import warns); access through the portal fails with 403.
     */
    public static final User MALLORY_PORTAL_ADMINISTRATOR = user(11, "Mallory Portaladmin", CONTOSO_US);
    /** Stub user that only owns rows. */
    public static final User ROW_OWNER_GERMANY = user(12, "Row Owner Germany", CONTOSO_GERMANY);
    /** Stub user that only owns rows. */
    public static final User ROW_OWNER_US = user(13, "Row Owner US", CONTOSO_US);
    /** Role "Customer service Basic": the customers and sales orders she owns. */
    public static final User BEA_BASIC = user(14, "Bea Basic", CONTOSO_EUROPE);
    /** Role "Customer service Local": customers and sales orders of {@link #CONTOSO_EUROPE}. */
    public static final User LEO_LOCAL = user(15, "Leo Local", CONTOSO_EUROPE);
    /** Role "Customer service Deep": customers and sales orders of Contoso Europe, Contoso Germany and Contoso UK. */
    public static final User DEE_DEEP = user(16, "Dee Deep", CONTOSO_EUROPE);
    /** Role "Customer service Global": every customer and sales order. */
    public static final User GIL_GLOBAL = user(17, "Gil Global", CONTOSO_EUROPE);
    /** Role "Sales assistant": customers, groups and orders, but field security hides credit limits. */
    public static final User FIONA_FIELD_SECURITY = user(18, "Fiona Fieldsec", CONTOSO);
    /**
     * "Sales manager" restricted to usmf plus an unrestricted "Customer service Basic": everything
     * of usmf, plus the customers and orders she owns in every company.
     */
    public static final User MIA_MIXED = user(19, "Mia Mixed", CONTOSO_US);
    /**
     * "Sales manager" restricted to usmf plus "Customer service Basic" restricted to demf: all of
     * usmf, only her own demf customers and orders, nothing of gbsi.
     */
    public static final User CORA_COMPANIES = user(20, "Cora Companies", CONTOSO_GERMANY);
    /**
     * "AP clerk" restricted to demf plus "Vendor group lead" (row filter on the attribute
     * {@code vendorGroup} = 30): demf vendors of groups 10 and 40, or vendors of group 30.
     */
    public static final User VINCE_VENDORS = user(21, "Vince Vendors", CONTOSO_GERMANY);
    /** Role "Security administrator" only: may manage the security data, reads no business data. */
    public static final User SID_SECURITY_ADMINISTRATOR = user(22, "Sid Secadmin", CONTOSO);
    /**
     * Access mode Administrative with "Security administrator": administers users, teams, business
     * units and roles through the Dataverse administration sets; reads no business data (403).
     */
    public static final User AVA_ADMINISTRATIVE = user(30, "Ava Useradmin", CONTOSO);
    /**
     * No role and no team of his own: reads what "Sales manager" grants only on calls whose token (issued
     * for him, {@code oid} = his Entra object id) carries {@link #SALES_READERS_GROUP} in its {@code groups}
     * claim, through the group team "Sales readers (directory group)"; refused (no role) otherwise.
     */
    public static final User GUS_GROUP_TEAM = user(40, "Gus Groupteam", CONTOSO_US);
    /** The directory group object id the group team "Sales readers (directory group)" is bound to. */
    public static final UUID SALES_READERS_GROUP = pattern(340);

    public static final Application DATAVERSE_APPLICATION = new Application(
            UUID.fromString("11111111-1111-4111-8111-111111111111"), "Dataverse virtual entities", "dataverse");
    public static final Application PORTAL_APPLICATION =
            new Application(UUID.fromString("22222222-2222-4222-8222-222222222222"), "Customer portal", "portal");
    /** Provisions users and groups over SCIM ({@code /scim/v2}); may call nothing else. */
    public static final Application PROVISIONING_APPLICATION = new Application(
            UUID.fromString("33333333-3333-4333-8333-333333333333"), "Directory provisioning", "provisioning");

    /** Mapped to {@link #PAULA_PORTAL} in company usmf. */
    public static final Contact PAULA_CONTACT = new Contact(pattern(201), "Paula Portal (contact)", PAULA_PORTAL);
    /** Mapped to {@link #MALLORY_PORTAL_ADMINISTRATOR}, who holds System administrator: refused with 403. */
    public static final Contact MALLORY_CONTACT =
            new Contact(pattern(202), "Mallory Portaladmin (contact)", MALLORY_PORTAL_ADMINISTRATOR);

    public static final List<BusinessUnit> BUSINESS_UNITS =
            List.of(CONTOSO, CONTOSO_US, CONTOSO_EUROPE, CONTOSO_GERMANY, CONTOSO_UK);

    public static final List<User> USERS = List.of(
            ALICE_SALES_MANAGER,
            BOB_SALES_CLERK,
            CAROL_AP_CLERK,
            DAVE_TEAM_MEMBER,
            SAM_SYSTEM_ADMINISTRATOR,
            DORA_DISABLED,
            ADAM_ADMINISTRATIVE,
            NORA_NO_ROLE,
            PAULA_PORTAL,
            ANONYMOUS_PORTAL,
            MALLORY_PORTAL_ADMINISTRATOR,
            ROW_OWNER_GERMANY,
            ROW_OWNER_US,
            BEA_BASIC,
            LEO_LOCAL,
            DEE_DEEP,
            GIL_GLOBAL,
            FIONA_FIELD_SECURITY,
            MIA_MIXED,
            CORA_COMPANIES,
            VINCE_VENDORS,
            SID_SECURITY_ADMINISTRATOR,
            AVA_ADMINISTRATIVE,
            GUS_GROUP_TEAM);

    /**
     * The owners of owned rows (customers, vendors, sales orders): row number {@code n} (0-based,
     * counted over all companies in insertion order) of an owned table belongs to
     * {@code ROW_OWNERS.get(n % ROW_OWNERS.size())}, its business unit is that user's unit. So
     * every owner owns rows of every owned entity (there are 15 owners, and TEST scale has 15
     * vendors) and every business unit has rows: Contoso (Alice, Sam), Contoso US (Bob, Nora,
     * Row Owner US, Mia), Contoso Europe (Carol and the depth users Bea, Leo, Dee, Gil), Contoso
     * Germany (Dora, Row Owner Germany, Cora), Contoso UK (Dave). The users whose rules involve
     * Basic depth (Bea, Mia, Cora) own customers and sales orders of every company.
     */
    public static final List<User> ROW_OWNERS = List.of(
            ALICE_SALES_MANAGER,
            BOB_SALES_CLERK,
            CAROL_AP_CLERK,
            DAVE_TEAM_MEMBER,
            SAM_SYSTEM_ADMINISTRATOR,
            DORA_DISABLED,
            NORA_NO_ROLE,
            ROW_OWNER_GERMANY,
            ROW_OWNER_US,
            BEA_BASIC,
            LEO_LOCAL,
            DEE_DEEP,
            GIL_GLOBAL,
            MIA_MIXED,
            CORA_COMPANIES);

    public static final List<Application> APPLICATIONS =
            List.of(DATAVERSE_APPLICATION, PORTAL_APPLICATION, PROVISIONING_APPLICATION);

    public static final List<Contact> CONTACTS = List.of(PAULA_CONTACT, MALLORY_CONTACT);

    private DemoIdentities() {}

    /** The id of a business unit as derived from its name. */
    public static UUID businessUnitId(String name) {
        return UUID.nameUUIDFromBytes(("businessunit:" + name).getBytes(UTF_8));
    }

    private static BusinessUnit unit(String name, String parent) {
        return new BusinessUnit(businessUnitId(name), name, parent);
    }

    private static User user(int number, String name, BusinessUnit businessUnit) {
        return new User(pattern(number), name, pattern(100 + number), businessUnit);
    }

    /** {@code 00000000-0000-4000-8000-000000000NNN}, the number written in decimal digits. */
    private static UUID pattern(int number) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", number));
    }
}
