package dev.vegateway.bench.jmh;

import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.DevIssuer;
import dev.vegateway.gateway.auth.TokenValidator;
import dev.vegateway.gateway.auth.VerifiedToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Authenticating a request: {@link TokenValidator#validate} of a bearer token the development
 * issuer minted (RS256), once from the cache of verified tokens (every request after a client's
 * first) and once with the cache emptied first (parse, signature, claims).
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway,bench/jmh && java -jar
 * bench/jmh/target/vegateway-jmh.jar BenchmarkTokenValidation}
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BenchmarkTokenValidation {
    private static final String ISSUER = "https://bench.vegateway.test/";
    private static final String AUDIENCE = "api://bench";

    private TokenValidator validator;
    private String authorization;

    @Setup
    public void setUp() throws IOException {
        Path folder = Files.createTempDirectory("vegateway-jmh-");
        Path keyFile = folder.resolve("dev-issuer-key.json");
        DevIssuer issuer = DevIssuer.loadOrCreate(keyFile, ISSUER, AUDIENCE);
        GatewayConfig.Auth auth = new GatewayConfig.Auth(
                Optional.empty(),
                Optional.empty(),
                Duration.ofMinutes(10),
                Duration.ofSeconds(30),
                Duration.ofHours(24),
                List.of(ISSUER),
                List.of(AUDIENCE),
                List.of("RS256"),
                Duration.ofSeconds(60),
                new GatewayConfig.DevIssuer(true, keyFile, ISSUER, AUDIENCE));
        validator = new TokenValidator(
                auth, TokenValidator.DEFAULT_MAX_TOKEN_BYTES, Clock.systemUTC(), issuer.publicKeys());
        authorization = "Bearer " + issuer.mint(DemoFixture.DATAVERSE_APPLICATION, Duration.ofHours(4), Map.of());
        Files.delete(keyFile);
        Files.delete(folder);
        validator.validate(authorization);
    }

    @Benchmark
    public VerifiedToken cached() {
        return validator.validate(authorization);
    }

    @Benchmark
    public VerifiedToken uncached() {
        validator.verifiedTokens().invalidateAll();
        return validator.validate(authorization);
    }
}
