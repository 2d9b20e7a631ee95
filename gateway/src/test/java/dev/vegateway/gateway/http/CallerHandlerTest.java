package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.security.ApplicationKind;
import dev.vegateway.adapter.security.ApplicationUser;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerRequest;
import dev.vegateway.gateway.auth.VerifiedToken;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class CallerHandlerTest {
    private static final String APP = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final ApplicationUser APPLICATION =
            new ApplicationUser(APP, "connector", ApplicationKind.DATAVERSE, true, Set.of());

    private final AtomicReference<CallerRequest> asked = new AtomicReference<>();

    /** The caller handler below a link that stands in for authentication (the token of {@link #APP}). */
    private LocalServer server(Function<CallerRequest, Caller> resolver) throws Exception {
        Function<CallerRequest, Caller> recording = request -> {
            asked.set(request);
            return resolver.apply(request);
        };
        Handler callers = new CallerHandler(
                LocalServer.answering(exchange -> exchange.caller().getClass().getSimpleName()), recording, request -> {
                    throw new AssertionError("no request of this test addresses the administration sets");
                });
        return LocalServer.start(LocalServer.inChain(new Handler.Wrapper(callers) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange.of(request)
                        .token(new VerifiedToken(
                                APP,
                                "issuer",
                                Optional.empty(),
                                Instant.EPOCH,
                                "hash",
                                dev.vegateway.adapter.security.TokenUser.NONE));
                return super.handle(request, response, callback);
            }
        }));
    }

    @Test
    void passesTheApplicationAndTheCallerHeadersTrimmedToTheResolver() throws Exception {
        try (LocalServer server = server(request -> new Caller.ApplicationOnly(APPLICATION))) {
            HttpTester.Response answer = server.get(
                    "/api/data/v9.2/accounts",
                    "CallerObjectId:  1b2c3d4e-0000-4000-8000-000000000009 ",
                    "MSCRMCallerID: ");

            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).isEqualTo("ApplicationOnly");
            assertThat(asked.get().applicationId()).isEqualTo(APP);
            assertThat(asked.get().callerObjectId()).contains("1b2c3d4e-0000-4000-8000-000000000009");
            assertThat(asked.get().msCrmCallerId()).isEmpty();
            assertThat(asked.get().portalContactId()).isEmpty();
        }
    }

    @Test
    void aCallerTheResolverRefusesStopsHere() throws Exception {
        try (LocalServer server = server(request -> {
            throw AccessDenied.noCaller();
        })) {
            HttpTester.Response answer = server.get("/api/data/v9.2/accounts", "X-Portal-Contact-Id: someone");

            assertThat(answer.getStatus()).isEqualTo(403);
            assertThat(answer.getContent()).doesNotContain("ApplicationOnly");
            assertThat(asked.get().portalContactId()).contains("someone");
        }
    }
}
