package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.jdbc.LostConnections;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.FieldValidation;
import dev.vegateway.catalog.KeyStrategy;
import dev.vegateway.catalog.OptionSet;
import dev.vegateway.catalog.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write path on a real H2 database: validation, scope, ETags, upsert, audit, concurrency. */
class WriteServiceTest {
    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID UNIT = UUID.fromString("00000000-0000-4000-8000-0000000000aa");

    private JdbcDataSource dataSource;
    private EntityDefinition entity;
    private WriteService service;
    private Catalog catalog;
    private AuditLog audit;
    private Condition createScope = Condition.TRUE;
    private Condition writeScope = Condition.TRUE;
    private Set<String> uncreatable = Set.of();
    private Set<String> unupdatable = Set.of();

    @BeforeEach
    void setUp() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:write" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA erp");
            statement.execute(
                    "CREATE TABLE erp.account (id UUID PRIMARY KEY, company VARCHAR(4) NOT NULL, name VARCHAR(10) NOT NULL, credit NUMERIC(8,2),"
                            + " status INTEGER, owner_id UUID, unit_id UUID, version BIGINT NOT NULL)");
        }
        List<FieldDefinition> fields = List.of(
                field("accountid", FieldType.of(FieldType.Kind.GUID), false, false),
                field("company", FieldType.string(4), true, false),
                field("name", FieldType.string(10), true, false),
                field("credit", FieldType.decimal(8, 2), false, false),
                field("status", FieldType.enumeration("accountstatus"), false, false),
                field("ownerid", FieldType.of(FieldType.Kind.GUID), false, false),
                field("unitid", FieldType.of(FieldType.Kind.GUID), false, false),
                field("version", FieldType.of(FieldType.Kind.INT64), false, true));
        Map<String, String> columns = Map.of("accountid", "id", "ownerid", "owner_id", "unitid", "unit_id");
        List<FieldDefinition> mapped = fields.stream()
                .map(f -> new FieldDefinition(
                        f.logicalName(),
                        columns.getOrDefault(f.logicalName(), f.logicalName()),
                        f.type(),
                        f.required(),
                        f.readOnly(),
                        Map.of()))
                .toList();
        entity = EntityDefinition.builder(
                        "account", "accounts", new TableName(Optional.of("erp"), "account"), "accountid")
                .fields(mapped)
                .companyField(Optional.of("company"))
                .ownerField(Optional.of("ownerid"))
                .businessUnitField(Optional.of("unitid"))
                .rowVersionField(Optional.of("version"))
                .keyStrategy(KeyStrategy.GENERATED_OR_CLIENT)
                .build();
        catalog = new Catalog(
                List.of(entity),
                List.of(new OptionSet(
                        "accountstatus",
                        List.of(
                                new OptionSet.Member("Active", 0, Map.of(), 0),
                                new OptionSet.Member("OnHold", 1, Map.of(), 1)))));
        audit = new AuditLog("vegateway_security");
        audit.createIfMissing(dataSource, "vegateway_security");
        service = new WriteService(
                catalog,
                dataSource,
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                audit,
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 10),
                Clock.systemUTC(),
                Duration.ofSeconds(10));
    }

    private static FieldDefinition field(String name, FieldType type, boolean required, boolean readOnly) {
        return new FieldDefinition(name, name, type, required, readOnly, Map.of());
    }

    private WriteContext context() {
        return new WriteContext(USER, "Test User", Optional.of(UNIT), "app-1", operation -> switch (operation) {
            case CREATE -> new WriteContext.Allowed(createScope, uncreatable);
            case WRITE -> new WriteContext.Allowed(writeScope, unupdatable);
            case DELETE -> WriteContext.Allowed.rows(writeScope);
        });
    }

    private Condition companyIs(String company) {
        return new Condition.Comparison(
                new ColumnRef(WriteService.ALIAS, entity.field("company").orElseThrow()),
                Condition.Operator.EQUAL,
                new Literal(company));
    }

    private Map<String, Object> payload(Object... pairs) {
        Map<String, Object> payload = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            payload.put((String) pairs[i], pairs[i + 1]);
        }
        return payload;
    }

    private Map<String, Object> row(UUID key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT company, name, credit, status, owner_id, unit_id, version FROM erp.account WHERE id = '"
                                + key + "'")) {
            if (!result.next()) {
                return null;
            }
            Map<String, Object> row = new HashMap<>();
            row.put("company", result.getString(1));
            row.put("name", result.getString(2));
            row.put("credit", result.getBigDecimal(3));
            row.put("status", result.getObject(4));
            row.put("owner", result.getObject(5, UUID.class));
            row.put("unit", result.getObject(6, UUID.class));
            row.put("version", result.getLong(7));
            return row;
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void aLostConnectionIs503EvenWhenItsRollbackFailsToo() throws SQLException {
        WriteService lost = new WriteService(
                catalog,
                new LostConnections(dataSource),
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                audit,
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 10),
                Clock.systemUTC(),
                Duration.ofSeconds(10));
        UUID key = UUID.randomUUID();

        for (Throwable thrown : List.of(
                catchThrowable(() -> lost.create(entity, payload("company", "usmf", "name", "Lost"), context())),
                catchThrowable(
                        () -> lost.update(entity, key, payload("name", "Lost"), Preconditions.none(), context())),
                catchThrowable(() -> lost.delete(entity, key, Preconditions.none(), context())))) {
            assertThat(thrown).isInstanceOfSatisfying(GatewayException.class, exception -> {
                assertThat(exception.errorCode()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
                assertThat(exception.getCause())
                        .isInstanceOfSatisfying(SQLException.class, cause -> assertThat(cause.getSQLState())
                                .isEqualTo(LostConnections.LOST_STATE));
                assertThat(exception.getCause().getSuppressed())
                        .extracting(Throwable::getMessage)
                        .contains(LostConnections.ROLLBACK_FAILURE);
            });
        }
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
    }

    @Test
    void createStampsOwnerUnitAndVersionAndWritesAnAuditRecord() throws SQLException {
        WriteService.Result result = service.create(
                entity,
                payload("company", "usmf", "name", "Contoso", "credit", new BigDecimal("12.5"), "status", 1L),
                context());
        assertThat(result.created()).isTrue();
        Map<String, Object> row = row(result.key());
        assertThat(row)
                .containsEntry("company", "usmf")
                .containsEntry("name", "Contoso")
                .containsEntry("status", 1)
                .containsEntry("owner", USER)
                .containsEntry("unit", UNIT)
                .containsEntry("version", 1L);
        assertThat((BigDecimal) row.get("credit")).isEqualByComparingTo("12.50");
        assertThat(count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'create' AND record_key = '"
                                + result.key() + "'"))
                .isEqualTo(1);
    }

    @Test
    void everyValidationFailureNamesThePropertyAndWritesNothing() throws SQLException {
        assertRefused(payload("company", "usmf", "name", "x", "nosuch", 1), ErrorCode.MALFORMED_PAYLOAD, "nosuch");
        assertRefused(payload("company", "usmf", "name", 5), ErrorCode.MALFORMED_PAYLOAD, "name");
        assertRefused(payload("company", "usmf", "name", "much too long"), ErrorCode.VALIDATION, "name");
        assertRefused(payload("company", "usmf"), ErrorCode.VALIDATION, "name");
        assertRefused(payload("company", "usmf", "name", "x", "status", "Closed"), ErrorCode.VALIDATION, "status");
        assertRefused(payload("company", "usmf", "name", "x", "version", 7L), ErrorCode.VALIDATION, "version");
        assertRefused(
                payload(
                        "company",
                        "usmf",
                        "name",
                        "x",
                        "ownerid",
                        UUID.randomUUID().toString()),
                ErrorCode.VALIDATION,
                "ownerid");
        assertRefused(
                payload("company", "usmf", "name", "x", "credit", new BigDecimal("1.234")),
                ErrorCode.VALIDATION,
                "credit");
        assertRefused(
                payload("company", "usmf", "name", "x", "credit", new BigDecimal("1234567.1")),
                ErrorCode.VALIDATION,
                "credit");
        assertRefused(payload("company", "usmf", "name", null), ErrorCode.VALIDATION, "name");
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit")).isZero();
    }

    private void assertRefused(Map<String, Object> payload, ErrorCode code, String property) {
        assertThatThrownBy(() -> service.create(entity, payload, context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains("'" + property + "'");
                });
    }

    @Test
    void aFieldProtectedOnCreateRefusesTheWholeCreateAndWritesNothing() throws SQLException {
        uncreatable = Set.of("credit");
        assertThatThrownBy(() -> service.create(
                        entity, payload("company", "usmf", "name", "x", "credit", new BigDecimal("5")), context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE);
                    assertThat(e.getMessage()).contains("may not create field 'credit'", "'account'");
                });
        // Even a null is a value set
        assertThatThrownBy(() ->
                        service.create(entity, payload("company", "usmf", "name", "x", "credit", null), context()))
                .isInstanceOf(GatewayException.class);
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit")).isZero();
        // Protected on update only: creating with it is allowed
        uncreatable = Set.of();
        unupdatable = Set.of("credit");
        WriteService.Result created = service.create(
                entity, payload("company", "usmf", "name", "x", "credit", new BigDecimal("5")), context());
        assertThat((BigDecimal) row(created.key()).get("credit")).isEqualByComparingTo("5");
    }

    @Test
    void aFieldProtectedOnUpdateRefusesTheWholeUpdateAndChangesNothing() throws SQLException {
        WriteService.Result created = service.create(
                entity, payload("company", "usmf", "name", "x", "credit", new BigDecimal("5")), context());
        unupdatable = Set.of("credit");
        assertThatThrownBy(() -> service.update(
                        entity,
                        created.key(),
                        payload("name", "renamed", "credit", new BigDecimal("987654.32")),
                        Preconditions.none(),
                        context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE);
                    assertThat(e.getMessage()).contains("may not update field 'credit'");
                });
        Map<String, Object> row = row(created.key());
        assertThat(row).containsEntry("name", "x").containsEntry("version", 1L);
        assertThat((BigDecimal) row.get("credit")).isEqualByComparingTo("5");
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'update'"))
                .isZero();
        // The other fields may still be updated
        service.update(entity, created.key(), payload("name", "renamed"), Preconditions.none(), context());
        assertThat(row(created.key())).containsEntry("name", "renamed");
    }

    @Test
    void anUpsertThatCreatesChecksTheCreateRuleAndOneThatUpdatesTheUpdateRule() throws SQLException {
        UUID missing = UUID.randomUUID();
        uncreatable = Set.of("credit");
        assertThatThrownBy(() -> service.update(
                        entity,
                        missing,
                        payload("company", "usmf", "name", "x", "credit", new BigDecimal("5")),
                        Preconditions.none(),
                        context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage())
                        .contains("may not create field 'credit'"));
        assertThat(row(missing)).isNull();
        // Protected on update only: an upsert that creates the record may set it
        uncreatable = Set.of();
        unupdatable = Set.of("credit");
        WriteService.Result result = service.update(
                entity,
                missing,
                payload("company", "usmf", "name", "x", "credit", new BigDecimal("5")),
                Preconditions.none(),
                context());
        assertThat(result.created()).isTrue();
        // …and the same upsert on the now existing record is an update, refused
        assertThatThrownBy(() -> service.update(
                        entity, missing, payload("credit", new BigDecimal("6")), Preconditions.none(), context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage())
                        .contains("may not update field 'credit'"));
        assertThat((BigDecimal) row(missing).get("credit")).isEqualByComparingTo("5");
    }

    /**
     * The write invariant of field security, over generated rules and payloads: a write succeeds
     * exactly when it sets no protected field; a refused write leaves the row and the audit as
     * they were; an accepted one changes only the fields it sent.
     */
    @Test
    void noWriteChangesAFieldTheCallerMayNotSet() throws SQLException {
        java.util.Random random = new java.util.Random(9);
        List<String> writable = List.of("name", "credit", "status");
        WriteService.Result created = service.create(entity, payload("company", "usmf", "name", "start"), context());
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            uncreatable = randomSubset(random, writable);
            unupdatable = randomSubset(random, writable);
            Map<String, Object> changes = new HashMap<>();
            for (String field : randomSubset(random, writable)) {
                changes.put(
                        field,
                        switch (field) {
                            case "name" -> "n" + round;
                            case "credit" -> new BigDecimal(round + ".25");
                            default -> random.nextBoolean() ? 0L : 1L;
                        });
            }
            boolean creating = random.nextBoolean();
            Map<String, Object> payload = new HashMap<>(changes);
            if (creating) {
                payload.putIfAbsent("name", "x");
                payload.put("company", "usmf");
            }
            Set<String> denied = creating ? uncreatable : unupdatable;
            boolean allowed = payload.keySet().stream().noneMatch(denied::contains);
            long auditsBefore = count("SELECT COUNT(*) FROM vegateway_security.data_audit");
            long rowsBefore = count("SELECT COUNT(*) FROM erp.account");
            Map<String, Object> before = row(created.key());
            try {
                if (creating) {
                    service.create(entity, payload, context());
                } else {
                    service.update(entity, created.key(), payload, Preconditions.none(), context());
                }
                assertThat(allowed)
                        .as("round %d: %s with %s denied", round, changes, denied)
                        .isTrue();
                if (!creating) {
                    Map<String, Object> after = row(created.key());
                    for (String field : List.of("company", "name", "credit", "status")) {
                        if (!changes.containsKey(field)) {
                            assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
                        }
                    }
                }
            } catch (GatewayException e) {
                assertThat(allowed).as("round %d: %s", round, e.getMessage()).isFalse();
                assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE);
                assertThat(row(created.key())).isEqualTo(before);
                assertThat(count("SELECT COUNT(*) FROM erp.account")).isEqualTo(rowsBefore);
                assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit"))
                        .isEqualTo(auditsBefore);
                refused++;
            }
        }
        assertThat(refused)
                .as("the generated cases refuse some writes and accept others")
                .isBetween(20, 180);
    }

    private static Set<String> randomSubset(java.util.Random random, List<String> fields) {
        Set<String> subset = new java.util.LinkedHashSet<>();
        for (String field : fields) {
            if (random.nextInt(3) == 0) {
                subset.add(field);
            }
        }
        return subset;
    }

    @Test
    void createOutsideTheCreateScopeIsRefusedAndLeavesNoRow() throws SQLException {
        createScope = companyIs("usmf");
        assertThatThrownBy(() -> service.create(entity, payload("company", "demf", "name", "x"), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE));
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
        service.create(entity, payload("company", "usmf", "name", "x"), context());
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isEqualTo(1);
    }

    @Test
    void defaultsAndValidationRulesOfTheCatalogApply() throws SQLException {
        FieldDefinition credit = entity.field("credit").orElseThrow();
        FieldDefinition ruled = new FieldDefinition(
                credit.logicalName(),
                credit.column(),
                credit.type(),
                false,
                false,
                Map.of(),
                Optional.of(new BigDecimal("100.00")),
                FieldValidation.range(Optional.of(BigDecimal.ZERO), Optional.of(new BigDecimal("1000"))));
        List<FieldDefinition> fields = entity.fields().stream()
                .map(field -> field.logicalName().equals("credit") ? ruled : field)
                .toList();
        EntityDefinition withRules = EntityDefinition.builder("account", "accounts", entity.table(), "accountid")
                .fields(fields)
                .companyField(Optional.of("company"))
                .ownerField(Optional.of("ownerid"))
                .businessUnitField(Optional.of("unitid"))
                .rowVersionField(Optional.of("version"))
                .build();
        UUID key = service.create(withRules, payload("company", "usmf", "name", "x"), context())
                .key();
        assertThat((BigDecimal) row(key).get("credit")).isEqualByComparingTo("100");
        assertThatThrownBy(() ->
                        service.create(withRules, payload("company", "usmf", "name", "x", "credit", -1), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.getMessage()).contains("'credit'").contains("at least 0"));
        assertThatThrownBy(() -> service.create(
                        withRules,
                        payload("accountid", UUID.randomUUID().toString(), "company", "usmf", "name", "x"),
                        context()))
                .as("the key is generated for this entity")
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.getMessage()).contains("'accountid'").contains("read-only"));
        assertThatThrownBy(() -> service.update(
                        withRules,
                        UUID.randomUUID(),
                        payload("company", "usmf", "name", "x"),
                        Preconditions.none(),
                        context()))
                .as("no upsert where the gateway generates keys")
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
    }

    @Test
    void hooksRunInsideTheTransactionCanSetFieldsAndRejectWithTheirMessage() throws SQLException {
        List<String> seen = new ArrayList<>();
        WriteHook hook = new WriteHook() {
            @Override
            public void beforeCreate(WriteEvent event) {
                String name = (String) event.value("name").orElse("");
                if (name.startsWith("REJECT")) {
                    throw new WriteRejected("Names may not start with REJECT.");
                }
                event.set("name", name.toUpperCase(java.util.Locale.ROOT));
            }

            @Override
            public void afterUpdate(WriteEvent event) {
                seen.add(event.before().get("name") + "->" + event.value("name").orElse(null));
            }

            @Override
            public void beforeDelete(WriteEvent event) {
                throw new WriteRejected("Accounts are never deleted.");
            }
        };
        WriteService hooked = new WriteService(
                new Catalog(
                        List.of(entity),
                        List.of(new OptionSet(
                                "accountstatus", List.of(new OptionSet.Member("Active", 0, Map.of(), 0))))),
                dataSource,
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                new AuditLog("vegateway_security"),
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 10),
                Clock.systemUTC(),
                Duration.ofSeconds(10),
                List.of(hook));
        assertThatThrownBy(() -> hooked.create(entity, payload("company", "usmf", "name", "REJECT me"), context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.BUSINESS_RULE);
                    assertThat(e.errorCode().code()).isEqualTo("0x80040265");
                    assertThat(e.getMessage()).isEqualTo("Names may not start with REJECT.");
                });
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
        UUID key = hooked.create(entity, payload("company", "usmf", "name", "quiet"), context())
                .key();
        assertThat(row(key)).containsEntry("name", "QUIET");
        hooked.update(entity, key, payload("name", "louder"), Preconditions.none(), context());
        assertThat(seen).containsExactly("QUIET->louder");
        assertThatThrownBy(() -> hooked.delete(entity, key, Preconditions.none(), context()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Accounts are never deleted."));
        assertThat(row(key)).isNotNull();
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'delete'"))
                .isZero();
    }

    @Test
    void duplicateKeyIs409() {
        UUID key = UUID.randomUUID();
        service.create(entity, payload("accountid", key.toString(), "company", "usmf", "name", "x"), context());
        assertThatThrownBy(() -> service.create(
                        entity, payload("accountid", key.toString(), "company", "usmf", "name", "y"), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_RECORD));
    }

    @Test
    void updateChangesOnlyTheSentFieldsBumpsTheVersionAndHonoursIfMatch() throws SQLException {
        UUID key = service.create(entity, payload("company", "usmf", "name", "before", "credit", 5), context())
                .key();
        service.update(
                entity,
                key,
                payload("name", "after"),
                new Preconditions(Optional.of("W/\"1\""), Optional.empty()),
                context());
        Map<String, Object> row = row(key);
        assertThat(row).containsEntry("name", "after").containsEntry("version", 2L);
        assertThat((BigDecimal) row.get("credit")).isEqualByComparingTo("5");
        assertThatThrownBy(() -> service.update(
                        entity,
                        key,
                        payload("name", "stale"),
                        new Preconditions(Optional.of("W/\"1\""), Optional.empty()),
                        context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ETAG_MISMATCH));
        assertThat(row(key)).containsEntry("name", "after");
        assertThatThrownBy(() -> service.update(
                        entity,
                        key,
                        payload("name", "again"),
                        new Preconditions(Optional.empty(), Optional.of("*")),
                        context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_EXISTS));
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'update'"))
                .isEqualTo(1);
    }

    @Test
    void ifMatchAnyNeverCreatesAndPlainPatchUpserts() throws SQLException {
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> service.update(
                        entity,
                        missing,
                        payload("company", "usmf", "name", "x"),
                        new Preconditions(Optional.of("*"), Optional.empty()),
                        context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThat(row(missing)).isNull();
        WriteService.Result upserted = service.update(
                entity, missing, payload("company", "usmf", "name", "x"), Preconditions.none(), context());
        assertThat(upserted.created()).isTrue();
        assertThat(row(missing)).containsEntry("name", "x");
    }

    @Test
    void aRowOutsideTheWriteScopeIs404AndAMoveOutOfScopeIs403WithTheRowUnchanged() throws SQLException {
        UUID demf = service.create(entity, payload("company", "demf", "name", "d"), context())
                .key();
        UUID usmf = service.create(entity, payload("company", "usmf", "name", "u"), context())
                .key();
        writeScope = companyIs("usmf");
        assertThatThrownBy(() -> service.update(
                        entity,
                        demf,
                        payload("name", "hacked"),
                        new Preconditions(Optional.of("*"), Optional.empty()),
                        context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThatThrownBy(
                        () -> service.update(entity, demf, payload("name", "hacked"), Preconditions.none(), context()))
                .as("an existing but invisible row is never upserted over")
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThatThrownBy(
                        () -> service.update(entity, usmf, payload("company", "demf"), Preconditions.none(), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PRIVILEGE));
        assertThat(row(usmf)).containsEntry("company", "usmf").containsEntry("version", 1L);
        assertThat(row(demf)).containsEntry("name", "d");
        assertThatThrownBy(() -> service.delete(entity, demf, Preconditions.none(), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThat(row(demf)).isNotNull();
    }

    @Test
    void deleteHonoursIfMatchAndIsAudited() throws SQLException {
        UUID key = service.create(entity, payload("company", "usmf", "name", "x"), context())
                .key();
        assertThatThrownBy(() -> service.delete(
                        entity, key, new Preconditions(Optional.of("W/\"9\""), Optional.empty()), context()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ETAG_MISMATCH));
        service.delete(entity, key, new Preconditions(Optional.of("W/\"1\""), Optional.empty()), context());
        assertThat(row(key)).isNull();
        assertThat(count(
                        "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'delete' AND record_key = '"
                                + key + "'"))
                .isEqualTo(1);
    }

    @Test
    void twoConcurrentUpdatesWithTheSameEtagExactlyOneWins() throws Exception {
        UUID key = service.create(entity, payload("company", "usmf", "name", "start"), context())
                .key();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                long version = (Long) row(key).get("version");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> outcomes = new ArrayList<>();
                for (String name : List.of("a" + round, "b" + round)) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            service.update(
                                    entity,
                                    key,
                                    payload("name", name),
                                    new Preconditions(Optional.of("W/\"" + version + "\""), Optional.empty()),
                                    context());
                            return name;
                        } catch (GatewayException e) {
                            return e.errorCode().name();
                        }
                    }));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get());
                }
                assertThat(results)
                        .filteredOn(result -> result.equals("ETAG_MISMATCH"))
                        .hasSize(1);
                String winner = results.stream()
                        .filter(result -> !result.equals("ETAG_MISMATCH"))
                        .findFirst()
                        .orElseThrow();
                assertThat(row(key)).containsEntry("name", winner).containsEntry("version", version + 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theAuditKeepsNumbersAndBooleansAsJsonValues() throws SQLException {
        UUID key = service.create(
                        entity,
                        payload("company", "usmf", "name", "typed", "credit", new BigDecimal("12.50")),
                        context())
                .key();
        service.update(entity, key, payload("credit", new BigDecimal("13")), Preconditions.none(), context());

        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT changes FROM vegateway_security.data_audit WHERE operation = 'update' AND record_key = '"
                                + key + "'")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1))
                    .isEqualTo("{\"credit\":{\"old\":12.50,\"new\":13.00},\"version\":{\"old\":1,\"new\":2}}");
        }
    }

    /** The service over a data source whose connections join the changeset open on the thread, as the gateway builds it. */
    private WriteService joining(ChangesetDataSource changesets) {
        return new WriteService(
                catalog,
                changesets,
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                audit,
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 10),
                Clock.systemUTC(),
                Duration.ofSeconds(10));
    }

    @Test
    void writesInAChangesetCommitTogetherAndAnUpsertInsideOneKeepsTheEarlierWrites() throws SQLException {
        ChangesetDataSource changesets = new ChangesetDataSource(dataSource);
        WriteService joined = joining(changesets);
        UUID upserted = UUID.randomUUID();
        UUID first;
        try (ChangesetDataSource.Changeset changeset = changesets.begin()) {
            first = joined.create(entity, payload("company", "usmf", "name", "one"), context())
                    .key();
            // An upsert first finds no row (and rolls its own unit of work back), then inserts: the create above must
            // survive that.
            assertThat(joined.update(
                                    entity,
                                    upserted,
                                    payload("company", "usmf", "name", "two"),
                                    Preconditions.none(),
                                    context())
                            .created())
                    .isTrue();
            joined.update(entity, first, payload("name", "one again"), Preconditions.none(), context());
            assertThat(row(first))
                    .as("not visible outside the changeset before its commit")
                    .isNull();
            changeset.commit();
        }

        assertThat(row(first)).containsEntry("name", "one again").containsEntry("version", 2L);
        assertThat(row(upserted)).containsEntry("name", "two");
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit")).isEqualTo(3);
    }

    @Test
    @SuppressWarnings("try") // the changeset is closed uncommitted on purpose
    void aChangesetLeftUncommittedAfterAFailedWriteLeavesNoTrace() throws SQLException {
        ChangesetDataSource changesets = new ChangesetDataSource(dataSource);
        WriteService joined = joining(changesets);
        UUID first;
        try (ChangesetDataSource.Changeset changeset = changesets.begin()) {
            first = joined.create(entity, payload("company", "usmf", "name", "one"), context())
                    .key();
            joined.create(entity, payload("company", "usmf", "name", "two"), context());
            assertThatThrownBy(
                            () -> joined.create(entity, payload("company", "usmf", "name", "far too long"), context()))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.VALIDATION));
        }

        assertThat(row(first)).isNull();
        assertThat(count("SELECT COUNT(*) FROM erp.account")).isZero();
        assertThat(count("SELECT COUNT(*) FROM vegateway_security.data_audit")).isZero();
    }
}
