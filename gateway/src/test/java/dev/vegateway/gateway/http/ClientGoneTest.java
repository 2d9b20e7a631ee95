package dev.vegateway.gateway.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A client that hangs up in the middle of a streamed answer is one INFO line, not an error with a stack trace. */
class ClientGoneTest {

    @Test
    void aClientThatClosesMidStreamIsLoggedAsOneInfoLine() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorMappingHandler.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        RequestContextHandler context = new RequestContextHandler(
                new ErrorMappingHandler(new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) throws Exception {
                        Exchange exchange = Exchange.of(request);
                        try (ResponseOutput out = exchange.open(200, "text/plain", () -> {})) {
                            byte[] chunk = new byte[64 * 1024];
                            for (int i = 0; i < 2048; i++) { // 128 MiB: far more than the client reads
                                out.write(chunk, 0, chunk.length);
                            }
                        }
                        callback.succeeded();
                        return true;
                    }
                }),
                LocalServer.SERVICE_PATH,
                LocalServer.LIMITS,
                new Metrics());
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        try {
            try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /api/data/v9.2/big HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] some = new byte[300 * 1024];
                int read = 0;
                while (read < some.length) {
                    int n = in.read(some, read, some.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                assertThat(read).isPositive();
                socket.setSoLinger(true, 0); // reset, as a client that is killed does
            }
            for (int i = 0; i < 2000 && context.requestsInFlight() > 0; i++) {
                Thread.sleep(5);
            }
            assertThat(context.requestsInFlight()).isZero();
            assertThat(events.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(events.list)
                    .filteredOn(event -> event.getLevel() == Level.INFO)
                    .singleElement()
                    .satisfies(event -> {
                        assertThat(event.getFormattedMessage()).contains("the client closed the connection");
                        assertThat(event.getThrowableProxy()).isNull();
                    });
        } finally {
            logger.detachAppender(events);
            server.stop();
        }
    }
}
