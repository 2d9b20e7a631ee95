package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.security.ApplicationKind;
import dev.vegateway.adapter.security.ApplicationUser;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.config.GatewayConfig.Quota;
import dev.vegateway.config.GatewayConfig.Throttling;
import dev.vegateway.gateway.auth.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The limits' arithmetic, through applications acting for no one (the per-user limits use the
 * same windows; ThrottlingIT covers them with real users and tokens). Time is a fake clock.
 */
class ThrottlingHandlerTest {
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final AtomicInteger served = new AtomicInteger();

    private LocalServer server(Throttling settings, Handler last) throws Exception {
        ThrottlingHandler throttling = new ThrottlingHandler(last, settings, now::get);
        return LocalServer.start(LocalServer.inChain(new Handler.Wrapper(throttling) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String app = request.getHeaders().get("X-Test-App");
                Exchange exchange = Exchange.of(request);
                exchange.token(new VerifiedToken(
                        app,
                        "issuer",
                        Optional.empty(),
                        Instant.EPOCH,
                        "hash",
                        dev.vegateway.adapter.security.TokenUser.NONE));
                exchange.caller(new Caller.ApplicationOnly(
                        new ApplicationUser(app, "test", ApplicationKind.DATAVERSE, true, Set.of())));
                return super.handle(request, response, callback);
            }
        }));
    }

    private LocalServer server(Throttling settings) throws Exception {
        return server(settings, LocalServer.answering(exchange -> "served " + served.incrementAndGet()));
    }

    private static Throttling perApplication(Quota quota) {
        return new Throttling(true, WINDOW, Quota.UNLIMITED, quota, Set.of("exempt-app"));
    }

    /** One request, and only once every handler is done with it (its time counted, its slot freed). */
    private static HttpTester.Response call(LocalServer server, String app) throws Exception {
        HttpTester.Response answer = server.get("/api/data/v9.2/accounts", "X-Test-App: " + app);
        server.awaitIdle();
        return answer;
    }

    @Test
    void countsRequestsInTheWindowAndRefusesTheOneOverWithRetryAfter() throws Exception {
        try (LocalServer server = server(perApplication(new Quota(3, Duration.ZERO, 0)))) {
            for (int remaining = 2; remaining >= 0; remaining--) {
                HttpTester.Response answer = call(server, "app-a");
                assertThat(answer.getStatus()).isEqualTo(200);
                assertThat(answer.get(ThrottlingHandler.BURST_REMAINING)).isEqualTo(Integer.toString(remaining));
            }
            HttpTester.Response refused = call(server, "app-a");
            HttpTester.Response otherApplication = call(server, "app-b");

            assertThat(refused.getStatus()).isEqualTo(429);
            assertThat(refused.getContent())
                    .contains(ErrorCode.THROTTLED_COUNT.code())
                    .contains("exceeded the limit of 3 over time window of 300 seconds for this application");
            assertThat(Long.parseLong(refused.get("Retry-After"))).isBetween(1L, 301L);
            assertThat(served.get())
                    .as("a refused request never reaches the routes")
                    .isEqualTo(4);
            assertThat(otherApplication.getStatus()).isEqualTo(200);
        }
    }

    @Test
    void theWindowSlidesRequestsOutAfterItsLength() throws Exception {
        try (LocalServer server = server(perApplication(new Quota(2, Duration.ZERO, 0)))) {
            call(server, "app-a");
            now.addAndGet(Duration.ofMinutes(3).toNanos());
            call(server, "app-a");
            assertThat(call(server, "app-a").getStatus()).isEqualTo(429);

            now.addAndGet(Duration.ofMinutes(2).plusSeconds(10).toNanos()); // the first request left the window
            assertThat(call(server, "app-a").getStatus()).isEqualTo(200);
            assertThat(call(server, "app-a").getStatus()).isEqualTo(429);

            now.addAndGet(WINDOW.toNanos()); // everything left it
            assertThat(call(server, "app-a").getStatus()).isEqualTo(200);
        }
    }

    @Test
    void refusesOnceTheCombinedExecutionTimeIsSpent() throws Exception {
        Handler slow = LocalServer.answering(exchange -> {
            now.addAndGet(Duration.ofSeconds(40).toNanos()); // each request "takes" 40 s of the fake clock
            return "slow";
        });
        try (LocalServer server = server(perApplication(new Quota(0, Duration.ofSeconds(100), 0)), slow)) {
            HttpTester.Response first = call(server, "app-a");
            call(server, "app-a");
            call(server, "app-a"); // 120 s spent now
            HttpTester.Response refused = call(server, "app-a");

            assertThat(first.get(ThrottlingHandler.TIME_REMAINING)).isEqualTo("100.00");
            assertThat(refused.getStatus()).isEqualTo(429);
            assertThat(refused.getContent())
                    .contains(ErrorCode.THROTTLED_TIME.code())
                    .contains("exceeded limit of 100000 milliseconds");
            assertThat(Long.parseLong(refused.get("Retry-After"))).isPositive();
        }
    }

    @Test
    void capsTheRequestsRunningAtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handler blocking = LocalServer.answering(exchange -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "done";
        });
        try (LocalServer server = server(perApplication(new Quota(0, Duration.ZERO, 1)), blocking)) {
            CompletableFuture<HttpTester.Response> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.get("/api/data/v9.2/accounts", "X-Test-App: app-a");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            HttpTester.Response refused = server.get("/api/data/v9.2/accounts", "X-Test-App: app-a");
            release.countDown();

            assertThat(refused.getStatus()).isEqualTo(429);
            assertThat(refused.getContent())
                    .contains(ErrorCode.THROTTLED_CONCURRENCY.code())
                    .contains("concurrent requests exceeded the limit of 1");
            assertThat(running.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            server.awaitIdle();
            assertThat(call(server, "app-a").getStatus())
                    .as("the slot is free again")
                    .isEqualTo(200);
        }
    }

    @Test
    void exemptApplicationsAndADisabledSwitchAreNeverLimited() throws Exception {
        Quota one = new Quota(1, Duration.ZERO, 0);
        try (LocalServer server = server(perApplication(one))) {
            for (int i = 0; i < 5; i++) {
                HttpTester.Response answer = call(server, "EXEMPT-APP");
                assertThat(answer.getStatus()).isEqualTo(200);
                assertThat(answer.get(ThrottlingHandler.BURST_REMAINING)).isNull();
            }
        }
        try (LocalServer server = server(new Throttling(false, WINDOW, one, one, Set.of()))) {
            for (int i = 0; i < 5; i++) {
                assertThat(call(server, "app-a").getStatus()).isEqualTo(200);
            }
        }
    }
}
