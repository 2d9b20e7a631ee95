package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.config.GatewayConfig.BackendKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The API listener speaks TLS 1.2 and 1.3 only, with a certificate the client verifies; it never answers plain HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    private TestGateway gateway;

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(TestBackend.shared(BackendKind.H2, "tls"), null);
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
    }

    private int status(String protocol) throws Exception {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {protocol});
        HttpClient client = HttpClient.newBuilder()
                .sslContext(gateway.sslContext())
                .sslParameters(parameters)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.serviceRoot() + "$metadata"))
                .header("Authorization", "Bearer " + gateway.token(TestGateway.DATAVERSE_APP))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void tls12AndTls13AreAccepted() throws Exception {
        assertThat(status("TLSv1.3")).isEqualTo(200);
        assertThat(status("TLSv1.2")).isEqualTo(200);
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoHttpAnswer() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream()
                    .write("GET /api/data/v9.2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readNBytes(12);
            assertThat(new String(answer, java.nio.charset.StandardCharsets.US_ASCII))
                    .doesNotStartWith("HTTP/1.1 200");
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // closing the connection or staying silent are both fine: no plain-HTTP answer
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.serviceRoot() + "$metadata"))
                .build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(SSLHandshakeException.class);
    }
}
