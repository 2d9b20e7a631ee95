package dev.vegateway.gateway.http;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** A Jetty server with only an in-memory connector (Jetty's own test connector) in front of one handler. */
final class LocalServer implements AutoCloseable {
    static final String SERVICE_PATH = "/api/data/v9.2";
    static final Exchange.BodyLimits LIMITS = new Exchange.BodyLimits(1024, 4096);

    private final Server server;
    private final LocalConnector connector;
    private final Handler handler;

    private LocalServer(Server server, LocalConnector connector, Handler handler) {
        this.server = server;
        this.connector = connector;
        this.handler = handler;
    }

    static LocalServer start(Handler handler) throws Exception {
        Server server = new Server();
        LocalConnector connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return new LocalServer(server, connector, handler);
    }

    /** Sends one request ({@code head} lines after the request line, then {@code body}) and parses the answer. */
    HttpTester.Response request(String method, String uri, String body, String... headers) throws Exception {
        StringBuilder raw =
                new StringBuilder().append(method).append(' ').append(uri).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            raw.append(header).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            raw.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        raw.append("\r\n").append(body);
        return HttpTester.parseResponse(connector.getResponse(raw.toString()));
    }

    /**
     * Waits until the chain's requests have all ended: a client can read its answer a moment
     * before the handlers below the request context return (and, say, count its time).
     */
    void awaitIdle() throws InterruptedException {
        if (!(handler instanceof RequestContextHandler context)) {
            throw new IllegalStateException("only a chain that starts with a request context can be awaited");
        }
        for (int i = 0; i < 1000 && context.requestsInFlight() > 0; i++) {
            Thread.sleep(5);
        }
        if (context.requestsInFlight() > 0) {
            throw new IllegalStateException("requests still in flight after 5 s");
        }
    }

    HttpTester.Response get(String uri, String... headers) throws Exception {
        return request("GET", uri, "", headers);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** What a terminal handler does with the exchange before it answers. */
    @FunctionalInterface
    interface Work {
        String run(Exchange exchange) throws Exception;
    }

    /** A last link that runs {@code work} and answers 200 with what it returns as text. */
    static Handler answering(Work work) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange exchange = Exchange.of(request);
                String text = work.run(exchange);
                exchange.send(200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
                callback.succeeded();
                return true;
            }
        };
    }

    /** {@code handler} below a request context and the error mapping, as in the gateway's chain. */
    static Handler inChain(Handler handler) {
        return new RequestContextHandler(new ErrorMappingHandler(handler), SERVICE_PATH, LIMITS, new Metrics());
    }
}
