package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.olingo.commons.api.ex.ODataRuntimeException;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.deserializer.batch.BatchDeserializerException;
import org.apache.olingo.server.api.deserializer.batch.BatchOptions;
import org.apache.olingo.server.api.deserializer.batch.BatchRequestPart;

/**
 * Reads an OData {@code $batch} body ({@code multipart/mixed}, OData 4.0 §11.7) with Olingo's
 * batch parser into {@link BatchItem}s: single requests, and changesets of requests. Part URLs
 * may be absolute (starting with the service root), absolute paths, or relative to the service
 * root; a changeset request must carry a {@code Content-ID}. A malformed body is a 400 naming
 * the line. The parser runs in its lenient mode, as Dataverse does: a request without body may
 * end at its last header line (the line break before the next delimiter belongs to the
 * delimiter, so strictly its blank line is missing; the Dataverse documentation's own examples
 * are written so).
 */
public final class BatchReader {
    private static final OData ODATA = OData.newInstance();

    private BatchReader() {}

    /** One request of a batch: what a client would have sent on its own, with the path relative to the service root. */
    @SuppressWarnings("ArrayRecordComponent") // the body is read once, never compared or hashed
    public record BatchRequest(
            String method,
            String path,
            String rawQuery,
            Map<String, List<String>> headers,
            byte[] body,
            Optional<String> contentId) {
        public BatchRequest {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            requireNonNull(rawQuery, "rawQuery is null");
            headers = Map.copyOf(requireNonNull(headers, "headers is null"));
            requireNonNull(body, "body is null");
            requireNonNull(contentId, "contentId is null");
        }

        /** The first value of a header, matched without regard to case. */
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }
    }

    /** A top-level item of a batch: one request, or a changeset whose requests succeed or fail together. */
    public sealed interface BatchItem permits Single, Changeset {
        List<BatchRequest> requests();
    }

    public record Single(BatchRequest request) implements BatchItem {
        public Single {
            requireNonNull(request, "request is null");
        }

        @Override
        public List<BatchRequest> requests() {
            return List.of(request);
        }
    }

    public record Changeset(List<BatchRequest> requests) implements BatchItem {
        public Changeset {
            requests = List.copyOf(requireNonNull(requests, "requests is null"));
        }
    }

    /**
     * The boundary of a {@code multipart/mixed} Content-Type; 415 for another media type, 400
     * when the boundary is missing.
     */
    public static String boundary(Optional<String> contentType) {
        ContentType type;
        try {
            type = ContentType.create(contentType.orElseThrow(() -> GatewayException.of(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "A $batch request must be multipart/mixed; boundary=<boundary>.")));
        } catch (IllegalArgumentException e) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE, "A $batch request must be multipart/mixed; boundary=<boundary>.");
        }
        if (!type.isCompatible(ContentType.MULTIPART_MIXED)) {
            throw GatewayException.of(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "A $batch request must be multipart/mixed, not %s.",
                    (type.getType() + "/" + type.getSubtype()).replaceAll("[^A-Za-z0-9.+/\\-]", "?"));
        }
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isBlank()) {
            throw GatewayException.of(
                    ErrorCode.BATCH_MALFORMED,
                    "The Content-Type of a $batch request must name its boundary: multipart/mixed; boundary=<boundary>.");
        }
        boundary = boundary.trim();
        if (boundary.length() > 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
            boundary = boundary.substring(1, boundary.length() - 1);
        }
        if (boundary.length() > 70 || !boundary.matches("[0-9A-Za-z'()+_,\\-./:=? ]*[0-9A-Za-z'()+_,\\-./:=?]")) {
            throw GatewayException.of(
                    ErrorCode.BATCH_MALFORMED,
                    "The $batch boundary is not a valid multipart boundary (RFC 2046: 1 to 70 characters).");
        }
        return boundary;
    }

    /**
     * The items of the batch body. {@code serviceRoot} is the service root without its trailing
     * slash; {@code maxRequests} bounds the number of requests, changeset requests included.
     */
    public static List<BatchItem> read(byte[] body, String boundary, String serviceRoot, int maxRequests) {
        List<BatchRequestPart> parts;
        try {
            parts = ODATA.createFixedFormatDeserializer()
                    .parseBatchRequest(
                            new ByteArrayInputStream(body),
                            boundary,
                            BatchOptions.with()
                                    .rawBaseUri(serviceRoot)
                                    .rawServiceResolutionUri("")
                                    .isStrict(false)
                                    .build());
        } catch (BatchDeserializerException e) {
            String message = e.getTranslatedMessage(Locale.ENGLISH).getMessage();
            if (e.getMessageKey() == BatchDeserializerException.MessageKeys.INVALID_BASE_URI) {
                message += " Part URLs must start with " + serviceRoot + "/, with its path, or be relative to it.";
            } else if (e.getMessageKey() == BatchDeserializerException.MessageKeys.MISSING_CONTENT_ID) {
                message += " Every request in a changeset needs a Content-ID header.";
            }
            throw GatewayException.of(ErrorCode.BATCH_MALFORMED, "The $batch body is malformed: %s", message);
        } catch (ODataRuntimeException | IllegalArgumentException e) {
            throw GatewayException.of(
                    ErrorCode.BATCH_MALFORMED,
                    "The $batch body is malformed: it could not be split into parts with the boundary '%s'.",
                    boundary);
        }
        int requests =
                parts.stream().mapToInt(part -> part.getRequests().size()).sum();
        if (requests > maxRequests) {
            throw GatewayException.of(
                    ErrorCode.BATCH_TOO_LARGE,
                    "The $batch holds %d requests; at most %d are allowed.",
                    requests,
                    maxRequests);
        }
        List<BatchItem> items = new ArrayList<>(parts.size());
        for (BatchRequestPart part : parts) {
            List<BatchRequest> converted = new ArrayList<>(part.getRequests().size());
            for (ODataRequest request : part.getRequests()) {
                converted.add(convert(request));
            }
            if (part.isChangeSet()) {
                if (converted.isEmpty()) {
                    throw GatewayException.of(
                            ErrorCode.BATCH_MALFORMED, "The $batch body is malformed: a changeset holds no request.");
                }
                items.add(new Changeset(converted));
            } else {
                converted.forEach(request -> items.add(new Single(request)));
            }
        }
        return List.copyOf(items);
    }

    private static BatchRequest convert(ODataRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getAllHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        byte[] body;
        try (InputStream in = request.getBody()) {
            body = in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw GatewayException.of(
                    ErrorCode.BATCH_MALFORMED, "The $batch body is malformed: a part's body could not be read.");
        }
        String rawQuery = request.getRawQueryPath() == null ? "" : request.getRawQueryPath();
        Optional<String> contentId =
                Optional.ofNullable(request.getHeader("Content-ID")).map(String::trim);
        return new BatchRequest(
                request.getMethod().name(), request.getRawODataPath(), rawQuery, headers, body, contentId);
    }
}
