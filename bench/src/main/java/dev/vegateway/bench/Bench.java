package dev.vegateway.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vegateway-bench}: a load generator for a gateway running on this machine, closed loop
 * or open loop at a fixed rate ({@code --rate}). It talks HTTP only (no server internals), mints its own dev-issuer token, and reports client
 * latency next to the gateway's own {@code Server-Timing} account.
 *
 * <pre>
 * java -jar bench/target/vegateway-bench.jar --url https://127.0.0.1:8443/api/data/v9.2/ \
 *     --cacert .vegateway-demo/demo-ca.pem --issuer-key .vegateway-demo/dev-issuer-key.json \
 *     --app 11111111-1111-4111-8111-111111111111 --caller-header MSCRMCallerID=00000000-0000-4000-8000-000000000005 \
 *     --scenario retrieve --connections 1 --warmup 5s --duration 20s
 * </pre>
 *
 * <p>{@code vegateway-bench compare …} runs {@link Compare} instead: the gateway side by side with a bare
 * Jetty + JDBC baseline.
 */
@Command(
        name = "vegateway-bench",
        mixinStandardHelpOptions = true,
        version = "vegateway-bench 0.1.0",
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Load generator for a VE Gateway on this machine (loopback targets only), closed loop or open loop",
            "(--rate). Prints client latency, the gateway's Server-Timing breakdown, throughput, 429s and errors.",
            "'vegateway-bench compare --help': the gateway side by side with a bare Jetty + JDBC handler."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run completed (error responses are reported, not fatal)",
            "1:the run could not start (e.g. fetching the retrieve keys failed)",
            "2:invalid arguments, or a --url that is not a loopback address"
        })
public final class Bench implements Callable<Integer> {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    /** The bound of a run by request count only. */
    static final Duration UNLIMITED = Duration.ofDays(1);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--url",
            required = true,
            paramLabel = "URL",
            description = "Service root, e.g. https://127.0.0.1:8443/api/data/v9.2/ (http:// allowed without --cacert)")
    String url;

    @Option(
            names = "--cacert",
            paramLabel = "PEM",
            description = "The only certificate(s) to trust for https (the demo's demo-ca.pem)")
    Path caCertificate;

    @Option(
            names = "--issuer-key",
            paramLabel = "JWK",
            description = "RSA private JWK of the dev issuer; a token is minted with it")
    Path issuerKey;

    @Option(names = "--app", paramLabel = "APPID", description = "Application id (appid claim) of the minted token")
    String application;

    @Option(
            names = "--issuer",
            paramLabel = "ISS",
            defaultValue = TokenMinter.DEFAULT_ISSUER,
            description = "iss claim (default: ${DEFAULT-VALUE})")
    String issuer;

    @Option(
            names = "--audience",
            paramLabel = "AUD",
            defaultValue = TokenMinter.DEFAULT_AUDIENCE,
            description = "aud claim (default: ${DEFAULT-VALUE})")
    String audience;

    @Option(names = "--token", paramLabel = "JWT", description = "Use this bearer token instead of minting one")
    String token;

    @Option(
            names = "--caller-header",
            paramLabel = "NAME=VALUE",
            mapFallbackValue = "",
            description = "Caller header sent with every request, e.g. MSCRMCallerID=<guid>; repeatable")
    Map<String, String> callerHeaders = new LinkedHashMap<>();

    @Option(
            names = "--mix",
            paramLabel = "FILE",
            description =
                    "A JSON file of weighted request templates (instead of --scenario): your own traffic, see README")
    Path mixFile;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            description =
                    "retrieve | page50 | page50sorted | create | join50 | fetchxml | apply | page5000 | queryexpression | mixed"
                            + " | batchread | batchwrite (or --mix FILE)")
    Scenario scenario;

    @Option(
            names = "--callers",
            paramLabel = "FILE",
            description = "Many identities in one run: one per line, NAME=VALUE headers separated by ';'"
                    + " (app=APPID mints that application's token); requests take turns among them")
    Path callersFile;

    @Option(
            names = "--connections",
            paramLabel = "N",
            defaultValue = "1",
            description = "Workers, one connection each (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(
            names = "--rate",
            paramLabel = "REQ/S",
            description = "Open loop: send this many requests per second in all, on a fixed schedule whatever the"
                    + " answers take; latency counts from when a request was due (coordinated omission corrected)."
                    + " Without it: closed loop")
    Double rate;

    @Option(
            names = "--honour-retry-after",
            description = "After a 429 or 503 with Retry-After, the connection waits that long (at most 60 s)")
    boolean honourRetryAfter;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Warm-up, not recorded: 500ms, 5s, 1m or ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Measured time (default: 20s, or no limit with --requests)")
    Duration duration;

    @Option(
            names = {"--requests", "--max-requests"},
            paramLabel = "N",
            description = "Stop after N measured requests (or at --duration if that comes first)")
    Long maxRequests;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description = "Append one line per run (header written to a new file)")
    Path csv;

    @Option(names = "--plot", paramLabel = "PNG", description = "Write a latency-by-percentile chart")
    Path plot;

    @Option(
            names = "--compare-url",
            paramLabel = "URL",
            description = "Run the same workload against this service root too (after --url) and print B ÷ A ratios:"
                    + " two builds, or the gateway and another OData server")
    String compareUrl;

    @Option(
            names = "--compare-cacert",
            paramLabel = "PEM",
            description = "The certificate to trust for --compare-url (default: --cacert)")
    Path compareCaCertificate;

    @Option(
            names = "--compare-token",
            paramLabel = "JWT",
            description = "The bearer token for --compare-url (default: the same as for --url)")
    String compareToken;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON")
    Path json;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "Write a self-contained HTML report (percentiles, throughput and latency over time, statuses,"
                    + " server stages)")
    Path html;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("compare")) {
            System.exit(new CommandLine(new Compare())
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Bench()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        LoopbackTarget target;
        Optional<LoopbackTarget> other = Optional.empty();
        RunSettings settings;
        Supplier<HttpClient> clients;
        Supplier<HttpClient> otherClients = null;
        Map<String, String> headers;
        Map<String, String> otherHeaders = Map.of();
        List<Map<String, String>> callers;
        List<Mix.Template> templates = List.of();
        try {
            if ((scenario == null) == (mixFile == null)) {
                throw new IllegalArgumentException("give either --scenario or --mix");
            }
            if (mixFile != null) {
                templates = Mix.read(mixFile);
                scenario = Scenario.MIX;
            } else if (scenario == Scenario.MIX) {
                throw new IllegalArgumentException("the mix scenario comes from --mix FILE");
            }
            target = LoopbackTarget.parse(url);
            settings = new RunSettings(
                    connections,
                    warmup,
                    duration != null ? duration : maxRequests != null ? UNLIMITED : DEFAULT_DURATION,
                    maxRequests == null ? OptionalLong.empty() : OptionalLong.of(maxRequests),
                    REQUEST_TIMEOUT,
                    rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
                    honourRetryAfter);
            clients = clients(target, caCertificate, "--cacert", "--url");
            headers = headers();
            callers = callers();
            if (compareUrl != null) {
                LoopbackTarget second = LoopbackTarget.parse(compareUrl);
                other = Optional.of(second);
                otherClients = compareCaCertificate != null
                        ? clients(second, compareCaCertificate, "--compare-cacert", "--compare-url")
                        : clients(second, second.secure() ? caCertificate : null, "--cacert", "--compare-url");
                otherHeaders = new LinkedHashMap<>(headers);
                if (compareToken != null) {
                    if (compareToken.isBlank()) {
                        throw new IllegalArgumentException("--compare-token is blank");
                    }
                    otherHeaders.put("Authorization", "Bearer " + compareToken.strip());
                }
            } else if (compareCaCertificate != null || compareToken != null) {
                throw new IllegalArgumentException("--compare-cacert and --compare-token need --compare-url");
            }
        } catch (IllegalArgumentException e) {
            err.println("vegateway-bench: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }

        RunResult result;
        Optional<RunResult> otherResult = Optional.empty();
        try {
            result = runAgainst(target, clients, headers, callers, templates, settings, err);
            if (other.isPresent()) {
                otherResult = Optional.of(
                        runAgainst(other.get(), otherClients, otherHeaders, callers, templates, settings, err));
            }
        } catch (IOException e) {
            err.println(
                    "vegateway-bench: cannot prepare the " + scenario.displayName() + " scenario: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }

        Report.printHeader(out);
        if (otherResult.isEmpty()) {
            Report.printRow(out, result);
            result.byTemplate()
                    .forEach((name, measurements) -> Report.printRow(out, result, "  " + name, measurements));
            Report.printDetails(out, result);
        } else {
            RunResult second = otherResult.get();
            Report.printRow(out, result, "A " + scenario.displayName(), result.measurements());
            Report.printRow(out, second, "B " + scenario.displayName(), second.measurements());
            Report.printDetails(out, result);
            Report.printDetails(out, second);
            out.printf(
                    Locale.ROOT,
                    "A = %s%nB = %s%n",
                    target.serviceRoot(),
                    other.get().serviceRoot());
            Report.printRatios(out, result, second);
        }
        out.flush();
        Instant finished = Instant.now();
        if (csv != null) {
            Report.appendCsv(csv, result, finished);
            if (otherResult.isPresent()) {
                Report.appendCsv(csv, otherResult.get(), finished);
            }
        }
        if (plot != null) {
            PercentilePlot.write(plot, result);
        }
        if (json != null) {
            if (otherResult.isEmpty()) {
                ResultJson.write(json, result, target.serviceRoot(), finished);
            } else {
                ResultJson.writeComparison(
                        json,
                        result,
                        target.serviceRoot(),
                        otherResult.get(),
                        other.get().serviceRoot(),
                        finished);
            }
        }
        if (html != null) {
            HtmlReport.write(html, result, target.serviceRoot(), finished);
        }
        return CommandLine.ExitCode.OK;
    }

    /** Fetches the keys the workload needs, says what runs, and runs it against {@code target}. */
    private RunResult runAgainst(
            LoopbackTarget target,
            Supplier<HttpClient> clients,
            Map<String, String> headers,
            List<Map<String, String>> callers,
            List<Mix.Template> templates,
            RunSettings settings,
            PrintWriter err)
            throws IOException, InterruptedException {
        List<String> keys = List.of();
        if (scenario.needsCustomerKeys() || templates.stream().anyMatch(Mix.Template::usesKeys)) {
            Map<String, String> first = new LinkedHashMap<>(headers);
            first.putAll(callers.get(0));
            keys = Workload.fetchCustomerKeys(clients.get(), target, first, REQUEST_TIMEOUT);
        }
        Workload workload = scenario == Scenario.MIX
                ? Workload.mix(templates, target, headers, callers, REQUEST_TIMEOUT, keys)
                : Workload.of(scenario, target, headers, callers, REQUEST_TIMEOUT, keys);
        err.printf(
                Locale.ROOT,
                "vegateway-bench: %s against %s, %d connection(s), %s, %d caller(s), warm-up %s, %s%s%n",
                scenario.displayName(),
                target.serviceRoot(),
                connections,
                rate == null ? "closed loop" : String.format(Locale.ROOT, "open loop at %.1f req/s", rate),
                callers.size(),
                DurationConverter.format(warmup),
                settings.duration().equals(UNLIMITED)
                        ? "no time limit"
                        : "duration " + DurationConverter.format(settings.duration()),
                maxRequests == null ? "" : ", at most " + maxRequests + " requests");
        err.flush();
        return new LoadGenerator(
                        settings,
                        clients,
                        Optional.of(progress -> printProgress(err, progress)),
                        LoadGenerator.PROGRESS_INTERVAL)
                .run(workload);
    }

    private void printProgress(PrintWriter err, LoadGenerator.Progress progress) {
        if (progress.elapsedNanos() == 0) {
            err.printf(Locale.ROOT, "vegateway-bench: %s warming up%n", scenario.displayName());
        } else {
            err.printf(
                    Locale.ROOT,
                    "vegateway-bench: %s %.0f s measured: %d requests (%.1f/s), %d throttled (429), %d errors%n",
                    scenario.displayName(),
                    progress.elapsedNanos() / 1e9,
                    progress.requests(),
                    progress.requests() / (progress.elapsedNanos() / 1e9),
                    progress.throttled(),
                    progress.errors());
        }
        err.flush();
    }

    /** One client per worker: HTTP/1.1, keep-alive, trusting only the given certificate with hostname verification on. */
    private static Supplier<HttpClient> clients(
            LoopbackTarget target, Path caCertificate, String certificateOption, String urlOption) {
        Optional<SSLContext> sslContext;
        if (target.secure()) {
            if (caCertificate == null) {
                throw new IllegalArgumentException(
                        "an https " + urlOption + " needs " + certificateOption + " (the certificate to trust)");
            }
            sslContext = Optional.of(TrustedCertificate.sslContext(caCertificate));
        } else {
            if (caCertificate != null) {
                throw new IllegalArgumentException(
                        certificateOption + " was given but " + urlOption + " is plain http");
            }
            sslContext = Optional.empty();
        }
        return () -> {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10));
            sslContext.ifPresent(builder::sslContext);
            return builder.build();
        };
    }

    /** The --callers file's identities as header maps (their own token when they name an app); one empty map without it. */
    private List<Map<String, String>> callers() {
        if (callersFile == null) {
            return List.of(Map.of());
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        List<Map<String, String>> callers = new ArrayList<>();
        for (Callers.Caller caller : Callers.read(callersFile)) {
            Map<String, String> headers = new LinkedHashMap<>();
            caller.application().ifPresent(application -> {
                if (issuerKey == null) {
                    throw new IllegalArgumentException(
                            "--callers names app=" + application + ": minting its token needs --issuer-key");
                }
                headers.put("Authorization", "Bearer " + tokens.computeIfAbsent(application, this::mint));
            });
            headers.putAll(caller.headers());
            callers.add(headers);
        }
        return callers;
    }

    private String mint(String applicationId) {
        return new TokenMinter(TokenMinter.readKey(issuerKey), issuer, audience)
                .mint(applicationId, Instant.now(), TOKEN_LIFETIME);
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + bearerToken());
        callerHeaders.forEach((name, value) -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("--caller-header needs NAME=VALUE");
            }
            headers.put(name.strip(), value.strip());
        });
        return headers;
    }

    private String bearerToken() {
        if (token != null && issuerKey != null) {
            throw new IllegalArgumentException("give either --token or --issuer-key, not both");
        }
        if (token != null) {
            if (token.isBlank()) {
                throw new IllegalArgumentException("--token is blank");
            }
            return token.strip();
        }
        if (issuerKey == null) {
            throw new IllegalArgumentException("give --issuer-key (with --app) to mint a token, or --token");
        }
        if (application == null) {
            throw new IllegalArgumentException("--issuer-key needs --app (the application id to put in the token)");
        }
        return new TokenMinter(TokenMinter.readKey(issuerKey), issuer, audience)
                .mint(application, Instant.now(), TOKEN_LIFETIME);
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            Matcher matcher = SIMPLE.matcher(text);
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> throw new CommandLine.TypeConversionException("unknown unit in '" + value + "'");
                };
            }
            try {
                return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (use 500ms, 5s, 2m, 1h or PT5S)");
            }
        }

        static String format(Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
    }
}
