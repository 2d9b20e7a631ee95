package dev.vegateway.gateway.odata;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchReaderTest {
    private static final String ROOT = "https://gateway.example:8443/api/data/v9.2";

    /** The request of the Dataverse Web API documentation's batch example, in our entity sets. */
    private static final String DATAVERSE_STYLE = String.join(
            "\r\n",
            "--batch_AAA123",
            "Content-Type: multipart/mixed; boundary=changeset_BBB456",
            "",
            "--changeset_BBB456",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "Content-ID: 1",
            "",
            "POST " + ROOT + "/mserp_custcustomerv3entities HTTP/1.1",
            "Content-Type: application/json; type=entry",
            "",
            "{\"mserp_name\":\"One\"}",
            "--changeset_BBB456",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "Content-ID: 2",
            "",
            "PATCH $1 HTTP/1.1",
            "Content-Type: application/json; type=entry",
            "",
            "{\"mserp_name\":\"Two\"}",
            "--changeset_BBB456--",
            "",
            "--batch_AAA123",
            "Content-Type: application/http",
            "Content-Transfer-Encoding:binary",
            "",
            "GET /api/data/v9.2/mserp_custcustomerv3entities?$select=mserp_name&$top=2 HTTP/1.1",
            "Accept: application/json",
            "",
            "--batch_AAA123--",
            "");

    @Test
    void readsChangesetsAndSingleRequestsInOrder() {
        List<BatchReader.BatchItem> items =
                BatchReader.read(DATAVERSE_STYLE.getBytes(UTF_8), "batch_AAA123", ROOT, 1000);

        assertThat(items).hasSize(2);
        BatchReader.Changeset changeset = (BatchReader.Changeset) items.get(0);
        assertThat(changeset.requests())
                .extracting(BatchReader.BatchRequest::method)
                .containsExactly("POST", "PATCH");
        assertThat(changeset.requests())
                .extracting(BatchReader.BatchRequest::path)
                .containsExactly("/mserp_custcustomerv3entities", "/$1");
        assertThat(changeset.requests())
                .extracting(BatchReader.BatchRequest::contentId)
                .containsExactly(Optional.of("1"), Optional.of("2"));
        assertThat(new String(changeset.requests().get(0).body(), UTF_8)).isEqualTo("{\"mserp_name\":\"One\"}");
        BatchReader.BatchRequest get = ((BatchReader.Single) items.get(1)).request();
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.path()).isEqualTo("/mserp_custcustomerv3entities");
        assertThat(get.rawQuery()).isEqualTo("$select=mserp_name&$top=2");
        assertThat(get.header("accept")).contains("application/json");
        assertThat(get.body()).isEmpty();
    }

    @Test
    void acceptsBareLineFeeds() {
        List<BatchReader.BatchItem> items =
                BatchReader.read(DATAVERSE_STYLE.replace("\r\n", "\n").getBytes(UTF_8), "batch_AAA123", ROOT, 1000);

        assertThat(items).hasSize(2);
        // The line feed before a delimiter stays in the body (only CRLF is taken as the delimiter's); JSON ignores it.
        assertThat(new String(items.get(0).requests().get(1).body(), UTF_8).strip())
                .isEqualTo("{\"mserp_name\":\"Two\"}");
    }

    @Test
    void keepsNonAsciiBodiesIntactWithOrWithoutContentLength() {
        String json = "{\"mserp_name\":\"Müller & Söhne – Zürich\"}";
        String withLength = DATAVERSE_STYLE.replace(
                "Content-Type: application/json; type=entry\r\n\r\n{\"mserp_name\":\"One\"}",
                "Content-Type: application/json; type=entry\r\nContent-Length: " + json.getBytes(UTF_8).length
                        + "\r\n\r\n" + json);
        String withoutLength = DATAVERSE_STYLE.replace("{\"mserp_name\":\"One\"}", json);

        for (String body : List.of(withLength, withoutLength)) {
            List<BatchReader.BatchItem> items = BatchReader.read(body.getBytes(UTF_8), "batch_AAA123", ROOT, 1000);
            assertThat(new String(items.get(0).requests().get(0).body(), UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void countsEveryRequestAgainstTheLimit() {
        assertThatThrownBy(() -> BatchReader.read(DATAVERSE_STYLE.getBytes(UTF_8), "batch_AAA123", ROOT, 2))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BATCH_TOO_LARGE))
                .hasMessageContaining("3 requests")
                .hasMessageContaining("at most 2");
    }

    @Test
    void aForeignServiceRootIsRefusedWithItsLine() {
        String foreign = DATAVERSE_STYLE.replace("POST " + ROOT, "POST https://elsewhere.example/api/data/v9.2");

        assertThatThrownBy(() -> BatchReader.read(foreign.getBytes(UTF_8), "batch_AAA123", ROOT, 1000))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BATCH_MALFORMED))
                .hasMessageContaining("line '9'")
                .hasMessageContaining(ROOT);
    }

    @Test
    void aChangesetRequestWithoutContentIdIsRefused() {
        String missing = DATAVERSE_STYLE.replace("Content-ID: 2\r\n", "");

        assertThatThrownBy(() -> BatchReader.read(missing.getBytes(UTF_8), "batch_AAA123", ROOT, 1000))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("Content-ID");
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertThat(BatchReader.boundary(Optional.of("multipart/mixed; boundary=batch_AAA123")))
                .isEqualTo("batch_AAA123");
        assertThat(BatchReader.boundary(Optional.of("multipart/mixed;boundary=\"batch 1\"")))
                .isEqualTo("batch 1");
        assertThatThrownBy(() -> BatchReader.boundary(Optional.of("multipart/mixed")))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BATCH_MALFORMED));
        assertThatThrownBy(() -> BatchReader.boundary(Optional.of("application/json")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
        assertThatThrownBy(() -> BatchReader.boundary(Optional.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
    }
}
