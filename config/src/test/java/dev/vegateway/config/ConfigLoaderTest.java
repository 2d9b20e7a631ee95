package dev.vegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String SKIP_TOKEN_SECRET = "0123456789abcdef0123456789abcdef-skip";
    private static final String VALID =
            """
            tls:
              keystore: keystore.p12
              keystorePassword: keystore-secret-value
            auth:
              jwks:
                file: jwks.json
              issuers: [https://login.example.com/tenant/]
              audiences: [api://vegateway]
            backend:
              kind: h2
              url: jdbc:h2:mem:config-test
            catalog:
              file: catalog.yaml
            limits:
              skipTokenSecret: %s
            """
                    .formatted(SKIP_TOKEN_SECRET);

    @TempDir
    Path directory;

    @BeforeEach
    void createReferencedFiles() throws IOException {
        Files.writeString(directory.resolve("keystore.p12"), "not really a keystore");
        Files.writeString(directory.resolve("jwks.json"), "{\"keys\":[]}");
        Files.writeString(directory.resolve("catalog.yaml"), "entities: []");
        Files.writeString(directory.resolve("security.yaml"), "{}");
    }

    @Test
    void theBackendSectionLoadsAloneWithItsOverridesAndProblems() throws IOException {
        Path file = directory.resolve("backend-only.yaml");
        Files.writeString(
                file,
                """
                server: { port: not-checked-here }
                catalog: { file: missing.yaml }
                backend: { kind: h2, url: "jdbc:h2:mem:x", poolSize: 3 }
                """);

        GatewayConfig.Backend backend = ConfigLoader.loadBackend(file, Map.of("VEGATEWAY_BACKEND_POOL_SIZE", "4"));
        assertThat(backend.kind()).isEqualTo(BackendKind.H2);
        assertThat(backend.poolSize()).isEqualTo(4);

        Files.writeString(file, "backend: { kind: h2, url: \"jdbc:postgresql://x/y\", pool: 3 }\n");
        assertThatThrownBy(() -> ConfigLoader.loadBackend(file, Map.of()))
                .isInstanceOf(ProblemsException.class)
                .hasMessageContaining("backend-only.yaml:1: backend.url")
                .hasMessageContaining("pool");
    }

    @Test
    void defaultPoolSizeIsTwoPerCoreBetweenFourAndThirtyTwo() {
        assertThat(GatewayConfig.Backend.defaultPoolSize(1)).isEqualTo(4);
        assertThat(GatewayConfig.Backend.defaultPoolSize(2)).isEqualTo(4);
        assertThat(GatewayConfig.Backend.defaultPoolSize(3)).isEqualTo(6);
        assertThat(GatewayConfig.Backend.defaultPoolSize(8)).isEqualTo(16);
        assertThat(GatewayConfig.Backend.defaultPoolSize(16)).isEqualTo(32);
        assertThat(GatewayConfig.Backend.defaultPoolSize(64)).isEqualTo(32);
        assertThatThrownBy(() -> GatewayConfig.Backend.defaultPoolSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("processors must be positive, was 0");
    }

    @Test
    void validFileLoadsWithDefaults() throws IOException {
        GatewayConfig config = ConfigLoader.load(write(VALID), Map.of());

        assertThat(config.source())
                .isEqualTo(directory.resolve("gateway.yaml").toAbsolutePath().normalize());
        assertThat(config.server())
                .isEqualTo(new GatewayConfig.Server(
                        "127.0.0.1", 8443, "/api/data/v9.2", "Microsoft.Dynamics.CRM", false, 8080));
        assertThat(config.tls().keystore())
                .isEqualTo(directory.resolve("keystore.p12").toAbsolutePath().normalize());
        assertThat(config.tls().keystorePassword().reveal()).isEqualTo("keystore-secret-value");
        assertThat(config.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.admin()).isEqualTo(new GatewayConfig.Admin("127.0.0.1", 8444));
        assertThat(config.auth().jwksFile())
                .contains(directory.resolve("jwks.json").toAbsolutePath().normalize());
        assertThat(config.auth().jwksUrl()).isEmpty();
        assertThat(config.auth().jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.auth().unknownKidMinInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.auth().issuers()).containsExactly("https://login.example.com/tenant/");
        assertThat(config.auth().audiences()).containsExactly("api://vegateway");
        assertThat(config.auth().algorithms()).containsExactly("RS256", "PS256", "ES256");
        assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.auth().devIssuer().enabled()).isFalse();
        assertThat(config.auth().devIssuer().keyFile())
                .isEqualTo(directory
                        .resolve("dev-issuer-key.json")
                        .toAbsolutePath()
                        .normalize());
        assertThat(config.auth().devIssuer().issuer()).isEqualTo("urn:vegateway:dev-issuer");
        assertThat(config.auth().devIssuer().audience()).isEqualTo("urn:vegateway:api");
        assertThat(config.backend().kind()).isEqualTo(BackendKind.H2);
        assertThat(config.backend().url()).isEqualTo("jdbc:h2:mem:config-test");
        assertThat(config.backend().username()).isEmpty();
        assertThat(config.backend().password().isEmpty()).isTrue();
        assertThat(config.backend().poolSize())
                .isEqualTo(GatewayConfig.Backend.defaultPoolSize(
                        Runtime.getRuntime().availableProcessors()));
        assertThat(config.backend().securitySchema()).isEqualTo("vegateway_security");
        assertThat(config.backend().queryTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.backend().acquireTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.backend().probeInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.catalog().file())
                .isEqualTo(directory.resolve("catalog.yaml").toAbsolutePath().normalize());
        assertThat(config.security().file()).isEmpty();
        assertThat(config.security().importOnStart()).isFalse();
        assertThat(config.limits().maxPageSize()).isEqualTo(5000);
        assertThat(config.limits().maxTokenBytes()).isEqualTo(16384);
        assertThat(config.limits().maxRequestBodyBytes()).isEqualTo(10_485_760L);
        assertThat(config.limits().maxBatchParts()).isEqualTo(1000);
        assertThat(config.limits().maxBatchBodyBytes()).isEqualTo(33_554_432L);
        assertThat(config.limits().skipTokenSecret().reveal()).isEqualTo(SKIP_TOKEN_SECRET);
        assertThat(config.limits().expandPageSize()).isEqualTo(5000);
        assertThat(config.limits().maxExpandDepth()).isEqualTo(3);
        assertThat(config.limits().maxExpands()).isEqualTo(10);
    }

    @Test
    void everySettingCanBeWrittenExplicitly() throws IOException {
        String yaml =
                """
                server: { host: localhost, port: 0, servicePath: /odata, namespace: Contoso.Erp, plainHttp: { enabled: true, port: 0 } }
                tls: { keystore: keystore.p12, keystorePassword: pw, protocols: [TLSv1.3] }
                admin: { host: 0.0.0.0, port: 9000 }
                auth:
                  jwks: { url: "https://login.example.com/keys", refreshInterval: 10m, unknownKidMinInterval: 1s }
                  issuers: [a, b, a]
                  audiences: aud
                  algorithms: [rs512, ES384]
                  clockSkew: 5m
                  devIssuer: { enabled: false, keyFile: keys/dev.json, issuer: "urn:i", audience: "urn:a" }
                backend: { kind: PostgreSQL, url: "jdbc:postgresql://db/erp", username: gw, password: db-secret, poolSize: 200, securitySchema: sec, queryTimeout: 2500ms, acquireTimeout: 2s, probeInterval: 100ms }
                catalog: { file: ./catalog.yaml }
                security: { file: security.yaml, importOnStart: true }
                limits: { maxPageSize: 1, maxTokenBytes: 2048, maxRequestBodyBytes: 4096, maxBatchParts: 10, maxBatchBodyBytes: 8192, skipTokenSecret: %s, expandPageSize: 7, maxExpandDepth: 2, maxExpands: 4 }
                """
                        .formatted(SKIP_TOKEN_SECRET);

        GatewayConfig config = ConfigLoader.load(write(yaml), Map.of());

        assertThat(config.server())
                .isEqualTo(new GatewayConfig.Server("localhost", 0, "/odata", "Contoso.Erp", true, 0));
        assertThat(config.tls().protocols()).containsExactly("TLSv1.3");
        assertThat(config.admin()).isEqualTo(new GatewayConfig.Admin("0.0.0.0", 9000));
        assertThat(config.auth().jwksFile()).isEmpty();
        assertThat(config.auth().jwksUrl()).contains(URI.create("https://login.example.com/keys"));
        assertThat(config.auth().jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.auth().unknownKidMinInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.auth().issuers()).containsExactly("a", "b");
        assertThat(config.auth().audiences()).containsExactly("aud");
        assertThat(config.auth().algorithms()).containsExactly("RS512", "ES384");
        assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.auth().devIssuer().keyFile())
                .isEqualTo(directory.resolve("keys/dev.json").toAbsolutePath().normalize());
        assertThat(config.backend().kind()).isEqualTo(BackendKind.POSTGRESQL);
        assertThat(config.backend().password().reveal()).isEqualTo("db-secret");
        assertThat(config.backend().queryTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.backend().acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.backend().probeInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.security().file())
                .contains(directory.resolve("security.yaml").toAbsolutePath().normalize());
        assertThat(config.security().importOnStart()).isTrue();
        assertThat(config.limits())
                .extracting(
                        GatewayConfig.Limits::maxPageSize,
                        GatewayConfig.Limits::maxTokenBytes,
                        GatewayConfig.Limits::maxRequestBodyBytes,
                        GatewayConfig.Limits::maxBatchParts,
                        GatewayConfig.Limits::maxBatchBodyBytes,
                        GatewayConfig.Limits::expandPageSize,
                        GatewayConfig.Limits::maxExpandDepth,
                        GatewayConfig.Limits::maxExpands)
                .containsExactly(1, 2048, 4096L, 10, 8192L, 7, 2, 4);
    }

    @Test
    void reportsEveryProblemWithLineAndKey() throws IOException {
        String yaml =
                """
                server:
                  port: 70000
                  prot: 1
                  servicePath: api/
                tls:
                  keystore: missing.p12
                  keystorePassword: pw
                auth:
                  jwks:
                    url: http://insecure.example/keys
                  issuers: []
                  audiences: [api]
                  algorithms: [RS256, none, HS256, XY1]
                  clockSkew: 10m
                backend:
                  kind: postgresql
                  url: jdbc:h2:mem:x
                  poolSize: 0
                  securitySchema: "bad-schema"
                limits:
                  skipTokenSecret: too-short-secret
                extra: 1
                """;

        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> ConfigLoader.load(write(yaml), Map.of()));

        assertThat(thrown.problems())
                .extracting(Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple(3, "server.prot"),
                        tuple(22, "extra"),
                        tuple(2, "server.port"),
                        tuple(4, "server.servicePath"),
                        tuple(6, "tls.keystore"),
                        tuple(10, "auth.jwks.url"),
                        tuple(11, "auth.issuers"),
                        tuple(13, "auth.algorithms[1]"),
                        tuple(13, "auth.algorithms[2]"),
                        tuple(13, "auth.algorithms[3]"),
                        tuple(14, "auth.clockSkew"),
                        tuple(17, "backend.url"),
                        tuple(18, "backend.poolSize"),
                        tuple(19, "backend.securitySchema"),
                        tuple(1, "catalog.file"),
                        tuple(21, "limits.skipTokenSecret"));
        assertThat(thrown.problems())
                .allSatisfy(problem -> assertThat(problem.source()).endsWith("gateway.yaml"));
        assertThat(message(thrown, "server.prot"))
                .startsWith(
                        "unknown key (allowed: host, port, servicePath, namespace, plainHttp, shutdownGracePeriod)");
        assertThat(message(thrown, "server.port")).isEqualTo("must be between 0 and 65535, was 70000");
        assertThat(message(thrown, "tls.keystore"))
                .startsWith("file not found: ")
                .endsWith("missing.p12");
        assertThat(message(thrown, "auth.algorithms[1]")).contains("unsigned tokens");
        assertThat(message(thrown, "auth.algorithms[2]")).contains("HMAC").contains("shared secret");
        assertThat(message(thrown, "auth.algorithms[3]")).contains("unknown algorithm 'XY1'");
        assertThat(message(thrown, "backend.url")).contains("jdbc:postgresql:").doesNotContain("jdbc:h2:mem:x");
        assertThat(message(thrown, "catalog.file")).isEqualTo("is required");
        assertThat(thrown.getMessage())
                .doesNotContain("too-short-secret")
                .contains("gateway.yaml:21: limits.skipTokenSecret: must be at least 32 characters");
    }

    @Test
    void jwksNeedsExactlyOneSourceUnlessTheDevIssuerIsEnabled() throws IOException {
        String neither = VALID.replace("  jwks:\n    file: jwks.json\n", "");
        assertThatThrownBy(() -> ConfigLoader.load(write(neither), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::message)
                        .containsExactly(tuple(
                                "auth.jwks",
                                "one of file or url is required (unless auth.devIssuer.enabled is true)")));

        String both = VALID.replace(
                "    file: jwks.json\n", "    file: jwks.json\n    url: https://login.example.com/keys\n");
        assertThatThrownBy(() -> ConfigLoader.load(write(both), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::line, Problem::key)
                        .containsExactly(tuple(7, "auth.jwks.url")));

        String devOnly = neither.replace(
                "  issuers: [https://login.example.com/tenant/]\n  audiences: [api://vegateway]\n",
                "  devIssuer: { enabled: true }\n");
        GatewayConfig config = ConfigLoader.load(write(devOnly), Map.of());
        assertThat(config.auth().jwksFile()).isEmpty();
        assertThat(config.auth().jwksUrl()).isEmpty();
        assertThat(config.auth().issuers()).containsExactly("urn:vegateway:dev-issuer");
        assertThat(config.auth().audiences()).containsExactly("urn:vegateway:api");
    }

    @Test
    void theDevIssuerReplacesTheJwksAndCannotBeCombinedWithIt() throws IOException {
        String devAndFile =
                VALID.replace("    file: jwks.json\n", "    file: jwks.json\n  devIssuer: { enabled: true }\n");
        assertThatThrownBy(() -> ConfigLoader.load(write(devAndFile), Map.of()))
                .isInstanceOfSatisfying(
                        ProblemsException.class,
                        e -> assertThat(e.problems())
                                .extracting(Problem::key, Problem::message)
                                .containsExactly(
                                        tuple(
                                                "auth.jwks.file",
                                                "the dev issuer replaces the JWKS: with auth.devIssuer.enabled true, leave auth.jwks.file and auth.jwks.url unset")));
    }

    @Test
    void unknownKidIntervalMustBePositive() throws IOException {
        String zero = VALID.replace("    file: jwks.json\n", "    file: jwks.json\n    unknownKidMinInterval: 0s\n");
        assertThatThrownBy(() -> ConfigLoader.load(write(zero), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::message)
                        .containsExactly(tuple("auth.jwks.unknownKidMinInterval", "must be greater than 0")));
    }

    @Test
    void backendTimingsMustBeInRange() throws IOException {
        String yaml = VALID.replace(
                "url: jdbc:h2:mem:config-test",
                "url: jdbc:h2:mem:config-test\n  acquireTimeout: 100ms\n  probeInterval: 1m");
        assertThatThrownBy(() -> ConfigLoader.load(write(yaml), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::message)
                        .containsExactly(
                                tuple("backend.acquireTimeout", "must be between 250ms and 30s, was 100ms"),
                                tuple("backend.probeInterval", "must be between 50ms and 10s, was 1m")));
    }

    @Test
    void backendTimingsComeFromTheEnvironmentToo() throws IOException {
        GatewayConfig config = ConfigLoader.load(
                write(VALID),
                Map.of("VEGATEWAY_BACKEND_ACQUIRE_TIMEOUT", "1s", "VEGATEWAY_BACKEND_PROBE_INTERVAL", "200ms"));
        assertThat(config.backend().acquireTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backend().probeInterval()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void importOnStartRequiresASecurityFile() throws IOException {
        String yaml = VALID + "security:\n  importOnStart: true\n";

        assertThatThrownBy(() -> ConfigLoader.load(write(yaml), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::line, Problem::key)
                        .containsExactly(tuple(17, "security.importOnStart")));
    }

    @Test
    void invalidYamlIsReportedWithItsLine() throws IOException {
        Path file = write("server:\n  port: [1\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("VEGATEWAY_NO_SUCH_KEY", "1")))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::source, Problem::line)
                        .containsExactly(tuple(file.toString(), 3), tuple("env VEGATEWAY_NO_SUCH_KEY", 0)));
    }

    // ---- environment overrides ----

    @Test
    void environmentOverridesReplaceFileValues() throws IOException {
        Map<String, String> environment = Map.of(
                "VEGATEWAY_SERVER_PORT", "9443",
                "VEGATEWAY_SERVER_PLAIN_HTTP_ENABLED", "true",
                "VEGATEWAY_SERVER_PLAIN_HTTP_PORT", "0",
                "VEGATEWAY_TLS_KEYSTORE_PASSWORD", "from-environment",
                "VEGATEWAY_AUTH_ISSUERS", "https://a.example/, https://b.example/",
                "VEGATEWAY_LIMITS_SKIP_TOKEN_SECRET", "abcdefghijklmnopqrstuvwxyz0123456789",
                "VEGATEWAY_HOME", "/opt/vegateway",
                "VEGATEWAY_JAVA_OPTS", "-Xmx1g",
                "VEGATEWAY_CONFIG", "/etc/vegateway.yaml",
                "PATH", "/usr/bin");

        GatewayConfig config = ConfigLoader.load(write(VALID), environment);

        assertThat(config.server().port()).isEqualTo(9443);
        assertThat(config.server().plainHttpEnabled()).isTrue();
        assertThat(config.server().plainHttpPort()).isZero();
        assertThat(config.tls().keystorePassword().reveal()).isEqualTo("from-environment");
        assertThat(config.auth().issuers()).containsExactly("https://a.example/", "https://b.example/");
        assertThat(config.limits().skipTokenSecret().reveal()).isEqualTo("abcdefghijklmnopqrstuvwxyz0123456789");
    }

    @Test
    void environmentCanSupplyRequiredValuesAndNestedSections() throws IOException {
        String withoutJwksAndSecret = VALID.replace("  jwks:\n    file: jwks.json\n", "")
                .replace("limits:\n  skipTokenSecret: " + SKIP_TOKEN_SECRET + "\n", "");

        GatewayConfig config = ConfigLoader.load(
                write(withoutJwksAndSecret),
                Map.of(
                        "VEGATEWAY_AUTH_JWKS_URL", "https://login.example.com/keys",
                        "VEGATEWAY_LIMITS_SKIP_TOKEN_SECRET", SKIP_TOKEN_SECRET,
                        "VEGATEWAY_AUTH_DEV_ISSUER_KEY_FILE", "dev.json"));

        assertThat(config.auth().jwksUrl()).contains(URI.create("https://login.example.com/keys"));
        assertThat(config.auth().devIssuer().enabled()).isFalse();
        assertThat(config.auth().devIssuer().keyFile())
                .isEqualTo(directory.resolve("dev.json").toAbsolutePath().normalize());
        assertThat(config.limits().skipTokenSecret().reveal()).isEqualTo(SKIP_TOKEN_SECRET);
    }

    @Test
    void theFiscalCalendarIsReadAndCheckedWithItsKeys() throws IOException {
        assertThat(ConfigLoader.load(write(VALID), Map.of()).query().fiscalCalendar())
                .isEmpty();
        GatewayConfig config = ConfigLoader.load(
                write(VALID + "query:\n  fiscalYearStart: \"04-06\"\n  fiscalPeriod: semiannual\n"), Map.of());
        assertThat(config.query().fiscalCalendar())
                .contains(new FiscalCalendar(java.time.MonthDay.of(4, 6), FiscalCalendar.Period.SEMIANNUAL));
        assertThat(ConfigLoader.load(write(VALID), Map.of("VEGATEWAY_QUERY_FISCAL_YEAR_START", "10-01"))
                        .query()
                        .fiscalCalendar())
                .contains(new FiscalCalendar(java.time.MonthDay.of(10, 1), FiscalCalendar.Period.MONTHLY));
        ProblemsException thrown = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID + "query:\n  fiscalYearStart: \"02-30\"\n  fiscalPeriod: weekly\n"), Map.of()));
        assertThat(thrown.problems())
                .extracting(Problem::key)
                .containsExactlyInAnyOrder("query.fiscalYearStart", "query.fiscalPeriod");
        assertThat(thrown.getMessage()).contains("day 01 to 28").contains("monthly, quarterly, semiannual or annual");
        assertThat(catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "query:\n  fiscalPeriod: annual\n"), Map.of()))
                        .getMessage())
                .contains("query.fiscalPeriod")
                .contains("needs query.fiscalYearStart");
    }

    @Test
    void invalidOverrideNamesTheVariable() throws IOException {
        ProblemsException thrown = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID),
                        Map.of(
                                "VEGATEWAY_SERVER_PORT", "https",
                                "VEGATEWAY_AUTH_ALGORITHMS", "RS256,HS512",
                                "VEGATEWAY_LIMITS_SKIP_TOKEN_SECRET", "short-secret")));

        assertThat(thrown.problems())
                .extracting(Problem::source, Problem::line, Problem::key)
                .containsExactlyInAnyOrder(
                        tuple("env VEGATEWAY_SERVER_PORT", 0, "server.port"),
                        tuple("env VEGATEWAY_AUTH_ALGORITHMS", 0, "auth.algorithms[1]"),
                        tuple("env VEGATEWAY_LIMITS_SKIP_TOKEN_SECRET", 0, "limits.skipTokenSecret"));
        assertThat(thrown.getMessage())
                .contains("env VEGATEWAY_SERVER_PORT: server.port: must be a whole number, was 'https'")
                .doesNotContain("short-secret");
    }

    @Test
    void unknownVegatewayVariableIsAProblem() throws IOException {
        ProblemsException thrown = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID),
                        Map.of("VEGATEWAY_SERVER_PROT", "1", "VEGATEWAY_FOO", "x", "OTHER_SERVER_PORT", "1")));

        assertThat(thrown.problems())
                .extracting(Problem::source)
                .containsExactly("env VEGATEWAY_FOO", "env VEGATEWAY_SERVER_PROT");
        assertThat(thrown.problems().get(1).message()).contains("did you mean VEGATEWAY_SERVER_PORT?");
    }

    @Test
    void environmentVariableNamesFollowTheRule() {
        assertThat(ConfigKey.TLS_KEYSTORE_PASSWORD.environmentVariable()).isEqualTo("VEGATEWAY_TLS_KEYSTORE_PASSWORD");
        assertThat(ConfigKey.AUTH_JWKS_URL.environmentVariable()).isEqualTo("VEGATEWAY_AUTH_JWKS_URL");
        assertThat(ConfigKey.AUTH_DEV_ISSUER_ENABLED.environmentVariable())
                .isEqualTo("VEGATEWAY_AUTH_DEV_ISSUER_ENABLED");
        assertThat(ConfigKey.SERVER_PLAIN_HTTP_PORT.environmentVariable())
                .isEqualTo("VEGATEWAY_SERVER_PLAIN_HTTP_PORT");
        assertThat(ConfigKey.LIMITS_SKIP_TOKEN_SECRET.environmentVariable())
                .isEqualTo("VEGATEWAY_LIMITS_SKIP_TOKEN_SECRET");
        // The table's constant names are the variables without the prefix, so the two cannot drift apart unnoticed.
        assertThat(Arrays.stream(ConfigKey.values()))
                .allSatisfy(key -> assertThat(key.environmentVariable()).isEqualTo("VEGATEWAY_" + key.name()));
    }

    // ---- plain HTTP ----

    @Test
    void plainHttpIsRefusedOnANonLoopbackHost() throws IOException {
        String yaml = "server:\n  host: 0.0.0.0\n  plainHttp:\n    enabled: true\n" + VALID;

        ProblemsException thrown =
                catchThrowableOfType(ProblemsException.class, () -> ConfigLoader.load(write(yaml), Map.of()));

        assertThat(thrown.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.key()).isEqualTo("server.plainHttp.enabled");
            assertThat(problem.message()).contains("loopback").contains("'0.0.0.0'");
        });
    }

    @Test
    void plainHttpIsAllowedOnLoopbackHosts() throws IOException {
        for (String host : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
            String yaml = "server:\n  host: \"" + host + "\"\n  plainHttp:\n    enabled: true\n" + VALID;
            assertThat(ConfigLoader.load(write(yaml), Map.of()).server().plainHttpEnabled())
                    .isTrue();
        }
        assertThat(ConfigLoader.isLoopback("127.0.0.256")).isFalse();
        assertThat(ConfigLoader.isLoopback("128.0.0.1")).isFalse();
        assertThat(ConfigLoader.isLoopback("localhost.example.com")).isFalse();
        assertThat(ConfigLoader.isLoopback("[::1]")).isTrue();
    }

    @Test
    void plainHttpOverriddenByEnvironmentIsCheckedToo() throws IOException {
        ProblemsException thrown = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID),
                        Map.of("VEGATEWAY_SERVER_HOST", "10.0.0.5", "VEGATEWAY_SERVER_PLAIN_HTTP_ENABLED", "true")));

        assertThat(thrown.problems())
                .extracting(Problem::source, Problem::key)
                .containsExactly(tuple("env VEGATEWAY_SERVER_PLAIN_HTTP_ENABLED", "server.plainHttp.enabled"));
    }

    // ---- the security database and invalidation ----

    @Test
    void theSecurityDataIsInTheBusinessDatabaseUnlessSecurityBackendIsSet() throws IOException {
        GatewayConfig config = ConfigLoader.load(write(VALID), Map.of());
        assertThat(config.separateSecurityBackend()).isFalse();
        assertThat(config.securityBackend()).isSameAs(config.backend());
        assertThat(config.security().invalidationPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConfigLoader.describe(config))
                .containsPattern("security.backend.url: +\\(none: the security data is in the business database\\)\n")
                .containsPattern("security.invalidation.pollInterval: +1s\n");
    }

    @Test
    void aSecurityBackendTakesItsKindFromItsUrlAndTheSchemaAndTimeoutsOfTheBusinessBackend() throws IOException {
        String yaml = VALID
                + """
                security:
                  backend:
                    url: jdbc:postgresql://127.0.0.1:5432/security
                    username: keeper
                    password: security-db-secret
                    poolSize: 3
                  invalidation:
                    pollInterval: 200ms
                """;
        GatewayConfig config = ConfigLoader.load(write(yaml), Map.of("VEGATEWAY_BACKEND_QUERY_TIMEOUT", "7s"));
        assertThat(config.separateSecurityBackend()).isTrue();
        GatewayConfig.Backend security = config.securityBackend();
        assertThat(security.kind()).isEqualTo(GatewayConfig.BackendKind.POSTGRESQL);
        assertThat(security.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/security");
        assertThat(security.username()).isEqualTo("keeper");
        assertThat(security.password().reveal()).isEqualTo("security-db-secret");
        assertThat(security.poolSize()).isEqualTo(3);
        assertThat(security.securitySchema()).isEqualTo(config.backend().securitySchema());
        assertThat(security.queryTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.backend().kind()).isEqualTo(GatewayConfig.BackendKind.H2);
        assertThat(config.security().invalidationPollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(ConfigLoader.describe(config))
                .doesNotContain("security-db-secret")
                .containsPattern("security.backend.poolSize: +3\n");
    }

    @Test
    void aSecurityBackendComesFromTheEnvironmentToo() throws IOException {
        GatewayConfig config = ConfigLoader.load(
                write(VALID),
                Map.of(
                        "VEGATEWAY_SECURITY_BACKEND_URL", "jdbc:h2:mem:security-elsewhere",
                        "VEGATEWAY_SECURITY_INVALIDATION_POLL_INTERVAL", "2s"));
        assertThat(config.securityBackend().kind()).isEqualTo(GatewayConfig.BackendKind.H2);
        assertThat(config.securityBackend().url()).isEqualTo("jdbc:h2:mem:security-elsewhere");
        assertThat(config.securityBackend().poolSize()).isEqualTo(GatewayConfig.SecurityBootstrap.DEFAULT_POOL_SIZE);
        assertThat(config.security().invalidationPollInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aSecurityBackendNeedsAJdbcUrlOfAKnownKindAndThePollIntervalARange() throws IOException {
        String other = VALID
                + """
                security:
                  backend: { url: "jdbc:mysql://127.0.0.1/security?password=not-echoed", kind: mysql }
                  invalidation: { pollInterval: 10ms }
                """;
        assertThatThrownBy(() -> ConfigLoader.load(write(other), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> {
                    assertThat(e.problems())
                            .extracting(Problem::key, Problem::message)
                            .contains(
                                    tuple(
                                            "security.backend.url",
                                            "must be a JDBC URL starting with jdbc:h2: or jdbc:postgresql:"),
                                    tuple(
                                            "security.invalidation.pollInterval",
                                            "must be between 50ms and 1m, was 10ms"));
                    assertThat(e.problems()).extracting(Problem::key).contains("security.backend.kind");
                    assertThat(e.problems().toString()).doesNotContain("not-echoed");
                });
        String withoutUrl = VALID + "security:\n  backend: { username: keeper }\n";
        assertThatThrownBy(() -> ConfigLoader.load(write(withoutUrl), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::message)
                        .containsExactly(tuple("security.backend.url", "is required")));
    }

    @Test
    void theCatalogFileIsWatchedByDefaultAndTheIntervalHasARange() throws IOException {
        GatewayConfig defaults = ConfigLoader.load(write(VALID), Map.of());
        assertThat(defaults.catalog().watch()).isTrue();
        assertThat(defaults.catalog().watchInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigLoader.describe(defaults))
                .containsPattern("catalog.watch: +true\n")
                .containsPattern("catalog.watchInterval: +2s\n");

        String off = VALID.replace(
                "  file: catalog.yaml\n", "  file: catalog.yaml\n  watch: false\n  watchInterval: 250ms\n");
        GatewayConfig unwatched = ConfigLoader.load(write(off), Map.of());
        assertThat(unwatched.catalog().watch()).isFalse();
        assertThat(unwatched.catalog().watchInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigLoader.load(write(VALID), Map.of("VEGATEWAY_CATALOG_WATCH", "false"))
                        .catalog()
                        .watch())
                .isFalse();

        String tooShort = VALID.replace("  file: catalog.yaml\n", "  file: catalog.yaml\n  watchInterval: 10ms\n");
        assertThatThrownBy(() -> ConfigLoader.load(write(tooShort), Map.of()))
                .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems())
                        .extracting(Problem::key, Problem::line, Problem::message)
                        .containsExactly(tuple("catalog.watchInterval", 14, "must be between 100ms and 1h, was 10ms")));
    }

    // ---- secrets ----

    @Test
    void secretsNeverAppearInDescribeOrToString() throws IOException {
        String yaml = VALID.replace(
                        "url: jdbc:h2:mem:config-test",
                        "url: \"jdbc:h2:mem:config-test;USER=sa;PASSWORD=url-secret-value\"\n  password: db-secret-value")
                + "security:\n  backend: { url: \"jdbc:h2:mem:security;PASSWORD=security-url-secret\","
                + " password: security-db-secret }\n";

        GatewayConfig config = ConfigLoader.load(write(yaml), Map.of());
        String described = ConfigLoader.describe(config);

        for (String text : List.of(described, config.toString())) {
            assertThat(text)
                    .doesNotContain("keystore-secret-value", "db-secret-value", "security-db-secret", SKIP_TOKEN_SECRET)
                    .contains("******");
        }
        assertThat(described)
                .doesNotContain("url-secret-value", "security-url-secret")
                .contains("tls.keystorePassword: ")
                .contains("server.port: ")
                .containsPattern("auth.jwks.refreshInterval: +5m\n")
                .containsPattern("backend.queryTimeout: +30s\n")
                .contains("jdbc:h2:mem:config-test;USER=sa;PASSWORD=******");
        assertThat(described.lines()).hasSize(ConfigKey.values().length + 1);
        assertThat(described.lines().filter(line -> line.endsWith("******"))).hasSize(6);
    }

    private Path write(String yaml) throws IOException {
        Path file = directory.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String message(ProblemsException thrown, String key) {
        Optional<Problem> problem = thrown.problems().stream()
                .filter(candidate -> candidate.key().equals(key))
                .findFirst();
        assertThat(problem).as("problem for %s in %s", key, thrown.problems()).isPresent();
        return problem.get().message();
    }

    @Test
    void readsTheShutdownGracePeriodAndTheUrlLimitWithTheirRanges() throws Exception {
        GatewayConfig defaults = ConfigLoader.load(write(VALID), Map.of());
        assertThat(defaults.server().shutdownGracePeriod()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(defaults.limits().maxUrlBytes()).isEqualTo(16 * 1024);
        GatewayConfig set = ConfigLoader.load(
                write(VALID),
                Map.of("VEGATEWAY_SERVER_SHUTDOWN_GRACE_PERIOD", "2s", "VEGATEWAY_LIMITS_MAX_URL_BYTES", "4096"));
        assertThat(set.server().shutdownGracePeriod()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(set.limits().maxUrlBytes()).isEqualTo(4096);
        assertThat(set.limits().maxRequestHeaderBytes()).isEqualTo(4096 + 16384 + 16384);
        ProblemsException thrown = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID),
                        Map.of(
                                "VEGATEWAY_SERVER_SHUTDOWN_GRACE_PERIOD",
                                "11m",
                                "VEGATEWAY_LIMITS_MAX_URL_BYTES",
                                "10")));
        assertThat(thrown.problems())
                .extracting(Problem::key)
                .containsExactlyInAnyOrder("server.shutdownGracePeriod", "limits.maxUrlBytes");
    }

    @Test
    void auditRetentionIsAbsentOrZeroForeverOrADurationBetweenAnHourAndAHundredYears() throws Exception {
        assertThat(ConfigLoader.load(write(VALID), Map.of()).audit().retention())
                .isEmpty();
        assertThat(ConfigLoader.load(write(VALID + "audit: { retention: 0 }\n"), Map.of())
                        .audit()
                        .retention())
                .isEmpty();
        assertThat(ConfigLoader.load(write(VALID + "audit: { retention: 0d }\n"), Map.of())
                        .audit()
                        .retention())
                .isEmpty();
        GatewayConfig ninetyDays = ConfigLoader.load(write(VALID + "audit:\n  retention: 90d\n"), Map.of());
        assertThat(ninetyDays.audit().retention()).contains(Duration.ofDays(90));
        assertThat(ConfigLoader.describe(ninetyDays))
                .contains("audit.retention: ")
                .contains(" 90d\n");
        assertThat(ConfigLoader.describe(ConfigLoader.load(write(VALID), Map.of())))
                .contains("0 (keep forever)");
        assertThat(ConfigLoader.load(write(VALID), Map.of("VEGATEWAY_AUDIT_RETENTION", "12h"))
                        .audit()
                        .retention())
                .contains(Duration.ofHours(12));

        ProblemsException tooShort = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(write(VALID + "audit:\n  retention: 30m\n"), Map.of()));
        Problem problem = tooShort.problems().get(0);
        assertThat(problem.source()).endsWith("gateway.yaml");
        assertThat(problem.line()).isEqualTo(VALID.lines().count() + 2);
        assertThat(problem.key()).isEqualTo("audit.retention");
        assertThat(problem.message()).isEqualTo("must be 0 (keep forever) or between 1h and 36500d, was 30m");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID), Map.of("VEGATEWAY_AUDIT_RETENTION", "90 days"))),
                        "audit.retention"))
                .isEqualTo("must be a duration such as 250ms, 30s, 5m, 1h or 1d, was '90 days'");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "audit: { retention: 36501d }\n"), Map.of())),
                        "audit.retention"))
                .isEqualTo("must be 0 (keep forever) or between 1h and 36500d, was 36501d");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "audit: { retain: 90d }\n"), Map.of())),
                        "audit.retain"))
                .contains("unknown key (allowed: retention)");
    }

    @Test
    void throttlingDefaultsToDataversesUserLimitsAndReadsEverySetting() throws Exception {
        GatewayConfig.Throttling defaults =
                ConfigLoader.load(write(VALID), Map.of()).throttling();
        assertThat(defaults).isEqualTo(GatewayConfig.Throttling.DEFAULTS);
        assertThat(defaults.perUser()).isEqualTo(new GatewayConfig.Quota(6000, Duration.ofSeconds(1200), 52));
        assertThat(defaults.perApplication()).isEqualTo(GatewayConfig.Quota.UNLIMITED);

        GatewayConfig.Throttling set = ConfigLoader.load(
                        write(VALID
                                + "throttling:\n  enabled: false\n  window: 1m\n  userRequests: 10\n"
                                + "  userExecutionTime: 30s\n  userConcurrentRequests: 2\n  applicationRequests: 100\n"
                                + "  applicationExecutionTime: 5m\n  applicationConcurrentRequests: 20\n"
                                + "  exemptApplications: [AAAA-1, bbbb-2]\n"),
                        Map.of("VEGATEWAY_THROTTLING_USER_REQUESTS", "11"))
                .throttling();
        assertThat(set.enabled()).isFalse();
        assertThat(set.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.perUser()).isEqualTo(new GatewayConfig.Quota(11, Duration.ofSeconds(30), 2));
        assertThat(set.perApplication()).isEqualTo(new GatewayConfig.Quota(100, Duration.ofMinutes(5), 20));
        assertThat(set.exemptApplications()).containsExactlyInAnyOrder("aaaa-1", "bbbb-2");

        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "throttling: { window: 2s }\n"), Map.of())),
                        "throttling.window"))
                .isEqualTo("must be between 10s and 24h, was 2s");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "throttling: { userRequests: -1 }\n"), Map.of())),
                        "throttling.userRequests"))
                .contains("-1");
    }

    @Test
    void loggingTakesALevelLoggerLevelsAndAFormat() throws Exception {
        assertThat(ConfigLoader.load(write(VALID), Map.of()).logging()).isEqualTo(GatewayConfig.Logging.DEFAULTS);

        GatewayConfig.Logging set = ConfigLoader.load(
                        write(VALID
                                + "logging:\n  level: warn\n  levels: [vegateway.request=ERROR, org.eclipse.jetty=debug]\n"
                                + "  format: JSON\n"),
                        Map.of())
                .logging();
        assertThat(set.level()).isEqualTo("WARN");
        assertThat(set.levels())
                .containsEntry("vegateway.request", "ERROR")
                .containsEntry("org.eclipse.jetty", "DEBUG");
        assertThat(set.format()).isEqualTo(GatewayConfig.LogFormat.JSON);
        assertThat(ConfigLoader.load(write(VALID), Map.of("VEGATEWAY_LOGGING_LEVELS", "a.b=TRACE,c=OFF"))
                        .logging()
                        .levels())
                .containsOnly(Map.entry("a.b", "TRACE"), Map.entry("c", "OFF"));

        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "logging: { level: loud }\n"), Map.of())),
                        "logging.level"))
                .isEqualTo("must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, was 'loud'");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(
                                        write(VALID + "logging: { levels: [just.a.logger] }\n"), Map.of())),
                        "logging.levels[0]"))
                .startsWith("must be logger=LEVEL");
        assertThat(message(
                        catchThrowableOfType(
                                ProblemsException.class,
                                () -> ConfigLoader.load(write(VALID + "logging: { format: xml }\n"), Map.of())),
                        "logging.format"))
                .isEqualTo("must be text or json, was 'xml'");
    }

    @Test
    void readReplicasAreJdbcUrlsOfTheBackendsKindNamedOnce() throws Exception {
        assertThat(ConfigLoader.load(write(VALID), Map.of()).backend().replicas())
                .isEmpty();
        GatewayConfig.Backend backend = ConfigLoader.load(
                        write(VALID),
                        Map.of(
                                "VEGATEWAY_BACKEND_REPLICAS",
                                "jdbc:h2:mem:replica-1;password=hidden,jdbc:h2:mem:replica-2"))
                .backend();
        assertThat(backend.replicas())
                .containsExactly("jdbc:h2:mem:replica-1;password=hidden", "jdbc:h2:mem:replica-2");
        assertThat(backend.atReplica("jdbc:h2:mem:replica-2").url()).isEqualTo("jdbc:h2:mem:replica-2");
        assertThat(backend.atReplica("jdbc:h2:mem:replica-2").username()).isEqualTo(backend.username());
        assertThat(ConfigLoader.describe(ConfigLoader.load(
                        write(VALID), Map.of("VEGATEWAY_BACKEND_REPLICAS", "jdbc:h2:mem:replica-1;password=hidden"))))
                .doesNotContain("hidden");

        ProblemsException wrong = catchThrowableOfType(
                ProblemsException.class,
                () -> ConfigLoader.load(
                        write(VALID),
                        Map.of("VEGATEWAY_BACKEND_REPLICAS", "jdbc:postgresql://r/erp,jdbc:h2:mem:r,jdbc:h2:mem:r")));
        assertThat(wrong.problems())
                .extracting(Problem::message)
                .anySatisfy(message -> assertThat(message).startsWith("must be a JDBC URL starting with jdbc:h2:"))
                .anySatisfy(message -> assertThat(message).isEqualTo("names the primary or another replica again"));
    }
}
