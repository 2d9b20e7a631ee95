package dev.vegateway.gateway.it;

import static dev.vegateway.gateway.it.Multipart.batch;
import static dev.vegateway.gateway.it.Multipart.changeset;
import static dev.vegateway.gateway.it.Multipart.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Field security on writes (issue 9): Fiona's "Sales assistant" role of the demo security data
 * creates and updates customers, and its rule on {@code mserp_creditlimit} says read: false,
 * update: false (and so create: false). Every write that sets the credit limit is refused whole with 403 naming
 * the field, nothing stored and nothing audited; writes of other fields go through; the stored
 * credit limit never shows in what she gets back.
 */
abstract class SecurityFieldWriteIT extends SecurityIT {
    private static final String CUSTOMERS = EntitySet.CUSTOMERS.set;

    @Override
    String backendName() {
        return "security-field-writes";
    }

    private RequestSpecification fiona() {
        return as(DemoIdentities.FIONA_FIELD_SECURITY);
    }

    private static String customer(String account, String extra) {
        return "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"" + account + "\",\"mserp_name\":\"Field "
                + account + "\"" + extra + "}";
    }

    /** A customer with a credit limit that no other test of this class writes (the System administrator's test writes the first). */
    private UUID someCustomer() throws SQLException {
        return UUID.fromString(sql(EntitySet.CUSTOMERS, "credit_limit > 0").stream()
                .skip(1)
                .findFirst()
                .orElseThrow());
    }

    private BigDecimal creditLimit(UUID id) throws SQLException {
        return (BigDecimal) backend.single("SELECT credit_limit FROM erp.customer WHERE id = ?", id);
    }

    private long audits(UUID id) throws SQLException {
        return backend.count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE record_key = ?", id);
    }

    private long accounts(String account) throws SQLException {
        return backend.count("SELECT COUNT(*) FROM erp.customer WHERE account_num = ?", account);
    }

    @Test
    void anUpdateThatSetsTheProtectedFieldIsRefusedWholeAndChangesNothing() throws SQLException {
        UUID id = someCustomer();
        BigDecimal before = creditLimit(id);
        long auditsBefore = audits(id);
        Object nameBefore = backend.single("SELECT name FROM erp.customer WHERE id = ?", id);
        Response response = fiona().contentType("application/json")
                .body("{\"mserp_name\":\"Renamed\",\"mserp_creditlimit\":987654.32}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(assertError(response, 403, MISSING_PRIVILEGE))
                .contains("mserp_creditlimit", "update", "Fiona Fieldsec");
        assertThat(creditLimit(id)).isEqualByComparingTo(before);
        assertThat(backend.single("SELECT name FROM erp.customer WHERE id = ?", id))
                .isEqualTo(nameBefore);
        assertThat(audits(id)).isEqualTo(auditsBefore);
        // Setting it to null is setting it too.
        assertError(
                fiona().contentType("application/json")
                        .body("{\"mserp_creditlimit\":null}")
                        .patch(CUSTOMERS + "(" + id + ")"),
                403,
                MISSING_PRIVILEGE);
        assertThat(creditLimit(id)).isEqualByComparingTo(before);
    }

    @Test
    void anUpdateOfOtherFieldsGoesThroughAndItsRepresentationHidesTheProtectedValue() throws SQLException {
        UUID id = someCustomer();
        BigDecimal before = creditLimit(id);
        long auditsBefore = audits(id);
        Response response = fiona().contentType("application/json")
                .header("Prefer", "return=representation")
                .body("{\"mserp_name\":\"Renamed by Fiona\"}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("mserp_name")).isEqualTo("Renamed by Fiona");
        assertThat(response.asString()).contains("\"mserp_creditlimit\":null");
        assertThat(response.asString())
                .doesNotContain(before.stripTrailingZeros().toPlainString());
        assertThat(creditLimit(id)).isEqualByComparingTo(before);
        assertThat(audits(id)).isEqualTo(auditsBefore + 1);
    }

    @Test
    void aCreateThatSetsTheProtectedFieldIsRefusedAndStoresNothing() throws SQLException {
        Response response = fiona().contentType("application/json")
                .body(customer("FS-0001", ",\"mserp_creditlimit\":987654.32"))
                .post(CUSTOMERS);
        assertThat(assertError(response, 403, MISSING_PRIVILEGE)).contains("mserp_creditlimit", "create");
        assertThat(accounts("FS-0001")).isZero();
        assertThat(backend.count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'create' AND user_id = ?",
                        DemoIdentities.FIONA_FIELD_SECURITY.id()))
                .isZero();
    }

    @Test
    void aCreateWithoutItWorksAndNeitherTheRepresentationNorTheEntityIdReadShowsTheStoredValue() throws SQLException {
        backend.execute("ALTER TABLE erp.customer ALTER COLUMN credit_limit SET DEFAULT 4242.42");
        try {
            Response created = fiona().contentType("application/json")
                    .header("Prefer", "return=representation")
                    .body(customer("FS-0002", ""))
                    .post(CUSTOMERS);
            assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
            assertThat(created.asString())
                    .contains("\"mserp_creditlimit\":null")
                    .doesNotContain("4242");
            String entityId = created.header("OData-EntityId");
            UUID id = UUID.fromString(entityId.substring(entityId.lastIndexOf('(') + 1, entityId.length() - 1));
            assertThat(creditLimit(id)).isEqualByComparingTo("4242.42");
            Response read = fiona().get(entityId);
            assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
            assertThat(read.asString()).contains("\"mserp_creditlimit\":null").doesNotContain("4242");
        } finally {
            backend.execute("ALTER TABLE erp.customer ALTER COLUMN credit_limit DROP DEFAULT");
        }
    }

    @Test
    void anUpsertThatWouldCreateWithTheProtectedFieldIsRefused() throws SQLException {
        UUID id = UUID.randomUUID();
        Response response = fiona().contentType("application/json")
                .body(customer("FS-0003", ",\"mserp_creditlimit\":1"))
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(assertError(response, 403, MISSING_PRIVILEGE)).contains("mserp_creditlimit");
        assertThat(accounts("FS-0003")).isZero();
        assertThat(audits(id)).isZero();
    }

    @Test
    void aBatchPartAndAChangesetThatSetTheProtectedFieldAreRefusedAndTheChangesetRollsBack() throws SQLException {
        UUID id = someCustomer();
        BigDecimal before = creditLimit(id);
        long auditsBefore = audits(id);
        String body = batch(
                "batch_fs",
                request(Optional.empty(), "PATCH", CUSTOMERS + "(" + id + ")", "{\"mserp_creditlimit\":987654.32}"),
                changeset(
                        "changeset_fs",
                        request(Optional.of("1"), "POST", CUSTOMERS, customer("FS-0004", "")),
                        request(Optional.of("2"), "PATCH", "$1", "{\"mserp_creditlimit\":5}")));
        Response response = fiona().contentType("multipart/mixed; boundary=batch_fs")
                .header("Prefer", "odata.continue-on-error")
                .body(body)
                .post("$batch");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        List<Multipart.Part> parts = Multipart.parse(response.contentType(), response.asString());
        assertThat(parts.get(0).status()).isEqualTo(403);
        assertThat(parts.get(0).body()).contains(MISSING_PRIVILEGE, "mserp_creditlimit");
        assertThat(parts)
                .as("the changeset answers with its failing request only")
                .hasSize(2);
        assertThat(parts.get(1).status()).isEqualTo(403);
        assertThat(parts.get(1).header("Content-ID")).isEqualTo("2");
        assertThat(creditLimit(id)).isEqualByComparingTo(before);
        assertThat(accounts("FS-0004")).as("the changeset's create rolled back").isZero();
        assertThat(audits(id)).isEqualTo(auditsBefore);
    }

    @Test
    void aSystemAdministratorMaySetTheField() throws SQLException {
        UUID id = UUID.fromString(
                sql(EntitySet.CUSTOMERS, "credit_limit > 0").iterator().next());
        Response response = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .contentType("application/json")
                .body("{\"mserp_creditlimit\":1234.5}")
                .patch(CUSTOMERS + "(" + id + ")");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        assertThat(creditLimit(id)).isEqualByComparingTo("1234.5");
    }
}
