package dev.vegateway.bench.jmh;

import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerRequest;
import dev.vegateway.adapter.security.CallerResolver;
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
 * Resolving the caller of a request: {@link CallerResolver#resolve} of the demo's Dataverse
 * application acting for Bob Clerk by {@code CallerObjectId}, against the demo's security data in
 * H2 (after the first request, from the security store's caches, as on the hot path).
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway,bench/jmh && java -jar
 * bench/jmh/target/vegateway-jmh.jar BenchmarkCallerResolution}
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BenchmarkCallerResolution {
    private CallerResolver resolver;
    private CallerRequest request;

    @Setup
    public void setUp() {
        resolver = new CallerResolver(DemoFixture.securityStore(DemoFixture.catalog()));
        request = new CallerRequest(
                DemoFixture.DATAVERSE_APPLICATION,
                Optional.of(DemoFixture.BOB_OBJECT_ID),
                Optional.empty(),
                Optional.empty());
        if (!(resolver.resolve(request) instanceof Caller.User)) {
            throw new IllegalStateException("the demo's Bob Clerk does not resolve to a user");
        }
    }

    @Benchmark
    public Caller resolve() {
        return resolver.resolve(request);
    }
}
