package dev.vegateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one table of configuration keys. Everything that knows key names derives from it: the
 * allowed keys of each YAML mapping (typos are problems), the environment variable of each key
 * and the order of {@link ConfigLoader#describe}.
 */
enum ConfigKey {
    SERVER_HOST("server.host", Shape.SCALAR),
    SERVER_PORT("server.port", Shape.SCALAR),
    SERVER_SERVICE_PATH("server.servicePath", Shape.SCALAR),
    SERVER_NAMESPACE("server.namespace", Shape.SCALAR),
    SERVER_PLAIN_HTTP_ENABLED("server.plainHttp.enabled", Shape.SCALAR),
    SERVER_PLAIN_HTTP_PORT("server.plainHttp.port", Shape.SCALAR),
    SERVER_SHUTDOWN_GRACE_PERIOD("server.shutdownGracePeriod", Shape.SCALAR),
    TLS_KEYSTORE("tls.keystore", Shape.SCALAR),
    TLS_KEYSTORE_PASSWORD("tls.keystorePassword", Shape.SCALAR),
    TLS_PROTOCOLS("tls.protocols", Shape.LIST),
    ADMIN_HOST("admin.host", Shape.SCALAR),
    ADMIN_PORT("admin.port", Shape.SCALAR),
    AUTH_JWKS_FILE("auth.jwks.file", Shape.SCALAR),
    AUTH_JWKS_URL("auth.jwks.url", Shape.SCALAR),
    AUTH_JWKS_REFRESH_INTERVAL("auth.jwks.refreshInterval", Shape.SCALAR),
    AUTH_JWKS_UNKNOWN_KID_MIN_INTERVAL("auth.jwks.unknownKidMinInterval", Shape.SCALAR),
    AUTH_JWKS_MAX_STALENESS("auth.jwks.maxStaleness", Shape.SCALAR),
    AUTH_ISSUERS("auth.issuers", Shape.LIST),
    AUTH_AUDIENCES("auth.audiences", Shape.LIST),
    AUTH_ALGORITHMS("auth.algorithms", Shape.LIST),
    AUTH_CLOCK_SKEW("auth.clockSkew", Shape.SCALAR),
    AUTH_DEV_ISSUER_ENABLED("auth.devIssuer.enabled", Shape.SCALAR),
    AUTH_DEV_ISSUER_KEY_FILE("auth.devIssuer.keyFile", Shape.SCALAR),
    AUTH_DEV_ISSUER_ISSUER("auth.devIssuer.issuer", Shape.SCALAR),
    AUTH_DEV_ISSUER_AUDIENCE("auth.devIssuer.audience", Shape.SCALAR),
    BACKEND_KIND("backend.kind", Shape.SCALAR),
    BACKEND_URL("backend.url", Shape.SCALAR),
    BACKEND_USERNAME("backend.username", Shape.SCALAR),
    BACKEND_PASSWORD("backend.password", Shape.SCALAR),
    BACKEND_POOL_SIZE("backend.poolSize", Shape.SCALAR),
    BACKEND_SECURITY_SCHEMA("backend.securitySchema", Shape.SCALAR),
    BACKEND_QUERY_TIMEOUT("backend.queryTimeout", Shape.SCALAR),
    BACKEND_ACQUIRE_TIMEOUT("backend.acquireTimeout", Shape.SCALAR),
    BACKEND_PROBE_INTERVAL("backend.probeInterval", Shape.SCALAR),
    BACKEND_REPLICAS("backend.replicas", Shape.LIST),
    CATALOG_FILE("catalog.file", Shape.SCALAR),
    CATALOG_WATCH("catalog.watch", Shape.SCALAR),
    CATALOG_WATCH_INTERVAL("catalog.watchInterval", Shape.SCALAR),
    SECURITY_FILE("security.file", Shape.SCALAR),
    SECURITY_IMPORT_ON_START("security.importOnStart", Shape.SCALAR),
    SECURITY_BACKEND_URL("security.backend.url", Shape.SCALAR),
    SECURITY_BACKEND_USERNAME("security.backend.username", Shape.SCALAR),
    SECURITY_BACKEND_PASSWORD("security.backend.password", Shape.SCALAR),
    SECURITY_BACKEND_POOL_SIZE("security.backend.poolSize", Shape.SCALAR),
    SECURITY_INVALIDATION_POLL_INTERVAL("security.invalidation.pollInterval", Shape.SCALAR),
    LIMITS_MAX_PAGE_SIZE("limits.maxPageSize", Shape.SCALAR),
    LIMITS_MAX_TOKEN_BYTES("limits.maxTokenBytes", Shape.SCALAR),
    LIMITS_MAX_URL_BYTES("limits.maxUrlBytes", Shape.SCALAR),
    LIMITS_MAX_REQUEST_BODY_BYTES("limits.maxRequestBodyBytes", Shape.SCALAR),
    LIMITS_MAX_BATCH_PARTS("limits.maxBatchParts", Shape.SCALAR),
    LIMITS_MAX_BATCH_BODY_BYTES("limits.maxBatchBodyBytes", Shape.SCALAR),
    LIMITS_SKIP_TOKEN_SECRET("limits.skipTokenSecret", Shape.SCALAR),
    LIMITS_EXPAND_PAGE_SIZE("limits.expandPageSize", Shape.SCALAR),
    LIMITS_MAX_EXPAND_DEPTH("limits.maxExpandDepth", Shape.SCALAR),
    LIMITS_MAX_EXPANDS("limits.maxExpands", Shape.SCALAR),
    AUDIT_RETENTION("audit.retention", Shape.SCALAR),
    PROVISIONING_DEFAULT_ROLES("provisioning.defaultRoles", Shape.LIST),
    PROVISIONING_SECURITY_GROUP("provisioning.securityGroup", Shape.SCALAR),
    THROTTLING_ENABLED("throttling.enabled", Shape.SCALAR),
    THROTTLING_WINDOW("throttling.window", Shape.SCALAR),
    THROTTLING_USER_REQUESTS("throttling.userRequests", Shape.SCALAR),
    THROTTLING_USER_EXECUTION_TIME("throttling.userExecutionTime", Shape.SCALAR),
    THROTTLING_USER_CONCURRENT_REQUESTS("throttling.userConcurrentRequests", Shape.SCALAR),
    THROTTLING_APPLICATION_REQUESTS("throttling.applicationRequests", Shape.SCALAR),
    THROTTLING_APPLICATION_EXECUTION_TIME("throttling.applicationExecutionTime", Shape.SCALAR),
    THROTTLING_APPLICATION_CONCURRENT_REQUESTS("throttling.applicationConcurrentRequests", Shape.SCALAR),
    THROTTLING_EXEMPT_APPLICATIONS("throttling.exemptApplications", Shape.LIST),
    LOGGING_LEVEL("logging.level", Shape.SCALAR),
    LOGGING_LEVELS("logging.levels", Shape.LIST),
    LOGGING_FORMAT("logging.format", Shape.SCALAR),
    QUERY_FISCAL_YEAR_START("query.fiscalYearStart", Shape.SCALAR),
    QUERY_FISCAL_PERIOD("query.fiscalPeriod", Shape.SCALAR),
    IDENTITY_FIRST_ACCESS_ENABLED("identity.firstAccess.enabled", Shape.SCALAR),
    IDENTITY_FIRST_ACCESS_TENANTS("identity.firstAccess.tenants", Shape.LIST),
    IDENTITY_FIRST_ACCESS_GROUP("identity.firstAccess.group", Shape.SCALAR),
    IDENTITY_FIRST_ACCESS_DEFAULT_ROLES("identity.firstAccess.defaultRoles", Shape.LIST),
    IDENTITY_FIRST_ACCESS_RE_ENABLE("identity.firstAccess.reEnable", Shape.SCALAR),
    IDENTITY_GROUP_MEMBERSHIP_TTL("identity.groupMembershipTtl", Shape.SCALAR);

    /** A scalar value, or a list (comma-separated when it comes from the environment). */
    enum Shape {
        SCALAR,
        LIST
    }

    static final String ENVIRONMENT_PREFIX = "VEGATEWAY_";

    private static final Map<String, ConfigKey> BY_ENVIRONMENT_VARIABLE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ConfigKey::environmentVariable, Function.identity()));

    private final String path;
    private final Shape shape;
    private final List<String> segments;
    private final String environmentVariable;

    ConfigKey(String path, Shape shape) {
        this.path = path;
        this.shape = shape;
        this.segments = List.of(path.split("\\."));
        this.environmentVariable = ENVIRONMENT_PREFIX
                + segments.stream().map(ConfigKey::upperSnake).collect(Collectors.joining("_"));
    }

    /** The dotted key path, e.g. {@code server.plainHttp.port}. */
    String path() {
        return path;
    }

    Shape shape() {
        return shape;
    }

    List<String> segments() {
        return segments;
    }

    /**
     * {@code VEGATEWAY_} plus the key path with each camelCase segment in UPPER_SNAKE and the
     * segments joined by {@code _}: {@code server.plainHttp.port} → {@code VEGATEWAY_SERVER_PLAIN_HTTP_PORT}.
     */
    String environmentVariable() {
        return environmentVariable;
    }

    static Optional<ConfigKey> byEnvironmentVariable(String name) {
        return Optional.ofNullable(BY_ENVIRONMENT_VARIABLE.get(name));
    }

    /** The keys allowed directly under the mapping at {@code prefix} ("" for the root), in table order. */
    static Set<String> childrenOf(List<String> prefix) {
        Set<String> children = new LinkedHashSet<>();
        for (ConfigKey key : values()) {
            if (key.segments.size() > prefix.size()
                    && key.segments.subList(0, prefix.size()).equals(prefix)) {
                children.add(key.segments.get(prefix.size()));
            }
        }
        return children;
    }

    /** Every mapping path of the table (the root first), so that each can be checked for unknown keys. */
    static List<List<String>> mappingPaths() {
        Set<List<String>> paths = new LinkedHashSet<>();
        for (ConfigKey key : values()) {
            for (int length = 0; length < key.segments.size(); length++) {
                paths.add(key.segments.subList(0, length));
            }
        }
        return new ArrayList<>(paths);
    }

    /** {@code keystorePassword} → {@code KEYSTORE_PASSWORD}. */
    static String upperSnake(String camelCase) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < camelCase.length(); i++) {
            char c = camelCase.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                result.append('_');
            }
            result.append(c);
        }
        return result.toString().toUpperCase(Locale.ROOT);
    }
}
