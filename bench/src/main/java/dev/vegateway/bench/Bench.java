package dev.vegateway.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
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
 * {@code vegateway-bench}: a load generator for a gateway (the demo on this machine, or any
 * deployment's https URL), closed loop or open loop at a fixed rate ({@code --rate}), with a
 * ramp-up. It talks HTTP only (no server internals); its token is minted with the dev issuer's key,
 * given, or fetched by the client-credentials grant and refreshed; it reports client latency next
 * to the gateway's own {@code Server-Timing} account.
 *
 * <pre>
 * java -jar bench/target/vegateway-bench.jar --url https://127.0.0.1:8443/api/data/v9.2/ \
 *     --ca .vegateway-demo/demo-ca.pem --issuer-key .vegateway-demo/dev-issuer-key.json \
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
            "Load generator for a VE Gateway (the demo on this machine or your own deployment), closed loop or open",
            "loop (--rate). Prints client latency, the gateway's Server-Timing breakdown, throughput, 429s and errors.",
            "'vegateway-bench compare --help': the gateway side by side with a bare Jetty + JDBC handler."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run completed (error responses are reported, not fatal)",
            "1:the run could not start (e.g. fetching the token or the retrieve keys failed)",
            "2:invalid arguments"
        })
public final class Bench implements Callable<Integer> {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    /** The bound of a run by request count only. */
    static final Duration UNLIMITED = Duration.ofDays(1);

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Where the built-in demo's certificate is looked for (tests point it elsewhere). */
    Path demoCertificate = Trust.DEMO_CERTIFICATE;

    /** Reads environment variables (tests give their own). */
    java.util.function.Function<String, String> environment = System::getenv;

    @Option(
            names = "--url",
            required = true,
            paramLabel = "URL",
            description =
                    "Service root of any deployment, e.g. https://gateway.example.com/api/data/v9.2/ or the demo's"
                            + " https://127.0.0.1:8443/api/data/v9.2/ (plain http:// on loopback addresses only)")
    String url;

    @Option(
            names = {"--ca", "--cacert"},
            paramLabel = "PEM",
            description = "The only certificate(s) to trust for an https --url. Default: the demo's"
                    + " .vegateway-demo/demo-ca.pem for a loopback --url when it exists, else the system trust store")
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

    @Option(names = "--token-file", paramLabel = "FILE", description = "Use the bearer token in this file")
    Path tokenFile;

    @Option(
            names = "--token-endpoint",
            paramLabel = "URL",
            description = "Get the token by the OAuth client-credentials grant from this endpoint (with --client-id,"
                    + " --client-secret or --client-secret-env, --scope) and fetch a new one before it expires")
    String tokenEndpoint;

    @Option(names = "--client-id", paramLabel = "ID", description = "client_id for --token-endpoint")
    String clientId;

    @Option(
            names = "--client-secret",
            paramLabel = "SECRET",
            description =
                    "client_secret for --token-endpoint (visible in the process list: prefer --client-secret-env)")
    String clientSecret;

    @Option(
            names = "--client-secret-env",
            paramLabel = "VAR",
            description = "The environment variable holding the client_secret for --token-endpoint")
    String clientSecretVariable;

    @Option(
            names = "--scope",
            paramLabel = "SCOPE",
            description = "scope for --token-endpoint, e.g. api://vegateway/.default")
    String scope;

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
            names = "--ramp-up",
            paramLabel = "TIME",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Before the warm-up, raise the load over this time: a closed loop starts its connections"
                    + " evenly spread over it, an open loop raises its rate linearly from 0. Not recorded"
                    + " (default: none)")
    Duration rampUp;

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
            names = "--timeline-plot",
            paramLabel = "PNG",
            description = "Write a chart of throughput and p50/p99 latency second by second")
    Path timelinePlot;

    @Option(
            names = "--compare-url",
            paramLabel = "URL",
            description = "Run the same workload against this service root too (after --url) and print B ÷ A ratios:"
                    + " two builds, or the gateway and another OData server")
    String compareUrl;

    @Option(
            names = {"--compare-ca", "--compare-cacert"},
            paramLabel = "PEM",
            description = "The certificate to trust for --compare-url (default: --ca, else as for --url)")
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
        Target target;
        Optional<Target> other = Optional.empty();
        RunSettings settings;
        Supplier<HttpClient> clients;
        Supplier<HttpClient> otherClients = null;
        Map<String, String> headers;
        Map<String, String> otherHeaders = Map.of();
        List<Map<String, String>> callers;
        List<Mix.Template> templates = List.of();
        Authorization authorization = new Authorization();
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
            target = Target.parse(url, "--url");
            settings = new RunSettings(
                    connections,
                    warmup,
                    duration != null ? duration : maxRequests != null ? UNLIMITED : DEFAULT_DURATION,
                    maxRequests == null ? OptionalLong.empty() : OptionalLong.of(maxRequests),
                    REQUEST_TIMEOUT,
                    rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
                    honourRetryAfter,
                    rampUp);
            Trust trust = Trust.of(target, Optional.ofNullable(caCertificate), "--ca", "--url", demoCertificate);
            clients = clients(trust);
            Target second = compareUrl == null ? null : Target.parse(compareUrl, "--compare-url");
            Trust otherTrust = null;
            if (second != null) {
                otherTrust = compareCaCertificate != null
                        ? Trust.of(
                                second,
                                Optional.of(compareCaCertificate),
                                "--compare-ca",
                                "--compare-url",
                                demoCertificate)
                        : Trust.of(
                                second,
                                second.secure() ? Optional.ofNullable(caCertificate) : Optional.empty(),
                                "--ca",
                                "--compare-url",
                                demoCertificate);
            }
            headers = headers(authorization, err);
            callers = callers(authorization, err);
            err.printf(Locale.ROOT, "vegateway-bench: %s, %s%n", target.serviceRoot(), trust.description());
            if (second != null) {
                err.printf(Locale.ROOT, "vegateway-bench: %s, %s%n", second.serviceRoot(), otherTrust.description());
                other = Optional.of(second);
                otherClients = clients(otherTrust);
                otherHeaders = new LinkedHashMap<>(headers);
                if (compareToken != null) {
                    if (compareToken.isBlank()) {
                        throw new IllegalArgumentException("--compare-token is blank");
                    }
                    otherHeaders.put("Authorization", "Bearer " + compareToken.strip());
                }
            } else if (compareCaCertificate != null || compareToken != null) {
                throw new IllegalArgumentException("--compare-ca and --compare-token need --compare-url");
            }
        } catch (IllegalArgumentException e) {
            err.println("vegateway-bench: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        } catch (IOException e) {
            err.println("vegateway-bench: cannot get a token: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }

        RunResult result;
        Optional<RunResult> otherResult = Optional.empty();
        try {
            result = runAgainst(target, clients, headers, callers, templates, settings, authorization, err);
            if (other.isPresent()) {
                otherResult = Optional.of(runAgainst(
                        other.get(), otherClients, otherHeaders, callers, templates, settings, authorization, err));
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
            printBehind(out, result, settings);
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
        if (timelinePlot != null) {
            TimelinePlot.write(timelinePlot, result);
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

    /**
     * An open loop whose requests were sent so late that fewer than 90 % of those due in the measured
     * time were sent in it (a request counts where it was due: one due in the ramp-up or warm-up and
     * sent later is not recorded) says so: its figures describe a server that did not keep up.
     */
    static void printBehind(PrintWriter out, RunResult result, RunSettings settings) {
        if (!settings.openLoop() || settings.duration().equals(UNLIMITED)) {
            return;
        }
        long from = settings.measureFromNanos();
        long due =
                Math.round(settings.requestsDueBy(from + settings.duration().toNanos()) - settings.requestsDueBy(from));
        long sent = result.measurements().requests();
        if (settings.maxRequests().isPresent() && sent >= settings.maxRequests().getAsLong()) {
            return;
        }
        if (sent < 0.9 * due) {
            out.printf(
                    Locale.ROOT,
                    "  the open loop fell behind: %d of the %d requests due in the measured time were sent in it;"
                            + " the server (or this machine) did not keep up with %.1f req/s%n",
                    sent,
                    due,
                    settings.rate().getAsDouble());
        }
    }

    /** Fetches the keys the workload needs, says what runs, and runs it against {@code target}. */
    private RunResult runAgainst(
            Target target,
            Supplier<HttpClient> clients,
            Map<String, String> headers,
            List<Map<String, String>> callers,
            List<Mix.Template> templates,
            RunSettings settings,
            Authorization authorization,
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
        workload = workload.authorizedBy(authorization);
        err.printf(
                Locale.ROOT,
                "vegateway-bench: %s against %s, %d connection(s), %s, %d caller(s), %swarm-up %s, %s%s%n",
                scenario.displayName(),
                target.serviceRoot(),
                connections,
                rate == null ? "closed loop" : String.format(Locale.ROOT, "open loop at %.1f req/s", rate),
                callers.size(),
                rampUp.isZero() ? "" : "ramp-up " + DurationConverter.format(rampUp) + " then ",
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
            err.printf(
                    Locale.ROOT,
                    "vegateway-bench: %s %s (not recorded)%n",
                    scenario.displayName(),
                    rampUp.isZero() ? "warming up" : "ramping up and warming up");
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

    /** One client per worker: HTTP/1.1, keep-alive, trusting as {@code trust} says, with hostname verification on. */
    private static Supplier<HttpClient> clients(Trust trust) {
        Optional<SSLContext> sslContext = trust.sslContext();
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
    private List<Map<String, String>> callers(Authorization authorization, PrintWriter err)
            throws IOException, InterruptedException {
        if (callersFile == null) {
            return List.of(Map.of());
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        List<Map<String, String>> callers = new ArrayList<>();
        for (Callers.Caller caller : Callers.read(callersFile)) {
            Map<String, String> headers = new LinkedHashMap<>();
            if (caller.application().isPresent()) {
                String application = caller.application().get();
                if (issuerKey == null) {
                    throw new IllegalArgumentException(
                            "--callers names app=" + application + ": minting its token needs --issuer-key");
                }
                String header = tokens.get(application);
                if (header == null) {
                    header = authorization.refreshing(minted(application, err));
                    tokens.put(application, header);
                }
                headers.put(Authorization.HEADER, header);
            }
            headers.putAll(caller.headers());
            callers.add(headers);
        }
        return callers;
    }

    /** Tokens minted with the dev issuer's key for {@code applicationId}, one hour each, minted again before they expire. */
    private RefreshingToken minted(String applicationId, PrintWriter err) throws IOException, InterruptedException {
        TokenMinter minter = new TokenMinter(TokenMinter.readKey(issuerKey), issuer, audience);
        return new RefreshingToken(
                "minted (" + applicationId + ")",
                now -> new RefreshingToken.Issued(
                        minter.mint(applicationId, now, TOKEN_LIFETIME), now.plus(TOKEN_LIFETIME)),
                Instant::now,
                warning -> warn(err, warning));
    }

    private static void warn(PrintWriter err, String warning) {
        synchronized (err) {
            err.println("vegateway-bench: " + warning);
            err.flush();
        }
    }

    private Map<String, String> headers(Authorization authorization, PrintWriter err)
            throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Authorization.HEADER, authorizationHeader(authorization, err));
        callerHeaders.forEach((name, value) -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("--caller-header needs NAME=VALUE");
            }
            headers.put(name.strip(), value.strip());
        });
        return headers;
    }

    /** The run's Authorization header: from --token, --token-file, --token-endpoint or --issuer-key, exactly one. */
    private String authorizationHeader(Authorization authorization, PrintWriter err)
            throws IOException, InterruptedException {
        List<String> given = new ArrayList<>();
        if (token != null) {
            given.add("--token");
        }
        if (tokenFile != null) {
            given.add("--token-file");
        }
        if (tokenEndpoint != null) {
            given.add("--token-endpoint");
        }
        if (issuerKey != null && (tokenEndpoint != null || token != null || tokenFile != null)) {
            given.add("--issuer-key");
        }
        if (given.size() > 1) {
            throw new IllegalArgumentException(
                    "give one of --token, --token-file, --token-endpoint or --issuer-key, not "
                            + String.join(" and ", given));
        }
        if (tokenEndpoint == null
                && (clientId != null || clientSecret != null || clientSecretVariable != null || scope != null)) {
            throw new IllegalArgumentException(
                    "--client-id, --client-secret, --client-secret-env and --scope need --token-endpoint");
        }
        if (token != null) {
            if (token.isBlank()) {
                throw new IllegalArgumentException("--token is blank");
            }
            return authorization.fixed(token.strip());
        }
        if (tokenFile != null) {
            return authorization.fixed(readTokenFile(tokenFile));
        }
        if (tokenEndpoint != null) {
            return authorization.refreshing(clientCredentials(err));
        }
        if (issuerKey == null) {
            throw new IllegalArgumentException(
                    "give --issuer-key (with --app) to mint a token, --token, --token-file or --token-endpoint");
        }
        if (application == null) {
            throw new IllegalArgumentException("--issuer-key needs --app (the application id to put in the token)");
        }
        if (application.isBlank()) {
            throw new IllegalArgumentException("--app is blank");
        }
        return authorization.refreshing(minted(application, err));
    }

    static String readTokenFile(Path file) {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage(), e);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("--token-file " + file + " is empty");
        }
        if (text.regionMatches(true, 0, "Bearer ", 0, 7)) {
            text = text.substring(7).strip();
        }
        if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(
                    "--token-file " + file + " holds more than one token (or a control character)");
        }
        return text;
    }

    private RefreshingToken clientCredentials(PrintWriter err) throws IOException, InterruptedException {
        URI uri = Target.endpoint(tokenEndpoint, "--token-endpoint");
        if (clientId == null) {
            throw new IllegalArgumentException("--token-endpoint needs --client-id");
        }
        if ((clientSecret == null) == (clientSecretVariable == null)) {
            throw new IllegalArgumentException("--token-endpoint needs either --client-secret or --client-secret-env");
        }
        String secret = clientSecret;
        if (clientSecretVariable != null) {
            secret = environment.apply(clientSecretVariable);
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("--client-secret-env " + clientSecretVariable
                        + ": that environment variable is not set or empty");
            }
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10));
        if (uri.getScheme().equalsIgnoreCase("https")) {
            builder.sslContext(Trust.systemAnd(Optional.ofNullable(caCertificate)));
        }
        ClientCredentials grant = new ClientCredentials(
                uri,
                clientId.strip(),
                secret,
                Optional.ofNullable(scope).map(String::strip),
                builder.build(),
                REQUEST_TIMEOUT);
        RefreshingToken source = new RefreshingToken(
                "client-credentials (" + uri + ")", grant, Instant::now, warning -> warn(err, warning));
        err.printf(Locale.ROOT, "vegateway-bench: token for client %s from %s%n", clientId.strip(), uri);
        err.flush();
        return source;
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
