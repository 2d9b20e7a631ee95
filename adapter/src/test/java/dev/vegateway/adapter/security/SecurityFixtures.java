package dev.vegateway.adapter.security;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Shared fixtures: a small catalog, the valid security file and fresh in-memory H2 databases. */
final class SecurityFixtures {
    static final UUID ALICE = user(1);
    static final UUID DAVE = user(2);
    static final UUID SAM = user(3);
    static final UUID DORA = user(4);
    static final UUID ADAM = user(5);
    static final UUID NORA = user(6);
    static final UUID PAULA = user(7);
    static final UUID ANONYMOUS = user(8);
    static final UUID ROW_OWNER = user(9);
    static final UUID NICK = user(10);
    static final UUID ALICE_OBJECT_ID = UUID.fromString("9a0e0000-0000-4000-8000-000000000001");
    static final UUID DAVE_OBJECT_ID = UUID.fromString("9a0e0000-0000-4000-8000-000000000002");
    static final String DATAVERSE_APP = "11111111-1111-4111-8111-111111111111";
    static final String PORTAL_APP = "22222222-2222-4222-8222-222222222222";
    static final String DISABLED_APP = "33333333-3333-4333-8333-333333333333";
    static final String ROLELESS_APP = "44444444-4444-4444-8444-444444444444";
    static final UUID PAULA_CONTACT_USMF = UUID.fromString("7c000000-0000-4000-8000-000000000001");
    static final UUID PAULA_CONTACT_ALL = UUID.fromString("7c000000-0000-4000-8000-000000000002");

    static final String CUSTOMERS = "mserp_custcustomerv3entity";
    static final String VENDORS = "mserp_vendvendorv2entity";
    static final String PRODUCTS = "mserp_releasedproductv2entity";
    static final String ORDERS = "mserp_salesorderheaderv2entity";

    private SecurityFixtures() {}

    static UUID user(int number) {
        return UUID.fromString(String.format("6f1c2c4e-0000-4000-8000-%012d", number));
    }

    static Path validFile() {
        try {
            return Path.of(
                    SecurityFixtures.class.getResource("/security/valid.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SecurityDocument validDocument() {
        return SecurityDocument.parse(validFile(), Optional.of(catalog()));
    }

    /**
     * Customers and vendors have owner and business-unit fields, sales orders only a
     * business-unit field, released products neither.
     */
    static Catalog catalog() {
        return new Catalog(
                List.of(
                        entity(
                                CUSTOMERS,
                                "mserp_custcustomerv3entities",
                                true,
                                true,
                                "mserp_customeraccount",
                                "mserp_name",
                                "mserp_creditlimit"),
                        entity(
                                VENDORS,
                                "mserp_vendvendorv2entities",
                                true,
                                true,
                                "mserp_vendoraccount",
                                "mserp_vendorgroupid"),
                        entity(ORDERS, "mserp_salesorderheaderv2entities", false, true, "mserp_salesordernumber"),
                        entity(PRODUCTS, "mserp_releasedproductv2entities", false, false, "mserp_itemnumber")),
                List.of());
    }

    private static EntityDefinition entity(
            String name, String entitySet, boolean owned, boolean unitScoped, String... fields) {
        List<FieldDefinition> definitions = new ArrayList<>();
        definitions.add(field(name + "id", FieldType.of(FieldType.Kind.GUID)));
        definitions.add(field("mserp_dataareaid", FieldType.string(4)));
        for (String field : fields) {
            definitions.add(field(field, FieldType.string(60)));
        }
        if (owned) {
            definitions.add(field("ownerid", FieldType.of(FieldType.Kind.GUID)));
        }
        if (unitScoped) {
            definitions.add(field("owningbusinessunit", FieldType.of(FieldType.Kind.GUID)));
        }
        return EntityDefinition.builder(name, entitySet, TableName.parse(name), name + "id")
                .fields(definitions)
                .companyField(Optional.of("mserp_dataareaid"))
                .ownerField(owned ? Optional.of("ownerid") : Optional.empty())
                .businessUnitField(unitScoped ? Optional.of("owningbusinessunit") : Optional.empty())
                .build();
    }

    private static FieldDefinition field(String name, FieldType type) {
        return new FieldDefinition(name, name, type, false, false, Map.of());
    }

    /** A fresh in-memory H2 database that lives until the JVM ends. */
    static DataSource newDatabase() {
        return newDatabase("");
    }

    /** As {@link #newDatabase()}, with extra H2 settings such as {@code ;MODE=PostgreSQL}. */
    static DataSource newDatabase(String settings) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(
                "jdbc:h2:mem:sec" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1" + settings);
        return dataSource;
    }

    /** A store on a fresh database with the default schema created and the valid document imported. */
    static SecurityStore storeWithValidData() {
        DataSource dataSource = newDatabase();
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(validDocument());
        return store;
    }
}
