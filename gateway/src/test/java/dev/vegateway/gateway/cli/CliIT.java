package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.it.TestBackend;
import dev.vegateway.gateway.it.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The command line: check, security import/export and token, with their exit codes and messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
    private TestGateway gateway;
    private Path config;

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(TestBackend.shared(BackendKind.H2, "cli"), null);
        config = gateway.folder().resolve("vegateway.yaml");
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    record Run(int exitCode, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            System.setErr(new PrintStream(err, true, UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void checkPassesOnAConsistentSetupAndNeverPrintsSecrets() {
        Run run = run("check", "--config", config.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Catalog, security data and backend schema: OK")
                .contains("******")
                .doesNotContain("test-keystore")
                .doesNotContain("integration-test-secret");
    }

    @Test
    void checkReportsEveryCatalogProblemAgainstTheBackendWithFileAndLine() throws Exception {
        Path folder = Files.createTempDirectory("vegateway-cli");
        String catalog = Files.readString(gateway.folder().resolve("catalog.yaml"), UTF_8)
                .replace("column: account_num", "column: account_number")
                .replace("table: erp.vendor", "table: erp.supplier");
        Files.writeString(folder.resolve("catalog.yaml"), catalog, UTF_8);
        Files.copy(gateway.folder().resolve("security.yaml"), folder.resolve("security.yaml"));
        String yaml = Files.readString(config, UTF_8)
                .replace(
                        "keystore: demo-tls.p12",
                        "keystore: " + gateway.folder().resolve("demo-tls.p12"))
                .replace(
                        "keyFile: dev-issuer-key.json",
                        "keyFile: " + gateway.folder().resolve("dev-issuer-key.json"));
        Files.writeString(folder.resolve("vegateway.yaml"), yaml, UTF_8);

        Run run = run("check", "--config", folder.resolve("vegateway.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .containsPattern("catalog\\.yaml:\\d+: .*account_number")
                .containsPattern("catalog\\.yaml:\\d+: .*supplier");
    }

    @Test
    void serveRefusesToStartOnWhatCheckReportsWithTheSameMessages() throws Exception {
        // The demo tables exist in the shared backend; add one keyed by text, as ERP tables are.
        try (java.sql.Connection connection = dev.vegateway.gateway.it.TestBackend.shared(BackendKind.H2, "cli")
                        .connect();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS erp.natural_item (id VARCHAR(20) PRIMARY KEY, name VARCHAR(60))");
        }
        String catalog = Files.readString(gateway.folder().resolve("catalog.yaml"), UTF_8)
                .replace("column: account_num", "column: account_number")
                .replace("SET on_hold = 2,", "SET no_such_column = 2,")
                .replace(
                        "\n# Actions:",
                        """
                          - logicalName: mserp_naturalitem
                            entitySetName: mserp_naturalitems
                            table: erp.natural_item
                            fields:
                              - { name: mserp_naturalitemid, column: id, type: Guid }
                              - { name: mserp_name, column: name, type: String(60) }

                        # Actions:""");
        Path folder = folderWith(catalog);

        Run serve = run("serve", "--config", folder.resolve("vegateway.yaml").toString());
        Run check = run("check", "--config", folder.resolve("vegateway.yaml").toString());

        assertThat(serve.exitCode()).as(serve.err()).isEqualTo(2);
        assertThat(serve.err())
                .containsPattern("catalog\\.yaml:\\d+: .*account_number not found")
                .containsPattern(
                        "catalog\\.yaml:\\d+: .*erp\\.natural_item\\.id has type CHARACTER VARYING, which does not fit Guid")
                .containsPattern(
                        "catalog\\.yaml:\\d+: actions\\[0\\]\\.sql: the action's SQL does not prepare against the backend: .*(?i)no_such_column")
                .doesNotContain("listening");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(problemLines(serve.err())).hasSize(4).isEqualTo(problemLines(check.err()));
    }

    private static java.util.List<String> problemLines(String err) {
        return err.lines().filter(line -> line.startsWith("  ")).toList();
    }

    /** A folder with the gateway's configuration and security data and {@code catalog} as its catalog. */
    private Path folderWith(String catalog) throws Exception {
        Path folder = Files.createTempDirectory("vegateway-cli");
        Files.writeString(folder.resolve("catalog.yaml"), catalog, UTF_8);
        Files.copy(gateway.folder().resolve("security.yaml"), folder.resolve("security.yaml"));
        String yaml = Files.readString(config, UTF_8)
                .replace(
                        "keystore: demo-tls.p12",
                        "keystore: " + gateway.folder().resolve("demo-tls.p12"))
                .replace(
                        "keyFile: dev-issuer-key.json",
                        "keyFile: " + gateway.folder().resolve("dev-issuer-key.json"));
        Files.writeString(folder.resolve("vegateway.yaml"), yaml, UTF_8);
        return folder;
    }

    /** explain asks the gateway's own objects: field security for Fiona, Basic depth row by row for Bea. */
    @Test
    void explainSaysWhyAUserCanOrCannotReadAFieldAndARow() throws Exception {
        Run fiona = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                DemoIdentities.FIONA_FIELD_SECURITY.id().toString(),
                "--entity",
                "mserp_custcustomerv3entity",
                "--field",
                "mserp_creditlimit");
        assertThat(fiona.exitCode()).as(fiona.err()).isZero();
        assertThat(fiona.out())
                .contains("Fiona Fieldsec")
                .contains("Read: yes")
                .contains("hidden from reads mserp_creditlimit")
                .contains("Field mserp_creditlimit: read no");

        String bea = DemoIdentities.BEA_BASIC.id().toString();
        String own;
        String others;
        try (java.sql.Connection connection =
                        TestBackend.shared(BackendKind.H2, "cli").connect();
                java.sql.Statement statement = connection.createStatement()) {
            try (java.sql.ResultSet rows =
                    statement.executeQuery("SELECT id FROM erp.customer WHERE owner_id = '" + bea + "' LIMIT 1")) {
                assertThat(rows.next()).isTrue();
                own = rows.getString(1);
            }
            try (java.sql.ResultSet rows =
                    statement.executeQuery("SELECT id FROM erp.customer WHERE owner_id <> '" + bea + "' LIMIT 1")) {
                assertThat(rows.next()).isTrue();
                others = rows.getString(1);
            }
        }
        Run mine = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                bea,
                "--entity",
                "mserp_custcustomerv3entity",
                "--key",
                own);
        assertThat(mine.out()).as(mine.err()).contains("depth Basic").contains("Read this row: yes");
        Run theirs = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                bea,
                "--entity",
                "mserp_custcustomerv3entity",
                "--key",
                others);
        assertThat(theirs.out()).as(theirs.err()).contains("exists").contains("Read this row: no");
        // a disabled user: the refusal (exit 1) and everything its roles would grant
        Run dora = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                DemoIdentities.DORA_DISABLED.id().toString(),
                "--entity",
                "mserp_custcustomerv3entity");
        assertThat(dora.exitCode()).as(dora.err()).isEqualTo(1);
        assertThat(dora.out())
                .contains("User Dora Disabled")
                .contains("Refused: user Dora Disabled is disabled")
                .contains("Roles: Sales manager")
                .contains("Read: yes")
                .contains("role 'Sales manager' directly");
        Run adam = run(
                "explain",
                "--config",
                config.toString(),
                "--user",
                DemoIdentities.ADAM_ADMINISTRATIVE.id().toString(),
                "--entity",
                "mserp_custcustomerv3entity");
        assertThat(adam.exitCode()).as(adam.err()).isEqualTo(1);
        assertThat(adam.out()).contains("access mode Administrative").contains("role 'Sales manager' directly");
        Run unknown = run("explain", "--config", config.toString(), "--user", bea, "--entity", "nosuch");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no entity 'nosuch'");
    }

    @Test
    void invalidConfigurationListsEveryProblemAndExitsWith2() throws Exception {
        Path folder = Files.createTempDirectory("vegateway-cli");
        Files.writeString(
                folder.resolve("bad.yaml"),
                """
                server: { port: https }
                tls: { keystore: missing.p12, keystorePassword: x }
                backend: { kind: oracle, url: "jdbc:h2:mem:x" }
                """,
                UTF_8);
        Run run = run("check", "--config", folder.resolve("bad.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("bad.yaml:1: server.port")
                .contains("bad.yaml:2: tls.keystore")
                .contains("bad.yaml:3: backend.kind")
                .contains("catalog");
    }

    @Test
    void securityExportAndImportRoundTrip() throws Exception {
        Path exported = Files.createTempFile("security", ".yaml");
        Run export = run("security", "export", exported.toString(), "--config", config.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        String yaml = Files.readString(exported, UTF_8);
        assertThat(yaml).contains("Alice Sales").contains("CDSVirtualEntityApplication");

        Run imported = run("security", "import", exported.toString(), "--config", config.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Imported").contains(DemoIdentities.USERS.size() + " users");
        // The demo maps a portal contact to a System administrator on purpose: a warning, not an error.
        assertThat(imported.err())
                .contains("warning: ")
                .contains("portal.mappings[")
                .contains("Mallory Portaladmin")
                .contains("System administrator");
    }

    @Test
    void securityImportRefusesAnInvalidFileAndKeepsTheData() throws Exception {
        Path broken = Files.createTempFile("security", ".yaml");
        Files.writeString(
                broken,
                Files.readString(gateway.folder().resolve("security.yaml"), UTF_8)
                        .replace("roles: [Sales manager]", "roles: [No such role]"),
                UTF_8);
        Run run = run("security", "import", broken.toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("No such role");
        Run export = run("security", "export", "--config", config.toString());
        assertThat(export.out()).contains("Sales manager").doesNotContain("No such role");
    }

    @Test
    void tokenCommandMintsATokenTheGatewayAccepts() {
        Run run = run("token", "--app", TestGateway.DATAVERSE_APP, "--config", config.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String token = run.out().trim();
        assertThat(token.split("\\.")).hasSize(3);
        gateway.anonymous()
                .header("Authorization", "Bearer " + token)
                .get("$metadata")
                .then()
                .statusCode(200);
    }

    @Test
    void auditExportWritesTheRangeAsJsonLinesOldestFirstAndRefusesBadArguments() throws Exception {
        TestBackend backend = TestBackend.shared(BackendKind.H2, "cli");
        java.util.UUID record = java.util.UUID.randomUUID();
        for (String at : List.of(
                "2020-01-02T00:00:00Z", "2020-01-01T12:00:00Z", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z")) {
            backend.execute(
                    "INSERT INTO vegateway_security.data_audit (id, changed_at, user_id, application_id, operation, entity,"
                            + " record_key, changes) VALUES (?, ?, ?, 'cli-test', 'update', 'mserp_custcustomerv3entity', ?, ?)",
                    java.util.UUID.randomUUID(),
                    java.time.OffsetDateTime.parse(at),
                    DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(),
                    record,
                    "{\"mserp_name\":{\"old\":\"a\",\"new\":\"" + at + "\"}}");
        }

        Run run =
                run("audit", "export", "--config", config.toString(), "--since", "2020-01-01", "--until", "2020-01-02");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("vegateway_changedon").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(first.get("vegateway_recordid").asText()).isEqualTo(record.toString());
        assertThat(first.get("vegateway_applicationid").asText()).isEqualTo("cli-test");
        assertThat(first.get("vegateway_userid").asText())
                .isEqualTo(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id().toString());
        assertThat(first.get("vegateway_changes").asText()).contains("\"new\":\"2020-01-01T00:00:00Z\"");
        assertThat(json.readTree(lines.get(1)).get("vegateway_changedon").asText())
                .isEqualTo("2020-01-01T12:00:00Z");
        assertThat(run.err()).contains("Exported 2 audit row(s)");

        Path file = Files.createTempDirectory("vegateway-audit").resolve("audit.jsonl");
        Run toFile = run(
                "audit",
                "export",
                "--config",
                config.toString(),
                "--since",
                "2019-12-31T23:59:59Z",
                "--until",
                "2020-01-02T01:00:00+01:00",
                "--out",
                file.toString());
        assertThat(toFile.exitCode()).as(toFile.err()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(Files.readAllLines(file, UTF_8)).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("{\"vegateway_dataauditid\":"));

        Run badTime =
                run("audit", "export", "--config", config.toString(), "--since", "yesterday", "--until", "2020-01-02");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err())
                .contains("'yesterday' is not an ISO-8601 time")
                .contains("Usage: vegateway audit export");
        Run inverted =
                run("audit", "export", "--config", config.toString(), "--since", "2020-01-02", "--until", "2020-01-01");
        assertThat(inverted.exitCode()).isEqualTo(2);
        assertThat(inverted.err())
                .contains("--since (2020-01-02T00:00:00Z) must be before --until (2020-01-01T00:00:00Z)")
                .contains("Usage: vegateway audit export");
        Run missing = run("audit", "export", "--config", config.toString(), "--since", "2020-01-01");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--until=TIME'");
        assertThat(missing.out()).isEmpty();
    }
}
