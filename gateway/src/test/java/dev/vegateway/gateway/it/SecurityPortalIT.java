package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.gateway.demo.DemoIdentities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Portal access (issue 3, SPEC 5) with the demo data: a portal application's contact runs as the
 * user its mapping names, restricted to the mapping's company; without a contact the anonymous
 * portal user is used; a contact mapped to a user holding System administrator is refused at
 * run time (the import only warns). The mapping table's API and audit are tested elsewhere.
 */
abstract class SecurityPortalIT extends SecurityIT {
    private static final UUID UNMAPPED_CONTACT = UUID.fromString("00000000-0000-4000-8000-000000000298");

    @Test
    void mappedContactSeesOnlyItsCompanysCustomers() throws Exception {
        UUID paula = DemoIdentities.PAULA_CONTACT.id();
        Set<String> usmf = sql(EntitySet.CUSTOMERS, "data_area_id = 'usmf'");
        assertThat(visible(paged(gateway.portal(paula)), EntitySet.CUSTOMERS, ""))
                .isNotEmpty()
                .isEqualTo(usmf);
        assertThat(assertOk(gateway.portal(paula).get(EntitySet.CUSTOMERS.set + "/$count"))
                        .asString()
                        .trim())
                .isEqualTo(Integer.toString(usmf.size()));
        assertThat(visible(paged(gateway.portal(paula)), EntitySet.CUSTOMERS, filter("mserp_dataareaid ne 'usmf'")))
                .isEmpty();
        String demfCustomer =
                sql(EntitySet.CUSTOMERS, "data_area_id = 'demf'").iterator().next();
        assertError(
                gateway.portal(paula).get(EntitySet.CUSTOMERS.set + "(" + demfCustomer + ")"), 404, RECORD_NOT_FOUND);
        assertOk(gateway.portal(paula)
                .get(EntitySet.CUSTOMERS.set + "(" + usmf.iterator().next() + ")"));
        // Her role's other entity is restricted to the mapping's company too; what her roles do not grant is 403.
        assertThat(visible(paged(gateway.portal(paula)), EntitySet.PRODUCTS, ""))
                .isEqualTo(sql(EntitySet.PRODUCTS, "data_area_id = 'usmf'"));
        assertThat(assertError(gateway.portal(paula).get(EntitySet.VENDORS.set), 403, MISSING_PRIVILEGE))
                .contains(DemoIdentities.PAULA_PORTAL.name());
        // Called directly (not through the portal), the same user is not restricted to usmf.
        assertThat(visible(as(DemoIdentities.PAULA_PORTAL), EntitySet.CUSTOMERS, ""))
                .isEqualTo(sql(EntitySet.CUSTOMERS, ""));
    }

    @Test
    void unmappedContactIsRefused() {
        for (EntitySet set : List.of(EntitySet.CUSTOMERS, EntitySet.PRODUCTS)) {
            String message = assertError(gateway.portal(UNMAPPED_CONTACT).get(set.set), 403, CALLER_NOT_ALLOWED);
            assertThat(message).contains(UNMAPPED_CONTACT.toString()).contains("not mapped");
        }
        assertError(gateway.portal(UNMAPPED_CONTACT).get(EntitySet.PRODUCTS.set + "/$count"), 403, CALLER_NOT_ALLOWED);
    }

    @Test
    void anonymousVisitorSeesOnlyReleasedProducts() throws Exception {
        Set<String> released = sql(EntitySet.PRODUCTS, "is_released = TRUE");
        assertThat(released).hasSizeLessThan(sql(EntitySet.PRODUCTS, "").size());
        assertThat(visible(paged(gateway.portal(null)), EntitySet.PRODUCTS, "")).isEqualTo(released);
        for (EntitySet set : List.of(EntitySet.CUSTOMERS, EntitySet.VENDORS, EntitySet.SALES_ORDERS)) {
            assertThat(assertError(gateway.portal(null).get(set.set), 403, MISSING_PRIVILEGE))
                    .contains(DemoIdentities.ANONYMOUS_PORTAL.name());
        }
    }

    @Test
    void contactMappedToASystemAdministratorIsRefusedAtRunTime() throws Exception {
        UUID mallory = DemoIdentities.MALLORY_CONTACT.id();
        for (EntitySet set : EntitySet.values()) {
            String message = assertError(gateway.portal(mallory).get(set.set), 403, CALLER_NOT_ALLOWED);
            assertThat(message)
                    .contains(DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR.name())
                    .contains("System administrator")
                    .doesNotContain("not mapped");
        }
        String anyCustomer = sql(EntitySet.CUSTOMERS, "").iterator().next();
        assertError(
                gateway.portal(mallory).get(EntitySet.CUSTOMERS.set + "(" + anyCustomer + ")"),
                403,
                CALLER_NOT_ALLOWED);
        assertError(gateway.portal(mallory).get(EntitySet.CUSTOMERS.set + "/$count"), 403, CALLER_NOT_ALLOWED);
        assertError(
                queryExpression(gateway.portal(mallory), "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\"}}"),
                403,
                CALLER_NOT_ALLOWED);
    }

    @Test
    void theDemoMappingToASystemAdministratorIsImportedWithAWarning() throws Exception {
        Path file = gateway.folder().resolve("security.yaml");
        SecurityDocument.Parsed parsed = SecurityDocument.parseWithWarnings(
                file, Optional.of(CatalogLoader.load(gateway.folder().resolve("catalog.yaml"))));
        assertThat(parsed.document().portal().mappings()).anySatisfy(mapping -> {
            assertThat(mapping.contactId()).isEqualTo(DemoIdentities.MALLORY_CONTACT.id());
            assertThat(mapping.user()).isEqualTo(DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR.id());
        });
        assertThat(parsed.warnings()).hasSize(1);
        Problem warning = parsed.warnings().get(0);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(warning.line() - 1))
                .contains(DemoIdentities.MALLORY_CONTACT.id().toString());
        assertThat(warning.message())
                .contains(DemoIdentities.MALLORY_PORTAL_ADMINISTRATOR.name())
                .contains("System administrator")
                .contains("403");
    }

    @Test
    void eachApplicationKindMaySendOnlyItsOwnCallerHeaders() {
        String alice = DemoIdentities.ALICE_SALES_MANAGER.id().toString();
        String aliceEntra = DemoIdentities.ALICE_SALES_MANAGER.entraObjectId().toString();
        assertThat(assertError(
                        gateway.portal(null).header("MSCRMCallerID", alice).get(EntitySet.PRODUCTS.set),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("MSCRMCallerID");
        assertThat(assertError(
                        gateway.portal(DemoIdentities.PAULA_CONTACT.id())
                                .header("CallerObjectId", aliceEntra)
                                .get(EntitySet.PRODUCTS.set),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("CallerObjectId");
        assertThat(assertError(
                        gateway.as(DemoIdentities.ALICE_SALES_MANAGER.id())
                                .header(
                                        "X-Portal-Contact-Id",
                                        DemoIdentities.PAULA_CONTACT.id().toString())
                                .get(EntitySet.CUSTOMERS.set),
                        403,
                        CALLER_NOT_ALLOWED))
                .contains("X-Portal-Contact-Id");
    }
}
