package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.bench.baseline.BareServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vegateway-bench compare}: the gateway against a bare Jetty + HikariCP + pgJDBC handler
 * ({@link BareServer}) on the same embedded PostgreSQL, side by side in one run. It starts the
 * database, seeds the demo data through {@code vegateway demo --backend postgresql} and tops the
 * customers up, starts both servers as processes of their own (so that each one's CPU can be read
 * from {@code /proc/<pid>/stat}), drives both with the load generator and prints the ratios.
 *
 * <pre>
 * mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway,bench
 * java -jar bench/target/vegateway-bench.jar compare --gateway-jar gateway/target/vegateway.jar
 * </pre>
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Runs the gateway and a bare Jetty + JDBC handler on one embedded PostgreSQL with the demo data and",
            "prints req/s, client p50/p99 and server CPU per request of each, and their ratios."
        })
final class Compare implements Callable<Integer> {
    /** The application and the user the gateway serves the load as (written to the bench's security.yaml). */
    static final String APPLICATION = "11111111-1111-4111-8111-111111111111";

    static final String BUSINESS_UNIT = "Contoso US";
    static final String COMPANY = "usmf";
    private static final String KEYSTORE_FILE = "demo-tls.p12";
    private static final String KEYSTORE_PASSWORD = "vegateway-demo";
    private static final String CA_FILE = "demo-ca.pem";
    private static final String ISSUER_KEY_FILE = "dev-issuer-key.json";
    private static final String GATEWAY_READY = "# Stop with Ctrl+C.";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    /** The calls of the comparison, in the order of the table. */
    static final List<Scenario> CALLS = List.of(Scenario.RETRIEVE, Scenario.PAGE50SORTED, Scenario.CREATE);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--gateway-jar",
            paramLabel = "JAR",
            defaultValue = "gateway/target/vegateway.jar",
            description = "The gateway to measure (default: ${DEFAULT-VALUE})")
    Path gatewayJar;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            defaultValue = "target/compare",
            description = "Where the database, the servers' folders and logs go; a new run-* folder each time"
                    + " (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(
            names = "--customers",
            paramLabel = "N",
            defaultValue = "10000",
            description =
                    "Customers in the table (the demo seeds 2,000; the rest are copies) (default: ${DEFAULT-VALUE})")
    int customers;

    @Option(
            names = "--connections",
            paramLabel = "N",
            split = ",",
            defaultValue = "1,16",
            description = "Connection counts to run each call with (default: ${DEFAULT-VALUE})")
    List<Integer> connections;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            defaultValue = "5s",
            converter = Bench.DurationConverter.class,
            description = "Warm-up of each server before each measured run (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            defaultValue = "15s",
            converter = Bench.DurationConverter.class,
            description = "Each measured run (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(
            names = "--callers",
            paramLabel = "N",
            defaultValue = "512",
            description = "Bench users the gateway's requests take turns among, all with the same row scope, so that"
                    + " no user reaches the gateway's service protection limits (default: ${DEFAULT-VALUE})")
    int callers;

    @Option(
            names = "--pool-size",
            paramLabel = "N",
            description = "The bare server's pool (default: the gateway's default for this machine, 2 x cores, 4..32)")
    Integer poolSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every run and the ratios as JSON")
    Path json;

    @Option(
            names = "--postgres-config",
            paramLabel = "NAME=VALUE",
            description = "A PostgreSQL setting, e.g. log_min_duration_statement=0 to log every statement to"
                    + " postgresql.log; repeatable")
    Map<String, String> postgresConfig = new LinkedHashMap<>();

    @Option(
            names = "--jvm-option",
            paramLabel = "OPTION",
            description = "A JVM option for both server processes, e.g. -Xmx1g; repeatable")
    List<String> jvmOptions = new ArrayList<>();

    /** One measured run of one server. */
    record Run(Scenario call, int connections, String server, URI target, RunResult result, Duration cpu) {
        double cpuMicrosPerRequest() {
            return result.measurements().requests() == 0
                    ? Double.NaN
                    : cpu.toNanos() / 1e3 / result.measurements().requests();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(gatewayJar)) {
            err.println("vegateway-bench compare: no gateway jar at " + gatewayJar.toAbsolutePath()
                    + " (build it: mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway)");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        int pool = poolSize == null ? defaultPoolSize(Runtime.getRuntime().availableProcessors()) : poolSize;
        Files.createDirectories(workDir);
        Path run = Files.createTempDirectory(workDir.toAbsolutePath(), "run-");
        Path gatewayDir = Files.createDirectories(run.resolve("gateway"));
        if (callers < 1 || callers > 10_000) {
            err.println("vegateway-bench compare: --callers must be between 1 and 10000, was " + callers);
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        Files.writeString(gatewayDir.resolve("security.yaml"), securityYaml(callers), UTF_8);
        say(err, "work folder %s", run);

        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        postgresConfig.forEach(builder::setServerConfig);
        try (EmbeddedPostgres database = builder.setDataDirectory(run.resolve("postgresql"))
                .setCleanDataDirectory(true)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                        run.resolve("postgresql.log").toFile()))
                .start()) {
            String jdbcUrl = database.getJdbcUrl("postgres", "postgres");
            say(err, "PostgreSQL at %s", jdbcUrl);
            int gatewayPort = freePort();
            Process gateway = startProcess(
                    javaCommand(List.of(
                            "-jar",
                            gatewayJar.toAbsolutePath().toString(),
                            "demo",
                            "--backend",
                            "postgresql",
                            "--jdbc-url",
                            jdbcUrl,
                            "--username",
                            "postgres",
                            "--data-dir",
                            gatewayDir.toString(),
                            "--port",
                            Integer.toString(gatewayPort),
                            "--admin-port",
                            Integer.toString(freePort()))),
                    run.resolve("gateway.log"));
            Process bare = null;
            try {
                waitFor(gateway, run.resolve("gateway.log"), GATEWAY_READY);
                say(err, "gateway (pid %d) on port %d", gateway.pid(), gatewayPort);
                DataSource data = database.getPostgresDatabase();
                int total = topUpCustomers(data, customers);
                say(err, "%d customers", total);

                UUID businessUnit = UUID.nameUUIDFromBytes(("businessunit:" + BUSINESS_UNIT).getBytes(UTF_8));
                bare = startProcess(
                        javaCommand(List.of(
                                "-cp",
                                System.getProperty("java.class.path"),
                                BareServer.class.getName(),
                                "--keystore",
                                gatewayDir.resolve(KEYSTORE_FILE).toString(),
                                "--keystore-password",
                                KEYSTORE_PASSWORD,
                                "--jdbc-url",
                                jdbcUrl,
                                "--pool-size",
                                Integer.toString(pool),
                                "--company",
                                COMPANY,
                                "--business-unit",
                                businessUnit.toString(),
                                "--owner",
                                userId(0).toString())),
                        run.resolve("bare.log"));
                String bareLine = waitFor(bare, run.resolve("bare.log"), BareServer.READY_PREFIX);
                Target bareTarget = Target.parse(
                        bareLine.substring(bareLine.indexOf(BareServer.READY_PREFIX) + BareServer.READY_PREFIX.length())
                                .strip());
                Target gatewayTarget = Target.parse("https://127.0.0.1:" + gatewayPort + "/api/data/v9.2/");
                say(err, "bare server (pid %d) at %s, pool %d", bare.pid(), bareTarget.serviceRoot(), pool);

                SSLContext tls = TrustedCertificate.sslContext(gatewayDir.resolve(CA_FILE));
                Supplier<HttpClient> clients = () -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(Duration.ofSeconds(10))
                        .sslContext(tls)
                        .build();
                String token = new TokenMinter(
                                TokenMinter.readKey(gatewayDir.resolve(ISSUER_KEY_FILE)),
                                TokenMinter.DEFAULT_ISSUER,
                                TokenMinter.DEFAULT_AUDIENCE)
                        .mint(APPLICATION, Instant.now(), Duration.ofHours(4));
                Map<String, String> gatewayHeaders = new LinkedHashMap<>();
                gatewayHeaders.put("Authorization", "Bearer " + token);
                gatewayHeaders.put("CallerObjectId", objectId(0).toString());
                List<Map<String, String>> gatewayCallers = new ArrayList<>();
                for (int caller = 0; caller < callers; caller++) {
                    gatewayCallers.add(Map.of("CallerObjectId", objectId(caller).toString()));
                }

                List<String> keys =
                        Workload.fetchCustomerKeys(clients.get(), gatewayTarget, gatewayHeaders, Bench.REQUEST_TIMEOUT);
                checkSamePage(clients.get(), gatewayTarget, gatewayHeaders, bareTarget);
                say(err, "both servers answer the same page; %d keys to retrieve", keys.size());

                // Both servers see every call once before anything is measured, so that the first measured runs do
                // not pay for the JIT compiling the others' code paths.
                int widest =
                        connections.stream().mapToInt(Integer::intValue).max().orElse(1);
                for (Scenario call : CALLS) {
                    warm(call, widest, bareTarget, Map.of(), List.of(Map.of()), keys, clients);
                    warm(call, widest, gatewayTarget, gatewayHeaders, gatewayCallers, keys, clients);
                }
                removeCreated(data);
                say(err, "both servers warmed up on every call (%s each at %d connections)", warmup, widest);

                List<Run> runs = new ArrayList<>();
                int row = 0;
                for (Scenario call : CALLS) {
                    for (int count : connections) {
                        Run bareRun = null;
                        Run gatewayRun = null;
                        // Which one goes first alternates, so that a drift in the machine's other load favours neither.
                        for (int turn = 0; turn < 2; turn++) {
                            if ((turn + row) % 2 == 0) {
                                bareRun = measure(
                                        call,
                                        count,
                                        "bare",
                                        bare,
                                        bareTarget,
                                        Map.of(),
                                        List.of(Map.of()),
                                        keys,
                                        clients,
                                        err);
                            } else {
                                gatewayRun = measure(
                                        call,
                                        count,
                                        "gateway",
                                        gateway,
                                        gatewayTarget,
                                        gatewayHeaders,
                                        gatewayCallers,
                                        keys,
                                        clients,
                                        err);
                            }
                        }
                        runs.add(bareRun);
                        runs.add(gatewayRun);
                        row++;
                        if (call == Scenario.CREATE) {
                            removeCreated(data);
                        }
                    }
                }
                printTable(out, runs, pool);
                out.flush();
                if (json != null) {
                    writeJson(json, runs, pool, Instant.now());
                }
                return CommandLine.ExitCode.OK;
            } finally {
                stop(bare);
                stop(gateway);
            }
        }
    }

    /** The pool size the gateway chooses by default on a machine with {@code processors} cores (config's rule, repeated). */
    static int defaultPoolSize(int processors) {
        return Math.min(32, Math.max(4, 2 * processors));
    }

    private void warm(
            Scenario call,
            int count,
            Target target,
            Map<String, String> headers,
            List<Map<String, String>> identities,
            List<String> keys,
            Supplier<HttpClient> clients)
            throws InterruptedException {
        if (!warmup.isZero()) {
            new LoadGenerator(
                            new RunSettings(count, Duration.ZERO, warmup, OptionalLong.empty(), Bench.REQUEST_TIMEOUT),
                            clients)
                    .run(Workload.of(call, target, headers, identities, Bench.REQUEST_TIMEOUT, keys));
        }
    }

    private Run measure(
            Scenario call,
            int count,
            String server,
            Process process,
            Target target,
            Map<String, String> headers,
            List<Map<String, String>> identities,
            List<String> keys,
            Supplier<HttpClient> clients,
            PrintWriter err)
            throws InterruptedException {
        warm(call, count, target, headers, identities, keys, clients);
        // A workload of its own (creates get a new run tag, so no account number of the warm-up comes again).
        Workload workload = Workload.of(call, target, headers, identities, Bench.REQUEST_TIMEOUT, keys);
        Duration cpuBefore = ProcessCpu.of(process.pid());
        RunResult result = new LoadGenerator(
                        new RunSettings(count, Duration.ZERO, duration, OptionalLong.empty(), Bench.REQUEST_TIMEOUT),
                        clients)
                .run(workload);
        Duration cpu = ProcessCpu.of(process.pid()).minus(cpuBefore);
        Run measured = new Run(call, count, server, target.serviceRoot(), result, cpu);
        say(
                err,
                "%-12s %2d conn %-7s %9.1f req/s  p50 %7.3f ms  p99 %7.3f ms  CPU %6.0f µs/request  errors %d  429 %d%s",
                call.displayName(),
                count,
                server,
                result.requestsPerSecond(),
                result.measurements().clientMicros().getValueAtPercentile(50) / 1e3,
                result.measurements().clientMicros().getValueAtPercentile(99) / 1e3,
                measured.cpuMicrosPerRequest(),
                result.measurements().errors(),
                result.measurements().throttled(),
                stages(result.measurements()));
        if (result.measurements().errors() > 0 || result.measurements().throttled() > 0) {
            Report.printDetails(err, result);
        }
        return measured;
    }

    /** The server's own p50 by stage, from Server-Timing (the gateway's; the bare server sends none). */
    private static String stages(Measurements measurements) {
        if (measurements.serverMicros(ServerTiming.Stage.TOTAL).getTotalCount() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder("  server p50:");
        for (ServerTiming.Stage stage : ServerTiming.Stage.values()) {
            text.append(' ')
                    .append(stage.metricName())
                    .append(' ')
                    .append(Report.millis(measurements.serverMicros(stage), 50));
        }
        return text.append(" ms").toString();
    }

    static void printTable(PrintWriter out, List<Run> runs, int pool) {
        out.println();
        out.println(
                "| call | connections | bare req/s | gateway req/s | ratio | bare p50 / p99 ms | gateway p50 / p99 ms"
                        + " | server CPU per request, bare → gateway | CPU ratio | errors bare / gateway | 429 bare / gateway |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            Run bare = runs.get(i);
            Run gateway = runs.get(i + 1);
            out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %,.0f | %.2f | %.2f / %.2f | %.2f / %.2f | %,.0f → %,.0f µs | %.2f | %d / %d | %d / %d |%n",
                    label(bare.call()),
                    bare.connections(),
                    bare.result().requestsPerSecond(),
                    gateway.result().requestsPerSecond(),
                    gateway.result().requestsPerSecond() / bare.result().requestsPerSecond(),
                    percentile(bare, 50),
                    percentile(bare, 99),
                    percentile(gateway, 50),
                    percentile(gateway, 99),
                    bare.cpuMicrosPerRequest(),
                    gateway.cpuMicrosPerRequest(),
                    gateway.cpuMicrosPerRequest() / bare.cpuMicrosPerRequest(),
                    bare.result().measurements().errors(),
                    gateway.result().measurements().errors(),
                    bare.result().measurements().throttled(),
                    gateway.result().measurements().throttled());
        }
        out.printf(
                Locale.ROOT,
                "%nratio = gateway req/s ÷ bare req/s; CPU from /proc/<pid>/stat of each server process (user + system,"
                        + " 10 ms ticks) over the measured run; both pools %d connections; client on the same machine.%n",
                pool);
    }

    /** Every run (with its CPU) and, per call and connection count, the ratios of the table. */
    static void writeJson(Path file, List<Run> runs, int pool, Instant finished) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("tool", "vegateway-bench compare");
        document.put("processors", Runtime.getRuntime().availableProcessors());
        document.put("poolSize", pool);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> all = new ArrayList<>();
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            Run bare = runs.get(i);
            Run gateway = runs.get(i + 1);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("call", label(bare.call()));
            row.put("connections", bare.connections());
            row.put("bareRequestsPerSecond", Math.round(bare.result().requestsPerSecond()));
            row.put("gatewayRequestsPerSecond", Math.round(gateway.result().requestsPerSecond()));
            row.put(
                    "ratio",
                    gateway.result().requestsPerSecond() / bare.result().requestsPerSecond());
            row.put("bareCpuMicrosPerRequest", bare.cpuMicrosPerRequest());
            row.put("gatewayCpuMicrosPerRequest", gateway.cpuMicrosPerRequest());
            row.put("cpuRatio", gateway.cpuMicrosPerRequest() / bare.cpuMicrosPerRequest());
            rows.add(row);
        }
        for (Run run : runs) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("server", run.server());
            entry.put("cpuMillis", run.cpu().toMillis());
            entry.put("cpuMicrosPerRequest", run.cpuMicrosPerRequest());
            entry.put("result", ResultJson.of(run.result(), run.target(), finished));
            all.add(entry);
        }
        document.put("rows", rows);
        document.put("runs", all);
        new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), document);
    }

    private static String label(Scenario call) {
        return switch (call) {
            case RETRIEVE -> "GET by key";
            case PAGE50SORTED -> "GET 50 rows, `$filter` + `$orderby`";
            case CREATE -> "POST create";
            default -> call.displayName();
        };
    }

    private static double percentile(Run run, double percentile) {
        return run.result().measurements().clientMicros().getValueAtPercentile(percentile) / 1e3;
    }

    /** Both servers must read the same rows: the first page's keys are compared before anything is measured. */
    private static void checkSamePage(HttpClient client, Target gateway, Map<String, String> headers, Target bare)
            throws IOException, InterruptedException {
        String fromGateway = keysOfPage(client, gateway, headers);
        String fromBare = keysOfPage(client, bare, Map.of());
        if (!fromGateway.equals(fromBare)) {
            throw new IllegalStateException(
                    "the two servers answer different pages: gateway " + fromGateway + ", bare " + fromBare);
        }
    }

    private static String keysOfPage(HttpClient client, Target target, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(Scenario.PAGE50SORTED_PATH))
                .header("Accept", "application/json");
        headers.forEach(request::header);
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(target.serviceRoot() + " answered the page with " + response.statusCode() + ": "
                    + Workload.abbreviate(response.body()));
        }
        List<String> keys = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .path("value")
                .forEach(row -> keys.add(row.path(Scenario.CUSTOMER_KEY).asText()));
        if (keys.isEmpty()) {
            throw new IOException(target.serviceRoot() + " answered an empty page");
        }
        return String.join(",", keys);
    }

    /** Copies the demo's customers (new key, account {@code <account>-<n>}) until there are {@code wanted}. */
    static int topUpCustomers(DataSource data, int wanted) throws SQLException {
        try (Connection connection = data.getConnection();
                Statement statement = connection.createStatement()) {
            int present = count(statement);
            if (present < wanted) {
                int copies = (wanted - present + present - 1) / present;
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO erp.customer (id,"
                        + " data_area_id, account_num, name, customer_group, credit_limit, credit_status, on_hold,"
                        + " currency, email, phone, city, country_region, established_date, created_on,"
                        + " discount_percent, employees, sales_ytd, is_key_account, primary_contact_id, owner_id,"
                        + " business_unit_id, version_number)"
                        + " SELECT gen_random_uuid(), data_area_id, account_num || '-' || g, name, customer_group,"
                        + " credit_limit, credit_status, on_hold, currency, email, phone, city, country_region,"
                        + " established_date, created_on, discount_percent, employees, sales_ytd, is_key_account,"
                        + " NULL, owner_id, business_unit_id, 1"
                        + " FROM erp.customer CROSS JOIN generate_series(1, ?) g ORDER BY g, id LIMIT ?")) {
                    insert.setInt(1, copies);
                    insert.setInt(2, wanted - present);
                    insert.executeUpdate();
                }
            }
            statement.execute("ANALYZE erp.customer");
            return count(statement);
        }
    }

    private static int count(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT count(*) FROM erp.customer")) {
            result.next();
            return result.getInt(1);
        }
    }

    /** Deletes what the create runs wrote (customers and both audits), so that every run reads the same table. */
    private static void removeCreated(DataSource data) throws SQLException {
        try (Connection connection = data.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "DELETE FROM erp.customer WHERE account_num LIKE '" + Scenario.CREATE_ACCOUNT_PREFIX + "%'");
            statement.executeUpdate("DELETE FROM vegateway_security.data_audit WHERE operation = 'create'"
                    + " AND entity = 'mserp_custcustomerv3entity'");
            statement.executeUpdate("DELETE FROM erp.bare_audit");
            statement.execute("VACUUM ANALYZE erp.customer");
        }
    }

    /** The Entra object id of bench user {@code index} (0-based). */
    static UUID objectId(int index) {
        return UUID.fromString(String.format(Locale.ROOT, "00000000-0000-4000-8000-%012x", 0xb10000L + index));
    }

    /** The backend user id of bench user {@code index} (0-based). */
    static UUID userId(int index) {
        return UUID.fromString(String.format(Locale.ROOT, "00000000-0000-4000-8000-%012x", 0xb00000L + index));
    }

    /**
     * Security data of the run: the demo's business units and {@code users} callers, each with Local
     * depth on customers of usmf in Contoso US (the same rows for all of them).
     */
    static String securityYaml(int users) {
        StringBuilder yaml = new StringBuilder(
                """
                # Written by vegateway-bench compare: callers with row scope (Local depth, company usmf).
                businessUnits:
                  - name: Contoso
                  - { name: Contoso US, parent: Contoso }
                  - { name: Contoso Europe, parent: Contoso }
                  - { name: Contoso Germany, parent: Contoso Europe }
                  - { name: Contoso UK, parent: Contoso Europe }
                companies: [usmf, demf, gbsi]
                roles:
                  - name: Sales manager
                    privileges:
                      - { entity: mserp_custcustomerv3entity, read: Global }
                    actions: []
                  - name: Bench clerk
                    privileges:
                      - { entity: mserp_custcustomerv3entity, read: Local, create: Local }
                    actions: []
                users:
                """);
        for (int index = 0; index < users; index++) {
            yaml.append(String.format(
                    Locale.ROOT,
                    "  - { id: %s, name: Bench Clerk %d, entraObjectId: %s, enabled: true, accessMode: ReadWrite,"
                            + " kind: person, businessUnit: %s, roles: [ { role: Bench clerk, companies: [%s] } ] }%n",
                    userId(index),
                    index + 1,
                    objectId(index),
                    BUSINESS_UNIT,
                    COMPANY));
        }
        return yaml.append("applications:\n")
                .append("  - { appId: ")
                .append(APPLICATION)
                .append(", name: Dataverse virtual entities, kind: dataverse, enabled: true,"
                        + " roles: [CDSVirtualEntityApplication] }\n")
                .toString();
    }

    private List<String> javaCommand(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(arguments);
        return command;
    }

    private static Process startProcess(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Waits until the process's log holds a line containing {@code marker}, and answers that line. */
    private static String waitFor(Process process, Path log, String marker) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, UTF_8)) {
                    if (line.contains(marker)) {
                        return line;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the process " + process.pid() + " ended (exit " + process.exitValue()
                        + ") before it was ready; see " + log);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the process " + process.pid() + " was not ready within " + START_TIMEOUT + "; see " + log);
    }

    /** Stops a server this command started (SIGTERM, then SIGKILL after 30 s). */
    private static void stop(Process process) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void say(PrintWriter err, String format, Object... arguments) {
        err.println("vegateway-bench compare: " + String.format(Locale.ROOT, format, arguments));
        err.flush();
    }
}
