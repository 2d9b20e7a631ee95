package dev.vegateway.config;

import static java.util.Objects.requireNonNull;

import dev.vegateway.config.GatewayConfig.Admin;
import dev.vegateway.config.GatewayConfig.Audit;
import dev.vegateway.config.GatewayConfig.Auth;
import dev.vegateway.config.GatewayConfig.Backend;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.config.GatewayConfig.CatalogSource;
import dev.vegateway.config.GatewayConfig.DevIssuer;
import dev.vegateway.config.GatewayConfig.Limits;
import dev.vegateway.config.GatewayConfig.LogFormat;
import dev.vegateway.config.GatewayConfig.Logging;
import dev.vegateway.config.GatewayConfig.Provisioning;
import dev.vegateway.config.GatewayConfig.Quota;
import dev.vegateway.config.GatewayConfig.SecurityBootstrap;
import dev.vegateway.config.GatewayConfig.Server;
import dev.vegateway.config.GatewayConfig.Throttling;
import dev.vegateway.config.GatewayConfig.Tls;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.Problems;
import dev.vegateway.config.yaml.ProblemsException;
import dev.vegateway.config.yaml.YamlNode;
import dev.vegateway.config.yaml.YamlReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the gateway configuration: one YAML file, then environment overrides
 * ({@code VEGATEWAY_SERVER_PORT=9443} replaces {@code server.port}), then validation. Every
 * problem is collected and reported at once with its file (or variable), line and key. Relative
 * paths are resolved against the configuration file's directory.
 */
public final class ConfigLoader {
    /** Variables of the launcher scripts, not configuration keys. */
    private static final Set<String> LAUNCHER_VARIABLES =
            Set.of("VEGATEWAY_HOME", "VEGATEWAY_JAVA_OPTS", "VEGATEWAY_CONFIG");

    private static final List<String> ALLOWED_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
    private static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern SERVICE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern JDBC_PASSWORD = Pattern.compile("(?i)(password=)[^;&]*");
    private static final Duration MAXIMUM_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int MINIMUM_SKIP_TOKEN_SECRET_LENGTH = 32;
    private static final Duration MINIMUM_AUDIT_RETENTION = Duration.ofHours(1);
    private static final Duration MAXIMUM_AUDIT_RETENTION = Duration.ofDays(36_500);
    private static final String MASK = "******";

    private final Problems problems = new Problems();
    private final YamlReader reader = new YamlReader(problems);
    private final Path directory;
    private YamlNode root;

    private ConfigLoader(Path directory, YamlNode root) {
        this.directory = directory;
        this.root = root;
    }

    /**
     * Loads and validates {@code file} with the {@code VEGATEWAY_*} overrides of {@code environment}.
     *
     * @throws ProblemsException listing every problem found
     */
    public static GatewayConfig load(Path file, Map<String, String> environment) {
        requireNonNull(file, "file is null");
        requireNonNull(environment, "environment is null");
        Path source = file.toAbsolutePath().normalize();
        Problems problems = new Problems();
        YamlNode parsed = null;
        try {
            parsed = YamlNode.parse(file);
        } catch (ProblemsException e) {
            problems.addAll(e.problems());
        }
        Map<ConfigKey, YamlNode> overrides = environmentOverrides(environment, problems);
        if (parsed == null) {
            problems.throwIfAny();
        }
        ConfigLoader loader = new ConfigLoader(source.getParent(), parsed);
        overrides.forEach(loader::override);
        return loader.read(source, problems.list());
    }

    /**
     * Loads and validates only the {@code backend} section of {@code file} (with its overrides),
     * for commands that need nothing else, such as {@code catalog discover}, which runs before the
     * catalog file exists. The other sections are not validated.
     *
     * @throws ProblemsException listing every problem found in the backend section
     */
    public static Backend loadBackend(Path file, Map<String, String> environment) {
        requireNonNull(file, "file is null");
        requireNonNull(environment, "environment is null");
        Problems problems = new Problems();
        YamlNode parsed = YamlNode.parse(file);
        Map<ConfigKey, YamlNode> overrides = environmentOverrides(environment, problems);
        ConfigLoader loader = new ConfigLoader(file.toAbsolutePath().normalize().getParent(), parsed);
        overrides.forEach(loader::override);
        List<String> backendPath = ConfigKey.BACKEND_KIND.segments().subList(0, 1);
        loader.reader.allowOnly(
                loader.node(backendPath), ConfigKey.childrenOf(backendPath).toArray(String[]::new));
        Backend backend = loader.backend();
        loader.problems.addAll(problems.list());
        loader.problems.throwIfAny();
        return backend;
    }

    /** The effective configuration, one key per line, every secret shown as {@code ******}. */
    public static String describe(GatewayConfig config) {
        requireNonNull(config, "config is null");
        int width = 0;
        for (ConfigKey key : ConfigKey.values()) {
            width = Math.max(width, key.path().length());
        }
        StringBuilder text =
                new StringBuilder("configuration ").append(config.source()).append('\n');
        for (ConfigKey key : ConfigKey.values()) {
            text.append("  ")
                    .append(key.path())
                    .append(": ")
                    .append(" ".repeat(width - key.path().length()))
                    .append(value(config, key))
                    .append('\n');
        }
        return text.toString();
    }

    private static String value(GatewayConfig config, ConfigKey key) {
        return switch (key) {
            case SERVER_HOST -> config.server().host();
            case SERVER_PORT -> String.valueOf(config.server().port());
            case SERVER_SERVICE_PATH -> config.server().servicePath();
            case SERVER_NAMESPACE -> config.server().namespace();
            case SERVER_PLAIN_HTTP_ENABLED -> String.valueOf(config.server().plainHttpEnabled());
            case SERVER_PLAIN_HTTP_PORT -> String.valueOf(config.server().plainHttpPort());
            case SERVER_SHUTDOWN_GRACE_PERIOD -> format(config.server().shutdownGracePeriod());
            case TLS_KEYSTORE -> config.tls().keystore().toString();
            case TLS_KEYSTORE_PASSWORD -> MASK;
            case TLS_PROTOCOLS -> String.join(", ", config.tls().protocols());
            case ADMIN_HOST -> config.admin().host();
            case ADMIN_PORT -> String.valueOf(config.admin().port());
            case AUTH_JWKS_FILE -> config.auth().jwksFile().map(Path::toString).orElse("(none)");
            case AUTH_JWKS_URL -> config.auth().jwksUrl().map(URI::toString).orElse("(none)");
            case AUTH_JWKS_REFRESH_INTERVAL -> format(config.auth().jwksRefreshInterval());
            case AUTH_JWKS_UNKNOWN_KID_MIN_INTERVAL -> format(config.auth().unknownKidMinInterval());
            case AUTH_JWKS_MAX_STALENESS -> format(config.auth().jwksMaxStaleness());
            case AUTH_ISSUERS -> String.join(", ", config.auth().issuers());
            case AUTH_AUDIENCES -> String.join(", ", config.auth().audiences());
            case AUTH_ALGORITHMS -> String.join(", ", config.auth().algorithms());
            case AUTH_CLOCK_SKEW -> format(config.auth().clockSkew());
            case AUTH_DEV_ISSUER_ENABLED -> String.valueOf(
                    config.auth().devIssuer().enabled());
            case AUTH_DEV_ISSUER_KEY_FILE -> config.auth().devIssuer().keyFile().toString();
            case AUTH_DEV_ISSUER_ISSUER -> config.auth().devIssuer().issuer();
            case AUTH_DEV_ISSUER_AUDIENCE -> config.auth().devIssuer().audience();
            case BACKEND_KIND -> config.backend().kind().name().toLowerCase(Locale.ROOT);
                // A JDBC URL may carry a password parameter; it is a secret too.
            case BACKEND_URL -> JDBC_PASSWORD.matcher(config.backend().url()).replaceAll("$1" + MASK);
            case BACKEND_USERNAME -> config.backend().username();
            case BACKEND_PASSWORD -> MASK;
            case BACKEND_POOL_SIZE -> String.valueOf(config.backend().poolSize());
            case BACKEND_SECURITY_SCHEMA -> config.backend().securitySchema();
            case BACKEND_QUERY_TIMEOUT -> format(config.backend().queryTimeout());
            case BACKEND_ACQUIRE_TIMEOUT -> format(config.backend().acquireTimeout());
            case BACKEND_PROBE_INTERVAL -> format(config.backend().probeInterval());
            case BACKEND_REPLICAS -> config.backend().replicas().isEmpty()
                    ? "(none)"
                    : config.backend().replicas().stream()
                            .map(replica -> JDBC_PASSWORD.matcher(replica).replaceAll("$1" + MASK))
                            .collect(java.util.stream.Collectors.joining(", "));
            case CATALOG_FILE -> config.catalog().file().toString();
            case CATALOG_WATCH -> String.valueOf(config.catalog().watch());
            case CATALOG_WATCH_INTERVAL -> format(config.catalog().watchInterval());
            case SECURITY_FILE -> config.security().file().map(Path::toString).orElse("(none)");
            case SECURITY_IMPORT_ON_START -> String.valueOf(config.security().importOnStart());
            case SECURITY_BACKEND_URL -> config.security()
                    .backend()
                    .map(backend -> JDBC_PASSWORD.matcher(backend.url()).replaceAll("$1" + MASK))
                    .orElse("(none: the security data is in the business database)");
            case SECURITY_BACKEND_USERNAME -> config.security()
                    .backend()
                    .map(Backend::username)
                    .orElse("(none)");
            case SECURITY_BACKEND_PASSWORD -> MASK;
            case SECURITY_BACKEND_POOL_SIZE -> config.security()
                    .backend()
                    .map(backend -> String.valueOf(backend.poolSize()))
                    .orElse("(none)");
            case SECURITY_INVALIDATION_POLL_INTERVAL -> format(config.security().invalidationPollInterval());
            case LIMITS_MAX_PAGE_SIZE -> String.valueOf(config.limits().maxPageSize());
            case LIMITS_MAX_TOKEN_BYTES -> String.valueOf(config.limits().maxTokenBytes());
            case LIMITS_MAX_URL_BYTES -> String.valueOf(config.limits().maxUrlBytes());
            case LIMITS_MAX_REQUEST_BODY_BYTES -> String.valueOf(config.limits().maxRequestBodyBytes());
            case LIMITS_MAX_BATCH_PARTS -> String.valueOf(config.limits().maxBatchParts());
            case LIMITS_MAX_BATCH_BODY_BYTES -> String.valueOf(config.limits().maxBatchBodyBytes());
            case LIMITS_SKIP_TOKEN_SECRET -> MASK;
            case LIMITS_EXPAND_PAGE_SIZE -> String.valueOf(config.limits().expandPageSize());
            case LIMITS_MAX_EXPAND_DEPTH -> String.valueOf(config.limits().maxExpandDepth());
            case LIMITS_MAX_EXPANDS -> String.valueOf(config.limits().maxExpands());
            case AUDIT_RETENTION -> config.audit()
                    .retention()
                    .map(ConfigLoader::format)
                    .orElse("0 (keep forever)");
            case PROVISIONING_DEFAULT_ROLES -> String.join(
                    ", ", config.provisioning().defaultRoles());
            case PROVISIONING_SECURITY_GROUP -> config.provisioning()
                    .securityGroup()
                    .orElse("(none)");
            case THROTTLING_ENABLED -> String.valueOf(config.throttling().enabled());
            case THROTTLING_WINDOW -> format(config.throttling().window());
            case THROTTLING_USER_REQUESTS -> String.valueOf(
                    config.throttling().perUser().requests());
            case THROTTLING_USER_EXECUTION_TIME -> format(
                    config.throttling().perUser().executionTime());
            case THROTTLING_USER_CONCURRENT_REQUESTS -> String.valueOf(
                    config.throttling().perUser().concurrentRequests());
            case THROTTLING_APPLICATION_REQUESTS -> String.valueOf(
                    config.throttling().perApplication().requests());
            case THROTTLING_APPLICATION_EXECUTION_TIME -> format(
                    config.throttling().perApplication().executionTime());
            case THROTTLING_APPLICATION_CONCURRENT_REQUESTS -> String.valueOf(
                    config.throttling().perApplication().concurrentRequests());
            case THROTTLING_EXEMPT_APPLICATIONS -> config.throttling()
                            .exemptApplications()
                            .isEmpty()
                    ? "(none)"
                    : String.join(", ", config.throttling().exemptApplications());
            case LOGGING_LEVEL -> config.logging().level();
            case LOGGING_LEVELS -> config.logging().levels().isEmpty()
                    ? "(none)"
                    : config.logging().levels().entrySet().stream()
                            .map(entry -> entry.getKey() + "=" + entry.getValue())
                            .sorted()
                            .collect(java.util.stream.Collectors.joining(", "));
            case LOGGING_FORMAT -> config.logging().format().name().toLowerCase(Locale.ROOT);
            case QUERY_FISCAL_YEAR_START -> config.query()
                    .fiscalCalendar()
                    .map(calendar -> String.format(
                            Locale.ROOT,
                            "%02d-%02d",
                            calendar.yearStart().getMonthValue(),
                            calendar.yearStart().getDayOfMonth()))
                    .orElse("(none: fiscal operators answer 400)");
            case QUERY_FISCAL_PERIOD -> config.query()
                    .fiscalCalendar()
                    .map(calendar -> calendar.period().name().toLowerCase(Locale.ROOT))
                    .orElse("(none)");
            case IDENTITY_FIRST_ACCESS_ENABLED -> String.valueOf(
                    config.identity().firstAccess().enabled());
            case IDENTITY_FIRST_ACCESS_TENANTS -> config.identity()
                            .firstAccess()
                            .tenants()
                            .isEmpty()
                    ? "(any)"
                    : String.join(
                            ", ",
                            new java.util.TreeSet<>(
                                    config.identity().firstAccess().tenants()));
            case IDENTITY_FIRST_ACCESS_GROUP -> config.identity()
                    .firstAccess()
                    .group()
                    .orElse("(none)");
            case IDENTITY_FIRST_ACCESS_DEFAULT_ROLES -> String.join(
                    ", ", config.identity().firstAccess().defaultRoles());
            case IDENTITY_FIRST_ACCESS_RE_ENABLE -> String.valueOf(
                    config.identity().firstAccess().reEnable());
            case IDENTITY_GROUP_MEMBERSHIP_TTL -> format(config.identity().groupMembershipTtl());
        };
    }

    /** A duration in the configuration's own spelling: {@code 5m}, {@code 30s}, {@code 250ms}. */
    private static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % Duration.ofDays(1).toMillis() == 0) {
            return duration.toDays() + "d";
        }
        if (millis != 0 && millis % Duration.ofHours(1).toMillis() == 0) {
            return duration.toHours() + "h";
        }
        if (millis != 0 && millis % Duration.ofMinutes(1).toMillis() == 0) {
            return duration.toMinutes() + "m";
        }
        return millis % 1000 == 0 ? duration.toSeconds() + "s" : millis + "ms";
    }

    // ---- environment overrides ----

    private static Map<ConfigKey, YamlNode> environmentOverrides(Map<String, String> environment, Problems problems) {
        Map<ConfigKey, YamlNode> overrides = new EnumMap<>(ConfigKey.class);
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ConfigKey.ENVIRONMENT_PREFIX) || LAUNCHER_VARIABLES.contains(name)) {
                continue;
            }
            String source = "env " + name;
            Optional<ConfigKey> key = ConfigKey.byEnvironmentVariable(name);
            if (key.isEmpty()) {
                problems.add(new Problem(
                        source,
                        0,
                        "",
                        "unknown setting: no configuration key maps to this variable" + suggestion(name)));
                continue;
            }
            String value = variable.getValue();
            YamlNode node =
                    switch (key.get().shape()) {
                        case SCALAR -> YamlNode.scalar(source, key.get().path(), value);
                        case LIST -> YamlNode.sequence(source, key.get().path(), splitList(value));
                    };
            overrides.put(key.get(), node);
        }
        return overrides;
    }

    private static List<String> splitList(String value) {
        List<String> values = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                values.add(part.trim());
            }
        }
        return values;
    }

    private static String suggestion(String name) {
        ConfigKey closest = null;
        int closestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            int distance = editDistance(name, key.environmentVariable());
            if (distance < closestDistance) {
                closest = key;
                closestDistance = distance;
            }
        }
        return closest != null && closestDistance <= 3 ? " (did you mean " + closest.environmentVariable() + "?)" : "";
    }

    private static int editDistance(String left, String right) {
        int[] previous = new int[right.length() + 1];
        int[] current = new int[right.length() + 1];
        for (int j = 0; j <= right.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= left.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= right.length(); j++) {
                int substitution = previous[j - 1] + (left.charAt(i - 1) == right.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[right.length()];
    }

    private void override(ConfigKey key, YamlNode value) {
        root = replace(root, key.segments(), value);
    }

    private static YamlNode replace(YamlNode node, List<String> segments, YamlNode value) {
        String head = segments.get(0);
        if (segments.size() == 1) {
            return node.with(head, value);
        }
        return node.with(head, replace(node.get(head), segments.subList(1, segments.size()), value));
    }

    // ---- reading ----

    private GatewayConfig read(Path source, List<Problem> environmentProblems) {
        for (List<String> mapping : ConfigKey.mappingPaths()) {
            reader.allowOnly(node(mapping), ConfigKey.childrenOf(mapping).toArray(String[]::new));
        }
        Server server = server();
        Tls tls = tls();
        Admin admin = new Admin(host(ConfigKey.ADMIN_HOST), port(ConfigKey.ADMIN_PORT, 8444));
        Auth auth = auth();
        Backend backend = backend();
        CatalogSource catalog = new CatalogSource(
                requiredPath(node(ConfigKey.CATALOG_FILE)),
                reader.bool(node(ConfigKey.CATALOG_WATCH), true),
                durationBetween(
                        ConfigKey.CATALOG_WATCH_INTERVAL,
                        CatalogSource.DEFAULT_WATCH_INTERVAL,
                        Duration.ofMillis(100),
                        Duration.ofHours(1)));
        SecurityBootstrap security = security(backend);
        Limits limits = limits();
        Audit audit = audit();
        Provisioning provisioning = provisioning();
        Throttling throttling = throttling();
        Logging logging = logging();
        GatewayConfig.Query query = query();
        GatewayConfig.Identity identity = identity();
        problems.addAll(environmentProblems);
        problems.throwIfAny();
        return new GatewayConfig(
                source,
                server,
                tls,
                admin,
                auth,
                backend,
                catalog,
                security,
                limits,
                audit,
                provisioning,
                throttling,
                logging,
                query,
                identity);
    }

    private Server server() {
        String host = host(ConfigKey.SERVER_HOST);
        int port = port(ConfigKey.SERVER_PORT, 8443);
        YamlNode servicePathNode = node(ConfigKey.SERVER_SERVICE_PATH);
        String servicePath = reader.string(servicePathNode, "/api/data/v9.2");
        if (!SERVICE_PATH.matcher(servicePath).matches()) {
            problems.add(
                    servicePathNode,
                    "must start with '/', must not end with '/' and may contain only letters, digits, '.', '_', '~', '-' "
                            + "between the slashes, was '" + servicePath + "'");
        }
        YamlNode namespaceNode = node(ConfigKey.SERVER_NAMESPACE);
        String namespace = reader.string(namespaceNode, "Microsoft.Dynamics.CRM");
        if (!NAMESPACE.matcher(namespace).matches()) {
            problems.add(
                    namespaceNode, "must be a dotted name such as Microsoft.Dynamics.CRM, was '" + namespace + "'");
        }
        YamlNode plainHttpNode = node(ConfigKey.SERVER_PLAIN_HTTP_ENABLED);
        boolean plainHttp = reader.bool(plainHttpNode, false);
        if (plainHttp && !isLoopback(host)) {
            problems.add(
                    plainHttpNode,
                    "plain HTTP may be enabled only when server.host is a loopback address (127.x.x.x, ::1 or localhost), "
                            + "but server.host is '" + host + "'; tokens must not travel unencrypted over the network");
        }
        int plainHttpPort = port(ConfigKey.SERVER_PLAIN_HTTP_PORT, 8080);
        Duration gracePeriod = durationBetween(
                ConfigKey.SERVER_SHUTDOWN_GRACE_PERIOD,
                Server.DEFAULT_SHUTDOWN_GRACE_PERIOD,
                Duration.ZERO,
                Duration.ofMinutes(10));
        return new Server(host, port, servicePath, namespace, plainHttp, plainHttpPort, gracePeriod);
    }

    private Tls tls() {
        Path keystore = requiredPath(node(ConfigKey.TLS_KEYSTORE));
        Secret password = Secret.of(reader.requiredString(node(ConfigKey.TLS_KEYSTORE_PASSWORD)));
        YamlNode protocolsNode = node(ConfigKey.TLS_PROTOCOLS);
        List<String> protocols = new ArrayList<>();
        for (YamlNode element : listElements(protocolsNode)) {
            String protocol = element.text().orElse("").trim();
            if (ALLOWED_PROTOCOLS.contains(protocol)) {
                protocols.add(protocol);
            } else {
                problems.add(
                        element,
                        "unsupported protocol '" + protocol + "' (allowed: " + String.join(", ", ALLOWED_PROTOCOLS)
                                + "; older versions are insecure)");
            }
        }
        if (protocolsNode.isAbsent()) {
            protocols.addAll(ALLOWED_PROTOCOLS);
        } else if (protocolsNode.isSequence() && protocolsNode.elements().isEmpty()) {
            problems.add(protocolsNode, "must name at least one protocol");
        }
        return new Tls(keystore, password, distinct(protocols));
    }

    private Auth auth() {
        YamlNode devEnabledNode = node(ConfigKey.AUTH_DEV_ISSUER_ENABLED);
        boolean devEnabled = reader.bool(devEnabledNode, false);
        Path devKeyFile =
                path(node(ConfigKey.AUTH_DEV_ISSUER_KEY_FILE), false).orElse(directory.resolve("dev-issuer-key.json"));
        String devIssuer = nonEmptyString(ConfigKey.AUTH_DEV_ISSUER_ISSUER, "urn:vegateway:dev-issuer");
        String devAudience = nonEmptyString(ConfigKey.AUTH_DEV_ISSUER_AUDIENCE, "urn:vegateway:api");

        YamlNode jwksFileNode = node(ConfigKey.AUTH_JWKS_FILE);
        YamlNode jwksUrlNode = node(ConfigKey.AUTH_JWKS_URL);
        Optional<Path> jwksFile = path(jwksFileNode, true);
        Optional<URI> jwksUrl = httpsUrl(jwksUrlNode);
        if (!jwksFileNode.isAbsent() && !jwksUrlNode.isAbsent()) {
            problems.add(jwksUrlNode, "set either auth.jwks.file or auth.jwks.url, not both");
        } else if (jwksFileNode.isAbsent() && jwksUrlNode.isAbsent() && !devEnabled) {
            problems.add(
                    node(List.of("auth", "jwks")),
                    "one of file or url is required (unless auth.devIssuer.enabled is true)");
        } else if (devEnabled && (!jwksFileNode.isAbsent() || !jwksUrlNode.isAbsent())) {
            problems.add(
                    jwksFileNode.isAbsent() ? jwksUrlNode : jwksFileNode,
                    "the dev issuer replaces the JWKS: with auth.devIssuer.enabled true, leave auth.jwks.file and auth.jwks.url unset");
        }
        Duration refreshInterval = positiveDuration(ConfigKey.AUTH_JWKS_REFRESH_INTERVAL, Duration.ofMinutes(5));
        Duration unknownKidMinInterval =
                positiveDuration(ConfigKey.AUTH_JWKS_UNKNOWN_KID_MIN_INTERVAL, Duration.ofSeconds(30));
        Duration maxStaleness = positiveDuration(ConfigKey.AUTH_JWKS_MAX_STALENESS, Duration.ofHours(24));

        List<String> issuers = requiredList(
                ConfigKey.AUTH_ISSUERS,
                devEnabled ? Optional.of(devIssuer) : Optional.empty(),
                "list at least one accepted token issuer (iss)");
        List<String> audiences = requiredList(
                ConfigKey.AUTH_AUDIENCES,
                devEnabled ? Optional.of(devAudience) : Optional.empty(),
                "list at least one accepted token audience (aud)");
        List<String> algorithms = algorithms();

        YamlNode clockSkewNode = node(ConfigKey.AUTH_CLOCK_SKEW);
        Duration clockSkew = reader.duration(clockSkewNode, Duration.ofSeconds(60));
        if (clockSkew.compareTo(MAXIMUM_CLOCK_SKEW) > 0) {
            problems.add(
                    clockSkewNode,
                    "must be between 0s and 5m, was "
                            + clockSkewNode.text().orElse("").trim());
            clockSkew = Duration.ofSeconds(60);
        }
        return new Auth(
                jwksFile,
                jwksUrl,
                refreshInterval,
                unknownKidMinInterval,
                maxStaleness,
                issuers,
                audiences,
                algorithms,
                clockSkew,
                new DevIssuer(devEnabled, devKeyFile, devIssuer, devAudience));
    }

    private List<String> algorithms() {
        YamlNode algorithmsNode = node(ConfigKey.AUTH_ALGORITHMS);
        if (algorithmsNode.isAbsent()) {
            return List.of("RS256", "PS256", "ES256");
        }
        List<String> algorithms = new ArrayList<>();
        for (YamlNode element : listElements(algorithmsNode)) {
            String algorithm = element.text().orElse("").trim();
            String upper = algorithm.toUpperCase(Locale.ROOT);
            if (upper.equals("NONE")) {
                problems.add(
                        element,
                        "'" + algorithm + "' is refused: it accepts unsigned tokens, so anyone could forge one");
            } else if (upper.startsWith("HS")) {
                problems.add(
                        element,
                        "'" + algorithm
                                + "' is refused: HMAC algorithms verify with a shared secret, and accepting them "
                                + "next to public JWKS keys allows forging tokens signed with a public key (algorithm confusion)");
            } else if (!ALLOWED_ALGORITHMS.contains(upper)) {
                problems.add(
                        element,
                        "unknown algorithm '" + algorithm + "' (allowed: " + String.join(", ", ALLOWED_ALGORITHMS)
                                + ")");
            } else {
                algorithms.add(upper);
            }
        }
        if (algorithmsNode.isSequence() && algorithmsNode.elements().isEmpty()) {
            problems.add(algorithmsNode, "must name at least one algorithm");
        }
        return distinct(algorithms);
    }

    private Backend backend() {
        YamlNode kindNode = node(ConfigKey.BACKEND_KIND);
        BackendKind kind = null;
        if (kindNode.isAbsent()) {
            problems.add(kindNode, "is required (h2 or postgresql)");
        } else {
            kind = reader.enumValue(kindNode, BackendKind.class, null);
        }
        YamlNode urlNode = node(ConfigKey.BACKEND_URL);
        String url = reader.requiredString(urlNode);
        if (kind != null && !url.isEmpty()) {
            String prefix =
                    switch (kind) {
                        case H2 -> "jdbc:h2:";
                        case POSTGRESQL -> "jdbc:postgresql:";
                    };
            if (!url.startsWith(prefix)) {
                // The URL is not echoed: it may carry a password.
                problems.add(
                        urlNode,
                        "must be a JDBC URL starting with " + prefix + " for backend kind "
                                + kind.name().toLowerCase(Locale.ROOT));
            }
        }
        String username = reader.string(node(ConfigKey.BACKEND_USERNAME), "");
        Secret password = Secret.of(reader.string(node(ConfigKey.BACKEND_PASSWORD), ""));
        int poolSize = reader.integer(
                node(ConfigKey.BACKEND_POOL_SIZE),
                Backend.defaultPoolSize(Runtime.getRuntime().availableProcessors()),
                1,
                200);
        YamlNode schemaNode = node(ConfigKey.BACKEND_SECURITY_SCHEMA);
        String securitySchema = reader.string(schemaNode, "vegateway_security");
        if (!IDENTIFIER.matcher(securitySchema).matches()) {
            problems.add(
                    schemaNode, "must be an identifier matching [A-Za-z_][A-Za-z0-9_]*, was '" + securitySchema + "'");
        }
        Duration queryTimeout = positiveDuration(ConfigKey.BACKEND_QUERY_TIMEOUT, Duration.ofSeconds(30));
        Duration acquireTimeout = durationBetween(
                ConfigKey.BACKEND_ACQUIRE_TIMEOUT,
                Backend.DEFAULT_ACQUIRE_TIMEOUT,
                Backend.MINIMUM_ACQUIRE_TIMEOUT,
                Duration.ofSeconds(30));
        Duration probeInterval = durationBetween(
                ConfigKey.BACKEND_PROBE_INTERVAL,
                Backend.DEFAULT_PROBE_INTERVAL,
                Duration.ofMillis(50),
                Duration.ofSeconds(10));
        List<String> replicas = new ArrayList<>();
        for (YamlNode element : listElements(node(ConfigKey.BACKEND_REPLICAS))) {
            String replica = element.text().orElseThrow().trim();
            if (kind != null && !replica.startsWith(jdbcPrefix(kind))) {
                // The URL is not echoed: it may carry a password.
                problems.add(
                        element,
                        "must be a JDBC URL starting with " + jdbcPrefix(kind) + " for backend kind "
                                + kind.name().toLowerCase(Locale.ROOT));
            } else if (replica.equals(url) || replicas.contains(replica)) {
                problems.add(element, "names the primary or another replica again");
            } else {
                replicas.add(replica);
            }
        }
        return new Backend(
                kind == null ? BackendKind.H2 : kind,
                url,
                username,
                password,
                poolSize,
                securitySchema,
                queryTimeout,
                acquireTimeout,
                probeInterval,
                replicas);
    }

    private static String jdbcPrefix(BackendKind kind) {
        return switch (kind) {
            case H2 -> "jdbc:h2:";
            case POSTGRESQL -> "jdbc:postgresql:";
        };
    }

    private SecurityBootstrap security(Backend business) {
        YamlNode fileNode = node(ConfigKey.SECURITY_FILE);
        Optional<Path> file = path(fileNode, true);
        YamlNode importNode = node(ConfigKey.SECURITY_IMPORT_ON_START);
        boolean importOnStart = reader.bool(importNode, false);
        if (importOnStart && fileNode.isAbsent()) {
            problems.add(importNode, "true requires security.file (the file to import)");
        }
        Duration pollInterval = durationBetween(
                ConfigKey.SECURITY_INVALIDATION_POLL_INTERVAL,
                SecurityBootstrap.DEFAULT_INVALIDATION_POLL_INTERVAL,
                Duration.ofMillis(50),
                Duration.ofMinutes(1));
        return new SecurityBootstrap(file, importOnStart, securityBackend(business), pollInterval);
    }

    /** {@code security.backend.*}: absent, or a database of its own whose kind its URL tells. */
    private Optional<Backend> securityBackend(Backend business) {
        YamlNode section = node(ConfigKey.SECURITY_BACKEND_URL.segments().subList(0, 2));
        if (section.isAbsent()) {
            return Optional.empty();
        }
        YamlNode urlNode = node(ConfigKey.SECURITY_BACKEND_URL);
        String url = reader.requiredString(urlNode);
        BackendKind kind = null;
        if (url.startsWith("jdbc:h2:")) {
            kind = BackendKind.H2;
        } else if (url.startsWith("jdbc:postgresql:")) {
            kind = BackendKind.POSTGRESQL;
        } else if (!url.isEmpty()) {
            // The URL is not echoed: it may carry a password.
            problems.add(urlNode, "must be a JDBC URL starting with jdbc:h2: or jdbc:postgresql:");
        }
        String username = reader.string(node(ConfigKey.SECURITY_BACKEND_USERNAME), "");
        Secret password = Secret.of(reader.string(node(ConfigKey.SECURITY_BACKEND_PASSWORD), ""));
        int poolSize =
                reader.integer(node(ConfigKey.SECURITY_BACKEND_POOL_SIZE), SecurityBootstrap.DEFAULT_POOL_SIZE, 1, 200);
        if (kind == null) {
            return Optional.empty();
        }
        return Optional.of(new Backend(
                kind,
                url,
                username,
                password,
                poolSize,
                business.securitySchema(),
                business.queryTimeout(),
                business.acquireTimeout(),
                business.probeInterval()));
    }

    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** {@code logging.*}: levels by name (any case), {@code levels} as {@code logger=LEVEL} items. */
    private Logging logging() {
        YamlNode levelNode = node(ConfigKey.LOGGING_LEVEL);
        String level = logLevel(levelNode, reader.optionalString(levelNode).orElse("INFO"));
        Map<String, String> levels = new LinkedHashMap<>();
        for (YamlNode element : listElements(node(ConfigKey.LOGGING_LEVELS))) {
            String item = element.text().orElseThrow().trim();
            int equals = item.indexOf('=');
            if (equals <= 0 || equals == item.length() - 1) {
                problems.add(element, "must be logger=LEVEL (for example vegateway.request=WARN), was '" + item + "'");
                continue;
            }
            String logger = item.substring(0, equals).trim();
            if (levels.containsKey(logger)) {
                problems.add(element, "names logger '" + logger + "' twice");
            }
            levels.put(logger, logLevel(element, item.substring(equals + 1)));
        }
        YamlNode formatNode = node(ConfigKey.LOGGING_FORMAT);
        String format = reader.optionalString(formatNode).orElse("text").trim().toLowerCase(Locale.ROOT);
        LogFormat logFormat = LogFormat.TEXT;
        switch (format) {
            case "text" -> logFormat = LogFormat.TEXT;
            case "json" -> logFormat = LogFormat.JSON;
            default -> problems.add(formatNode, "must be text or json, was '" + format + "'");
        }
        return new Logging(level, levels, logFormat);
    }

    private String logLevel(YamlNode node, String text) {
        String level = text.trim().toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            problems.add(node, "must be one of " + String.join(", ", LOG_LEVELS) + ", was '" + text.trim() + "'");
            return "INFO";
        }
        return level;
    }

    /** {@code throttling.*}: 0 for a count or a time means no limit of that kind. */
    private Throttling throttling() {
        boolean enabled = reader.bool(node(ConfigKey.THROTTLING_ENABLED), true);
        Duration window = reader.duration(node(ConfigKey.THROTTLING_WINDOW), Throttling.DEFAULTS.window());
        if (window.compareTo(Duration.ofSeconds(10)) < 0 || window.compareTo(Duration.ofHours(24)) > 0) {
            problems.add(node(ConfigKey.THROTTLING_WINDOW), "must be between 10s and 24h, was " + format(window));
            window = Throttling.DEFAULTS.window();
        }
        Quota user = quota(
                ConfigKey.THROTTLING_USER_REQUESTS,
                ConfigKey.THROTTLING_USER_EXECUTION_TIME,
                ConfigKey.THROTTLING_USER_CONCURRENT_REQUESTS,
                Quota.DATAVERSE_USER);
        Quota application = quota(
                ConfigKey.THROTTLING_APPLICATION_REQUESTS,
                ConfigKey.THROTTLING_APPLICATION_EXECUTION_TIME,
                ConfigKey.THROTTLING_APPLICATION_CONCURRENT_REQUESTS,
                Quota.UNLIMITED);
        Set<String> exempt = new LinkedHashSet<>();
        for (YamlNode element : listElements(node(ConfigKey.THROTTLING_EXEMPT_APPLICATIONS))) {
            String appId = element.text().orElseThrow().trim();
            if (appId.isEmpty()) {
                problems.add(element, "must name an application id, was empty");
            } else {
                exempt.add(appId.toLowerCase(Locale.ROOT));
            }
        }
        return new Throttling(enabled, window, user, application, exempt);
    }

    private Quota quota(ConfigKey requests, ConfigKey executionTime, ConfigKey concurrent, Quota defaults) {
        return new Quota(
                reader.integer(node(requests), defaults.requests(), 0, 100_000_000),
                reader.duration(node(executionTime), defaults.executionTime()),
                reader.integer(node(concurrent), defaults.concurrentRequests(), 0, 100_000));
    }

    /** {@code identity.*}: first access and the time a group membership from a token is kept. */
    private GatewayConfig.Identity identity() {
        boolean enabled = reader.bool(node(ConfigKey.IDENTITY_FIRST_ACCESS_ENABLED), false);
        Set<String> tenants = new LinkedHashSet<>();
        for (YamlNode element : listElements(node(ConfigKey.IDENTITY_FIRST_ACCESS_TENANTS))) {
            String tenant = element.text().orElseThrow().trim();
            if (tenant.isEmpty()) {
                problems.add(element, "must name a tenant id, was empty");
            } else {
                tenants.add(tenant);
            }
        }
        YamlNode groupNode = node(ConfigKey.IDENTITY_FIRST_ACCESS_GROUP);
        Optional<String> group = reader.optionalString(groupNode).map(String::trim);
        if (group.isPresent() && !GUID_TEXT.matcher(group.get()).matches()) {
            problems.add(groupNode, "must be a directory group object id (a GUID), was '" + group.get() + "'");
            group = Optional.empty();
        }
        List<String> roles = new ArrayList<>();
        for (YamlNode element : listElements(node(ConfigKey.IDENTITY_FIRST_ACCESS_DEFAULT_ROLES))) {
            String role = element.text().orElseThrow().trim();
            if (role.isEmpty()) {
                problems.add(element, "must name a role, was empty");
            } else if (roles.contains(role)) {
                problems.add(element, "names role '" + role + "' twice");
            } else {
                roles.add(role);
            }
        }
        if (enabled && roles.isEmpty()) {
            problems.add(
                    node(ConfigKey.IDENTITY_FIRST_ACCESS_DEFAULT_ROLES),
                    "must name at least one role when identity.firstAccess.enabled is true"
                            + " (a user without a role cannot call)");
        }
        boolean reEnable = reader.bool(node(ConfigKey.IDENTITY_FIRST_ACCESS_RE_ENABLE), false);
        YamlNode ttlNode = node(ConfigKey.IDENTITY_GROUP_MEMBERSHIP_TTL);
        Duration ttl = reader.duration(ttlNode, GatewayConfig.Identity.DEFAULTS.groupMembershipTtl());
        if (ttl.isZero() || ttl.isNegative()) {
            problems.add(ttlNode, "must be a positive duration such as 8h");
            ttl = GatewayConfig.Identity.DEFAULTS.groupMembershipTtl();
        }
        return new GatewayConfig.Identity(new GatewayConfig.FirstAccess(enabled, tenants, group, roles, reEnable), ttl);
    }

    private static final Pattern GUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** {@code provisioning.*}: role names are checked against the security data when SCIM creates a user. */
    private Provisioning provisioning() {
        YamlNode rolesNode = node(ConfigKey.PROVISIONING_DEFAULT_ROLES);
        List<String> roles = new ArrayList<>();
        for (YamlNode element : listElements(rolesNode)) {
            String role = element.text().orElseThrow().trim();
            if (role.isEmpty()) {
                problems.add(element, "must name a role, was empty");
            } else if (roles.contains(role)) {
                problems.add(element, "names role '" + role + "' twice");
            } else {
                roles.add(role);
            }
        }
        YamlNode groupNode = node(ConfigKey.PROVISIONING_SECURITY_GROUP);
        Optional<String> group = reader.optionalString(groupNode).map(String::trim);
        if (group.isPresent() && group.get().isEmpty()) {
            problems.add(groupNode, "must name a directory group (its displayName or externalId), was empty");
            group = Optional.empty();
        }
        return new Provisioning(roles, group);
    }

    private Limits limits() {
        int maxPageSize = reader.integer(node(ConfigKey.LIMITS_MAX_PAGE_SIZE), 5000, 1, 5000);
        int maxTokenBytes = reader.integer(node(ConfigKey.LIMITS_MAX_TOKEN_BYTES), 16384, 1024, 1024 * 1024);
        int maxUrlBytes =
                reader.integer(node(ConfigKey.LIMITS_MAX_URL_BYTES), Limits.DEFAULT_MAX_URL_BYTES, 1024, 1024 * 1024);
        long maxRequestBodyBytes = reader.longValue(
                node(ConfigKey.LIMITS_MAX_REQUEST_BODY_BYTES), 10L * 1024 * 1024, 1024, 1024L * 1024 * 1024);
        int maxBatchParts = reader.integer(node(ConfigKey.LIMITS_MAX_BATCH_PARTS), 1000, 1, 1000);
        long maxBatchBodyBytes = reader.longValue(
                node(ConfigKey.LIMITS_MAX_BATCH_BODY_BYTES), 32L * 1024 * 1024, 1024, 1024L * 1024 * 1024);
        int expandPageSize =
                reader.integer(node(ConfigKey.LIMITS_EXPAND_PAGE_SIZE), Limits.DEFAULT_EXPAND_PAGE_SIZE, 1, 5000);
        int maxExpandDepth =
                reader.integer(node(ConfigKey.LIMITS_MAX_EXPAND_DEPTH), Limits.DEFAULT_MAX_EXPAND_DEPTH, 1, 10);
        int maxExpands = reader.integer(node(ConfigKey.LIMITS_MAX_EXPANDS), Limits.DEFAULT_MAX_EXPANDS, 1, 15);
        YamlNode secretNode = node(ConfigKey.LIMITS_SKIP_TOKEN_SECRET);
        String secret = reader.requiredString(secretNode);
        if (!secret.isBlank() && secret.length() < MINIMUM_SKIP_TOKEN_SECRET_LENGTH) {
            // Never echo the value: it is a secret.
            problems.add(
                    secretNode,
                    "must be at least " + MINIMUM_SKIP_TOKEN_SECRET_LENGTH
                            + " characters long (it signs paging tokens), was " + secret.length() + " characters");
        }
        return new Limits(
                maxPageSize,
                maxTokenBytes,
                maxUrlBytes,
                maxRequestBodyBytes,
                maxBatchParts,
                maxBatchBodyBytes,
                Secret.of(secret),
                expandPageSize,
                maxExpandDepth,
                maxExpands);
    }

    /**
     * {@code query.fiscalYearStart} ({@code MM-DD}, day 1 to 28) and {@code query.fiscalPeriod}
     * ({@code monthly} by default, {@code quarterly}, {@code semiannual}, {@code annual}); a period
     * without a start is a problem.
     */
    private GatewayConfig.Query query() {
        YamlNode startNode = node(ConfigKey.QUERY_FISCAL_YEAR_START);
        YamlNode periodNode = node(ConfigKey.QUERY_FISCAL_PERIOD);
        Optional<String> start = reader.optionalString(startNode).map(String::trim);
        Optional<String> period = reader.optionalString(periodNode).map(String::trim);
        FiscalCalendar.Period cut = FiscalCalendar.Period.MONTHLY;
        if (period.isPresent()) {
            try {
                cut = FiscalCalendar.Period.valueOf(period.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(
                        periodNode, "must be monthly, quarterly, semiannual or annual, was '" + period.get() + "'");
            }
            if (start.isEmpty()) {
                problems.add(periodNode, "needs query.fiscalYearStart (the MM-DD a fiscal year starts on)");
            }
        }
        if (start.isEmpty()) {
            return GatewayConfig.Query.NONE;
        }
        java.util.regex.Matcher matcher = Pattern.compile("(\\d{2})-(\\d{2})").matcher(start.get());
        if (!matcher.matches()) {
            problems.add(
                    startNode,
                    "must be MM-DD, the month and day a fiscal year starts on (04-01), was '" + start.get() + "'");
            return GatewayConfig.Query.NONE;
        }
        int month = Integer.parseInt(matcher.group(1));
        int day = Integer.parseInt(matcher.group(2));
        if (month < 1 || month > 12 || day < 1 || day > 28) {
            problems.add(
                    startNode,
                    "must be a month 01 to 12 and a day 01 to 28 (every fiscal period then starts on"
                            + " the same day of its month), was '" + start.get() + "'");
            return GatewayConfig.Query.NONE;
        }
        return new GatewayConfig.Query(Optional.of(new FiscalCalendar(java.time.MonthDay.of(month, day), cut)));
    }

    /** {@code audit.retention}: absent or {@code 0} keeps the audit forever; otherwise between 1h and 36500d. */
    private Audit audit() {
        YamlNode node = node(ConfigKey.AUDIT_RETENTION);
        if (node.isAbsent() || node.text().map(text -> text.trim().equals("0")).orElse(false)) {
            return Audit.keepForever();
        }
        Duration retention = reader.duration(node, Duration.ZERO);
        if (retention.isZero()) {
            // "0d", "0h": keep forever, like "0"; an unreadable value was reported by the reader.
            return Audit.keepForever();
        }
        if (retention.compareTo(MINIMUM_AUDIT_RETENTION) < 0 || retention.compareTo(MAXIMUM_AUDIT_RETENTION) > 0) {
            problems.add(
                    node,
                    "must be 0 (keep forever) or between " + format(MINIMUM_AUDIT_RETENTION) + " and "
                            + format(MAXIMUM_AUDIT_RETENTION) + ", was " + format(retention));
            return Audit.keepForever();
        }
        return new Audit(Optional.of(retention));
    }

    // ---- typed helpers ----

    private YamlNode node(ConfigKey key) {
        return node(key.segments());
    }

    private YamlNode node(List<String> segments) {
        YamlNode node = root;
        for (String segment : segments) {
            node = node.get(segment);
        }
        return node;
    }

    private String host(ConfigKey key) {
        return nonEmptyString(key, "127.0.0.1").trim();
    }

    private String nonEmptyString(ConfigKey key, String fallback) {
        YamlNode node = node(key);
        String value = reader.string(node, fallback);
        if (value.isBlank()) {
            problems.add(node, "must not be empty");
            return fallback;
        }
        return value;
    }

    private int port(ConfigKey key, int fallback) {
        return reader.integer(node(key), fallback, 0, 65535);
    }

    private Duration positiveDuration(ConfigKey key, Duration fallback) {
        YamlNode node = node(key);
        Duration duration = reader.duration(node, fallback);
        if (duration.isZero()) {
            problems.add(node, "must be greater than 0");
            return fallback;
        }
        return duration;
    }

    private Duration durationBetween(ConfigKey key, Duration fallback, Duration minimum, Duration maximum) {
        YamlNode node = node(key);
        Duration duration = reader.duration(node, fallback);
        if (duration.compareTo(minimum) < 0 || duration.compareTo(maximum) > 0) {
            problems.add(
                    node,
                    "must be between " + format(minimum) + " and " + format(maximum) + ", was " + format(duration));
            return fallback;
        }
        return duration;
    }

    /** The elements of a list node; a single scalar counts as a one-element list. */
    private List<YamlNode> listElements(YamlNode node) {
        if (node.isAbsent()) {
            return List.of();
        }
        if (node.isScalar()) {
            return List.of(node);
        }
        if (!node.isSequence()) {
            problems.add(node, "must be a list");
            return List.of();
        }
        List<YamlNode> elements = new ArrayList<>();
        for (YamlNode element : node.elements()) {
            if (element.text().isEmpty()) {
                problems.add(element, "must be a text value");
            } else if (element.text().get().isBlank()) {
                problems.add(element, "must not be empty");
            } else {
                elements.add(element);
            }
        }
        return elements;
    }

    private List<String> requiredList(ConfigKey key, Optional<String> implied, String hint) {
        YamlNode node = node(key);
        List<String> values = new ArrayList<>();
        listElements(node)
                .forEach(element -> values.add(element.text().orElseThrow().trim()));
        implied.ifPresent(values::add);
        if (values.isEmpty()
                && (node.isAbsent() || (node.isSequence() && node.elements().isEmpty()))) {
            problems.add(node, "is required: " + hint);
        }
        return distinct(values);
    }

    private static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }

    private Path requiredPath(YamlNode node) {
        if (node.isAbsent()) {
            problems.add(node, "is required");
            return directory;
        }
        return path(node, true).orElse(directory);
    }

    private Optional<Path> path(YamlNode node, boolean mustExist) {
        Optional<String> text = reader.optionalString(node);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isBlank()) {
            problems.add(node, "must not be empty");
            return Optional.empty();
        }
        Path resolved;
        try {
            resolved = directory.resolve(text.get().trim()).normalize();
        } catch (InvalidPathException e) {
            problems.add(node, "is not a valid path: " + e.getReason());
            return Optional.empty();
        }
        if (mustExist && !Files.isRegularFile(resolved)) {
            problems.add(
                    node,
                    Files.isDirectory(resolved)
                            ? "must name a file, but " + resolved + " is a directory"
                            : "file not found: " + resolved);
        }
        return Optional.of(resolved);
    }

    private Optional<URI> httpsUrl(YamlNode node) {
        Optional<String> text = reader.optionalString(node);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.get().trim());
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(
                node,
                "must be an https URL such as https://login.example.com/discovery/keys, was '" + text.get() + "'");
        return Optional.empty();
    }

    /** 127.x.x.x, ::1 or localhost; decided from the text alone, without a DNS lookup. */
    static boolean isLoopback(String host) {
        String text = host.trim().toLowerCase(Locale.ROOT);
        if (text.equals("localhost") || text.equals("::1") || text.equals("[::1]") || text.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        Matcher matcher = IPV4_LOOPBACK.matcher(text);
        if (!matcher.matches()) {
            return false;
        }
        for (int group = 1; group <= 3; group++) {
            if (Integer.parseInt(matcher.group(group)) > 255) {
                return false;
            }
        }
        return true;
    }
}
