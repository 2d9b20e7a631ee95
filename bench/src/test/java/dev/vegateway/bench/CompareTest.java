package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of {@code compare} that need no gateway: the table, the customer top-up and the security data. */
class CompareTest {
    private static Compare.Run run(Scenario call, int connections, String server, long requests, long cpuMillis) {
        Measurements measurements = new Measurements();
        for (long i = 0; i < requests; i++) {
            measurements.recordResponse(
                    (i % 2 == 0 ? 1_000_000L : 3_000_000L), 200, ServerTiming.NONE, new CountedBody(10, "", 0));
        }
        RunResult result = new RunResult(call, connections, measurements, Duration.ofSeconds(10), 0);
        return new Compare.Run(
                call,
                connections,
                server,
                java.net.URI.create("https://127.0.0.1:8443/" + server + "/"),
                result,
                Duration.ofMillis(cpuMillis));
    }

    @Test
    void theTablePairsBareAndGatewayWithTheirRatios() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);

        Compare.printTable(
                out,
                List.of(
                        run(Scenario.RETRIEVE, 16, "bare", 20_000, 2_000),
                        run(Scenario.RETRIEVE, 16, "gateway", 10_000, 3_000)),
                4);
        out.flush();

        assertThat(text.toString())
                .contains(
                        "| GET by key | 16 | 2,000 | 1,000 | 0.50 | 1.00 / 3.00 | 1.00 / 3.00 | 100 → 300 µs | 3.00 | 0 / 0 |")
                .contains("both pools 4 connections");
    }

    @Test
    void theJsonHoldsTheRowsAndEveryRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) throws Exception {
        java.nio.file.Path file = folder.resolve("compare.json");

        Compare.writeJson(
                file,
                List.of(run(Scenario.CREATE, 1, "bare", 2_000, 300), run(Scenario.CREATE, 1, "gateway", 1_000, 400)),
                4,
                java.time.Instant.parse("2026-01-01T00:00:00Z"));

        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(json.path("poolSize").asInt()).isEqualTo(4);
        assertThat(json.path("rows").get(0).path("call").asText()).isEqualTo("POST create");
        assertThat(json.path("rows").get(0).path("ratio").asDouble()).isEqualTo(0.5);
        assertThat(json.path("rows").get(0).path("cpuRatio").asDouble())
                .isEqualTo(2.6666, org.assertj.core.data.Offset.offset(0.001));
        assertThat(json.path("runs")).hasSize(2);
        assertThat(json.path("runs").get(1).path("server").asText()).isEqualTo("gateway");
        assertThat(json.path("runs").get(1).path("result").path("requests").asLong())
                .isEqualTo(1_000);
    }

    @Test
    void customersAreCopiedUpToTheWantedCount() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA erp");
                statement.execute("CREATE TABLE erp.customer (id UUID PRIMARY KEY, data_area_id VARCHAR(4) NOT NULL,"
                        + " account_num VARCHAR(20) NOT NULL, name VARCHAR(100) NOT NULL, customer_group VARCHAR(10),"
                        + " credit_limit NUMERIC(18,2), credit_status INTEGER, on_hold INTEGER, currency VARCHAR(3),"
                        + " email VARCHAR(100), phone VARCHAR(30), city VARCHAR(60), country_region VARCHAR(3),"
                        + " established_date DATE, created_on TIMESTAMP WITH TIME ZONE, discount_percent DOUBLE"
                        + " PRECISION, employees INTEGER, sales_ytd BIGINT, is_key_account BOOLEAN, primary_contact_id"
                        + " UUID, owner_id UUID, business_unit_id UUID, version_number BIGINT NOT NULL,"
                        + " CONSTRAINT uq_customer_account UNIQUE (data_area_id, account_num))");
                statement.execute("INSERT INTO erp.customer (id, data_area_id, account_num, name, version_number)"
                        + " SELECT gen_random_uuid(), 'usmf', 'US-' || g, 'Customer ' || g, 3"
                        + " FROM generate_series(1, 30) g");
            }

            assertThat(Compare.topUpCustomers(postgres.getPostgresDatabase(), 100))
                    .isEqualTo(100);
            assertThat(Compare.topUpCustomers(postgres.getPostgresDatabase(), 50))
                    .as("never fewer")
                    .isEqualTo(100);

            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet copies = statement.executeQuery("SELECT count(*), count(DISTINCT account_num),"
                            + " min(version_number) FROM erp.customer WHERE account_num LIKE 'US-%-%'")) {
                copies.next();
                assertThat(copies.getInt(1)).isEqualTo(70);
                assertThat(copies.getInt(2)).isEqualTo(70);
                assertThat(copies.getInt(3)).isEqualTo(1);
            }
        }
    }

    @Test
    void theSecurityDataGivesEveryCallerLocalDepthInOneCompany() {
        String yaml = Compare.securityYaml(3);
        assertThat(yaml)
                .contains("{ entity: mserp_custcustomerv3entity, read: Local, create: Local }")
                .contains("entraObjectId: 00000000-0000-4000-8000-000000b10000")
                .contains("entraObjectId: 00000000-0000-4000-8000-000000b10002")
                .doesNotContain("00000000-0000-4000-8000-000000b10003")
                .contains("businessUnit: Contoso US, roles: [ { role: Bench clerk, companies: [usmf] } ]")
                .contains("appId: " + Compare.APPLICATION);
        assertThat(yaml.lines().filter(line -> line.contains("role: Bench clerk, companies")))
                .hasSize(3);
        assertThat(Compare.defaultPoolSize(2)).isEqualTo(4);
        assertThat(Compare.defaultPoolSize(8)).isEqualTo(16);
        assertThat(Compare.defaultPoolSize(64)).isEqualTo(32);
    }
}
