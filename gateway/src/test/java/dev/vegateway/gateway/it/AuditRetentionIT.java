package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.write.AuditPurge;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code audit.retention} end to end: writes through the API stamp audit rows with the gateway's
 * clock; the test moves that clock instead of waiting, runs the gateway's own purge and checks
 * what remains, with SQL and through the audit set, which keeps answering during a purge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditRetentionIT {
    private static final String SET = "mserp_custcustomerv3entities";
    private static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
    private static final String AUDIT = "vegateway_security.data_audit";

    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TestBackend backend;
    private TestGateway gateway;

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.fresh(kind());
        gateway = TestGateway.start(backend, null, Map.of("VEGATEWAY_AUDIT_RETENTION", "1d"), clock);
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    @Test
    void thePurgeRemovesWhatOutlivedTheRetentionAndKeepsTheRest() throws Exception {
        Instant created = clock.instant();
        List<UUID> customers = new ArrayList<>();
        for (int number = 1; number <= 3; number++) {
            customers.add(create("AR-000" + number));
        }
        clock.advance(Duration.ofHours(30));
        Instant updated = clock.instant();
        for (UUID customer : customers.subList(0, 2)) {
            Response response = gateway.as(SAM)
                    .contentType("application/json")
                    .body("{\"mserp_name\":\"Renamed\"}")
                    .patch(SET + "(" + customer + ")");
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        }
        assertThat(auditOf(customers)).hasSize(5);

        // 30 h after the creates: they are older than the day kept, the updates are not.
        AuditPurge purge = gateway.gateway().auditPurge().orElseThrow();
        assertThat(purge.run())
                .hasValueSatisfying(result -> assertThat(result.cutoff()).isEqualTo(updated.minus(Duration.ofDays(1))));
        assertThat(backend.count("SELECT COUNT(*) FROM " + AUDIT + " WHERE changed_at < ?", at(updated)))
                .isZero();
        List<Map<String, Object>> remaining = auditOf(customers);
        assertThat(remaining).extracting(row -> row.get("vegateway_operation")).containsExactly("update", "update");
        assertThat(remaining)
                .extracting(row -> Instant.parse((String) row.get("vegateway_changedon")))
                .containsOnly(updated);
        assertThat(created).isBefore(updated.minus(Duration.ofDays(1)));

        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(purge.run()).isPresent();
        assertThat(auditOf(customers)).isEmpty();
    }

    @Test
    void theAuditSetAnswersWhileAPurgeRemovesThousandsOfRowsInBatches() throws Exception {
        Instant old = clock.instant().minus(Duration.ofDays(400));
        int rows = 4 * AuditPurge.Settings.DEFAULT_BATCH_SIZE + 10;
        insertAuditRows(old, rows);
        UUID kept = create("AR-0100");

        CompletableFuture<java.util.Optional<AuditPurge.Result>> running = CompletableFuture.supplyAsync(
                () -> gateway.gateway().auditPurge().orElseThrow().run());
        int answeredDuringThePurge = 0;
        while (!running.isDone()) {
            Response page = gateway.as(SAM).get("vegateway_dataaudits?$top=5&$count=true");
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            answeredDuringThePurge++;
        }
        assertThat(running.get()).isPresent();
        assertThat(answeredDuringThePurge).isPositive();
        assertThat(backend.count("SELECT COUNT(*) FROM " + AUDIT + " WHERE changed_at < ?", at(old.plusSeconds(1))))
                .isZero();
        assertThat(auditOf(List.of(kept)))
                .extracting(row -> row.get("vegateway_operation"))
                .containsExactly("create");
    }

    @Test
    void theExportStreamsATimeRangeOldestFirstOnThisBackend() throws Exception {
        // Ahead of the data clock, so that no purge (the background one included) touches them.
        Instant from = clock.instant().plus(Duration.ofDays(1000)).truncatedTo(ChronoUnit.DAYS);
        insertAuditRows(from.minusMillis(1), 1_202);
        java.io.StringWriter out = new java.io.StringWriter();
        long written;
        try (Connection connection = backend.connect()) {
            written = new dev.vegateway.adapter.write.AuditExport(
                            new dev.vegateway.adapter.write.AuditLog("vegateway_security"))
                    .write(connection, from, from.plusMillis(1_200), out);
        }
        assertThat(written).isEqualTo(1_200);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(1_200);
        assertThat(lines.get(0)).contains("\"vegateway_changedon\":\"" + from + "\"");
        assertThat(lines.get(1_199)).contains("\"vegateway_changedon\":\"" + from.plusMillis(1_199) + "\"");
    }

    private UUID create(String account) {
        Response response = gateway.as(SAM)
                .contentType("application/json")
                .body("{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"" + account
                        + "\",\"mserp_name\":\"Audited " + account + "\"}")
                .post(SET);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(204);
        String id = response.header("OData-EntityId");
        return UUID.fromString(id.substring(id.lastIndexOf('(') + 1, id.length() - 1));
    }

    /** The audit set's rows of {@code records}, oldest first. */
    private List<Map<String, Object>> auditOf(List<UUID> records) {
        List<String> conditions = new ArrayList<>();
        for (UUID record : records) {
            conditions.add("vegateway_recordid%20eq%20" + record);
        }
        Response response = gateway.as(SAM)
                .get("vegateway_dataaudits?$filter=" + String.join("%20or%20", conditions)
                        + "&$orderby=vegateway_changedon,vegateway_operation");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response.jsonPath().getList("value");
    }

    private void insertAuditRows(Instant at, int count) throws SQLException {
        try (Connection connection = backend.connect();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO " + AUDIT
                        + " (id, changed_at, user_id, application_id, operation, entity, record_key, changes)"
                        + " VALUES (?, ?, ?, 'bulk', 'update', 'mserp_custcustomerv3entity', ?, '{}')")) {
            for (int row = 0; row < count; row++) {
                statement.setObject(1, UUID.randomUUID());
                statement.setObject(2, at(at.plusMillis(row)));
                statement.setObject(3, SAM);
                statement.setObject(4, UUID.randomUUID());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static java.time.OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The gateway's data clock, moved by the test. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock has no zone");
        }
    }
}
