package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class ErrorMappingHandlerTest {

    private static HttpTester.Response answer(LocalServer.Work work) throws Exception {
        try (LocalServer server = LocalServer.start(LocalServer.inChain(LocalServer.answering(work)))) {
            return server.get("/api/data/v9.2/accounts");
        }
    }

    @Test
    void aGatewayErrorBecomesItsStatusAndTheDataverseErrorBody() throws Exception {
        HttpTester.Response answer = answer(exchange -> {
            throw GatewayException.of(ErrorCode.RECORD_NOT_FOUND, "account With Id = %s Does Not Exist", "42");
        });

        assertThat(answer.getStatus()).isEqualTo(404);
        assertThat(answer.get("Content-Type")).startsWith("application/json");
        assertThat(answer.getContent())
                .contains("\"code\":\"" + ErrorCode.RECORD_NOT_FOUND.code() + "\"")
                .contains("account With Id = 42 Does Not Exist");
        assertThat(answer.get("Server-Timing")).contains("total;dur=");
        assertThat(answer.get("x-ms-service-request-id")).isNotBlank();
    }

    @Test
    void unauthorizedSaysHowToAuthenticateAndUnavailableWhenToRetry() throws Exception {
        HttpTester.Response unauthorized = answer(exchange -> {
            throw GatewayException.of(ErrorCode.INVALID_TOKEN, "The token \"x\" expired.");
        });
        HttpTester.Response unavailable = answer(exchange -> {
            throw GatewayException.of(ErrorCode.BACKEND_UNAVAILABLE, "The database is unavailable.");
        });

        assertThat(unauthorized.getStatus()).isEqualTo(401);
        assertThat(unauthorized.get("WWW-Authenticate"))
                .startsWith("Bearer error=\"invalid_token\"")
                .contains("'x'");
        assertThat(unavailable.getStatus()).isEqualTo(503);
        assertThat(unavailable.get("Retry-After")).isNotBlank();
    }

    @Test
    void anUnexpectedFailureShowsOnlyTheRequestId() throws Exception {
        HttpTester.Response answer = answer(exchange -> {
            throw new IllegalStateException("secret internal detail");
        });

        assertThat(answer.getStatus()).isEqualTo(500);
        assertThat(answer.getContent())
                .doesNotContain("secret internal detail")
                .contains(answer.get("x-ms-service-request-id"));
    }

    @Test
    void aQueryNestedTooDeeplyIsTheClientsError() throws Exception {
        HttpTester.Response answer = answer(exchange -> {
            throw new StackOverflowError();
        });

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getContent()).contains("nested too deeply");
    }

    @Test
    void aRequestNoHandlerTookIsNotFound() throws Exception {
        Handler declining = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        };
        try (LocalServer server = LocalServer.start(LocalServer.inChain(declining))) {
            assertThat(server.get("/api/data/v9.2/nothing").getStatus()).isEqualTo(404);
        }
    }

    @Test
    void aRefusedBodyIsReadToItsEndSoTheClientGetsTheAnswer() throws Exception {
        try (LocalServer server = LocalServer.start(LocalServer.inChain(LocalServer.answering(exchange -> {
            throw GatewayException.of(ErrorCode.VALIDATION, "refused before the body was read");
        })))) {
            HttpTester.Response small = server.request("POST", "/api/data/v9.2/accounts", "x".repeat(2000));
            HttpTester.Response large = server.request("POST", "/api/data/v9.2/accounts", "x".repeat(5000));

            assertThat(small.getStatus()).isEqualTo(400);
            assertThat(small.get("Connection")).isNull();
            assertThat(large.getStatus()).isEqualTo(400);
            assertThat(large.get("Connection")).isEqualTo("close");
        }
    }
}
