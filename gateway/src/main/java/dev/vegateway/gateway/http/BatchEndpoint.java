package dev.vegateway.gateway.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ChangesetDataSource;
import dev.vegateway.adapter.jdbc.SqlErrors;
import dev.vegateway.gateway.odata.BatchReader;
import dev.vegateway.gateway.odata.BatchReader.BatchItem;
import dev.vegateway.gateway.odata.BatchReader.BatchRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST $batch} (OData 4.0 §11.7, multipart form, as Dataverse answers it). The body is read
 * up to the configured size (413 beyond it, before any parsing), parsed into requests and
 * changesets, and run in order, each request through the same pipeline as a request sent on its
 * own, for the batch's caller. A changeset runs in one database transaction: all its requests
 * commit together, or, at the first failure, nothing is written and the failure answers for the
 * whole changeset. {@code $<Content-ID>} in a changeset request's URL or in an
 * {@code @odata.bind} value names the record an earlier request of the same changeset created
 * or changed. Without {@code Prefer: odata.continue-on-error} the batch stops at the first
 * failed item; with it every item runs. The answer is {@code 200} with one part per item, in the
 * layout Dataverse uses ({@code batchresponse_…}, {@code changesetresponse_…}).
 */
final class BatchEndpoint {
    private static final String CRLF = "\r\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Caller identity belongs to the batch; a part may not act for someone else. */
    /** Resource paths OData reserves ({@code /$metadata}, …): not Content-ID references, unless a request used one as its id. */
    private static final java.util.Set<String> SYSTEM_RESOURCES =
            java.util.Set.of("metadata", "batch", "crossjoin", "all", "entity", "root", "count");

    private static final List<String> IDENTITY_HEADERS =
            List.of("CallerObjectId", "MSCRMCallerID", "X-Portal-Contact-Id");

    private final ChangesetDataSource changesets;
    private final String servicePath;
    private final int maxRequests;
    private final long maxBodyBytes;
    private final Exchange.BodyLimits partLimits;
    /** The chain each part runs through: its own context, error mapping and routes (without another $batch). */
    private final Handler parts;

    BatchEndpoint(
            ChangesetDataSource changesets,
            String servicePath,
            int maxRequests,
            long maxBodyBytes,
            Exchange.BodyLimits partLimits,
            Handler parts) {
        this.changesets = requireNonNull(changesets, "changesets is null");
        this.servicePath = requireNonNull(servicePath, "servicePath is null");
        this.maxRequests = maxRequests;
        this.maxBodyBytes = maxBodyBytes;
        this.partLimits = requireNonNull(partLimits, "partLimits is null");
        this.parts = requireNonNull(parts, "parts is null");
    }

    void execute(Exchange batch) throws Exception {
        batch.log.operation = "Batch";
        Request request = batch.request;
        String serviceRoot = batch.serviceRoot();
        String boundary =
                BatchReader.boundary(Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)));
        byte[] body = batch.body(maxBodyBytes, "$batch body");
        long parseStarted = System.nanoTime();
        List<BatchItem> items =
                BatchReader.read(body, boundary, serviceRoot.substring(0, serviceRoot.length() - 1), maxRequests);
        batch.timings.authzNanos += System.nanoTime() - parseStarted;

        boolean continueOnError = Preferences.continueOnError(request.getHeaders());
        if (continueOnError) {
            batch.response.getHeaders().put("Preference-Applied", "odata.continue-on-error");
        }
        String responseBoundary = "batchresponse_" + UUID.randomUUID();
        ResponseOutput out = batch.open(200, "multipart/mixed; boundary=" + responseBoundary, () -> {});
        Run run = new Run(batch, serviceRoot, out, responseBoundary);
        for (BatchItem item : items) {
            boolean succeeded = item instanceof BatchReader.Changeset changeset
                    ? run.changeset(changeset)
                    : run.single(item.requests().get(0));
            if (!succeeded && !continueOnError) {
                break;
            }
        }
        run.out.write(("--" + responseBoundary + "--" + CRLF).getBytes(UTF_8));
        batch.log.rows = run.requests;
        out.close();
    }

    /** A request of the batch once it ran: its answer, and its Content-ID. */
    private record Finished(String method, Optional<String> contentId, BatchPartResponse response) {
        boolean failed() {
            return response.getStatus() >= 400;
        }
    }

    /** The state of one batch as it runs. */
    private final class Run {
        private final Exchange batch;
        private final String serviceRoot;
        private final OutputStream out;
        private final String boundary;
        private int requests;

        Run(Exchange batch, String serviceRoot, OutputStream out, String boundary) {
            this.batch = batch;
            this.serviceRoot = serviceRoot;
            this.out = out;
            this.boundary = boundary;
        }

        boolean single(BatchRequest request) throws IOException {
            Finished finished = run(request, false, Map.of());
            writePart(boundary, finished);
            return !finished.failed();
        }

        boolean changeset(BatchReader.Changeset changeset) throws IOException {
            List<Finished> done = new ArrayList<>();
            Map<String, String> references = new HashMap<>();
            Finished failed = null;
            try (ChangesetDataSource.Changeset transaction = changesets.begin()) {
                for (BatchRequest request : changeset.requests()) {
                    Finished finished =
                            request.contentId().filter(references::containsKey).isPresent()
                                    ? refuse(
                                            request,
                                            true,
                                            GatewayException.of(
                                                    ErrorCode.BATCH_MALFORMED,
                                                    "The Content-ID '%s' is used twice in one changeset.",
                                                    shorten(request.contentId().get())))
                                    : run(request, true, references);
                    if (finished.failed()) {
                        failed = finished;
                        break;
                    }
                    done.add(finished);
                    String entityId = finished.response().getHeaders().get("OData-EntityId");
                    if (request.contentId().isPresent()) {
                        references.put(request.contentId().get(), entityId == null ? "" : entityId);
                    }
                }
                if (failed == null) {
                    transaction.commit();
                }
            } catch (SQLException e) {
                failed = refuse(changeset.requests().get(0), true, SqlErrors.classify(e, "the changeset"));
            }
            if (failed != null) {
                // Rolled back as the transaction closed (before anything is written to the client): the failure
                // answers for the whole changeset.
                writePart(boundary, failed);
                return false;
            }
            String changesetBoundary = "changesetresponse_" + UUID.randomUUID();
            out.write(("--" + boundary + CRLF + "Content-Type: multipart/mixed; boundary=" + changesetBoundary + CRLF
                            + CRLF)
                    .getBytes(UTF_8));
            for (Finished finished : done) {
                writePart(changesetBoundary, finished);
            }
            out.write(("--" + changesetBoundary + "--" + CRLF).getBytes(UTF_8));
            return true;
        }

        /** Runs one request through the pipeline, its {@code $<Content-ID>} references resolved first. */
        private Finished run(BatchRequest request, boolean inChangeset, Map<String, String> references) {
            String path;
            byte[] body;
            try {
                for (String identity : IDENTITY_HEADERS) {
                    Optional<String> part = request.header(identity);
                    if (part.isEmpty()) {
                        continue;
                    }
                    // A client may repeat the batch's own caller header on each part (Dataverse clients do);
                    // another caller is refused: the whole batch acts for the caller named on the $batch request.
                    String batchValue = batch.request.getHeaders().get(identity);
                    if (batchValue == null
                            || !batchValue.strip().equalsIgnoreCase(part.get().strip())) {
                        throw GatewayException.of(
                                ErrorCode.BATCH_MALFORMED,
                                "A $batch part may repeat the $batch request's %s only with the same value: the whole"
                                        + " batch acts for the caller named on the $batch request.",
                                identity);
                    }
                }
                for (String condition : List.of("If-Match", "If-None-Match")) {
                    if (request.header(condition)
                            .filter(value -> value.trim().startsWith("$"))
                            .isPresent()) {
                        throw GatewayException.of(
                                ErrorCode.BATCH_MALFORMED,
                                "%s: %s refers to another request's ETag, which is not supported; send the ETag itself.",
                                condition,
                                shorten(request.header(condition).get()));
                    }
                }
                path = resolvePath(request.path(), references);
                body = resolveBinds(request.body(), references);
            } catch (GatewayException e) {
                return refuse(request, inChangeset, e);
            }
            return runPart(request, part(request, path, body, inChangeset));
        }

        /** A request refused before it ran: the error answers in its place. */
        private Finished refuse(BatchRequest request, boolean inChangeset, GatewayException failure) {
            Exchange part = part(request, request.path(), request.body(), inChangeset);
            PartRefusalHandler.refuse(part.request, failure);
            return runPart(request, part);
        }

        /** Runs a part through the parts' chain; its answer, an error included, lands in its in-memory response. */
        private Finished runPart(BatchRequest request, Exchange part) {
            try {
                parts.handle(part.request, part.response, Callback.NOOP);
            } catch (Exception e) {
                throw new IllegalStateException("the error mapping of a $batch part let an exception through", e);
            }
            return finish(request, part);
        }

        private Exchange part(BatchRequest request, String path, byte[] body, boolean inChangeset) {
            requests++;
            HttpFields.Mutable headers = HttpFields.build();
            request.headers().forEach((name, values) -> values.forEach(value -> headers.add(name, value)));
            HttpURI uri = HttpURI.build(batch.request.getHttpURI())
                    .path(servicePath + path)
                    .query(request.rawQuery().isEmpty() ? null : request.rawQuery());
            BatchPartRequest partRequest =
                    new BatchPartRequest(batch.request, request.method(), uri, headers.asImmutable(), body);
            BatchPartResponse partResponse = new BatchPartResponse(partRequest, batch.response);
            RequestLog log = new RequestLog();
            log.requestId = batch.log.requestId + "/" + requests;
            log.clientRequestId = batch.log.clientRequestId;
            log.application = batch.log.application;
            log.user = batch.log.user;
            Exchange part = new Exchange(partRequest, partResponse, log, servicePath, partLimits, true, inChangeset);
            // A part runs below authentication: it acts for the batch's application and caller.
            part.token(batch.token());
            part.caller(batch.caller());
            return part;
        }

        private Finished finish(BatchRequest request, Exchange part) {
            batch.timings.authzNanos += part.timings.authzNanos;
            batch.timings.databaseNanos += part.timings.databaseNanos;
            batch.timings.poolNanos += part.timings.poolNanos;
            batch.timings.serializeNanos += part.timings.serializeNanos;
            return new Finished(request.method(), request.contentId(), (BatchPartResponse) part.response);
        }

        /** {@code /$1} or {@code /$1/…}: the record the request with Content-ID 1 wrote, as {@code /set(id)…}. */
        private String resolvePath(String path, Map<String, String> references) {
            if (!path.startsWith("/$")) {
                return path;
            }
            int end = path.indexOf('/', 1);
            String contentId = path.substring(2, end < 0 ? path.length() : end);
            if (!references.containsKey(contentId) && SYSTEM_RESOURCES.contains(contentId)) {
                return path; // $metadata, $batch, …: routed (and answered) as any request
            }
            String entityId = reference(contentId, "the URL", references);
            return "/" + entityId.substring(serviceRoot.length()) + (end < 0 ? "" : path.substring(end));
        }

        /** Replaces {@code "nav@odata.bind": "$1"} by the URL of the record that request wrote. */
        private byte[] resolveBinds(byte[] body, Map<String, String> references) {
            if (references.isEmpty() || !contains(body, (byte) '$')) {
                return body;
            }
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return body; // the write itself reports the malformed JSON
            } catch (IOException e) {
                return body;
            }
            if (root == null || !root.isObject()) {
                return body;
            }
            boolean changed = false;
            for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().endsWith("@odata.bind")
                        && field.getValue().isTextual()
                        && field.getValue().textValue().startsWith("$")) {
                    String contentId = field.getValue().textValue().substring(1);
                    ((ObjectNode) root)
                            .put(field.getKey(), reference(contentId, "'" + shorten(field.getKey()) + "'", references));
                    changed = true;
                }
            }
            try {
                return changed ? JSON.writeValueAsBytes(root) : body;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed JSON tree could not be written", e);
            }
        }

        private String reference(String contentId, String where, Map<String, String> references) {
            String entityId = references.get(contentId);
            if (entityId == null) {
                throw GatewayException.of(
                        ErrorCode.BATCH_MALFORMED,
                        "The reference $%s in %s names no earlier request of the same changeset (references work only between"
                                + " the requests of one changeset).",
                        shorten(contentId),
                        where);
            }
            if (!entityId.startsWith(serviceRoot)) {
                throw GatewayException.of(
                        ErrorCode.BATCH_MALFORMED,
                        "The reference $%s in %s names a request that wrote no record.",
                        shorten(contentId),
                        where);
            }
            return entityId;
        }

        /** One {@code application/http} part: the request's status line, headers and body. */
        private void writePart(String partBoundary, Finished finished) throws IOException {
            BatchPartResponse response = finished.response();
            StringBuilder head = new StringBuilder(256)
                    .append("--")
                    .append(partBoundary)
                    .append(CRLF)
                    .append("Content-Type: application/http")
                    .append(CRLF)
                    .append("Content-Transfer-Encoding: binary")
                    .append(CRLF);
            finished.contentId()
                    .ifPresent(id -> head.append("Content-ID: ").append(id).append(CRLF));
            head.append(CRLF)
                    .append("HTTP/1.1 ")
                    .append(response.getStatus())
                    .append(' ')
                    .append(HttpStatus.getMessage(response.getStatus()))
                    .append(CRLF);
            String entityId = response.getHeaders().get("OData-EntityId");
            if (entityId != null
                    && finished.method().equals("POST")
                    && (response.getStatus() == 201 || response.getStatus() == 204)) {
                head.append("Location: ").append(entityId).append(CRLF);
            }
            for (HttpField field : response.getHeaders()) {
                head.append(field.getName())
                        .append(": ")
                        .append(field.getValue())
                        .append(CRLF);
            }
            head.append(CRLF);
            out.write(head.toString().getBytes(UTF_8));
            byte[] body = response.body();
            out.write(body);
            out.write(CRLF.getBytes(UTF_8));
        }
    }

    private static boolean contains(byte[] bytes, byte wanted) {
        for (byte b : bytes) {
            if (b == wanted) {
                return true;
            }
        }
        return false;
    }

    private static String shorten(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
