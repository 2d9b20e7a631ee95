package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.adapter.sql.DerivedSql;
import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.PostgreSqlDialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.DerivedKey;
import dev.vegateway.catalog.EntityDefinition;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Entities without a GUID column, on real H2 and real embedded PostgreSQL: the GUID the backend
 * derives equals the one {@link DerivedKey} computes, reads and writes address rows by it, and a
 * lookup by it is an index seek.
 */
class NaturalKeyTest {
    static final String CATALOG =
            """
            entities:
              - logicalName: mserp_custcustomerv3entity
                entitySetName: mserp_custcustomerv3entities
                table: erp.custtable
                key: [mserp_dataareaid, mserp_customeraccount]
                companyField: mserp_dataareaid
                fields:
                  - { name: mserp_dataareaid, column: dataareaid, type: String(4) }
                  - { name: mserp_customeraccount, column: accountnum, type: String(20) }
                  - { name: mserp_name, column: name, type: String(60) }
                  - { name: mserp_since, column: since, type: Date }
              - logicalName: mserp_ledgerjournalentity
                entitySetName: mserp_ledgerjournalentities
                table: erp.journal
                key: [mserp_recid]
                fields:
                  - { name: mserp_recid, column: recid, type: Int64 }
                  - { name: mserp_description, column: description, type: String(60) }
              - logicalName: mserp_daterangeentity
                entitySetName: mserp_daterangeentities
                table: erp.dateranges
                key: [mserp_code, mserp_start, mserp_active, mserp_number, mserp_ref]
                fields:
                  - { name: mserp_code, column: code, type: String(10) }
                  - { name: mserp_start, column: start_on, type: Date }
                  - { name: mserp_active, column: active, type: Boolean }
                  - { name: mserp_number, column: num, type: Int32 }
                  - { name: mserp_ref, column: ref, type: Guid }
            """;

    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static EmbeddedPostgres postgres;
    private static Backend h2;
    private static Backend postgreSql;
    private static Catalog catalog;

    record Backend(String name, DataSource dataSource, Dialect dialect) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        catalog = CatalogLoader.load("natural-keys.yaml", CATALOG);
        JdbcDataSource h2DataSource = new JdbcDataSource();
        h2DataSource.setURL(
                "jdbc:h2:mem:naturalkeys" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        h2 = new Backend("H2", h2DataSource, H2Dialect.INSTANCE);
        postgres = EmbeddedPostgres.builder().setServerConfig("timezone", "UTC").start();
        postgreSql = new Backend("PostgreSQL", postgres.getPostgresDatabase(), PostgreSqlDialect.INSTANCE);
        for (Backend backend : List.of(h2, postgreSql)) {
            execute(
                    backend,
                    "CREATE SCHEMA erp",
                    "CREATE TABLE erp.custtable (dataareaid VARCHAR(4) NOT NULL, accountnum VARCHAR(20) NOT NULL,"
                            + " name VARCHAR(60), since DATE, PRIMARY KEY (dataareaid, accountnum))",
                    "CREATE TABLE erp.journal (recid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                            + " description VARCHAR(60))",
                    "CREATE TABLE erp.dateranges (code VARCHAR(10) NOT NULL, start_on DATE NOT NULL,"
                            + " active BOOLEAN NOT NULL, num INTEGER NOT NULL, ref UUID NOT NULL)");
            new AuditLog("vegateway_security").createIfMissing(backend.dataSource(), "vegateway_security");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    static Stream<Backend> backends() {
        return Stream.of(h2, postgreSql);
    }

    private static void execute(Backend backend, String... statements) throws SQLException {
        try (Connection connection = backend.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static EntityDefinition customer() {
        return catalog.byLogicalName("mserp_custcustomerv3entity").orElseThrow();
    }

    private static EntityDefinition journal() {
        return catalog.byLogicalName("mserp_ledgerjournalentity").orElseThrow();
    }

    private static AccessScope everything() {
        return new AccessScope(USER, "Admin", true, List.of(), Set.of(), Optional.empty(), Set.of());
    }

    private static QueryService queries(Backend backend) {
        return new QueryService(
                QueryPlanner.of(catalog, new ContinuationTokens(new byte[32]), 100),
                new SqlRenderer(backend.dialect()),
                backend.dataSource(),
                new ContinuationTokens(new byte[32]),
                Duration.ofSeconds(10));
    }

    private static WriteService writes(Backend backend) {
        return new WriteService(
                catalog,
                backend.dataSource(),
                new WriteSqlRenderer(backend.dialect()),
                new AuditLog("vegateway_security"),
                new ChangeTracking(
                        backend.dataSource(), new WriteSqlRenderer(backend.dialect()), "vegateway_security", 10),
                Clock.systemUTC(),
                Duration.ofSeconds(10),
                List.of());
    }

    private static WriteContext context() {
        return new WriteContext(USER, "Admin", Optional.empty(), "app-1", operation -> switch (operation) {
            case CREATE, WRITE, DELETE -> WriteContext.Allowed.rows(Condition.TRUE);
        });
    }

    /** Rows by output field name. */
    static final class Rows implements RowSink {
        final List<Map<String, Object>> rows = new ArrayList<>();

        @Override
        public void start(QueryPlan plan, OptionalLong count) {}

        @Override
        public void row(QueryPlan plan, Object[] values) {
            Map<String, Object> row = new HashMap<>();
            plan.output()
                    .forEach(output ->
                            row.put(output.name(), output.masked() ? "(masked)" : values[output.selectIndex()]));
            row.put("$key", values[plan.keyIndex().orElseThrow()]);
            rows.add(row);
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {}
    }

    private static List<Map<String, Object>> all(Backend backend, EntityDefinition entity, Condition criteria)
            throws IOException {
        Rows rows = new Rows();
        queries(backend)
                .retrieveMultiple(
                        new Query(
                                new Relation(entity.logicalName(), Columns.every(), criteria, List.of(), List.of()),
                                OptionalInt.empty(),
                                OptionalInt.empty(),
                                false,
                                Optional.empty(),
                                false),
                        ignored -> everything(),
                        rows);
        return rows.rows;
    }

    private static Optional<Map<String, Object>> byKey(Backend backend, EntityDefinition entity, UUID key)
            throws IOException {
        Rows rows = new Rows();
        try {
            queries(backend).retrieve(entity, key, List.of(), everything(), rows);
        } catch (GatewayException e) {
            if (e.errorCode() == ErrorCode.RECORD_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(rows.rows.get(0));
    }

    private static Map<String, Object> payload(Object... pairs) {
        Map<String, Object> payload = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            payload.put((String) pairs[i], pairs[i + 1]);
        }
        return payload;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theBackendDerivesTheGuidJavaComputes(Backend backend) throws Exception {
        String[] accounts = {"plain", "pipe|in", "back\\slash", "\\|", "umlaut-äö", "emoji-😀", "''quote"};
        try (Connection connection = backend.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO erp.custtable (dataareaid, accountnum, name, since) VALUES (?, ?, ?, ?)")) {
            for (String account : accounts) {
                insert.setString(1, "hash");
                insert.setString(2, account);
                insert.setString(3, "n");
                insert.setObject(4, LocalDate.of(1969, 12, 31));
                insert.executeUpdate();
            }
        }
        DerivedKey key = customer().derivedKey().orElseThrow();
        List<Map<String, Object>> rows = all(
                backend,
                customer(),
                new Condition.Comparison(
                        new AttributeRef("mserp_dataareaid"), Condition.Operator.EQUAL, new Literal("hash")));
        assertThat(rows).hasSize(accounts.length);
        for (Map<String, Object> row : rows) {
            List<Object> values = List.of(row.get("mserp_dataareaid"), row.get("mserp_customeraccount"));
            assertThat(row.get("mserp_custcustomerv3entityid")).isEqualTo(key.guid(values));
            assertThat(row.get("mserp_primaryfield")).isEqualTo(key.primaryText(values));
        }
        // every kind of key part, and a negative and a large RecId
        UUID reference = UUID.fromString("0A1B2C3D-0000-4000-8000-00000000ABCD");
        execute(
                backend,
                "INSERT INTO erp.dateranges VALUES ('a|b', DATE '1901-02-03', TRUE, -7, '" + reference + "')",
                "INSERT INTO erp.dateranges VALUES ('a', DATE '2024-12-31', FALSE, 2147483647, '" + reference + "')",
                "INSERT INTO erp.journal (recid, description) VALUES (-5, 'negative')",
                "INSERT INTO erp.journal (recid, description) VALUES (9223372036854775807, 'largest')");
        EntityDefinition ranges = catalog.byLogicalName("mserp_daterangeentity").orElseThrow();
        DerivedKey rangeKey = ranges.derivedKey().orElseThrow();
        List<Map<String, Object>> rangeRows = all(backend, ranges, Condition.TRUE);
        assertThat(rangeRows).hasSize(2);
        for (Map<String, Object> row : rangeRows) {
            List<Object> values = rangeKey.fieldNames().stream().map(row::get).toList();
            assertThat(row.get("mserp_daterangeentityid")).isEqualTo(rangeKey.guid(values));
        }
        DerivedKey recordId = journal().derivedKey().orElseThrow();
        for (long id : new long[] {-5, Long.MAX_VALUE}) {
            UUID guid = recordId.guid(List.of(id));
            assertThat(byKey(backend, journal(), guid))
                    .hasValueSatisfying(
                            row -> assertThat(row.get("mserp_recid")).isEqualTo(id))
                    .hasValueSatisfying(row ->
                            assertThat(row.get("mserp_ledgerjournalentityid")).isEqualTo(guid));
            assertThat(recordId.decode(guid)).contains(id);
        }
        execute(backend, "DELETE FROM erp.custtable WHERE dataareaid = 'hash'", "DELETE FROM erp.dateranges");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void createReadUpdateDeleteAndUpsertByTheDerivedGuid(Backend backend) throws Exception {
        WriteService writes = writes(backend);
        DerivedKey key = customer().derivedKey().orElseThrow();
        UUID created = writes.create(
                        customer(),
                        payload(
                                "mserp_dataareaid", "usmf",
                                "mserp_customeraccount", "US-0001",
                                "mserp_name", "Contoso"),
                        context())
                .key();
        assertThat(created).isEqualTo(key.guid(List.of("usmf", "US-0001")));
        assertThat(byKey(backend, customer(), created))
                .hasValueSatisfying(row -> assertThat(row.get("mserp_name")).isEqualTo("Contoso"))
                .hasValueSatisfying(
                        row -> assertThat(row.get("mserp_primaryfield")).isEqualTo("usmf|US-0001"));

        assertThatThrownBy(() -> writes.create(
                        customer(),
                        payload(
                                "mserp_custcustomerv3entityid",
                                        UUID.randomUUID().toString(),
                                "mserp_dataareaid", "usmf",
                                "mserp_customeraccount", "US-0002"),
                        context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.VALIDATION);
                    assertThat(e.getMessage())
                            .contains("'mserp_custcustomerv3entityid' is derived from the key")
                            .contains("mserp_dataareaid, mserp_customeraccount");
                });
        assertThatThrownBy(() -> writes.create(
                        customer(),
                        payload(
                                "mserp_dataareaid", "usmf",
                                "mserp_customeraccount", "US-0001",
                                "mserp_name", "Twice"),
                        context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_RECORD));

        writes.update(customer(), created, payload("mserp_name", "Contoso Ltd"), Preconditions.none(), context());
        assertThat(byKey(backend, customer(), created))
                .hasValueSatisfying(row -> assertThat(row.get("mserp_name")).isEqualTo("Contoso Ltd"));
        assertThatThrownBy(() -> writes.update(
                        customer(),
                        created,
                        payload("mserp_customeraccount", "US-0009"),
                        Preconditions.none(),
                        context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.VALIDATION);
                    assertThat(e.getMessage()).contains("'mserp_customeraccount' is read-only");
                });

        // upsert: PATCH of a missing row by its GUID creates it from the body's key values, which must make that GUID
        UUID missing = key.guid(List.of("usmf", "US-0003"));
        WriteService.Result upserted = writes.update(
                customer(),
                missing,
                payload("mserp_dataareaid", "usmf", "mserp_customeraccount", "US-0003", "mserp_name", "Upserted"),
                Preconditions.none(),
                context());
        assertThat(upserted).isEqualTo(new WriteService.Result(missing, true));
        UUID other = key.guid(List.of("usmf", "US-0004"));
        assertThatThrownBy(() -> writes.update(
                        customer(),
                        other,
                        payload("mserp_dataareaid", "usmf", "mserp_customeraccount", "US-0005"),
                        Preconditions.none(),
                        context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.VALIDATION);
                    assertThat(e.getMessage()).contains("not the id " + other);
                });
        assertThat(byKey(backend, customer(), key.guid(List.of("usmf", "US-0005"))))
                .isEmpty();

        writes.delete(customer(), created, Preconditions.none(), context());
        assertThat(byKey(backend, customer(), created)).isEmpty();
        writes.delete(customer(), missing, Preconditions.none(), context());

        // a RecId key: the database fills it, the GUID encodes it, a GUID of another entity matches nothing
        UUID journalKey = writes.create(journal(), payload("mserp_description", "Accruals"), context())
                .key();
        Map<String, Object> journalRow = byKey(backend, journal(), journalKey).orElseThrow();
        assertThat(journal().derivedKey().orElseThrow().guid(List.of(journalRow.get("mserp_recid"))))
                .isEqualTo(journalKey);
        writes.update(journal(), journalKey, payload("mserp_description", "Accrued"), Preconditions.none(), context());
        assertThat(byKey(backend, journal(), journalKey))
                .hasValueSatisfying(
                        row -> assertThat(row.get("mserp_description")).isEqualTo("Accrued"));
        UUID foreign = new UUID(0x1234L << 32, (Long) journalRow.get("mserp_recid"));
        assertThat(byKey(backend, journal(), foreign)).isEmpty();
        assertThatThrownBy(() -> writes.create(journal(), payload("mserp_recid", 77L), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.getMessage()).contains("'mserp_recid' is read-only"));
        writes.delete(journal(), journalKey, Preconditions.none(), context());
        assertThat(byKey(backend, journal(), journalKey)).isEmpty();
    }

    @Test
    void aLookupByTheDerivedGuidIsAnIndexSeekOnPostgreSql() throws Exception {
        for (String statement : DerivedSql.keyIndexStatements(PostgreSqlDialect.INSTANCE, customer())) {
            execute(postgreSql, statement);
        }
        execute(
                postgreSql,
                "INSERT INTO erp.custtable (dataareaid, accountnum, name)"
                        + " SELECT 'seek', 'C-' || i, 'n' FROM generate_series(1, 20000) i",
                "INSERT INTO erp.journal (description) SELECT 'j' || i FROM generate_series(1, 20000) i",
                "ANALYZE erp.custtable",
                "ANALYZE erp.journal");
        UUID customerKey = customer().derivedKey().orElseThrow().guid(List.of("seek", "C-777"));
        assertThat(explain(customer(), customerKey))
                .contains("Index Scan using custtable_mserp_custcustomerv3entityid");
        assertThat(byKey(postgreSql, customer(), customerKey))
                .hasValueSatisfying(
                        row -> assertThat(row.get("mserp_customeraccount")).isEqualTo("C-777"));

        UUID journalKey = journal().derivedKey().orElseThrow().guid(List.of(777L));
        assertThat(explain(journal(), journalKey))
                .contains("Index Scan using journal_pkey")
                .contains("recid = ");
        execute(postgreSql, "DELETE FROM erp.custtable WHERE dataareaid = 'seek'", "DELETE FROM erp.journal");
    }

    @Test
    void onH2AStoredKeyColumnMakesTheLookupAnIndexSeek() throws Exception {
        String yaml = CATALOG.replace(
                "    key: [mserp_dataareaid, mserp_customeraccount]\n",
                "    key: [mserp_dataareaid, mserp_customeraccount]\n"
                        + "    keyColumn: mserp_custcustomerv3entityid\n");
        assertThat(yaml).contains("keyColumn");
        Catalog stored = CatalogLoader.load("stored.yaml", yaml);
        EntityDefinition entity =
                stored.byLogicalName("mserp_custcustomerv3entity").orElseThrow();
        // the statements proposed for the catalog without keyColumn make the column the catalog with it reads
        for (String statement : DerivedSql.keyIndexStatements(H2Dialect.INSTANCE, customer())) {
            if (!statement.startsWith("--")) {
                execute(h2, statement);
            }
        }
        execute(h2, "INSERT INTO erp.custtable (dataareaid, accountnum) VALUES ('h2', 'H-1'), ('h2', 'H-2')");
        UUID key = entity.derivedKey().orElseThrow().guid(List.of("h2", "H-2"));
        QueryPlanner planner = QueryPlanner.of(stored, new ContinuationTokens(new byte[32]), 100);
        PreparedSql sql =
                new SqlRenderer(H2Dialect.INSTANCE).select(planner.plan(byKeyQuery(entity, key), everything()));
        assertThat(sql.sql()).contains("t0.\"mserp_custcustomerv3entityid\" = ?");
        try (Connection connection = h2.dataSource().getConnection();
                PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql.sql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                explain.setObject(i + 1, sql.parameters().get(i));
            }
            try (ResultSet result = explain.executeQuery()) {
                result.next();
                assertThat(result.getString(1)).contains("custtable_mserp_custcustomerv3entityid");
            }
        }
        execute(
                h2,
                "DELETE FROM erp.custtable WHERE dataareaid = 'h2'",
                "ALTER TABLE erp.custtable DROP COLUMN mserp_custcustomerv3entityid");
    }

    private static Query byKeyQuery(EntityDefinition entity, UUID key) {
        return new Query(
                new Relation(
                        entity.logicalName(),
                        Columns.every(),
                        new Condition.Comparison(
                                new AttributeRef(entity.keyField()), Condition.Operator.EQUAL, new Literal(key)),
                        List.of(),
                        List.of()),
                OptionalInt.of(1),
                OptionalInt.empty(),
                false,
                Optional.empty(),
                false);
    }

    private static String explain(EntityDefinition entity, UUID key) throws SQLException {
        QueryPlanner planner = QueryPlanner.of(catalog, new ContinuationTokens(new byte[32]), 100);
        PreparedSql sql =
                new SqlRenderer(PostgreSqlDialect.INSTANCE).select(planner.plan(byKeyQuery(entity, key), everything()));
        StringBuilder plan = new StringBuilder();
        try (Connection connection = postgreSql.dataSource().getConnection();
                PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql.sql())) {
            for (int i = 0; i < sql.parameters().size(); i++) {
                explain.setObject(i + 1, sql.parameters().get(i));
            }
            try (ResultSet result = explain.executeQuery()) {
                while (result.next()) {
                    plan.append(result.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
