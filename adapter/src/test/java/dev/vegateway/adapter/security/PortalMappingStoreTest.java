package dev.vegateway.adapter.security;

import static dev.vegateway.adapter.security.SecurityFixtures.ANONYMOUS;
import static dev.vegateway.adapter.security.SecurityFixtures.DATAVERSE_APP;
import static dev.vegateway.adapter.security.SecurityFixtures.NORA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA;
import static dev.vegateway.adapter.security.SecurityFixtures.PAULA_CONTACT_USMF;
import static dev.vegateway.adapter.security.SecurityFixtures.ROW_OWNER;
import static dev.vegateway.adapter.security.SecurityFixtures.SAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.PortalMappingAuditEntry.Operation;
import dev.vegateway.adapter.security.SecurityDocument.PortalMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Portal mappings changed through {@link SecurityStore}: each change validated against the rules
 * of SPEC 5 inside its transaction, written with its audit row and a version bump in that one
 * transaction, and nothing at all written when it is refused.
 */
class PortalMappingStoreTest {
    private static final UUID CONTACT = UUID.fromString("7c000000-0000-4000-8000-000000000100");
    private static final ChangeAuthor SAM_ADMIN = new ChangeAuthor(SAM, "Sam Admin", DATAVERSE_APP);
    private static final Instant START = Instant.parse("2025-03-01T09:30:00.123456Z");

    private final TickingClock clock = new TickingClock();
    private DataSource dataSource;
    private SecurityStore store;

    @BeforeEach
    void importTheValidDocument() {
        dataSource = SecurityFixtures.newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME, new AtomicLong()::get, clock);
        store.replaceAll(SecurityFixtures.validDocument());
    }

    @Test
    void importedMappingsHaveNoModification() {
        assertThat(store.storedPortalMappings())
                .extracting(StoredPortalMapping::mapping)
                .containsExactly(
                        new PortalMapping(PAULA_CONTACT_USMF, PAULA, Optional.of("usmf")),
                        new PortalMapping(SecurityFixtures.PAULA_CONTACT_ALL, PAULA, Optional.empty()));
        assertThat(store.storedPortalMappings())
                .allSatisfy(stored -> assertThat(stored.modifiedOn()).isEmpty());
        assertThat(store.portalMappingAudit()).isEmpty();
    }

    @Test
    void createUpdateAndDeleteEachWriteTheirAuditRowAndBumpTheVersion() throws SQLException {
        long version = version();

        StoredPortalMapping created =
                store.createPortalMapping(new PortalMapping(CONTACT, PAULA, Optional.of("DEMF")), SAM_ADMIN);
        OffsetDateTime createdAt = START.plusSeconds(1).atOffset(ZoneOffset.UTC);
        assertThat(created)
                .isEqualTo(new StoredPortalMapping(
                        new PortalMapping(CONTACT, PAULA, Optional.of("demf")),
                        Optional.of(createdAt),
                        Optional.of("Sam Admin")));
        assertThat(store.storedPortalMapping(CONTACT)).contains(created);
        assertThat(store.storedPortalMappings()).last().isEqualTo(created);
        assertThat(store.portalMapping(CONTACT))
                .as("the caller resolver's lookup")
                .contains(created.mapping());
        assertThat(version()).isEqualTo(version + 1);

        StoredPortalMapping updated = store.updatePortalMapping(
                CONTACT, mapping -> new PortalMapping(mapping.contactId(), ANONYMOUS, Optional.empty()), SAM_ADMIN);
        assertThat(updated.mapping()).isEqualTo(new PortalMapping(CONTACT, ANONYMOUS, Optional.empty()));
        assertThat(updated.modifiedOn()).contains(START.plusSeconds(2).atOffset(ZoneOffset.UTC));
        assertThat(store.portalMapping(CONTACT)).contains(updated.mapping());
        assertThat(version()).isEqualTo(version + 2);

        store.deletePortalMapping(CONTACT, SAM_ADMIN);
        assertThat(store.storedPortalMapping(CONTACT)).isEmpty();
        assertThat(store.portalMapping(CONTACT)).isEmpty();
        assertThat(version()).isEqualTo(version + 3);

        String demf = "{\"msdyn_contactid\":\"" + CONTACT + "\",\"msdyn_userid\":\"" + PAULA
                + "\",\"msdyn_company\":\"demf\"}";
        String anyCompany = "{\"msdyn_contactid\":\"" + CONTACT + "\",\"msdyn_userid\":\"" + ANONYMOUS
                + "\",\"msdyn_company\":null}";
        List<PortalMappingAuditEntry> audit = store.portalMappingAudit();
        assertThat(audit)
                .extracting(PortalMappingAuditEntry::operation)
                .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.DELETE);
        assertThat(audit)
                .extracting(PortalMappingAuditEntry::before)
                .containsExactly(Optional.empty(), Optional.of(demf), Optional.of(anyCompany));
        assertThat(audit)
                .extracting(PortalMappingAuditEntry::after)
                .containsExactly(Optional.of(demf), Optional.of(anyCompany), Optional.empty());
        assertThat(audit)
                .extracting(entry -> entry.changedAt().toInstant())
                .containsExactly(START.plusSeconds(1), START.plusSeconds(2), START.plusSeconds(3));
        assertThat(audit).allSatisfy(entry -> {
            assertThat(entry.changedBy()).isEqualTo(SAM);
            assertThat(entry.applicationId()).isEqualTo(DATAVERSE_APP);
            assertThat(entry.contactId()).isEqualTo(CONTACT);
        });
        assertThat(audit).extracting(PortalMappingAuditEntry::id).doesNotHaveDuplicates();
    }

    @Test
    void anImportReplacesTheMappingsButKeepsTheAudit() {
        store.createPortalMapping(new PortalMapping(CONTACT, PAULA, Optional.empty()), SAM_ADMIN);
        store.replaceAll(SecurityFixtures.validDocument());
        assertThat(store.storedPortalMapping(CONTACT)).isEmpty();
        assertThat(store.portalMappingAudit()).hasSize(1);
    }

    @Test
    void refusesUsersThatMayNotBePortalUsersNamingTheProperty() throws SQLException {
        UUID applicationUser =
                SecurityFixtures.validDocument().applications().get(0).userId();
        UUID nobody = SecurityFixtures.user(404);
        assertRefused(
                () -> create(nobody, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: there is no backend user with id " + nobody + ".");
        assertRefused(
                () -> create(ROW_OWNER, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Row Owner UK (" + ROW_OWNER
                        + ") is a stub user, which only owns rows;" + " portal users must be person users.");
        assertRefused(
                () -> create(applicationUser, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Dataverse virtual entities (" + applicationUser
                        + ") is the user of an application; portal users must be person users.");
        assertRefused(
                () -> create(SAM, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Sam Admin (" + SAM
                        + ") holds the System administrator role," + " which a portal user may not hold.");
        assertRefused(
                () -> create(NORA, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Nora Norole (" + NORA
                        + ") lacks the CDSVirtualEntityAuthorizedPortalUser" + " role, which every portal user needs.");
        assertRefused(
                () -> create(PAULA, Optional.of("xxxx")),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_company' is not valid: unknown company 'xxxx'; the companies are usmf, demf, gbsi.");
    }

    @Test
    void refusesAnAdministratorRoleHeldThroughATeam() throws SQLException {
        SecurityDocument valid = SecurityFixtures.validDocument();
        List<SecurityDocument.Team> teams = new java.util.ArrayList<>(valid.teams());
        teams.add(new SecurityDocument.Team(
                "Security team",
                "Contoso",
                List.of(SecurityDocument.RoleAssignment.unrestricted(BuiltInRoles.SECURITY_ADMINISTRATOR)),
                List.of(ANONYMOUS)));
        store.replaceAll(new SecurityDocument(
                valid.businessUnits(),
                valid.companies(),
                valid.roles(),
                valid.users(),
                teams,
                valid.applications(),
                SecurityDocument.Portal.NONE));
        assertRefused(
                () -> create(ANONYMOUS, Optional.empty()),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Anonymous Visitor (" + ANONYMOUS
                        + ") holds the Security administrator"
                        + " role through team Security team, which a portal user may not hold.");
    }

    @Test
    void refusesADuplicateAndChangesOfMissingMappings() throws SQLException {
        assertRefused(
                () -> store.createPortalMapping(
                        new PortalMapping(PAULA_CONTACT_USMF, ANONYMOUS, Optional.empty()), SAM_ADMIN),
                ErrorCode.DUPLICATE_RECORD,
                "A record with the same key already exists: portal contact " + PAULA_CONTACT_USMF
                        + " is already mapped (msdyn_contactid " + PAULA_CONTACT_USMF + ").");
        assertRefused(
                () -> store.updatePortalMapping(CONTACT, mapping -> mapping, SAM_ADMIN),
                ErrorCode.RECORD_NOT_FOUND,
                "msdyn_externalportalusermapping With Id = " + CONTACT + " Does Not Exist");
        assertRefused(
                () -> store.deletePortalMapping(CONTACT, SAM_ADMIN),
                ErrorCode.RECORD_NOT_FOUND,
                "msdyn_externalportalusermapping With Id = " + CONTACT + " Does Not Exist");
    }

    @Test
    void anUpdateIsValidatedAsACreateIs() throws SQLException {
        assertRefused(
                () -> store.updatePortalMapping(
                        PAULA_CONTACT_USMF,
                        mapping -> new PortalMapping(mapping.contactId(), SAM, mapping.company()),
                        SAM_ADMIN),
                ErrorCode.VALIDATION,
                "The value of 'msdyn_userid' is not valid: user Sam Admin (" + SAM
                        + ") holds the System administrator role," + " which a portal user may not hold.");
        assertThat(store.portalMapping(PAULA_CONTACT_USMF))
                .contains(new PortalMapping(PAULA_CONTACT_USMF, PAULA, Optional.of("usmf")));
    }

    @Test
    void aFailingAuditLeavesTheMappingsAsTheyWere() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "ALTER TABLE \"vegateway_security\".portal_mapping_audit ADD CONSTRAINT no_more_audit CHECK (1 = 0)");
        }
        assertThatThrownBy(() -> create(PAULA, Optional.empty()))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL));
        assertThat(store.storedPortalMapping(CONTACT)).isEmpty();
        assertThat(count("portal_mappings")).isEqualTo(2);
        assertThat(version()).isEqualTo(1);
    }

    private void create(UUID user, Optional<String> company) {
        store.createPortalMapping(new PortalMapping(CONTACT, user, company), SAM_ADMIN);
    }

    /** The change is refused with this code and message, and nothing is written: mappings, audit and version as before. */
    private void assertRefused(ThrowingCallable change, ErrorCode code, String message) throws SQLException {
        Supplier<List<StoredPortalMapping>> mappings = store::storedPortalMappings;
        List<StoredPortalMapping> before = mappings.get();
        long audited = count("portal_mapping_audit");
        long version = version();
        assertThatThrownBy(change).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message);
        });
        assertThat(mappings.get()).isEqualTo(before);
        assertThat(count("portal_mapping_audit")).isEqualTo(audited);
        assertThat(version()).isEqualTo(version);
    }

    private long version() throws SQLException {
        return single("SELECT version FROM \"vegateway_security\".security_version");
    }

    private long count(String table) throws SQLException {
        return single("SELECT COUNT(*) FROM \"vegateway_security\"." + table);
    }

    private long single(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A clock one second further on every reading. */
    private static final class TickingClock extends Clock {
        private final AtomicLong readings = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return START.plus(Duration.ofSeconds(readings.incrementAndGet()));
        }
    }
}
