package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.demo.DemoIdentities.User;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The security matrix (issue 3): every demo identity × every demo entity set × RetrieveMultiple,
 * Retrieve by id and {@code /$count} → the expected status, and for RetrieveMultiple the exact
 * set of row ids. Each expected set is a direct SQL query written here from the rule the
 * identity demonstrates (demo/security.yaml), not derived from the gateway's own code.
 * Retrieve of a row outside the caller's scope is 404, as if the row did not exist.
 */
abstract class SecurityMatrixIT extends SecurityIT {
    private static final String ALL = "";
    private static final String USMF = "data_area_id = 'usmf'";

    /** What one identity gets from one entity set: rows (a WHERE clause) or an error. */
    private sealed interface Expectation permits Rows, Denied {}

    private record Rows(String where, Object... parameters) implements Expectation {}

    private record Denied(int status, String code) implements Expectation {}

    /** A caller of the matrix: how to call as it, and what it gets per entity set (absent = 403 missing privilege). */
    private record Identity(
            String name, Supplier<RequestSpecification> request, Map<EntitySet, Expectation> expectations) {
        Expectation expectation(EntitySet set) {
            return expectations.getOrDefault(set, new Denied(403, MISSING_PRIVILEGE));
        }
    }

    private List<Identity> identities() {
        List<Identity> identities = new ArrayList<>();
        identities.add(user(
                DemoIdentities.ALICE_SALES_MANAGER,
                Map.of(
                        EntitySet.LEGAL_ENTITIES,
                        rows(ALL),
                        EntitySet.CUSTOMER_GROUPS,
                        rows(ALL),
                        EntitySet.CUSTOMERS,
                        rows(ALL),
                        EntitySet.PRODUCTS,
                        rows(ALL),
                        EntitySet.SALES_ORDERS,
                        rows(ALL),
                        EntitySet.SALES_ORDER_LINES,
                        rows(ALL))));
        // Sales clerk restricted to usmf, Local depth: usmf rows of his unit Contoso US.
        identities.add(user(
                DemoIdentities.BOB_SALES_CLERK,
                Map.of(
                        EntitySet.CUSTOMER_GROUPS, rows(USMF),
                        EntitySet.CUSTOMERS, rows(USMF + " AND business_unit_id = ?", CONTOSO_US),
                        EntitySet.SALES_ORDERS, rows(USMF + " AND business_unit_id = ?", CONTOSO_US))));
        // AP clerk restricted to demf, row filter on vendor groups 10 and 40; legal entities have no company field.
        identities.add(user(
                DemoIdentities.CAROL_AP_CLERK,
                Map.of(
                        EntitySet.LEGAL_ENTITIES, rows(ALL),
                        EntitySet.VENDORS, rows("data_area_id = 'demf' AND vendor_group IN ('10', '40')"))));
        // Purchasing agent through his team only.
        identities.add(user(
                DemoIdentities.DAVE_TEAM_MEMBER,
                Map.of(EntitySet.LEGAL_ENTITIES, rows(ALL), EntitySet.VENDORS, rows(ALL))));
        Map<EntitySet, Expectation> everything = new EnumMap<>(EntitySet.class);
        for (EntitySet set : EntitySet.values()) {
            everything.put(set, rows(ALL));
        }
        identities.add(user(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR, everything));
        for (User refused : List.of(
                DemoIdentities.DORA_DISABLED,
                DemoIdentities.ADAM_ADMINISTRATIVE,
                DemoIdentities.AVA_ADMINISTRATIVE,
                DemoIdentities.NORA_NO_ROLE,
                DemoIdentities.GUS_GROUP_TEAM,
                DemoIdentities.ROW_OWNER_GERMANY,
                DemoIdentities.ROW_OWNER_US)) {
            identities.add(user(refused, callerNotAllowed()));
        }
        // Users the portal contacts map to are persons too, and may be called by a Dataverse application directly.
        identities.add(user(
                DemoIdentities.PAULA_PORTAL, Map.of(EntitySet.CUSTOMERS, rows(ALL), EntitySet.PRODUCTS, rows(ALL))));
        identities.add(user(DemoIdentities.ANONYMOUS_PORTAL, Map.of(EntitySet.PRODUCTS, rows("is_released = TRUE"))));
        // Called directly, Mallory is an ordinary System administrator; only through a portal contact is she refused.
        identities.add(user(DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR, everything));
        // Depth over Contoso → Contoso Europe → Contoso Germany / Contoso UK, all four users at Contoso Europe.
        identities.add(
                user(DemoIdentities.BEA_BASIC, ownedEntities(rows("owner_id = ?", DemoIdentities.BEA_BASIC.id()))));
        identities.add(user(DemoIdentities.LEO_LOCAL, ownedEntities(rows("business_unit_id = ?", CONTOSO_EUROPE))));
        identities.add(user(
                DemoIdentities.DEE_DEEP,
                ownedEntities(rows("business_unit_id IN (?, ?, ?)", CONTOSO_EUROPE, CONTOSO_GERMANY, CONTOSO_UK))));
        identities.add(user(DemoIdentities.GIL_GLOBAL, ownedEntities(rows(ALL))));
        // Field security hides a field, not rows.
        identities.add(user(
                DemoIdentities.FIONA_FIELD_SECURITY,
                Map.of(
                        EntitySet.CUSTOMER_GROUPS,
                        rows(ALL),
                        EntitySet.CUSTOMERS,
                        rows(ALL),
                        EntitySet.SALES_ORDERS,
                        rows(ALL))));
        // Sales manager for usmf OR (unrestricted) Basic.
        UUID mia = DemoIdentities.MIA_MIXED.id();
        identities.add(user(
                DemoIdentities.MIA_MIXED,
                Map.of(
                        EntitySet.LEGAL_ENTITIES,
                        rows(ALL),
                        EntitySet.CUSTOMER_GROUPS,
                        rows(USMF),
                        EntitySet.CUSTOMERS,
                        rows(USMF + " OR owner_id = ?", mia),
                        EntitySet.PRODUCTS,
                        rows(USMF),
                        EntitySet.SALES_ORDERS,
                        rows(USMF + " OR owner_id = ?", mia),
                        EntitySet.SALES_ORDER_LINES,
                        rows(USMF))));
        // Sales manager for usmf OR Basic for demf: Global in usmf opens nothing of demf beyond her own rows.
        UUID cora = DemoIdentities.CORA_COMPANIES.id();
        identities.add(user(
                DemoIdentities.CORA_COMPANIES,
                Map.of(
                        EntitySet.LEGAL_ENTITIES,
                        rows(ALL),
                        EntitySet.CUSTOMER_GROUPS,
                        rows(USMF),
                        EntitySet.CUSTOMERS,
                        rows(USMF + " OR (data_area_id = 'demf' AND owner_id = ?)", cora),
                        EntitySet.PRODUCTS,
                        rows(USMF),
                        EntitySet.SALES_ORDERS,
                        rows(USMF + " OR (data_area_id = 'demf' AND owner_id = ?)", cora),
                        EntitySet.SALES_ORDER_LINES,
                        rows(USMF))));
        // Two row-filtered roles, OR: AP clerk (demf, groups 10 and 40) and Vendor group lead (his attribute
        // vendorGroup = 30).
        identities.add(
                user(
                        DemoIdentities.VINCE_VENDORS,
                        Map.of(
                                EntitySet.LEGAL_ENTITIES, rows(ALL),
                                EntitySet.VENDORS,
                                        rows(
                                                "(data_area_id = 'demf' AND vendor_group IN ('10', '40')) OR vendor_group = '30'"))));
        identities.add(user(DemoIdentities.SID_SECURITY_ADMINISTRATOR, Map.of()));
        // Portal application: the mapped contact runs as Paula restricted to usmf, the anonymous visitor as Anonymous
        // Visitor.
        identities.add(new Identity(
                "portal contact of Paula Portal (usmf)",
                () -> paged(gateway.portal(DemoIdentities.PAULA_CONTACT.id())),
                Map.of(EntitySet.CUSTOMERS, rows(USMF), EntitySet.PRODUCTS, rows(USMF))));
        identities.add(new Identity(
                "anonymous portal visitor",
                () -> paged(gateway.portal(null)),
                Map.of(EntitySet.PRODUCTS, rows("is_released = TRUE"))));
        identities.add(new Identity(
                "portal contact of Mallory Portaladmin",
                () -> paged(gateway.portal(DemoIdentities.MALLORY_CONTACT.id())),
                callerNotAllowed()));
        identities.add(new Identity(
                "unmapped portal contact",
                () -> paged(gateway.portal(UUID.fromString("00000000-0000-4000-8000-000000000299"))),
                callerNotAllowed()));
        identities.add(new Identity(
                "Dataverse application without a caller", () -> paged(gateway.application()), callerNotAllowed()));
        return identities;
    }

    @Test
    void everyDemoIdentityIsInTheMatrix() {
        Set<String> names = new LinkedHashSet<>();
        identities().forEach(identity -> names.add(identity.name()));
        for (User user : DemoIdentities.USERS) {
            assertThat(names).contains(user.name());
        }
        assertThat(DemoIdentities.CONTACTS).hasSize(2);
        assertThat(names)
                .contains(
                        "portal contact of Paula Portal (usmf)",
                        "portal contact of Mallory Portaladmin",
                        "anonymous portal visitor");
    }

    @TestFactory
    Stream<DynamicTest> matrix() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Identity identity : identities()) {
            for (EntitySet set : EntitySet.values()) {
                tests.add(DynamicTest.dynamicTest(identity.name() + " × " + set.set, () -> check(identity, set)));
            }
        }
        return tests.stream();
    }

    private void check(Identity identity, EntitySet set) throws Exception {
        Expectation expectation = identity.expectation(set);
        String anyRow = sql(set, ALL).iterator().next();
        if (expectation instanceof Denied denied) {
            assertError(identity.request().get().get(set.set), denied.status(), denied.code());
            assertError(identity.request().get().get(set.set + "/$count"), denied.status(), denied.code());
            assertError(identity.request().get().get(set.set + "(" + anyRow + ")"), denied.status(), denied.code());
            return;
        }
        Rows rows = (Rows) expectation;
        Set<String> expected = sql(set, rows.where(), rows.parameters());
        assertThat(expected)
                .as("the rule of %s on %s selects rows of the TEST data set", identity.name(), set.set)
                .isNotEmpty();

        // RetrieveMultiple: exactly the expected rows.
        assertThat(visible(identity.request().get(), set, ""))
                .as("%s reads %s", identity.name(), set.set)
                .isEqualTo(expected);

        // $count: their number.
        Response count = assertOk(identity.request().get().get(set.set + "/$count"));
        assertThat(count.asString().trim())
                .as("%s counts %s", identity.name(), set.set)
                .isEqualTo(Integer.toString(expected.size()));

        // Retrieve by id: a row in scope is returned; a row outside scope is 404, not 403.
        String inside = expected.iterator().next();
        Response retrieved = assertOk(identity.request().get().get(set.set + "(" + inside + ")"));
        assertThat(retrieved.jsonPath().getString(set.key)).isEqualTo(inside);
        Set<String> outside = sql(set, ALL);
        outside.removeAll(expected);
        if (!outside.isEmpty()) {
            assertError(
                    identity.request()
                            .get()
                            .get(set.set + "(" + outside.iterator().next() + ")"),
                    404,
                    RECORD_NOT_FOUND);
        }
        assertError(identity.request().get().get(set.set + "(" + UUID.randomUUID() + ")"), 404, RECORD_NOT_FOUND);
    }

    private Identity user(User user, Map<EntitySet, Expectation> expectations) {
        return new Identity(user.name(), () -> as(user), expectations);
    }

    private static Rows rows(String where, Object... parameters) {
        return new Rows(where, parameters);
    }

    private static Map<EntitySet, Expectation> ownedEntities(Rows rows) {
        return Map.of(EntitySet.CUSTOMERS, rows, EntitySet.SALES_ORDERS, rows);
    }

    private static Map<EntitySet, Expectation> callerNotAllowed() {
        Map<EntitySet, Expectation> refused = new EnumMap<>(EntitySet.class);
        for (EntitySet set : EntitySet.values()) {
            refused.put(set, new Denied(403, CALLER_NOT_ALLOWED));
        }
        return refused;
    }
}
