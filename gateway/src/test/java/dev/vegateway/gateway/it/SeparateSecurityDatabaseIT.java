package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.cli.Main;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The security data in a database of its own ({@code security.backend}), the business data in
 * another: callers are authenticated and resolved, row security holds, portal mappings are
 * written to the security database and enforced, data writes are audited in the business
 * database in their own transaction; the business database holds no security table, the
 * security database no business data and no data audit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeparateSecurityDatabaseIT {
    private static final String SCHEMA = SecuritySchema.DEFAULT_NAME;
    private static final String MAPPINGS = "/msdyn_externalportalusermappings";
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities";

    TestBackend business;
    TestBackend security;
    TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        business = TestBackend.fresh(kind());
        security = TestBackend.empty(kind());
        gateway = TestGateway.start(
                business,
                null,
                Map.of(
                        "VEGATEWAY_SECURITY_BACKEND_URL", security.url(),
                        "VEGATEWAY_SECURITY_BACKEND_USERNAME", security.username(),
                        "VEGATEWAY_SECURITY_BACKEND_PASSWORD", security.password()));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theBusinessDatabaseHoldsNoSecurityTable() throws SQLException {
        List<String> securityTables = new ArrayList<>(SecuritySchema.TABLES);
        securityTables.addAll(SecuritySchema.KEPT_TABLES);
        assertThat(tables(business))
                .as("only the write audit and the change counters, which commit with the data they record")
                .containsExactlyInAnyOrder("change_version", "data_audit");
        assertThat(tables(security)).containsAll(securityTables).doesNotContain("data_audit");
        assertThat(security.count("SELECT COUNT(*) FROM \"" + SCHEMA + "\".users"))
                .isPositive();
        assertThat(security.count(
                        "SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'customer'"))
                .as("no business data in the security database")
                .isZero();
    }

    @Test
    void callersAreResolvedFromTheSecurityDatabaseAndRowSecurityHolds() throws SQLException {
        assertThat(gateway.anonymous().get(CUSTOMERS).statusCode()).isEqualTo(401);
        assertThat(gateway.as(DemoIdentities.NORA_NO_ROLE.id()).get(CUSTOMERS).statusCode())
                .as("no role")
                .isEqualTo(403);
        assertThat(gateway.as(UUID.randomUUID()).get(CUSTOMERS).statusCode())
                .as("no such user")
                .isEqualTo(403);
        // Bob: Sales clerk restricted to usmf, Local depth (his business unit) on customers.
        Set<String> bobSees = SecurityIT.visible(
                SecurityIT.paged(gateway.as(DemoIdentities.BOB_SALES_CLERK.id())), SecurityIT.EntitySet.CUSTOMERS, "");
        assertThat(bobSees)
                .isNotEmpty()
                .isEqualTo(ids(
                        business,
                        "SELECT id FROM erp.customer WHERE data_area_id = 'usmf' AND business_unit_id = ?",
                        DemoIdentities.CONTOSO_US.id()));
        assertThat(SecurityIT.visible(
                        SecurityIT.paged(gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())),
                        SecurityIT.EntitySet.CUSTOMERS,
                        ""))
                .isEqualTo(ids(business, "SELECT id FROM erp.customer"));
    }

    @Test
    void portalMappingsAreWrittenToTheSecurityDatabaseAndEnforced() throws SQLException {
        UUID contact = UUID.randomUUID();
        assertThat(gateway.portal(contact).get(CUSTOMERS + "?$top=1").statusCode())
                .as("not mapped")
                .isEqualTo(403);
        Response created = gateway.as(DemoIdentities.SID_SECURITY_ADMINISTRATOR.id())
                .contentType("application/json")
                .body("{\"msdyn_contactid\":\"" + contact + "\",\"msdyn_userid\":\"" + DemoIdentities.PAULA_PORTAL.id()
                        + "\"}")
                .post(MAPPINGS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        assertThat(security.count(
                        "SELECT COUNT(*) FROM \"" + SCHEMA + "\".portal_mappings WHERE contact_id = ?", contact))
                .isEqualTo(1);
        assertThat(security.count(
                        "SELECT COUNT(*) FROM \"" + SCHEMA + "\".portal_mapping_audit WHERE contact_id = ?", contact))
                .as("the mapping's audit, with the mapping")
                .isEqualTo(1);
        Response read = gateway.portal(contact).get(CUSTOMERS + "?$top=1");
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);

        Response deleted =
                gateway.as(DemoIdentities.SID_SECURITY_ADMINISTRATOR.id()).delete(MAPPINGS + "(" + contact + ")");
        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(204);
        assertThat(gateway.portal(contact).get(CUSTOMERS + "?$top=1").statusCode())
                .as("unmapped at once")
                .isEqualTo(403);
    }

    @Test
    void dataWritesAreAuditedInTheBusinessDatabase() throws SQLException {
        Response created = gateway.as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id())
                .contentType("application/json")
                .body(
                        "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"SEP-0001\",\"mserp_name\":\"Separate\"}")
                .post(CUSTOMERS);
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(204);
        String id = created.header("OData-EntityId");
        UUID key = UUID.fromString(id.substring(id.lastIndexOf('(') + 1, id.length() - 1));
        assertThat(business.count("SELECT COUNT(*) FROM erp.customer WHERE id = ?", key))
                .isEqualTo(1);
        assertThat(business.count(
                        "SELECT COUNT(*) FROM \"" + SCHEMA
                                + "\".data_audit WHERE record_key = ? AND operation = 'create'",
                        key))
                .isEqualTo(1);
    }

    @Test
    void securityImportFromTheCommandLineGoesToTheSecurityDatabaseAndIsEnforced() throws Exception {
        UUID alice = DemoIdentities.ALICE_SALES_MANAGER.id();
        assertThat(gateway.as(alice).get(CUSTOMERS + "?$top=1").statusCode()).isEqualTo(200);
        Path folder = gateway.folder();
        Path config = separateConfig();
        Path withoutAlice = folder.resolve("without-alice.yaml");
        Files.writeString(
                withoutAlice,
                InvalidationIT.withoutRoles(InvalidationIT.demoSecurity(), alice)
                        .toYaml(),
                UTF_8);
        try {
            assertThat(Main.run("security", "import", withoutAlice.toString(), "--config", config.toString()))
                    .isZero();
            InvalidationIT.awaitStatus(() -> gateway.as(alice).get(CUSTOMERS + "?$top=1"), 403);
            assertThat(tables(business)).containsExactlyInAnyOrder("change_version", "data_audit");
        } finally {
            assertThat(Main.run(
                            "security",
                            "import",
                            folder.resolve("security.yaml").toString(),
                            "--config",
                            config.toString()))
                    .isZero();
        }
        InvalidationIT.awaitStatus(() -> gateway.as(alice).get(CUSTOMERS + "?$top=1"), 200);
    }

    @Test
    void theCommandLineReadsTheSecurityDataFromTheSecurityDatabase() throws Exception {
        Path config = separateConfig();
        Run check = run("check", "--config", config.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out())
                .contains("security.backend.url")
                .contains(security.url().split("\\?")[0]);

        Run export = run("security", "export", "--config", config.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("Alice Sales").contains("Sid Secadmin");

        String bea = DemoIdentities.BEA_BASIC.id().toString();
        Object own = business.single("SELECT id FROM erp.customer WHERE owner_id = ?", DemoIdentities.BEA_BASIC.id());
        Object others =
                business.single("SELECT id FROM erp.customer WHERE owner_id <> ?", DemoIdentities.BEA_BASIC.id());
        Run mine = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                bea,
                "--entity",
                "mserp_custcustomerv3entity",
                "--key",
                own.toString());
        assertThat(mine.out()).as(mine.err()).contains("Bea Basic").contains("Read this row: yes");
        Run theirs = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                bea,
                "--entity",
                "mserp_custcustomerv3entity",
                "--key",
                others.toString());
        assertThat(theirs.out()).as(theirs.err()).contains("Read this row: no");
    }

    /** The gateway's configuration with {@code security.backend} written in the file (the CLI reads no test overrides). */
    private Path separateConfig() throws Exception {
        Path folder = gateway.folder();
        String yaml = Files.readString(folder.resolve("vegateway.yaml"), UTF_8)
                .replace(
                        "security: { file: security.yaml, importOnStart: true }",
                        "security:\n  file: security.yaml\n  backend: { url: \"" + security.url() + "\", username: \""
                                + security.username() + "\", password: \"" + security.password() + "\" }");
        assertThat(yaml).contains("  backend: { url: ");
        Path config = folder.resolve("separate.yaml");
        Files.writeString(config, yaml, UTF_8);
        return config;
    }

    record Run(int exitCode, String out, String err) {}

    private static synchronized Run run(String... args) {
        java.io.PrintStream originalOut = System.out;
        java.io.PrintStream originalErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, UTF_8));
            System.setErr(new java.io.PrintStream(err, true, UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** The tables of the security schema in {@code database}, lower case. */
    private static Set<String> tables(TestBackend database) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Connection connection = database.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_schema) = ?")) {
            select.setString(1, SCHEMA.toLowerCase(java.util.Locale.ROOT));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    private static Set<String> ids(TestBackend database, String query, Object... parameters) throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(query)) {
            for (int index = 0; index < parameters.length; index++) {
                statement.setObject(index + 1, parameters[index]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class).toString());
                }
            }
        }
        return ids;
    }
}
