package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

class RequestContextHandlerTest {
    private final Metrics metrics = new Metrics();
    private final AtomicReference<RequestContextHandler> context = new AtomicReference<>();

    private RequestContextHandler context(LocalServer.Work work) {
        RequestContextHandler handler = new RequestContextHandler(
                LocalServer.answering(work), LocalServer.SERVICE_PATH, LocalServer.LIMITS, metrics);
        context.set(handler);
        return handler;
    }

    @Test
    void givesEveryRequestItsOwnIdInTheHeaderAndTheExchange() throws Exception {
        try (LocalServer server = LocalServer.start(context(exchange -> exchange.log.requestId))) {
            HttpTester.Response first = server.get("/api/data/v9.2/accounts");
            HttpTester.Response second = server.get("/api/data/v9.2/accounts");

            assertThat(first.getStatus()).isEqualTo(200);
            assertThat(first.get("OData-Version")).isEqualTo("4.0");
            String id = first.get("x-ms-service-request-id");
            assertThat(UUID.fromString(id)).isNotNull();
            assertThat(first.getContent()).isEqualTo(id);
            assertThat(second.get("x-ms-service-request-id")).isNotEqualTo(id);
        }
    }

    @Test
    void echoesTheClientRequestIdMadePrintableAndShort() throws Exception {
        try (LocalServer server = LocalServer.start(context(exchange -> exchange.log.clientRequestId))) {
            HttpTester.Response answer =
                    server.get("/api/data/v9.2/accounts", "x-ms-client-request-id: abc\tdef" + "x".repeat(300));

            assertThat(answer.get("x-ms-client-request-id"))
                    .startsWith("abcdef")
                    .hasSize(128);
            assertThat(answer.getContent()).isEqualTo(answer.get("x-ms-client-request-id"));
        }
    }

    @Test
    void countsTheRequestInFlightWhileItRunsAndRecordsItsMetricsAfter() throws Exception {
        try (LocalServer server = LocalServer.start(context(exchange -> {
            exchange.log.operation = "Probe";
            return Integer.toString(context.get().requestsInFlight());
        }))) {
            HttpTester.Response answer = server.get("/api/data/v9.2/accounts");

            assertThat(answer.getContent()).isEqualTo("1");
            // The answer can reach the client a moment before the handler returns: wait for the request to end.
            for (int i = 0; i < 500 && context.get().requestsInFlight() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(context.get().requestsInFlight()).isZero();
            assertThat(metrics.prometheusText()).contains("operation=\"Probe\"");
        }
    }

    @Test
    void aBatchPartKeepsTheExchangeItsBatchMadeAndIsNotCountedAgain() throws Exception {
        RequestContextHandler handler = context(exchange -> exchange.log.requestId + " " + exchange.batchPart + " "
                + context.get().requestsInFlight());
        try (LocalServer server = LocalServer.start(new org.eclipse.jetty.server.Handler.Wrapper(handler) {
            @Override
            public boolean handle(
                    org.eclipse.jetty.server.Request request,
                    org.eclipse.jetty.server.Response response,
                    org.eclipse.jetty.util.Callback callback)
                    throws Exception {
                RequestLog log = new RequestLog();
                log.requestId = "batch-1/3";
                new Exchange(request, response, log, LocalServer.SERVICE_PATH, LocalServer.LIMITS, true, false);
                return super.handle(request, response, callback);
            }
        })) {
            HttpTester.Response answer = server.get("/api/data/v9.2/accounts");

            assertThat(answer.getContent()).isEqualTo("batch-1/3 true 0");
            assertThat(answer.get("x-ms-service-request-id")).isEqualTo("batch-1/3");
        }
    }
}
