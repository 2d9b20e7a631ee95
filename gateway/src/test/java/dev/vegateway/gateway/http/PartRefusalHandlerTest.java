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

class PartRefusalHandlerTest {

    /** A link that refuses the requests whose path ends in "refused", as a batch marks the parts it refuses. */
    private static LocalServer server() throws Exception {
        Handler refusals = new PartRefusalHandler(LocalServer.answering(exchange -> "ran"));
        return LocalServer.start(LocalServer.inChain(new Handler.Wrapper(refusals) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (request.getHttpURI().getPath().endsWith("refused")) {
                    PartRefusalHandler.refuse(
                            request, GatewayException.of(ErrorCode.BATCH_MALFORMED, "The reference $9 names nothing."));
                }
                return super.handle(request, response, callback);
            }
        }));
    }

    @Test
    void aRefusedPartAnswersItsRefusalWithoutRunning() throws Exception {
        try (LocalServer server = server()) {
            HttpTester.Response refused = server.get("/api/data/v9.2/refused");
            HttpTester.Response ran = server.get("/api/data/v9.2/accounts");

            assertThat(refused.getStatus()).isEqualTo(400);
            assertThat(refused.getContent()).contains("$9 names nothing").doesNotContain("ran");
            assertThat(ran.getStatus()).isEqualTo(200);
            assertThat(ran.getContent()).isEqualTo("ran");
        }
    }
}
