package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

class RequestLimitsHandlerTest {
    private static final int MAX_URL_BYTES = 200;

    private static LocalServer server() throws Exception {
        return LocalServer.start(LocalServer.inChain(new RequestLimitsHandler(
                LocalServer.answering(exchange -> "served " + exchange.path()),
                LocalServer.SERVICE_PATH,
                MAX_URL_BYTES)));
    }

    @Test
    void aUrlWithinTheLimitUnderTheServiceRootPasses() throws Exception {
        try (LocalServer server = server()) {
            HttpTester.Response answer = server.get("/api/data/v9.2/accounts?$top=1");

            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).isEqualTo("served /accounts");
        }
    }

    @Test
    void aLongerUrlIs414NamingBothLengths() throws Exception {
        String uri = "/api/data/v9.2/accounts?$filter=" + "a".repeat(MAX_URL_BYTES);
        try (LocalServer server = server()) {
            HttpTester.Response answer = server.get(uri);

            assertThat(answer.getStatus()).isEqualTo(414);
            assertThat(answer.getContent())
                    .contains(uri.length() + " bytes long")
                    .contains("at most " + MAX_URL_BYTES)
                    .contains("limits.maxUrlBytes");
        }
    }

    @Test
    void aPathOutsideTheServiceRootIs404NamingTheRoot() throws Exception {
        try (LocalServer server = server()) {
            for (String path : new String[] {"/", "/api/data/v9.1/accounts", "/api/data/v9.2x/accounts"}) {
                HttpTester.Response answer = server.get(path);

                assertThat(answer.getStatus()).as(path).isEqualTo(404);
                assertThat(answer.getContent()).as(path).contains("the service root is /api/data/v9.2/");
            }
        }
    }
}
