package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.Operator;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import dev.vegateway.catalog.TableName;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Shared fixtures of the planner, renderer and query-service tests: a {@code contact} entity
 * with one field of every type (plus a column whose name holds a double quote), an
 * organisation-owned {@code product} entity, callers and their scopes, and fresh H2 databases.
 */
public final class ContactFixtures {
    public static final String CONTACT = "contact";
    public static final String PRODUCT = "product";
    public static final String STATUS_OPTION_SET = "contact_status";

    public static final UUID USER = UUID.fromString("6f000000-0000-4000-8000-000000000001");
    public static final UUID OTHER_USER = UUID.fromString("6f000000-0000-4000-8000-000000000002");
    public static final UUID THIRD_USER = UUID.fromString("6f000000-0000-4000-8000-000000000003");
    public static final UUID UNIT = UUID.fromString("b0000000-0000-4000-8000-000000000001");
    public static final UUID CHILD_UNIT = UUID.fromString("b0000000-0000-4000-8000-000000000002");
    public static final UUID OTHER_UNIT = UUID.fromString("b0000000-0000-4000-8000-000000000003");

    /** The secret of every test's continuation tokens (32 bytes). */
    public static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    public static final String CREATE_CONTACT_TABLE =
            """
            CREATE TABLE contact (
              contactid UUID PRIMARY KEY,
              name VARCHAR(100),
              age INT,
              balance DECIMAL(18,2),
              birthdate DATE,
              modifiedon TIMESTAMP WITH TIME ZONE,
              active BOOLEAN,
              status INT,
              ownerid UUID,
              businessunitid UUID,
              dataareaid VARCHAR(4),
              "we""ird" VARCHAR(20),
              secret VARCHAR(20))""";

    private ContactFixtures() {}

    /** Row {@code number}'s key: its last 12 hex digits are the number. */
    public static UUID id(int number) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012x", number));
    }

    public static int number(UUID id) {
        return (int) (id.getLeastSignificantBits() & 0xFFFF_FFFF_FFFFL);
    }

    public static FieldDefinition field(String logicalName, String column, FieldType type) {
        return new FieldDefinition(logicalName, column, type, false, false, Map.of());
    }

    public static EntityDefinition contact() {
        List<FieldDefinition> fields = List.of(
                field("contactid", "contactid", FieldType.of(FieldType.Kind.GUID)),
                field("name", "name", FieldType.string(100)),
                field("age", "age", FieldType.of(FieldType.Kind.INT32)),
                field("balance", "balance", FieldType.decimal(18, 2)),
                field("birthdate", "birthdate", FieldType.of(FieldType.Kind.DATE)),
                field("modifiedon", "modifiedon", FieldType.of(FieldType.Kind.DATE_TIME_OFFSET)),
                field("active", "active", FieldType.of(FieldType.Kind.BOOLEAN)),
                field("status", "status", FieldType.enumeration(STATUS_OPTION_SET)),
                field("ownerid", "ownerid", FieldType.of(FieldType.Kind.GUID)),
                field("businessunitid", "businessunitid", FieldType.of(FieldType.Kind.GUID)),
                field("dataareaid", "dataareaid", FieldType.string(4)),
                field("weird", "we\"ird", FieldType.string(20)),
                field("secret", "secret", FieldType.string(20)));
        // The lookup "Product" pairs a contact with the product whose key is the contact's key.
        return EntityDefinition.builder(CONTACT, "contacts", new TableName(Optional.empty(), "contact"), "contactid")
                .fields(fields)
                .companyField(Optional.of("dataareaid"))
                .ownerField(Optional.of("ownerid"))
                .businessUnitField(Optional.of("businessunitid"))
                .relations(List.of(
                        new dev.vegateway.catalog.RelationDefinition("Product", "contactid", PRODUCT, "productid")))
                .build();
    }

    /** Organisation-owned: no owner, business-unit or company field. */
    public static EntityDefinition product() {
        List<FieldDefinition> fields = List.of(
                field("productid", "productid", FieldType.of(FieldType.Kind.GUID)),
                field("itemnumber", "itemnumber", FieldType.string(20)));
        return EntityDefinition.builder(PRODUCT, "products", new TableName(Optional.empty(), "product"), "productid")
                .fields(fields)
                .build();
    }

    public static Catalog catalog() {
        OptionSet status = new OptionSet(
                STATUS_OPTION_SET,
                List.of(
                        new OptionSet.Member("Active", 1, Map.of(), 1),
                        new OptionSet.Member("Inactive", 2, Map.of(), 2)));
        return new Catalog(List.of(contact(), product()), List.of(status));
    }

    public static ContinuationTokens tokens() {
        return new ContinuationTokens(SECRET);
    }

    public static QueryPlanner planner(int maxPageSize) {
        return QueryPlanner.of(catalog(), tokens(), maxPageSize);
    }

    public static FieldDefinition contactField(String logicalName) {
        return contact().field(logicalName).orElseThrow();
    }

    public static ColumnRef column(String logicalName) {
        return new ColumnRef("t0", contactField(logicalName));
    }

    // Callers

    /** A System administrator: every row and field. */
    public static AccessScope unrestricted() {
        return new AccessScope(
                USER, "admin", true, List.of(), Set.of("secret"), Optional.of(UNIT), Set.of(UNIT, CHILD_UNIT));
    }

    /** {@link #USER} in {@link #UNIT} (with child {@link #CHILD_UNIT}) holding {@code grants}. */
    public static AccessScope scope(AccessScope.Grant... grants) {
        return scopeWithUnreadable(Set.of(), grants);
    }

    public static AccessScope scopeWithUnreadable(Set<String> unreadableFields, AccessScope.Grant... grants) {
        return new AccessScope(
                USER, "alice", false, List.of(grants), unreadableFields, Optional.of(UNIT), Set.of(UNIT, CHILD_UNIT));
    }

    public static AccessScope.Grant grant(AccessScope.Depth depth, String... companies) {
        return new AccessScope.Grant(
                depth.name().toLowerCase(java.util.Locale.ROOT) + " role",
                depth,
                companies.length == 0 ? Optional.empty() : Optional.of(Set.of(companies)),
                Optional.empty(),
                Optional.empty());
    }

    // Queries and conditions

    public static QueryBuilder query() {
        return new QueryBuilder(CONTACT);
    }

    public static Comparison compare(String attribute, Operator operator, Object value) {
        return new Comparison(new AttributeRef(attribute), operator, new Literal(value));
    }

    public static Comparison equal(String attribute, Object value) {
        return compare(attribute, Operator.EQUAL, value);
    }

    /** Builds a {@link Query} without spelling its nine components in every test. */
    public static final class QueryBuilder {
        private final List<Link> links = new java.util.ArrayList<>();
        private final String entity;
        private List<String> columns = List.of();
        private Condition criteria = Condition.TRUE;
        private final List<Order> orders = new ArrayList<>();
        private OptionalInt top = OptionalInt.empty();
        private OptionalInt skip = OptionalInt.empty();
        private boolean distinct;
        private Optional<Query.Page> page = Optional.empty();
        private boolean includeCount;

        QueryBuilder(String entity) {
            this.entity = entity;
        }

        public QueryBuilder select(String... attributes) {
            columns = Arrays.asList(attributes);
            return this;
        }

        public QueryBuilder where(Condition condition) {
            criteria = condition;
            return this;
        }

        public QueryBuilder orderBy(String attribute) {
            orders.add(new Order(attribute, false));
            return this;
        }

        public QueryBuilder orderByDescending(String attribute) {
            orders.add(new Order(attribute, true));
            return this;
        }

        public QueryBuilder orders(List<Order> sortKeys) {
            orders.addAll(sortKeys);
            return this;
        }

        public QueryBuilder top(int rows) {
            top = OptionalInt.of(rows);
            return this;
        }

        public QueryBuilder skip(int rows) {
            skip = OptionalInt.of(rows);
            return this;
        }

        public QueryBuilder distinct() {
            distinct = true;
            return this;
        }

        public QueryBuilder page(int size) {
            page = Optional.of(new Query.Page(size, Optional.empty()));
            return this;
        }

        public QueryBuilder page(int size, Optional<String> continuation) {
            page = Optional.of(new Query.Page(size, continuation));
            return this;
        }

        public QueryBuilder link(Link link) {
            links.add(link);
            return this;
        }

        public QueryBuilder count() {
            includeCount = true;
            return this;
        }

        public Query build() {
            return new Query(
                    new Relation(entity, Columns.namedOrAll(columns), criteria, orders, List.copyOf(links)),
                    top,
                    skip,
                    distinct,
                    page,
                    includeCount);
        }
    }

    // Databases

    /** A fresh in-memory H2 database (lower-case identifiers, as the catalog names its columns) with the contact table. */
    public static DataSource newDatabase(String prefix) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + prefix + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(CREATE_CONTACT_TABLE);
            statement.execute("CREATE TABLE product (productid UUID PRIMARY KEY, itemnumber VARCHAR(20))");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dataSource;
    }

    public static final String INSERT_CONTACT =
            "INSERT INTO contact (contactid, name, age, balance, birthdate, modifiedon, active, status, "
                    + "ownerid, businessunitid, dataareaid, \"we\"\"ird\", secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}
