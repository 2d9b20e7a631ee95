package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.security.EffectivePermissions;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.ActionDefinition;
import dev.vegateway.catalog.ActionParameter;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Running catalog actions on a real H2 database: privilege, row visibility, parameters, results and the audit record. */
class ActionRunTest {
    private static final UUID OPERATOR = ContactFixtures.USER;
    private static final UUID READER = ContactFixtures.OTHER_USER;
    private static final UUID OWN_ROW = ContactFixtures.id(1);
    private static final UUID OTHERS_ROW = ContactFixtures.id(2);
    private static final ActionDefinition ACTIVATE = new ActionDefinition(
            "contact_Activate",
            Optional.of(ContactFixtures.CONTACT),
            List.of(),
            Optional.empty(),
            Optional.of("UPDATE contact SET active = TRUE WHERE contactid = :key"),
            Optional.empty());
    private static final ActionDefinition BALANCE = new ActionDefinition(
            "contact_Balance",
            Optional.of(ContactFixtures.CONTACT),
            List.of(),
            Optional.of(FieldType.decimal(18, 2)),
            Optional.of("SELECT balance FROM contact WHERE contactid = :key"),
            Optional.empty());
    private static final ActionDefinition COUNT_IN = new ActionDefinition(
            "contact_CountIn",
            Optional.empty(),
            List.of(new ActionParameter("Company", FieldType.string(4), true)),
            Optional.of(FieldType.of(FieldType.Kind.INT64)),
            Optional.of("SELECT COUNT(*) FROM contact WHERE dataareaid = :Company"),
            Optional.empty());
    private static final String SECURITY =
            """
            businessUnits: [{ name: Head office }]
            companies: [usmf, demf]
            roles:
              - name: Contact operator
                privileges:
                  - { entity: contact, read: Basic }
                actions: [contact_Activate, contact_Balance, contact_CountIn]
              - name: Contact reader
                privileges:
                  - { entity: contact, read: Global }
            users:
              - { id: 6f000000-0000-4000-8000-000000000001, name: Olga Operator, businessUnit: Head office, roles: [Contact operator] }
              - { id: 6f000000-0000-4000-8000-000000000002, name: Rita Reader, businessUnit: Head office, roles: [Contact reader] }
            """;

    private DataSource dataSource;
    private ActionService actions;
    private SecurityStore security;

    @BeforeEach
    void setUp() throws SQLException {
        Catalog base = ContactFixtures.catalog();
        Catalog catalog = new Catalog(
                base.entities(),
                List.of(new OptionSet(
                        ContactFixtures.STATUS_OPTION_SET,
                        List.of(
                                new OptionSet.Member("Active", 1, Map.of(), 1),
                                new OptionSet.Member("Inactive", 2, Map.of(), 2)))),
                List.of(ACTIVATE, BALANCE, COUNT_IN),
                Map.of(),
                Map.of());
        dataSource = ContactFixtures.newDatabase("actions");
        insert(OWN_ROW, OPERATOR, "usmf", "12.50");
        insert(OTHERS_ROW, READER, "usmf", "99.00");
        AuditLog audit = new AuditLog("vegateway_security");
        audit.createIfMissing(dataSource, "vegateway_security");
        actions = new ActionService(
                catalog,
                dataSource,
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                QueryPlanner.of(catalog, ContactFixtures.tokens(), 50),
                audit,
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 5),
                Clock.systemUTC(),
                Duration.ofSeconds(5),
                List.of());
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        security = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        security.replaceAll(SecurityDocument.parse("test", SECURITY, Optional.of(catalog)));
    }

    private void insert(UUID id, UUID owner, String company, String balance) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(ContactFixtures.INSERT_CONTACT)) {
            Object[] values = {
                id, "Contact " + id, 30, new BigDecimal(balance), null, null, false, 1, owner, null, company, null, null
            };
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private Object single(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getObject(1) : null;
            }
        }
    }

    private EffectivePermissions permissions(UUID user) {
        return security.permissionsOf(user);
    }

    private static ErrorCode codeOf(Throwable thrown) {
        return ((GatewayException) thrown).errorCode();
    }

    @Test
    void aBoundActionRunsOnAVisibleRowInOneTransactionWithItsAuditRecord() throws SQLException {
        Optional<Object> result = actions.run(ACTIVATE, Optional.of(OWN_ROW), Map.of(), permissions(OPERATOR), "app-1");

        assertThat(result).isEmpty();
        assertThat(single("SELECT active FROM contact WHERE contactid = ?", OWN_ROW))
                .isEqualTo(true);
        assertThat(((Number) single(
                                "SELECT COUNT(*) FROM vegateway_security.data_audit WHERE operation = 'action:contact_Activate' AND record_key = ?"
                                        + " AND user_id = ? AND application_id = 'app-1'",
                                OWN_ROW,
                                OPERATOR))
                        .longValue())
                .isEqualTo(1);
    }

    @Test
    void aRowOutsideTheCallersReadScopeIs404AndUntouched() throws SQLException {
        assertThatThrownBy(
                        () -> actions.run(ACTIVATE, Optional.of(OTHERS_ROW), Map.of(), permissions(OPERATOR), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.RECORD_NOT_FOUND));

        assertThat(single("SELECT active FROM contact WHERE contactid = ?", OTHERS_ROW))
                .isEqualTo(false);
        assertThat(single("SELECT COUNT(*) FROM vegateway_security.data_audit")).isEqualTo(0L);
    }

    @Test
    void aCallerWithoutTheActionInARoleIs403() throws SQLException {
        assertThatThrownBy(() -> actions.run(ACTIVATE, Optional.of(OTHERS_ROW), Map.of(), permissions(READER), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.MISSING_PRIVILEGE))
                .hasMessageContaining("contact_Activate");

        assertThat(single("SELECT active FROM contact WHERE contactid = ?", OTHERS_ROW))
                .isEqualTo(false);
    }

    @Test
    void anActionReturnsItsDeclaredType() {
        assertThat(actions.run(BALANCE, Optional.of(OWN_ROW), Map.of(), permissions(OPERATOR), "app-1"))
                .contains(new BigDecimal("12.50"));
        assertThat(actions.run(COUNT_IN, Optional.empty(), Map.of("Company", "usmf"), permissions(OPERATOR), "app-1"))
                .contains(2L);
        assertThat(actions.run(COUNT_IN, Optional.empty(), Map.of("Company", "demf"), permissions(OPERATOR), "app-1"))
                .contains(0L);
    }

    @Test
    void parametersAreCheckedLikeWrittenValues() {
        assertThatThrownBy(() -> actions.run(COUNT_IN, Optional.empty(), Map.of(), permissions(OPERATOR), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.VALIDATION))
                .hasMessageContaining("Company");
        assertThatThrownBy(() -> actions.run(
                        COUNT_IN, Optional.empty(), Map.of("Company", "toolong"), permissions(OPERATOR), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.VALIDATION))
                .hasMessageContaining("Company");
        assertThatThrownBy(() -> actions.run(
                        COUNT_IN,
                        Optional.empty(),
                        Map.of("Company", "usmf", "Extra", 1L),
                        permissions(OPERATOR),
                        "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.VALIDATION))
                .hasMessageContaining("Extra");
    }

    @Test
    void boundAndUnboundCallsMustMatchTheDeclaration() {
        assertThatThrownBy(() -> actions.run(ACTIVATE, Optional.empty(), Map.of(), permissions(OPERATOR), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("bound");
        assertThatThrownBy(() -> actions.run(
                        COUNT_IN, Optional.of(OWN_ROW), Map.of("Company", "usmf"), permissions(OPERATOR), "app-1"))
                .satisfies(thrown -> assertThat(codeOf(thrown)).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("unbound");
    }
}
