package dev.vegateway.gateway.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Creates the demo data set: the tables of {@code demo/schema.sql} in schema {@code erp} and a
 * deterministic Finance-and-Operations-like content for companies usmf, demf and gbsi.
 *
 * <p>Every id is a name-based UUID of the row's natural key (see {@link #customerId} and its
 * siblings), every other value comes from one {@code new Random(42)}, so two runs of one scale
 * give identical rows and tests can compute expected rows. Owned rows are spread over
 * {@link DemoIdentities#ROW_OWNERS} round-robin.
 *
 * <p>Facts tests may rely on (customer number {@code n} is 1-based within its company):
 * <ul>
 *   <li>customer {@code n = 2k+1} (k &lt; 10) of every company is named {@link #TRICKY_CUSTOMER_NAMES}{@code [k]};
 *       no other name contains {@code %}, {@code _}, {@code '} or {@code \};
 *   <li>email is null when {@code n % 7 == 3}, phone when {@code n % 5 == 2}, city when
 *       {@code n % 11 == 4}, established date when {@code n % 4 == 1}, employees when {@code n % 13 == 6};
 *   <li>customers 2 and 4 of usmf have {@link DemoIdentities#PAULA_CONTACT} as primary contact, all others none;
 *   <li>sales order {@code n} has {@code 3 + n % 5} lines, numbered from 1; its total is the sum of their amounts.
 * </ul>
 */
public final class DemoData {
    /** The companies (data area ids), in insertion order. */
    public static final List<String> COMPANIES = List.of("usmf", "demf", "gbsi");

    /** Names that exercise quoting, LIKE escaping and non-ASCII text; every company has each once. */
    public static final List<String> TRICKY_CUSTOMER_NAMES = List.of(
            "O'Brien & Söhne",
            "100% Fresh_Foods",
            "Back\\Slash Trading",
            "Ærøskøbing Handel",
            "Łódź Import Sp. z o.o.",
            "Müller & Große GmbH",
            "50_50 Partners",
            "mixed CASE customer",
            "Quote \"Angle\" <Brackets> & Co",
            "Émile's Café");

    /** Size of the data set. */
    public enum Scale {
        /** ≈ 63,000 rows: 2,000 customers, 300 vendors, 500 products, 10,000 orders, 50,000 lines. */
        DEMO(new Sizes(1000, 150, 250, 5000), new Sizes(600, 90, 150, 3000), new Sizes(400, 60, 100, 2000)),
        /** ≈ 1/20 of DEMO: 100 customers, 15 vendors, 25 products, 500 orders, 2,500 lines. */
        TEST(new Sizes(50, 8, 12, 250), new Sizes(30, 4, 8, 150), new Sizes(20, 3, 5, 100));

        private final List<Sizes> sizes;

        Scale(Sizes usmf, Sizes demf, Sizes gbsi) {
            this.sizes = List.of(usmf, demf, gbsi);
        }

        /** The row counts {@link #create} inserts at this scale. */
        public Counts counts() {
            int customers = 0;
            int vendors = 0;
            int products = 0;
            int orders = 0;
            int lines = 0;
            for (Sizes size : sizes) {
                customers += size.customers();
                vendors += size.vendors();
                products += size.products();
                orders += size.orders();
                for (int number = 1; number <= size.orders(); number++) {
                    lines += linesOfOrder(number);
                }
            }
            return new Counts(
                    COMPANIES.size(),
                    COMPANIES.size() * CUSTOMER_GROUPS.size(),
                    customers,
                    vendors,
                    products,
                    orders,
                    lines);
        }
    }

    /** Rows inserted per table. */
    public record Counts(
            int legalEntities,
            int customerGroups,
            int customers,
            int vendors,
            int releasedProducts,
            int salesOrders,
            int salesOrderLines) {
        public int total() {
            return legalEntities
                    + customerGroups
                    + customers
                    + vendors
                    + releasedProducts
                    + salesOrders
                    + salesOrderLines;
        }
    }

    private record Sizes(int customers, int vendors, int products, int orders) {}

    private record Company(
            String dataAreaId,
            String name,
            String countryRegion,
            String currency,
            String prefix,
            String phonePrefix,
            String emailDomain,
            List<String> cities,
            List<String> legalSuffixes) {}

    private record CustomerGroup(String groupId, String description, String paymentTerms) {}

    private record CustomerRef(UUID id, String accountNum, String currency) {}

    private record ProductRef(String itemNumber, BigDecimal salesPrice) {}

    private static final String SCHEMA_RESOURCE = "/demo/schema.sql";
    private static final int BATCH_SIZE = 1000;
    private static final int COMMIT_SIZE = 5000;

    private static final List<Company> COMPANY_DATA = List.of(
            new Company(
                    "usmf",
                    "Contoso Entertainment System USA",
                    "USA",
                    "USD",
                    "US",
                    "+1 425 555 ",
                    "example.com",
                    List.of("Seattle", "Redmond", "New York", "Chicago", "San Diego", "Dallas", "Atlanta", "Boston"),
                    List.of("Inc.", "LLC", "Corp.", "Co.")),
            new Company(
                    "demf",
                    "Contoso Entertainment System Germany",
                    "DEU",
                    "EUR",
                    "DE",
                    "+49 69 555 ",
                    "example.de",
                    List.of(
                            "München",
                            "Köln",
                            "Düsseldorf",
                            "Frankfurt am Main",
                            "Berlin",
                            "Hamburg",
                            "Stuttgart",
                            "Nürnberg"),
                    List.of("GmbH", "AG", "KG", "GmbH & Co. KG")),
            new Company(
                    "gbsi",
                    "Contoso Entertainment System UK",
                    "GBR",
                    "GBP",
                    "GB",
                    "+44 20 5555 ",
                    "example.co.uk",
                    List.of(
                            "London",
                            "Manchester",
                            "Birmingham",
                            "Leeds",
                            "Glasgow",
                            "Bristol",
                            "Edinburgh",
                            "Cardiff"),
                    List.of("Ltd", "plc", "Limited", "LLP")));

    private static final List<CustomerGroup> CUSTOMER_GROUPS = List.of(
            new CustomerGroup("10", "Wholesale customers", "Net30"),
            new CustomerGroup("20", "Major customers", "Net45"),
            new CustomerGroup("30", "Retail customers", "Net10"),
            new CustomerGroup("40", "Internet customers", "COD"),
            new CustomerGroup("50", "Government customers", "Net60"),
            new CustomerGroup("60", "Education customers", "Net30"),
            new CustomerGroup("70", "Employees", "Net15"),
            new CustomerGroup("80", "Other customers", "Net30"),
            new CustomerGroup("90", "Intercompany customers", "Net30"),
            new CustomerGroup("100", "Key accounts", "Net45"));

    private static final List<String> VENDOR_GROUPS = List.of("10", "20", "30", "40", "50");
    private static final List<String> CURRENCIES = List.of("USD", "EUR", "GBP");

    private static final List<String> NAME_PREFIXES = List.of(
            "Contoso",
            "Fabrikam",
            "Northwind",
            "Adventure Works",
            "Tailspin",
            "Wide World",
            "Litware",
            "Proseware",
            "Alpine Ski",
            "Coho",
            "Lucerne",
            "Fourth Coffee",
            "Woodgrove",
            "Trey Research",
            "Blue Yonder",
            "Humongous",
            "Wingtip",
            "Relecloud",
            "Graphic Design",
            "Southridge");
    private static final List<String> CUSTOMER_TRADES = List.of(
            "Retail",
            "Wholesale",
            "Electronics",
            "Sports",
            "Foods",
            "Outdoor",
            "Media",
            "Logistics",
            "Furniture",
            "Audio");
    private static final List<String> VENDOR_TRADES =
            List.of("Components", "Parts", "Freight", "Consulting", "Metals", "Plastics", "Packaging", "Energy");
    private static final List<String> PRODUCT_ADJECTIVES = List.of(
            "Standard", "Premium", "Compact", "Wireless", "Home", "Professional", "Mini", "Deluxe", "Outdoor", "Smart");
    private static final List<String> PRODUCT_NOUNS = List.of(
            "Speaker",
            "Cable",
            "Television",
            "Projector",
            "Receiver",
            "Headphones",
            "Subwoofer",
            "Remote",
            "Amplifier",
            "Mount");
    private static final List<String> UNITS = List.of("ea", "pcs", "box", "kg");

    private static final OffsetDateTime CREATED_FROM = OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final LocalDate ESTABLISHED_FROM = LocalDate.of(1950, 1, 1);
    private static final LocalDate ORDERS_FROM = LocalDate.of(2023, 1, 1);

    private DemoData() {}

    /**
     * Creates schema {@code erp} and its tables and inserts the data of {@code scale}, in batches
     * with a commit every few thousand rows; the {@code CREATE INDEX} statements of schema.sql run
     * after the data is loaded. The connection's auto-commit setting is restored.
     *
     * @throws IllegalStateException if the demo tables already exist or the database fails
     */
    public static Counts create(Connection connection, Scale scale) {
        requireNonNull(connection, "connection is null");
        requireNonNull(scale, "scale is null");
        if (exists(connection)) {
            throw new IllegalStateException("The demo data already exists (table erp.customer is present)");
        }
        try {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                // Secondary indexes are built after the bulk load, which is faster than maintaining them row by row.
                List<String> statements = schemaStatements();
                execute(
                        connection,
                        statements.stream().filter(sql -> !isCreateIndex(sql)).toList());
                Counts counts = new Generator(connection, scale).run();
                execute(
                        connection,
                        statements.stream().filter(DemoData::isCreateIndex).toList());
                return counts;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the demo data: " + e.getMessage(), e);
        }
    }

    /** Whether table {@code erp.customer} exists. */
    public static boolean exists(Connection connection) {
        requireNonNull(connection, "connection is null");
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            String schema = "erp";
            String table = "customer";
            if (metaData.storesUpperCaseIdentifiers()) {
                schema = schema.toUpperCase(Locale.ROOT);
                table = table.toUpperCase(Locale.ROOT);
            }
            try (ResultSet tables = metaData.getTables(null, schema, table, null)) {
                return tables.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look for the demo data: " + e.getMessage(), e);
        }
    }

    /** The statements of {@code demo/schema.sql}, split at a semicolon that ends a line. */
    public static List<String> schemaStatements() {
        String text;
        try (InputStream in = DemoData.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + SCHEMA_RESOURCE + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + SCHEMA_RESOURCE, e);
        }
        List<String> statements = new ArrayList<>();
        for (String part : text.replace("\r\n", "\n").split(";\n")) {
            String statement = part.strip();
            if (!statement.isEmpty()
                    && !statement
                            .lines()
                            .allMatch(line -> line.isBlank() || line.strip().startsWith("--"))) {
                statements.add(statement);
            }
        }
        return List.copyOf(statements);
    }

    public static UUID legalEntityId(String dataAreaId) {
        return nameId("legalentity", dataAreaId);
    }

    public static UUID customerGroupId(String dataAreaId, String groupId) {
        return nameId("customergroup", dataAreaId, groupId);
    }

    public static UUID customerId(String dataAreaId, String accountNum) {
        return nameId("customer", dataAreaId, accountNum);
    }

    public static UUID vendorId(String dataAreaId, String accountNum) {
        return nameId("vendor", dataAreaId, accountNum);
    }

    public static UUID releasedProductId(String dataAreaId, String itemNumber) {
        return nameId("releasedproduct", dataAreaId, itemNumber);
    }

    public static UUID salesOrderId(String dataAreaId, String salesOrderNumber) {
        return nameId("salesorder", dataAreaId, salesOrderNumber);
    }

    public static UUID salesOrderLineId(String dataAreaId, String salesOrderNumber, int lineNumber) {
        return nameId("salesorderline", dataAreaId, salesOrderNumber, Integer.toString(lineNumber));
    }

    /**
     * The sales channels (multi-select, stored as comma-separated values) of customer {@code number}:
     * the bits of {@code number % 16} choose Online shop (1), Retail (2), Wholesale (3) and Marketplace
     * (11); none (null) when they are all clear. Taken from the number alone, not from the random
     * source, so the other demo values stay as they were.
     */
    public static String salesChannels(int number) {
        int bits = number % 16;
        if (bits == 0) {
            return null;
        }
        List<String> chosen = new ArrayList<>();
        int[] values = {1, 2, 3, 11};
        for (int bit = 0; bit < values.length; bit++) {
            if ((bits & (1 << bit)) != 0) {
                chosen.add(Integer.toString(values[bit]));
            }
        }
        return String.join(",", chosen);
    }

    /** Account number of customer {@code number} (1-based) of a company: {@code US-0001}, {@code DE-0001}, {@code GB-0001}. */
    public static String customerAccount(String dataAreaId, int number) {
        return String.format("%s-%04d", company(dataAreaId).prefix(), number);
    }

    /** Account number of vendor {@code number}: {@code US-V0001}. */
    public static String vendorAccount(String dataAreaId, int number) {
        return String.format("%s-V%04d", company(dataAreaId).prefix(), number);
    }

    /** Item number of released product {@code number}: {@code D0001} (the same items in every company). */
    public static String itemNumber(int number) {
        return String.format("D%04d", number);
    }

    /** Number of sales order {@code number}: {@code SO-US-000001}. */
    public static String salesOrderNumber(String dataAreaId, int number) {
        return String.format("SO-%s-%06d", company(dataAreaId).prefix(), number);
    }

    private static int linesOfOrder(int number) {
        return 3 + number % 5;
    }

    private static Company company(String dataAreaId) {
        for (Company company : COMPANY_DATA) {
            if (company.dataAreaId().equals(dataAreaId)) {
                return company;
            }
        }
        throw new IllegalArgumentException("unknown demo company: " + dataAreaId);
    }

    private static UUID nameId(String kind, String... parts) {
        return UUID.nameUUIDFromBytes((kind + ":" + String.join(":", parts)).getBytes(UTF_8));
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        connection.commit();
    }

    private static boolean isCreateIndex(String sql) {
        return sql.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .findFirst()
                .map(line -> line.strip().toUpperCase(Locale.ROOT).startsWith("CREATE INDEX"))
                .orElse(false);
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** One pass of generation: one random source, consumed in a fixed order. */
    private static final class Generator {
        private final Connection connection;
        private final Scale scale;
        private final Random random = new Random(42);
        private int uncommitted;
        private int customerOwnerIndex;
        private int vendorOwnerIndex;
        private int orderOwnerIndex;

        Generator(Connection connection, Scale scale) {
            this.connection = connection;
            this.scale = scale;
        }

        Counts run() throws SQLException {
            int legalEntities = insertLegalEntities();
            int groups = insertCustomerGroups();
            insertPaymentTerms();
            int customers = 0;
            int vendors = 0;
            int products = 0;
            int orders = 0;
            int lines = 0;
            List<List<CustomerRef>> customersByCompany = new ArrayList<>();
            try (Batch batch = new Batch(
                    "INSERT INTO erp.customer (id, data_area_id, account_num, name, customer_group, credit_limit, credit_status,"
                            + " on_hold, currency, email, phone, city, country_region, established_date, created_on,"
                            + " discount_percent, employees, sales_ytd, is_key_account, primary_contact_id, owner_id,"
                            + " business_unit_id, version_number, sales_channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int c = 0; c < COMPANY_DATA.size(); c++) {
                    List<CustomerRef> refs = new ArrayList<>();
                    for (int number = 1; number <= scale.sizes.get(c).customers(); number++) {
                        refs.add(customer(batch, COMPANY_DATA.get(c), number));
                    }
                    customersByCompany.add(refs);
                    customers += refs.size();
                }
            }
            try (Batch batch = new Batch(
                    "INSERT INTO erp.vendor (id, data_area_id, account_num, name, vendor_group, currency, on_hold, owner_id,"
                            + " business_unit_id, version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int c = 0; c < COMPANY_DATA.size(); c++) {
                    for (int number = 1; number <= scale.sizes.get(c).vendors(); number++) {
                        vendor(batch, COMPANY_DATA.get(c), number);
                        vendors++;
                    }
                }
            }
            List<List<ProductRef>> productsByCompany = new ArrayList<>();
            try (Batch batch = new Batch(
                    "INSERT INTO erp.released_product (id, data_area_id, item_number, product_name, item_type, sales_price, unit,"
                            + " is_released, version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int c = 0; c < COMPANY_DATA.size(); c++) {
                    List<ProductRef> refs = new ArrayList<>();
                    for (int number = 1; number <= scale.sizes.get(c).products(); number++) {
                        refs.add(product(batch, COMPANY_DATA.get(c), number));
                    }
                    productsByCompany.add(refs);
                    products += refs.size();
                }
            }
            try (Batch headers = new Batch(
                            "INSERT INTO erp.sales_order_header (id, data_area_id, sales_order_number, customer_account, customer_id,"
                                    + " order_date, requested_ship_at, status, total_amount, currency, owner_id, business_unit_id,"
                                    + " version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    Batch lineBatch = new Batch(
                            "INSERT INTO erp.sales_order_line (id, data_area_id, sales_order_id, line_number, item_number, quantity,"
                                    + " unit_price, line_amount, version_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int c = 0; c < COMPANY_DATA.size(); c++) {
                    for (int number = 1; number <= scale.sizes.get(c).orders(); number++) {
                        lines += order(
                                headers,
                                lineBatch,
                                COMPANY_DATA.get(c),
                                number,
                                customersByCompany.get(c),
                                productsByCompany.get(c));
                        orders++;
                    }
                }
                headers.flush();
            }
            return new Counts(legalEntities, groups, customers, vendors, products, orders, lines);
        }

        private int insertLegalEntities() throws SQLException {
            try (Batch batch = new Batch(
                    "INSERT INTO erp.legal_entity (id, data_area_id, name, country_region, currency, version_number) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Company company : COMPANY_DATA) {
                    batch.uuid(legalEntityId(company.dataAreaId()))
                            .string(company.dataAreaId())
                            .string(company.name())
                            .string(company.countryRegion())
                            .string(company.currency())
                            .int64(1L)
                            .add();
                }
            }
            return COMPANY_DATA.size();
        }

        private int insertCustomerGroups() throws SQLException {
            try (Batch batch = new Batch(
                    "INSERT INTO erp.customer_group (id, data_area_id, group_id, description, payment_terms, version_number) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Company company : COMPANY_DATA) {
                    for (CustomerGroup group : CUSTOMER_GROUPS) {
                        batch.uuid(customerGroupId(company.dataAreaId(), group.groupId()))
                                .string(company.dataAreaId())
                                .string(group.groupId())
                                .string(group.description())
                                .string(group.paymentTerms())
                                .int64(1L)
                                .add();
                    }
                }
            }
            return COMPANY_DATA.size() * CUSTOMER_GROUPS.size();
        }

        /** The terms of payment the customer groups name, per company (a table with a natural key, no GUID). */
        private void insertPaymentTerms() throws SQLException {
            java.util.Set<String> terms = new java.util.TreeSet<>();
            CUSTOMER_GROUPS.forEach(group -> terms.add(group.paymentTerms()));
            try (Batch batch = new Batch(
                    "INSERT INTO erp.payment_terms (data_area_id, payment_terms_id, description, net_days) VALUES (?, ?, ?, ?)")) {
                for (Company company : COMPANY_DATA) {
                    for (String term : terms) {
                        int days = term.startsWith("Net") ? Integer.parseInt(term.substring(3)) : 0;
                        batch.string(company.dataAreaId())
                                .string(term)
                                .string(days == 0 ? "Cash on delivery" : "Net " + days + " days")
                                .int32(days)
                                .add();
                    }
                }
            }
        }

        private CustomerRef customer(Batch batch, Company company, int number) throws SQLException {
            String dataAreaId = company.dataAreaId();
            String account = customerAccount(dataAreaId, number);
            UUID id = customerId(dataAreaId, account);
            String name = customerName(company, number);
            String currency = random.nextInt(10) == 0 ? pick(CURRENCIES) : company.currency();
            BigDecimal creditLimit =
                    BigDecimal.valueOf(random.nextInt(501) * 1000L).setScale(2);
            if (number % 9 == 0) {
                creditLimit = creditLimit.add(BigDecimal.valueOf(random.nextInt(100_000), 2));
            }
            DemoIdentities.User owner =
                    DemoIdentities.ROW_OWNERS.get(customerOwnerIndex++ % DemoIdentities.ROW_OWNERS.size());
            boolean portalContact = dataAreaId.equals("usmf") && (number == 2 || number == 4);
            batch.uuid(id)
                    .string(dataAreaId)
                    .string(account)
                    .string(name)
                    .string(pick(CUSTOMER_GROUPS).groupId())
                    .decimal(creditLimit)
                    .int32(weighted(80, 15, 5))
                    .int32(weighted(85, 10, 5))
                    .string(currency)
                    .string(number % 7 == 3 ? null : account.toLowerCase(Locale.ROOT) + "@" + company.emailDomain())
                    .string(
                            number % 5 == 2
                                    ? null
                                    : company.phonePrefix() + String.format("%04d", random.nextInt(10_000)))
                    .string(number % 11 == 4 ? null : pick(company.cities()))
                    .string(company.countryRegion())
                    .date(number % 4 == 1 ? null : ESTABLISHED_FROM.plusDays(random.nextInt(27_000)))
                    .timestamp(CREATED_FROM.plusSeconds(random.nextInt(5 * 365 * 86_400)))
                    .float64(random.nextInt(51) / 2.0)
                    .int32(number % 13 == 6 ? null : 1 + random.nextInt(50_000))
                    .int64(random.nextInt(1_000_000) * 10_000L + random.nextInt(10_000))
                    .bool(random.nextInt(10) == 0)
                    .uuid(portalContact ? DemoIdentities.PAULA_CONTACT.id() : null)
                    .uuid(owner.id())
                    .uuid(owner.businessUnit().id())
                    .int64(1L)
                    .string(salesChannels(number))
                    .add();
            return new CustomerRef(id, account, currency);
        }

        private String customerName(Company company, int number) {
            if (number % 2 == 1 && number / 2 < TRICKY_CUSTOMER_NAMES.size()) {
                return TRICKY_CUSTOMER_NAMES.get(number / 2);
            }
            String name = pick(NAME_PREFIXES) + " " + pick(CUSTOMER_TRADES) + " " + pick(company.legalSuffixes());
            int casing = random.nextInt(20);
            if (casing == 0) {
                return name.toLowerCase(Locale.ROOT);
            }
            if (casing == 1) {
                return name.toUpperCase(Locale.ROOT);
            }
            return name;
        }

        private void vendor(Batch batch, Company company, int number) throws SQLException {
            String account = vendorAccount(company.dataAreaId(), number);
            DemoIdentities.User owner =
                    DemoIdentities.ROW_OWNERS.get(vendorOwnerIndex++ % DemoIdentities.ROW_OWNERS.size());
            batch.uuid(vendorId(company.dataAreaId(), account))
                    .string(company.dataAreaId())
                    .string(account)
                    .string(pick(NAME_PREFIXES) + " " + pick(VENDOR_TRADES) + " " + pick(company.legalSuffixes()))
                    .string(pick(VENDOR_GROUPS))
                    .string(company.currency())
                    .int32(weighted(85, 10, 5))
                    .uuid(owner.id())
                    .uuid(owner.businessUnit().id())
                    .int64(1L)
                    .add();
        }

        private ProductRef product(Batch batch, Company company, int number) throws SQLException {
            String item = itemNumber(number);
            int itemType = weighted(75, 15, 10);
            BigDecimal price =
                    BigDecimal.valueOf(100 + random.nextInt(200_000), 2).setScale(4);
            batch.uuid(releasedProductId(company.dataAreaId(), item))
                    .string(company.dataAreaId())
                    .string(item)
                    .string(
                            itemType == 1
                                    ? pick(PRODUCT_ADJECTIVES) + " installation service"
                                    : pick(PRODUCT_ADJECTIVES) + " " + pick(PRODUCT_NOUNS))
                    .int32(itemType)
                    .decimal(price)
                    .string(itemType == 1 ? "h" : pick(UNITS))
                    .bool(number % 20 != 7)
                    .int64(1L)
                    .add();
            return new ProductRef(item, price);
        }

        private int order(
                Batch headers,
                Batch lines,
                Company company,
                int number,
                List<CustomerRef> customers,
                List<ProductRef> products)
                throws SQLException {
            String dataAreaId = company.dataAreaId();
            String orderNumber = salesOrderNumber(dataAreaId, number);
            UUID orderId = salesOrderId(dataAreaId, orderNumber);
            CustomerRef customer = pick(customers);
            LocalDate orderDate = ORDERS_FROM.plusDays(random.nextInt(912));
            OffsetDateTime requestedShip = orderDate
                    .plusDays(1 + random.nextInt(14))
                    .atTime(8 + random.nextInt(10), 0)
                    .atOffset(ZoneOffset.UTC);
            int status = weighted(30, 20, 45, 5);
            DemoIdentities.User owner =
                    DemoIdentities.ROW_OWNERS.get(orderOwnerIndex++ % DemoIdentities.ROW_OWNERS.size());
            int lineCount = linesOfOrder(number);
            BigDecimal total = BigDecimal.ZERO.setScale(2);
            List<Object[]> pending = new ArrayList<>(lineCount);
            for (int lineNumber = 1; lineNumber <= lineCount; lineNumber++) {
                ProductRef product = pick(products);
                BigDecimal quantity = random.nextInt(5) == 0
                        ? BigDecimal.valueOf(1 + random.nextInt(400), 1).setScale(4)
                        : BigDecimal.valueOf(1 + random.nextInt(50)).setScale(4);
                BigDecimal amount = quantity.multiply(product.salesPrice()).setScale(2, RoundingMode.HALF_UP);
                total = total.add(amount);
                pending.add(new Object[] {lineNumber, product.itemNumber(), quantity, product.salesPrice(), amount});
            }
            headers.uuid(orderId)
                    .string(dataAreaId)
                    .string(orderNumber)
                    .string(customer.accountNum())
                    .uuid(customer.id())
                    .date(orderDate)
                    .timestamp(requestedShip)
                    .int32(status)
                    .decimal(total)
                    .string(customer.currency())
                    .uuid(owner.id())
                    .uuid(owner.businessUnit().id())
                    .int64(1L)
                    .add();
            if (lines.pendingRows() + lineCount > BATCH_SIZE) {
                headers.flush();
                lines.flush();
            }
            for (Object[] line : pending) {
                int lineNumber = (Integer) line[0];
                lines.uuid(salesOrderLineId(dataAreaId, orderNumber, lineNumber))
                        .string(dataAreaId)
                        .uuid(orderId)
                        .int32(lineNumber)
                        .string((String) line[1])
                        .decimal((BigDecimal) line[2])
                        .decimal((BigDecimal) line[3])
                        .decimal((BigDecimal) line[4])
                        .int64(1L)
                        .addWithoutFlush();
            }
            return lineCount;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        /** An index drawn with the given weights (percent). */
        private int weighted(int... weights) {
            int total = 0;
            for (int weight : weights) {
                total += weight;
            }
            int draw = random.nextInt(total);
            for (int index = 0; index < weights.length; index++) {
                draw -= weights[index];
                if (draw < 0) {
                    return index;
                }
            }
            throw new AssertionError("unreachable");
        }

        /**
         * A batched INSERT: values are bound left to right, {@link #add} ends a row and executes
         * the batch every BATCH_SIZE rows, and every COMMIT_SIZE executed rows are committed.
         * Closing flushes the rest.
         */
        private final class Batch implements AutoCloseable {
            private final PreparedStatement statement;
            private int parameter = 1;
            private int pending;

            Batch(String sql) throws SQLException {
                this.statement = connection.prepareStatement(sql);
            }

            Batch uuid(UUID value) throws SQLException {
                if (value == null) {
                    statement.setNull(parameter++, Types.OTHER);
                } else {
                    statement.setObject(parameter++, value);
                }
                return this;
            }

            Batch string(String value) throws SQLException {
                if (value == null) {
                    statement.setNull(parameter++, Types.VARCHAR);
                } else {
                    statement.setString(parameter++, value);
                }
                return this;
            }

            Batch int32(Integer value) throws SQLException {
                if (value == null) {
                    statement.setNull(parameter++, Types.INTEGER);
                } else {
                    statement.setInt(parameter++, value);
                }
                return this;
            }

            Batch int64(long value) throws SQLException {
                statement.setLong(parameter++, value);
                return this;
            }

            Batch decimal(BigDecimal value) throws SQLException {
                statement.setBigDecimal(parameter++, value);
                return this;
            }

            Batch float64(double value) throws SQLException {
                statement.setDouble(parameter++, value);
                return this;
            }

            Batch bool(boolean value) throws SQLException {
                statement.setBoolean(parameter++, value);
                return this;
            }

            Batch date(LocalDate value) throws SQLException {
                if (value == null) {
                    statement.setNull(parameter++, Types.DATE);
                } else {
                    statement.setObject(parameter++, value);
                }
                return this;
            }

            Batch timestamp(OffsetDateTime value) throws SQLException {
                statement.setObject(parameter++, value);
                return this;
            }

            void add() throws SQLException {
                addWithoutFlush();
                if (pending >= BATCH_SIZE) {
                    flush();
                }
            }

            /** Ends a row; the caller flushes (lines must wait for their order headers). */
            void addWithoutFlush() throws SQLException {
                statement.addBatch();
                parameter = 1;
                pending++;
            }

            int pendingRows() {
                return pending;
            }

            void flush() throws SQLException {
                if (pending == 0) {
                    return;
                }
                statement.executeBatch();
                uncommitted += pending;
                pending = 0;
                if (uncommitted >= COMMIT_SIZE) {
                    connection.commit();
                    uncommitted = 0;
                }
            }

            @Override
            public void close() throws SQLException {
                try {
                    flush();
                } finally {
                    statement.close();
                }
            }
        }
    }
}
