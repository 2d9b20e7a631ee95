package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.DevIssuer;
import dev.vegateway.gateway.demo.DemoCertificate;
import dev.vegateway.gateway.demo.DemoData;
import dev.vegateway.gateway.demo.DemoDatabase;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.server.Gateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vegateway demo}: a self-contained gateway over a seeded database (H2 by default, see
 * {@link DemoDatabase}), a self-signed certificate and the embedded dev issuer, printing a
 * ready-to-run curl command per identity. A second start reuses the data folder.
 */
@Command(
        name = "demo",
        description =
                "Start a demo gateway on 127.0.0.1 over a seeded database (H2, an existing PostgreSQL database or an"
                        + " embedded PostgreSQL), with ready-to-run curl commands.")
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_DATA_DIR = ".vegateway-demo";
    static final String DEV_ISSUER_KEY_FILE = "dev-issuer-key.json";
    static final String DEV_ISSUER = "urn:vegateway:dev-issuer";
    static final String DEV_AUDIENCE = "urn:vegateway:api";
    private static final String KEYSTORE_PASSWORD = "vegateway-demo";
    /** The key of the customer the printed write examples create, change and delete again. */
    static final String DEMO_WRITE_KEY = "00000000-0000-4000-8000-00000000d001";
    /** The key of the customer the printed $batch example creates and deletes again. */
    static final String DEMO_BATCH_KEY = "00000000-0000-4000-8000-00000000d002";
    /** The $batch example's body, written to the data folder at every start. */
    static final String BATCH_EXAMPLE_FILE = "batch-example.txt";

    @Option(names = "--port", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--admin-port",
            defaultValue = "8444",
            description = "Admin (health) port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(
            names = "--data-dir",
            defaultValue = DEFAULT_DATA_DIR,
            description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--backend",
            defaultValue = "h2",
            paramLabel = "BACKEND",
            converter = BackendConverter.class,
            description = "Where the demo data lives: h2 (a file in the data folder), postgresql (an existing database:"
                    + " --jdbc-url; refused if it already holds the demo's schema erp, unless --reset) or"
                    + " embedded-postgresql (a PostgreSQL started for the session, its data in the data folder)."
                    + " Default: ${DEFAULT-VALUE}.")
    DemoDatabase.Backend backend;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            description = "With --backend postgresql: the database, such as jdbc:postgresql://127.0.0.1:5432/demo."
                    + " The demo's schema erp and the security schema go there.")
    String jdbcUrl;

    @Option(
            names = "--username",
            defaultValue = "postgres",
            description = "With --backend postgresql: the user (default: ${DEFAULT-VALUE}).")
    String username;

    @Option(
            names = "--password",
            defaultValue = "",
            description = "With --backend postgresql: the password (default: none). Kept out of the data folder.")
    String password;

    @Option(
            names = "--reset",
            description = "With a PostgreSQL backend: drop and recreate the demo's schema erp first (only it: anything"
                    + " else in it, or depending on it, makes the reset fail and nothing is dropped).")
    boolean reset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoDatabase.Settings settings;
        try {
            settings = new DemoDatabase.Settings(
                    backend,
                    Optional.ofNullable(jdbcUrl),
                    backend == DemoDatabase.Backend.H2 ? "sa" : username,
                    backend == DemoDatabase.Backend.H2 ? "" : password,
                    reset);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Session session = start(settings, dataDir, port, adminPort, System.out);
        // Said only once SIGTERM and Ctrl+C stop the demo gracefully, so that whoever waits for it may send them.
        return Configs.serveUntilShutdown(session.gateway(), session.database(), () -> {
            System.out.println("# Stop with Ctrl+C.");
            System.out.flush();
        });
    }

    /** A running demo: the gateway and the database it runs on, closed in that order. */
    record Session(Gateway gateway, DemoDatabase database) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                gateway.close();
            } finally {
                database.close();
            }
        }
    }

    /** The H2 demo: {@link #start(DemoDatabase.Settings, Path, int, int, PrintStream)} with nothing to stop but the gateway. */
    static Gateway start(Path dataDir, int port, int adminPort, PrintStream out) throws Exception {
        return start(DemoDatabase.Settings.h2(), dataDir, port, adminPort, out).gateway();
    }

    /** Prepares the data folder and the database (seeding it when new), starts the gateway and prints the curl commands. */
    static Session start(DemoDatabase.Settings settings, Path dataDir, int port, int adminPort, PrintStream out)
            throws Exception {
        Path folder = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(folder);
        DemoCertificate.ensure(folder, KEYSTORE_PASSWORD);
        copyIfMissing("demo/catalog.yaml", folder.resolve("catalog.yaml"));
        copyIfMissing("demo/security.yaml", folder.resolve("security.yaml"));
        DemoDatabase database = DemoDatabase.prepare(settings, folder, out);
        try {
            Path configFile = folder.resolve("vegateway.yaml");
            Files.writeString(configFile, config(folder, database, port, adminPort), UTF_8);
            // The password stays out of the file: it comes in as the environment override would.
            GatewayConfig config = ConfigLoader.load(
                    configFile,
                    database.password().isEmpty()
                            ? Map.of()
                            : Map.of("VEGATEWAY_BACKEND_PASSWORD", database.password()));
            Gateway gateway = Gateway.start(config);
            Files.writeString(folder.resolve(BATCH_EXAMPLE_FILE), batchExample(), UTF_8);
            printCommands(gateway, folder, out);
            return new Session(gateway, database);
        } catch (Exception | Error e) {
            try {
                database.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** {@code --backend}: h2, postgresql or embedded-postgresql. */
    static final class BackendConverter implements CommandLine.ITypeConverter<DemoDatabase.Backend> {
        @Override
        public DemoDatabase.Backend convert(String value) {
            return DemoDatabase.Backend.byOptionValue(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "'" + value + "' is not a demo backend: use h2, postgresql or embedded-postgresql"));
        }
    }

    /**
     * A $batch body (CRLF line ends, as multipart asks): a changeset that creates customer
     * US-BATCH and, through its Content-ID $1, changes it and places it on hold; a read of the
     * result; and a second changeset that deletes it again, so the example can be run repeatedly.
     */
    static String batchExample() {
        String customer = "mserp_custcustomerv3entities(" + DEMO_BATCH_KEY + ")";
        return String.join(
                "\r\n",
                "--batch_demo",
                "Content-Type: multipart/mixed; boundary=changeset_create",
                "",
                "--changeset_create",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                "Content-ID: 1",
                "",
                "POST mserp_custcustomerv3entities HTTP/1.1",
                "Content-Type: application/json",
                "",
                "{\"mserp_custcustomerv3entityid\":\"" + DEMO_BATCH_KEY
                        + "\",\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"US-BATCH\","
                        + "\"mserp_name\":\"Batch Demo Ltd.\"}",
                "--changeset_create",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                "Content-ID: 2",
                "",
                "PATCH $1 HTTP/1.1",
                "Content-Type: application/json",
                "",
                "{\"mserp_creditlimit\":2500}",
                "--changeset_create",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                "Content-ID: 3",
                "",
                "POST $1/Microsoft.Dynamics.CRM.mserp_PlaceOnHold HTTP/1.1",
                "",
                "--changeset_create--",
                "--batch_demo",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                "",
                "GET " + customer + "?$select=mserp_customeraccount,mserp_creditlimit,mserp_onholdstatus HTTP/1.1",
                "",
                "--batch_demo",
                "Content-Type: multipart/mixed; boundary=changeset_delete",
                "",
                "--changeset_delete",
                "Content-Type: application/http",
                "Content-Transfer-Encoding: binary",
                "Content-ID: 1",
                "",
                "DELETE " + customer + " HTTP/1.1",
                "",
                "--changeset_delete--",
                "--batch_demo--",
                "");
    }

    private static String config(Path folder, DemoDatabase database, int port, int adminPort) throws IOException {
        Path secretFile = folder.resolve("skip-token-secret");
        if (!Files.exists(secretFile)) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.writeString(
                    secretFile, Base64.getUrlEncoder().withoutPadding().encodeToString(secret), UTF_8);
        }
        String secret = Files.readString(secretFile, UTF_8).trim();
        return """
                # Written by 'vegateway demo' at every start; edit catalog.yaml and security.yaml instead.
                server:
                  host: 127.0.0.1
                  port: %d
                tls:
                  keystore: %s
                  keystorePassword: %s
                admin:
                  host: 127.0.0.1
                  port: %d
                auth:
                  issuers: [%s]
                  audiences: [%s]
                  devIssuer:
                    enabled: true
                    keyFile: %s
                    issuer: %s
                    audience: %s
                backend:
                  kind: %s
                  url: "%s"
                  username: "%s"
                catalog:
                  file: catalog.yaml
                security:
                  file: security.yaml
                  importOnStart: true
                limits:
                  skipTokenSecret: "%s"
                provisioning:
                  defaultRoles: [Sales manager]
                """
                .formatted(
                        port,
                        DemoCertificate.KEYSTORE_FILE,
                        KEYSTORE_PASSWORD,
                        adminPort,
                        DEV_ISSUER,
                        DEV_AUDIENCE,
                        DEV_ISSUER_KEY_FILE,
                        DEV_ISSUER,
                        DEV_AUDIENCE,
                        database.kind().name().toLowerCase(Locale.ROOT),
                        database.url().replace("\"", ""),
                        database.username().replace("\"", ""),
                        secret);
    }

    private static void copyIfMissing(String resource, Path target) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the demo resource " + resource + " is missing from the jar");
            }
            Files.copy(in, target);
        }
    }

    private static void printCommands(Gateway gateway, Path folder, PrintStream out) {
        DevIssuer issuer = gateway.devIssuer().orElseThrow();
        String dataverse = DemoIdentities.DATAVERSE_APPLICATION.appId().toString();
        String portal = DemoIdentities.PORTAL_APPLICATION.appId().toString();
        String root = "https://127.0.0.1:" + gateway.port()
                + gateway.config().server().servicePath() + "/";
        Curl asDataverse = new Curl(folder, root, issuer.mint(dataverse, Duration.ofHours(8), Map.of()));
        Curl asPortal = new Curl(folder, root, issuer.mint(portal, Duration.ofHours(8), Map.of()));
        String customers =
                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_name,mserp_dataareaid&$top=3";
        String oneCustomer = "mserp_custcustomerv3entities?$top=1";
        String countedCustomers =
                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_dataareaid,mserp_owningbusinessunit&$count=true&$top=3";
        String customersOutsideUsmf =
                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_dataareaid,mserp_ownerid"
                        + "&$filter=mserp_dataareaid%20ne%20%27usmf%27&$count=true&$top=3";
        String vendors =
                "mserp_vendvendorv2entities?$select=mserp_vendoraccountnumber,mserp_dataareaid,mserp_vendorgroupid&$count=true&$top=5";
        String queryExpression =
                "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"mserp_customeraccount\",\"mserp_name\"]},"
                        + "\"Criteria\":{\"FilterOperator\":\"And\",\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\"usmf\"]},"
                        + "{\"AttributeName\":\"mserp_name\",\"Operator\":\"BeginsWith\",\"Values\":[\"C\"]}]},\"PageInfo\":{\"Count\":3,\"PageNumber\":1}}}";
        Object sam = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
        String demoCustomer = "mserp_custcustomerv3entities(" + DEMO_WRITE_KEY + ")";
        String firstCustomer = "mserp_custcustomerv3entities("
                + DemoData.customerId("usmf", DemoData.customerAccount("usmf", 1)) + ")";
        List<String[]> lines = List.of(
                example(
                        "Alice Sales (organisation-wide sales manager, Global): customers of every company; compare @odata.count below",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                countedCustomers)),
                example(
                        "Alice again, QueryExpression: USMF customers whose name begins with 'C'",
                        asDataverse.post(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "RetrieveMultiple",
                                queryExpression)),
                example(
                        "Bob Clerk (sales clerk for usmf only, Local depth): usmf customers of his unit Contoso US",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.BOB_SALES_CLERK.id(), countedCustomers)),
                example(
                        "Bob Clerk: terms of payment, a table without a GUID column (key: company + terms id): the"
                                + " GUID is derived, usmf only",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_paymenttermentities?$select=mserp_dataareaid,mserp_paymenttermid,"
                                        + "mserp_description,mserp_primaryfield&$top=3")),
                example(
                        "Bob Clerk: usmf's Net30 by its derived GUID (the same on every node and after every restart)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_paymenttermentities(" + paymentTermKey("usmf", "Net30") + ")")),
                example(
                        "Bob Clerk: usmf's Net30 again, by its alternate key (company, terms id)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_paymenttermentities(mserp_dataareaid=%27usmf%27,mserp_paymenttermid=%27Net30%27)")),
                example(
                        "Bob Clerk: customer groups with their terms of payment through a relation over two fields"
                                + " (company + terms id); the lookup is the terms' derived GUID",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_custcustomergroupentities?$select=mserp_customergroupid,"
                                        + "_mserp_paymenttermsid_value&$expand=mserp_PaymentTerms($select="
                                        + "mserp_paymenttermid,mserp_netdays)&$top=3")),
                example(
                        "Bob Clerk: demf's Net30 by alternate key → 404 0x80040217 (his role covers usmf only)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_paymenttermentities(mserp_dataareaid=%27demf%27,mserp_paymenttermid=%27Net30%27)")),
                example(
                        "Bob Clerk: vendors are not his → 403 0x80040220",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_vendvendorv2entities?$top=3")),
                example(
                        "Carol Payables (AP clerk for demf, row filter: vendor groups 10 and 40): her vendors",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.CAROL_AP_CLERK.id(), vendors)),
                example(
                        "Vince Vendors (two row-filtered roles, OR): demf vendors of groups 10 and 40, or any vendor of his group 30",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.VINCE_VENDORS.id(), vendors)),
                example(
                        "Dave Teamwork (role only through the Purchasing team): every vendor",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.DAVE_TEAM_MEMBER.id(), vendors)),
                example(
                        "Bea Basic (Contoso Europe, depth Basic): only the customers she owns",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.BEA_BASIC.id(), countedCustomers)),
                example(
                        "Leo Local (Contoso Europe, depth Local): customers of Contoso Europe",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.LEO_LOCAL.id(), countedCustomers)),
                example(
                        "Dee Deep (Contoso Europe, depth Deep): customers of Contoso Europe, Germany and UK",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.DEE_DEEP.id(), countedCustomers)),
                example(
                        "Gil Global (Contoso Europe, depth Global): every customer",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.GIL_GLOBAL.id(), countedCustomers)),
                example(
                        "Fiona Fieldsec (field security): customers, but every credit limit is null",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.FIONA_FIELD_SECURITY.id(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_creditlimit&$top=3")),
                example(
                        "Fiona Fieldsec: sorting by the hidden credit limit → 403 0x80040220",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.FIONA_FIELD_SECURITY.id(),
                                "mserp_custcustomerv3entities?$orderby=mserp_creditlimit%20desc&$top=3")),
                example(
                        "Fiona Fieldsec: she may update customers, but not their credit limit (field security) → 403"
                                + " 0x80040220 naming the field, nothing written",
                        asDataverse.send(
                                "PATCH",
                                DemoIdentities.FIONA_FIELD_SECURITY.id(),
                                firstCustomer,
                                "{\"mserp_creditlimit\":987654.32}")),
                example(
                        "Fiona Fieldsec: changing the phone of the same customer works; the record sent back hides the"
                                + " credit limit → 200",
                        asDataverse.send(
                                "PATCH",
                                DemoIdentities.FIONA_FIELD_SECURITY.id(),
                                firstCustomer,
                                "{\"mserp_primarycontactphone\":\"+1 555 0100\"}",
                                "Prefer: return=representation")),
                example(
                        "Fiona Fieldsec: upsert usmf's terms Net90 by alternate key (created the first time, updated"
                                + " after; OData-EntityId carries the derived GUID) → 204",
                        asDataverse.send(
                                "PATCH",
                                DemoIdentities.FIONA_FIELD_SECURITY.id(),
                                "mserp_paymenttermentities(mserp_dataareaid=%27usmf%27,mserp_paymenttermid=%27Net90%27)",
                                "{\"mserp_description\":\"Net 90 days\",\"mserp_netdays\":90}")),
                example(
                        "Alice Sales: customers whose credit status is Warning (1) or Blocked (2): option sets are Edm.Int32",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_creditstatus&$top=3"
                                        + "&$filter=mserp_creditstatus%20in%20(1,2)")),
                example(
                        "Leo Local (Contoso Europe, Local depth): his unit's sales orders with $expand of their customer;"
                                + " a customer outside his unit comes back null",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.LEO_LOCAL.id(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber&$top=5"
                                        + "&$expand=mserp_Customer($select=mserp_customeraccount,mserp_name)")),
                example(
                        "Bea Basic (Basic depth): her customers with $expand of their sales orders (collection-valued,"
                                + " nested $select/$orderby/$top); orders she does not own are left out of each list",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BEA_BASIC.id(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount&$top=3"
                                        + "&$expand=mserp_SalesOrders($select=mserp_salesordernumber,mserp_totalamount"
                                        + ";$orderby=mserp_totalamount%20desc;$top=5)")),
                example(
                        "Alice Sales: orders filtered and sorted through their customer (navigation paths)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber&$top=3"
                                        + "&$filter=mserp_Customer/mserp_creditstatus%20eq%201"
                                        + "&$orderby=mserp_Customer/mserp_name")),
                example(
                        "Alice Sales: sales orders with their customer lookup _mserp_customerid_value and, as asked by"
                                + " Prefer: odata.include-annotations, its lookuplogicalname (the customer entity) and"
                                + " associatednavigationproperty (mserp_Customer)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,_mserp_customerid_value"
                                        + "&$top=3",
                                "Prefer: odata.include-annotations=\"*\"")),
                example(
                        "Alice Sales: the sales orders of customer US-0001, filtered by the lookup",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,_mserp_customerid_value"
                                        + "&$top=3&$filter=_mserp_customerid_value%20eq%20"
                                        + DemoData.customerId("usmf", DemoData.customerAccount("usmf", 1)))),
                example(
                        "Alice Sales, QueryExpression with a LinkEntity: usmf sales orders with their customer's name"
                                + " (c.mserp_name), only customers not blocked (LinkCriteria)",
                        asDataverse.post(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "RetrieveMultiple",
                                ordersWithCustomers("Inner", "usmf")
                                        .replace(
                                                "\"LinkCriteria\":{}",
                                                "\"LinkCriteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\","
                                                        + "\"Operator\":\"NotEqual\",\"Values\":[2]}]}"))),
                example(
                        "Alice Sales, QueryExpression with a filtering LinkEntity (JoinOperator Exists): usmf sales orders"
                                + " whose customer is blocked; no customer columns, no duplicated orders",
                        asDataverse.post(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "RetrieveMultiple",
                                ordersWithCustomers("Exists", "usmf")
                                        .replace(",\"Columns\":{\"Columns\":[\"mserp_name\"]}", "")
                                        .replace(
                                                "\"LinkCriteria\":{}",
                                                "\"LinkCriteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_creditstatus\","
                                                        + "\"Operator\":\"Equal\",\"Values\":[2]}]}"))),
                example(
                        "Alice Sales, FetchXML with an outer link-entity: usmf sales orders over 1,000 with their"
                                + " customer's name as c.mserp_name (null values are left out, as in Dataverse)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?fetchXml=" + urlEncoded(ORDERS_FETCH.formatted("")))),
                example(
                        "Alice Sales, FetchXML page 2: feed back the pagingcookie and pagenumber of"
                                + " @Microsoft.Dynamics.CRM.fetchxmlpagingcookie as paging-cookie and page (here page 2"
                                + " by number)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?fetchXml="
                                        + urlEncoded(ORDERS_FETCH.formatted(" count='3' page='2'")))),
                example(
                        "Alice Sales, Dataverse query functions in $filter: usmf and demf sales orders older than six"
                                + " months (Microsoft.Dynamics.CRM.In and OlderThanXMonths)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,mserp_orderdate&$top=3"
                                        + "&$filter="
                                        + urlEncoded(
                                                "Microsoft.Dynamics.CRM.In(PropertyName='mserp_dataareaid',"
                                                        + "PropertyValues=['usmf','demf']) and Microsoft.Dynamics.CRM"
                                                        + ".OlderThanXMonths(PropertyName='mserp_orderdate',PropertyValue=6)"))),
                example(
                        "Sam Admin, FetchXML valueof (two columns compared): customers whose sales this year exceed"
                                + " their credit limit",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(),
                                "mserp_custcustomerv3entities?fetchXml="
                                        + urlEncoded("<fetch count='3'><entity name='mserp_custcustomerv3entity'>"
                                                + "<attribute name='mserp_customeraccount'/><attribute name='mserp_salesytd'/>"
                                                + "<attribute name='mserp_creditlimit'/><filter><condition"
                                                + " attribute='mserp_salesytd' operator='gt' valueof='mserp_creditlimit'/>"
                                                + "</filter></entity></fetch>"))),
                example(
                        "Mia Mixed, FetchXML aggregate: her readable sales orders per company (groupby) with their"
                                + " count and total; orders she may not read are not counted",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.MIA_MIXED.id(),
                                "mserp_salesorderheaderv2entities?fetchXml=" + urlEncoded(AGGREGATE_FETCH))),
                example(
                        "Mia Mixed, OData $apply: the same aggregation, orders over 1,000 only",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.MIA_MIXED.id(),
                                "mserp_salesorderheaderv2entities?$apply="
                                        + urlEncoded("filter(mserp_totalamount gt 1000)/groupby((mserp_dataareaid),"
                                                + "aggregate($count as orders,mserp_totalamount with sum as total))"))),
                example(
                        "Alice Sales, OData $apply with $orderby, $top and $count: the five customers with the largest"
                                + " order totals, and (@odata.count) how many customers have orders",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.ALICE_SALES_MANAGER.id(),
                                "mserp_salesorderheaderv2entities?$apply="
                                        + urlEncoded("groupby((_mserp_customerid_value),aggregate(mserp_totalamount"
                                                + " with sum as total,$count as orders))")
                                        + "&$orderby=" + urlEncoded("total desc") + "&$top=5&$count=true")),
                example(
                        "Alice Sales, FetchXML eq-useroruserhierarchy: customers owned by her or by anyone under her"
                                + " in the manager hierarchy (Bob, and Mia under Bob), among those she reads",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.ALICE_SALES_MANAGER.id(),
                                "mserp_custcustomerv3entities?fetchXml="
                                        + urlEncoded("<fetch count='5'><entity name='mserp_custcustomerv3entity'>"
                                                + "<attribute name='mserp_name'/><attribute name='mserp_ownerid'/>"
                                                + "<filter><condition attribute='mserp_ownerid'"
                                                + " operator='eq-useroruserhierarchy'/></filter></entity></fetch>"))),
                example(
                        "Mia Mixed, FetchXML aggregate by date part and linked attribute: her orders per year and"
                                + " quarter of the order date and per customer city (a link-entity groupby), most"
                                + " orders first (order alias), 5 groups a page",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.MIA_MIXED.id(),
                                "mserp_salesorderheaderv2entities?fetchXml="
                                        + urlEncoded("<fetch aggregate='true' count='5'>"
                                                + "<entity name='mserp_salesorderheaderv2entity'>"
                                                + "<attribute name='mserp_orderdate' alias='year' groupby='true'"
                                                + " dategrouping='year'/>"
                                                + "<attribute name='mserp_orderdate' alias='quarter' groupby='true'"
                                                + " dategrouping='quarter'/>"
                                                + "<attribute name='mserp_salesorderheaderv2entityid' alias='orders'"
                                                + " aggregate='count'/><order alias='orders' descending='true'/>"
                                                + "<link-entity name='mserp_custcustomerv3entity'"
                                                + " from='mserp_custcustomerv3entityid' to='mserp_customerid' alias='c'>"
                                                + "<attribute name='mserp_addresscity' alias='city' groupby='true'/>"
                                                + "</link-entity></entity></fetch>"))),
                example(
                        "Alice Sales, FetchXML attribute aliases: each column answered under the alias given"
                                + " (number, customer), with the total record count",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?fetchXml="
                                        + urlEncoded("<fetch count='3' returntotalrecordcount='true'>"
                                                + "<entity name='mserp_salesorderheaderv2entity'>"
                                                + "<attribute name='mserp_salesordernumber' alias='number'/>"
                                                + "<link-entity name='mserp_custcustomerv3entity'"
                                                + " from='mserp_custcustomerv3entityid' to='mserp_customerid'"
                                                + " link-type='outer' alias='c'><attribute name='mserp_name'"
                                                + " alias='customer'/></link-entity></entity></fetch>"))),
                example(
                        "Sam Admin, FetchXML mask operator: customers whose number of employees has the bits 2 and 4"
                                + " set (mask 6)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(),
                                "mserp_custcustomerv3entities?fetchXml="
                                        + urlEncoded("<fetch count='3'><entity name='mserp_custcustomerv3entity'>"
                                                + "<attribute name='mserp_numberofemployees'/><filter><condition"
                                                + " attribute='mserp_numberofemployees' operator='mask' value='6'/>"
                                                + "</filter></entity></fetch>"))),
                example(
                        "Paula Portal (a portal contact): WhoAmI names the backend user she is mapped to",
                        asPortal.get("X-Portal-Contact-Id", DemoIdentities.PAULA_CONTACT.id(), "WhoAmI")),
                example(
                        "Bea Basic (Basic depth): her customers with at least one order over 10,000 that she may read"
                                + " (lambda any over the collection-valued mserp_SalesOrders; orders she does not own do"
                                + " not count)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BEA_BASIC.id(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_name&$top=5"
                                        + "&$filter=mserp_SalesOrders/any(o:o/mserp_totalamount%20gt%2010000)")),
                example(
                        "Bea Basic (Basic depth: her own orders and customers), LeftOuter link: orders whose customer she"
                                + " does not own come back with c.mserp_name null",
                        asDataverse.post(
                                "MSCRMCallerID",
                                DemoIdentities.BEA_BASIC.id(),
                                "RetrieveMultiple",
                                ordersWithCustomers("LeftOuter", null))),
                example(
                        "Mia Mixed (Sales manager for usmf + unrestricted Basic): outside usmf, only the customers she owns",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.MIA_MIXED.id(), customersOutsideUsmf)),
                example(
                        "Cora Companies (Sales manager for usmf + Basic for demf): outside usmf, only her own demf customers, no gbsi",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.CORA_COMPANIES.id(), customersOutsideUsmf)),
                example(
                        "Sam Admin (System administrator): number of sales orders (up to 5,000, as Dataverse counts)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(),
                                "mserp_salesorderheaderv2entities/$count")),
                example(
                        "Sid Secadmin (Security administrator only: manages security data, reads no business data) → 403 0x80040220",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.SID_SECURITY_ADMINISTRATOR.id(), oneCustomer)),
                example(
                        "Sam Admin: the service protection budget left (x-ms-ratelimit-… headers), on every answer (6,000 requests and 1,200 s of"
                                + " execution per user in 5 minutes; over it → 429 0x80072322 with Retry-After)",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(), oneCustomer)
                                + " -D - -o /dev/null"),
                example(
                        "Sam Admin: a read that must see every committed write (Prefer: vegateway.consistency=strong):"
                                + " with read replicas it is served by the primary; Server-Timing says which served it",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id(), oneCustomer)
                                + " -H 'Prefer: vegateway.consistency=strong' -D - -o /dev/null"),
                example(
                        "Bob Clerk: change tracking (Prefer: odata.track-changes) on sales orders: the orders he may read"
                                + " and, at the end, an @odata.deltaLink; GET that link later for what was created, changed"
                                + " or deleted since",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,mserp_salesorderstatus",
                                "Prefer: odata.track-changes")),
                example(
                        "Dora Disabled (disabled user) → 403",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.DORA_DISABLED.id(), oneCustomer)),
                example(
                        "Adam Administrative (access mode Administrative) → 403",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.ADAM_ADMINISTRATIVE.id(), oneCustomer)),
                example(
                        "Nora Norole (no security role) → 403",
                        asDataverse.get("MSCRMCallerID", DemoIdentities.NORA_NO_ROLE.id(), oneCustomer)),
                example(
                        "The Dataverse application without a caller: the catalog only",
                        asDataverse.get(
                                null,
                                null,
                                "mserp_financeandoperationsentities?$select=mserp_entitysetname,mserp_physicalname")),
                example(
                        "Paula Portal (portal contact mapped to a customer user, in usmf): usmf customers only",
                        asPortal.get("X-Portal-Contact-Id", DemoIdentities.PAULA_CONTACT.id(), customers)),
                example(
                        "Anonymous portal visitor: released products only (row filter mserp_isreleased eq true)",
                        asPortal.get(
                                null,
                                null,
                                "mserp_ecoresreleasedproductv2entities?$select=mserp_itemnumber,mserp_productname,mserp_isreleased&$top=3")),
                example(
                        "Mallory (portal contact mapped to a user who wrongly holds System administrator) → 403 0x8ff00032",
                        asPortal.get("X-Portal-Contact-Id", DemoIdentities.MALLORY_CONTACT.id(), customers)),
                example(
                        "Sam creates customer US-DEMO with a key of his choice and gets the stored record back → 201",
                        asDataverse.send(
                                "POST",
                                sam,
                                "mserp_custcustomerv3entities",
                                "{\"mserp_custcustomerv3entityid\":\"" + DEMO_WRITE_KEY
                                        + "\",\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"US-DEMO\",\"mserp_name\":\"Demo Write Inc.\"}",
                                "Prefer: return=representation")),
                example(
                        "Sam renames it, only if nobody changed it since (If-Match) → 204",
                        asDataverse.send(
                                "PATCH",
                                sam,
                                demoCustomer,
                                "{\"mserp_name\":\"Demo Write Renamed\"}",
                                "If-Match: W/\"1\"")),
                example(
                        "Sam places it on hold with the bound action mserp_PlaceOnHold → 204",
                        asDataverse.send(
                                "POST", sam, demoCustomer + "/Microsoft.Dynamics.CRM.mserp_PlaceOnHold", "{}")),
                example(
                        "Credit available for customer US-0001: a bound action that returns a value",
                        asDataverse.send(
                                "POST",
                                sam,
                                "mserp_custcustomerv3entities("
                                        + DemoData.customerId("usmf", DemoData.customerAccount("usmf", 1))
                                        + ")/Microsoft.Dynamics.CRM.mserp_CreditAvailable",
                                "{}")),
                example(
                        "Sam deletes US-DEMO (its version is 3 after the rename and the action) → 204",
                        asDataverse.send("DELETE", sam, demoCustomer, null, "If-Match: W/\"3\"")),
                example(
                        "Sam sends the $batch in " + BATCH_EXAMPLE_FILE
                                + ": a changeset creates US-BATCH, changes it and places it on hold"
                                + " through Content-ID $1; a read shows it; a second changeset deletes it",
                        asDataverse.batch(sam, folder.resolve(BATCH_EXAMPLE_FILE))));
        lines = new java.util.ArrayList<>(lines);
        lines.addAll(liveCatalogExamples(gateway, asDataverse, sam));
        out.println();
        out.println("VE Gateway demo is running at " + root + " (admin: http://127.0.0.1:" + gateway.adminPort()
                + "/health/ready)");
        out.println("Data folder: " + folder
                + " (catalog.yaml, security.yaml, demo database, certificate, dev issuer key)");
        out.println("Try these (tokens valid for 8 hours):");
        for (String[] line : lines) {
            out.println();
            out.println("# " + line[0]);
            out.println(line[1]);
        }
        printProvisioningCommands(gateway, folder, root, asDataverse, out);
        printAdministrationCommands(asDataverse, out);
        printGroupTeamCommands(gateway, folder, root, out);
        out.println();
        out.println("# Mint more tokens: ./vegateway token --app " + dataverse + "   (Dataverse application)");
        out.println("#                   ./vegateway token --app " + portal + "   (portal application)");
        out.println("#                   ./vegateway token --app " + dataverse + " --oid "
                + DemoIdentities.GUS_GROUP_TEAM.entraObjectId() + " --group " + DemoIdentities.SALES_READERS_GROUP
                + "   (on behalf of Gus Groupteam, with a groups claim)");
        out.flush();
    }

    /**
     * Live catalog changes (issue 12): {@code $metadata} answered 304 while its ETag is current, and
     * the System administrator hiding, showing and refreshing the vendors through the catalog set.
     */
    private static List<String[]> liveCatalogExamples(Gateway gateway, Curl asDataverse, Object sam) {
        String vendor = "mserp_vendvendorv2entity";
        Object vendorRow = dev.vegateway.gateway.odata.CatalogEntitySet.row(
                        gateway.catalog().catalog().byLogicalName(vendor).orElseThrow())
                .get("mserp_financeandoperationsentityid");
        String catalogRow = "mserp_financeandoperationsentities(" + vendorRow + ")";
        return List.of(
                example(
                        "Sam Admin: $metadata again with the ETag it carries (If-None-Match) → 304 Not Modified,"
                                + " no body, while the catalog is unchanged",
                        asDataverse.get(
                                "MSCRMCallerID",
                                sam,
                                "$metadata",
                                "If-None-Match: " + gateway.catalog().current().metadataEtag())),
                example(
                        "Sam Admin (System administrator) hides the vendors through the catalog set: gone from"
                                + " $metadata on every node at once, kept after a restart → 204",
                        asDataverse.send("PATCH", sam, catalogRow, "{\"mserp_hasbeengenerated\":false}")),
                example(
                        "Sam Admin: the hidden vendors → 404 0x80060888",
                        asDataverse.get("MSCRMCallerID", sam, "mserp_vendvendorv2entities?$top=1")),
                example(
                        "Sam Admin shows the vendors again → 204",
                        asDataverse.send("PATCH", sam, catalogRow, "{\"mserp_hasbeengenerated\":true}")),
                example(
                        "Sam Admin refreshes the vendors: @vegateway.refresh lists the columns of erp.vendor the"
                                + " catalog does not map (added), maps but the table lacks (removed) or types"
                                + " otherwise (retyped)",
                        asDataverse.send("PATCH", sam, catalogRow, "{\"mserp_refresh\":true}")));
    }

    /**
     * Group teams (issue 15): Gus Groupteam holds no role; a token issued for him ({@code oid}) whose
     * {@code groups} claim names the directory group of "Sales readers (directory group)" gives him that
     * team's Sales manager access.
     */
    private static void printGroupTeamCommands(Gateway gateway, Path folder, String root, PrintStream out) {
        DemoIdentities.User gus = DemoIdentities.GUS_GROUP_TEAM;
        String token = gateway.devIssuer()
                .orElseThrow()
                .mint(
                        DemoIdentities.DATAVERSE_APPLICATION.appId().toString(),
                        Duration.ofHours(8),
                        Map.of(
                                "oid",
                                gus.entraObjectId().toString(),
                                "groups",
                                List.of(DemoIdentities.SALES_READERS_GROUP.toString())));
        Curl asGus = new Curl(folder, root, token);
        out.println();
        out.println("# Group team: Gus Groupteam holds no role; his token (oid = his object id) carries groups ["
                + DemoIdentities.SALES_READERS_GROUP + "], the group of team 'Sales readers (directory group)'"
                + " (Sales manager) → 200");
        out.println(asGus.get(
                "CallerObjectId",
                gus.entraObjectId(),
                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_name&$top=3"));
    }

    /** The Entra object id (SCIM externalId) of the user the demo provisions through SCIM. */
    static final String DEMO_SCIM_OBJECT_ID = "00000000-0000-4000-8000-0000000005c1";

    /**
     * Directory provisioning (issue 15): create a user through SCIM with the provisioning
     * application's token, read data as that user at once, and explain a user's access.
     */
    private static void printProvisioningCommands(
            Gateway gateway, Path folder, String root, Curl asDataverse, PrintStream out) {
        String token = gateway.devIssuer()
                .orElseThrow()
                .mint(DemoIdentities.PROVISIONING_APPLICATION.appId().toString(), Duration.ofHours(8), Map.of());
        String scim = "https://127.0.0.1:" + gateway.port() + "/scim/v2/Users";
        String user =
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"sam.scim@contoso.com\","
                        + "\"externalId\":\"" + DEMO_SCIM_OBJECT_ID
                        + "\",\"active\":true,\"displayName\":\"Sam Scim\"}";
        List<String[]> lines = List.of(
                // ---- issue 12: option sets, labels in two languages, metadata sets ----
                example(
                        "Alice Sales: customers with the FormattedValue annotation (option-set and Boolean labels,"
                                + " formatted credit limit and date)",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_creditstatus,"
                                        + "mserp_iskeyaccount,mserp_creditlimit,mserp_establisheddate&$top=3",
                                "Prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"")),
                example(
                        "The same in German (Accept-Language: de-DE): Gesperrt, Ja/Nein, 25.000,00, 14.03.2011",
                        prefixed(
                                asDataverse.get(
                                        "CallerObjectId",
                                        DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                        "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_creditstatus,"
                                                + "mserp_iskeyaccount,mserp_creditlimit&$top=3",
                                        "Prefer: odata.include-annotations=\"*\""),
                                "Accept-Language: de-DE")),
                example(
                        "Cora Companies: German labels from her own language setting (language: 1031 in the security"
                                + " data), which comes before any Accept-Language",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.CORA_COMPANIES.id(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_creditstatus&$top=3",
                                "Prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"")),
                example(
                        "Cora Companies: her orders of the last two years, the days counted from midnight in her"
                                + " own time zone (timeZone: Europe/Berlin in the security data)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.CORA_COMPANIES.id(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,mserp_orderdate"
                                        + "&$filter=Microsoft.Dynamics.CRM.LastXYears(PropertyName=%27mserp_orderdate%27,"
                                        + "PropertyValue=2)&$top=3")),
                example(
                        "Alice Sales: the customer entity's definition with its attributes (labels in German,"
                                + " option values); only entities and fields she may read are described",
                        prefixed(
                                asDataverse.get(
                                        "CallerObjectId",
                                        DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                        "EntityDefinitions(LogicalName=%27mserp_custcustomerv3entity%27)"
                                                + "?$select=LogicalName,DisplayName&$expand=Attributes($select=LogicalName,"
                                                + "AttributeType,DisplayName,OptionSet)"),
                                "Accept-Language: de-DE")),
                example(
                        "Alice Sales: the credit status option set with its localized labels",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "GlobalOptionSetDefinitions(Name=%27mserp_custcreditstatus%27)")),
                // ---- issues 11/12: a multi-select option set, filtered with ContainValues ----
                example(
                        "Alice Sales: customers selling online or on marketplaces (multi-select ContainValues: 1 does"
                                + " not match 11), the channels' labels joined with \"; \"",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_saleschannels&$top=5"
                                        + "&$filter=Microsoft.Dynamics.CRM.ContainValues(PropertyName=%27mserp_saleschannels%27,"
                                        + "PropertyValues=%5B%271%27,%2711%27%5D)",
                                "Prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"")),
                // ---- issue 11: $apply grouping over a navigation path; issue 12: a lookup's name ----
                example(
                        "Bob Clerk: his orders counted by customer group, grouped through the mserp_Customer"
                                + " navigation property under the customers' own security (unreadable ones count as null)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.BOB_SALES_CLERK.id(),
                                "mserp_salesorderheaderv2entities?$apply=groupby((mserp_Customer/mserp_customergroupid),"
                                        + "aggregate($count%20as%20orders))")),
                example(
                        "Alice Sales: orders whose customer lookup carries the customer's name as its FormattedValue",
                        asDataverse.get(
                                "CallerObjectId",
                                DemoIdentities.ALICE_SALES_MANAGER.entraObjectId(),
                                "mserp_salesorderheaderv2entities?$select=mserp_salesordernumber,_mserp_customerid_value&$top=3",
                                "Prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"")),
                example(
                        "Provisioning (SCIM): the directory creates Sam Scim (root business unit, default role Sales"
                                + " manager): 201 Created",
                        "curl -sS --cacert " + folder.resolve(DemoCertificate.CERTIFICATE_FILE)
                                + " -H 'Authorization: Bearer " + token + "' -H 'Content-Type: application/scim+json'"
                                + " -d '" + user + "' '" + scim + "'"),
                example(
                        "Sam Scim reads customers at once, as CallerObjectId = his externalId",
                        asDataverse.get(
                                "CallerObjectId",
                                DEMO_SCIM_OBJECT_ID,
                                "mserp_custcustomerv3entities?$select=mserp_customeraccount,mserp_name&$top=3")),
                example(
                        "The directory finds him by userName (the filter Entra ID sends)",
                        "curl -sS --cacert " + folder.resolve(DemoCertificate.CERTIFICATE_FILE)
                                + " -H 'Authorization: Bearer " + token + "' '" + scim
                                + "?filter=userName%20eq%20%22sam.scim@contoso.com%22'"));
        for (String[] line : lines) {
            out.println();
            out.println("# " + line[0]);
            out.println(line[1]);
        }
    }

    /**
     * The Dataverse administration sets (issue 15): a Security administrator gives Nora Norole a role
     * through {@code systemuserroles_association/$ref} (and takes it back), and an Administrative user
     * lists users but is refused business data.
     */
    private static void printAdministrationCommands(Curl asDataverse, PrintStream out) {
        UUID role = dev.vegateway.adapter.security.SecurityAdministration.roleId("Customer service Global");
        UUID nora = DemoIdentities.NORA_NO_ROLE.id();
        UUID sid = DemoIdentities.SID_SECURITY_ADMINISTRATOR.id();
        UUID ava = DemoIdentities.AVA_ADMINISTRATIVE.id();
        List<String[]> lines = List.of(
                example(
                        "Administration: Sid Secadmin (Security administrator) gives Nora Norole the role Customer service"
                                + " Global through systemuserroles_association/$ref → 204",
                        asDataverse.send(
                                "POST",
                                sid,
                                "systemusers(" + nora + ")/systemuserroles_association/$ref",
                                "{\"@odata.id\":\"roles(" + role + ")\"}")),
                example(
                        "Nora reads customers at once (before: 403, no role)",
                        asDataverse.get(
                                "MSCRMCallerID", nora, "mserp_custcustomerv3entities?$select=mserp_name&$top=3")),
                example(
                        "Sid lists Nora's roles through the association",
                        asDataverse.get(
                                "MSCRMCallerID",
                                sid,
                                "systemusers(" + nora + ")/systemuserroles_association?$select=name")),
                example(
                        "Sid takes the role back → 204",
                        asDataverse.send(
                                "DELETE",
                                sid,
                                "systemusers(" + nora + ")/systemuserroles_association(" + role + ")/$ref",
                                null)),
                example(
                        "Ava Useradmin (access mode Administrative, Security administrator) lists the users",
                        asDataverse.get(
                                "MSCRMCallerID",
                                ava,
                                "systemusers?$select=fullname,accessmode,isdisabled&$filter=isdisabled%20eq%20false"
                                        + "&$orderby=fullname&$top=5")),
                example(
                        "Ava reads business data → 403 0x8ff00032 (Administrative: only the administration sets)",
                        asDataverse.get(
                                "MSCRMCallerID", ava, "mserp_custcustomerv3entities?$select=mserp_name&$top=1")),
                // ---- issue 15: explain, for administrators ----
                example(
                        "Explain: Sid Secadmin asks why Fiona Fieldsec cannot see credit limits (Read: yes through"
                                + " Sales assistant, Global; FieldSecurity.HiddenFromReads and Field.Read: false)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                sid,
                                "vegateway_Explain(UserId=" + DemoIdentities.FIONA_FIELD_SECURITY.id()
                                        + ",EntityName=%27mserp_custcustomerv3entity%27,Field=%27mserp_creditlimit%27)")));
        lines = new java.util.ArrayList<>(lines);
        lines.addAll(rolePrivilegeAndCrossUnitCommands(asDataverse, sid, nora));
        for (String[] line : lines) {
            out.println();
            out.println("# " + line[0]);
            out.println(line[1]);
        }
    }

    /**
     * Issue 15: a role's privileges through Dataverse's AddPrivilegesRole, and a role of another business
     * unit given through its copy with {@code systemuserroles_association/$ref}; Sid Secadmin administers.
     */
    private static List<String[]> rolePrivilegeAndCrossUnitCommands(Curl asDataverse, UUID sid, UUID nora) {
        UUID local = dev.vegateway.adapter.security.SecurityAdministration.roleId("Customer service Local");
        UUID germanyCopy = dev.vegateway.adapter.security.SecurityAdministration.roleId(
                "Customer service Local", DemoIdentities.CONTOSO_GERMANY.id());
        UUID readVendors = dev.vegateway.gateway.odata.RolePrivileges.id(
                "mserp_vendvendorv2entity", dev.vegateway.adapter.security.Privilege.READ);
        return List.of(
                example(
                        "Role privileges: Sid gives the role Customer service Local Read at Local on vendors"
                                + " (AddPrivilegesRole) → 204; Leo Local then reads his unit's vendors",
                        asDataverse.send(
                                "POST",
                                sid,
                                "roles(" + local + ")/Microsoft.Dynamics.CRM.AddPrivilegesRole",
                                "{\"Privileges\":[{\"PrivilegeId\":\"" + readVendors + "\",\"Depth\":\"Local\"}]}")),
                example(
                        "Leo Local reads vendors of Contoso Europe (before: 403)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                DemoIdentities.LEO_LOCAL.id(),
                                "mserp_vendvendorv2entities?$select=mserp_vendorname&$top=3")),
                example(
                        "Sid lists the role's privileges (roleprivileges_association)",
                        asDataverse.get(
                                "MSCRMCallerID",
                                sid,
                                "roles(" + local + ")/roleprivileges_association?$select=name,accessright")),
                example(
                        "Roles from other business units: Sid gives Nora Norole (Contoso US) Contoso Germany's copy of"
                                + " Customer service Local → 204; she reads Germany's customers",
                        asDataverse.send(
                                "POST",
                                sid,
                                "systemusers(" + nora + ")/systemuserroles_association/$ref",
                                "{\"@odata.id\":\"roles(" + germanyCopy + ")\"}")),
                example(
                        "Nora reads the customers of Contoso Germany",
                        asDataverse.get(
                                "MSCRMCallerID",
                                nora,
                                "mserp_custcustomerv3entities?$select=mserp_name,mserp_dataareaid&$top=3")),
                example(
                        "Sid takes Germany's copy back → 204",
                        asDataverse.send(
                                "DELETE",
                                sid,
                                "systemusers(" + nora + ")/systemuserroles_association(" + germanyCopy + ")/$ref",
                                null)));
    }

    /** usmf sales orders over 1,000 with their customer's name; {@code %s} takes more fetch attributes. */
    private static final String ORDERS_FETCH = "<fetch%s><entity name='mserp_salesorderheaderv2entity'>"
            + "<attribute name='mserp_salesordernumber'/><attribute name='mserp_totalamount'/>"
            + "<order attribute='mserp_salesordernumber'/>"
            + "<filter><condition attribute='mserp_dataareaid' operator='eq' value='usmf'/>"
            + "<condition attribute='mserp_totalamount' operator='gt' value='1000'/></filter>"
            + "<link-entity name='mserp_custcustomerv3entity' from='mserp_custcustomerv3entityid' to='mserp_customerid'"
            + " link-type='outer' alias='c'><attribute name='mserp_name'/></link-entity></entity></fetch>";

    private static final String AGGREGATE_FETCH =
            "<fetch aggregate='true'><entity name='mserp_salesorderheaderv2entity'>"
                    + "<attribute name='mserp_dataareaid' alias='company' groupby='true'/>"
                    + "<attribute name='mserp_salesorderheaderv2entityid' alias='orders' aggregate='count'/>"
                    + "<attribute name='mserp_totalamount' alias='total' aggregate='sum'/></entity></fetch>";

    private static String urlEncoded(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** A QueryExpression of sales orders (of {@code company}, when given) joined to their customers as alias c. */
    private static String ordersWithCustomers(String joinOperator, String company) {
        String criteria = company == null
                ? "{}"
                : "{\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\""
                        + company + "\"]}]}";
        return "{\"Query\":{\"EntityName\":\"mserp_salesorderheaderv2entity\",\"ColumnSet\":{\"Columns\":"
                + "[\"mserp_salesordernumber\",\"mserp_totalamount\"]},\"Criteria\":" + criteria
                + ",\"LinkEntities\":[{\"LinkFromAttributeName\":\"mserp_customerid\",\"LinkToEntityName\":"
                + "\"mserp_custcustomerv3entity\",\"LinkToAttributeName\":\"mserp_custcustomerv3entityid\",\"JoinOperator\":\""
                + joinOperator
                + "\",\"EntityAlias\":\"c\",\"Columns\":{\"Columns\":[\"mserp_name\"]},\"LinkCriteria\":{}}],"
                + "\"PageInfo\":{\"Count\":3,\"PageNumber\":1}}}";
    }

    /** The GUID the gateway derives for a row of the demo's terms of payment (entity mserp_paymenttermentity). */
    static java.util.UUID paymentTermKey(String dataAreaId, String paymentTermId) {
        return new dev.vegateway.catalog.DerivedKey(
                        "mserp_paymenttermentity",
                        List.of(
                                new dev.vegateway.catalog.FieldDefinition(
                                        "mserp_dataareaid",
                                        "data_area_id",
                                        dev.vegateway.catalog.FieldType.string(4),
                                        true,
                                        false,
                                        java.util.Map.of()),
                                new dev.vegateway.catalog.FieldDefinition(
                                        "mserp_paymenttermid",
                                        "payment_terms_id",
                                        dev.vegateway.catalog.FieldType.string(10),
                                        true,
                                        false,
                                        java.util.Map.of())),
                        java.util.Optional.empty())
                .guid(List.of(dataAreaId, paymentTermId));
    }

    /** A curl line with one more header, given before its URL. */
    private static String prefixed(String curl, String header) {
        int url = curl.lastIndexOf(" '");
        return curl.substring(0, url) + " -H '" + header + "'" + curl.substring(url);
    }

    private static String[] example(String description, String command) {
        return new String[] {description, command};
    }

    /** Builds the printed curl commands of one application: its token, the demo CA, one optional caller header. */
    private record Curl(Path folder, String root, String token) {
        String get(String header, Object value, String path) {
            return prefix(header, value) + " '" + root + path + "'";
        }

        /** A GET with one more header, such as a {@code Prefer}. */
        String get(String header, Object value, String path, String extraHeader) {
            return prefix(header, value) + " -H '" + extraHeader + "' '" + root + path + "'";
        }

        /** A write as MSCRMCallerID {@code user}: method, path, optional JSON body and extra headers. */
        String send(String method, Object user, String path, String json, String... headers) {
            StringBuilder command = new StringBuilder(prefix("MSCRMCallerID", user))
                    .append(" -X ")
                    .append(method);
            for (String header : headers) {
                command.append(" -H '").append(header).append('\'');
            }
            if (json != null) {
                command.append(" -H 'Content-Type: application/json' -d '")
                        .append(json)
                        .append('\'');
            }
            return command.append(" '").append(root).append(path).append('\'').toString();
        }

        /** {@code POST $batch} as MSCRMCallerID {@code user}, the multipart body read from {@code body}. */
        String batch(Object user, Path body) {
            return prefix("MSCRMCallerID", user)
                    + " -H 'Content-Type: multipart/mixed; boundary=batch_demo' --data-binary @" + body + " '" + root
                    + "$batch'";
        }

        String post(String header, Object value, String path, String json) {
            return prefix(header, value) + " -H 'Content-Type: application/json' -d '" + json + "' '" + root + path
                    + "'";
        }

        private String prefix(String header, Object value) {
            String command = "curl -sS --cacert " + folder.resolve(DemoCertificate.CERTIFICATE_FILE)
                    + " -H 'Authorization: Bearer " + token + "'";
            return header == null ? command : command + " -H '" + header + ": " + value + "'";
        }
    }
}
