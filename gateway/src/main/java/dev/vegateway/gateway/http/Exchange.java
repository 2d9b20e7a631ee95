package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.error.AccessDenied;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.jdbc.ReadRouting;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.service.ReadResult;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.gateway.auth.VerifiedToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One request as it goes down the handler chain: one sent on its own, or one part of a
 * {@code $batch}. It is made by {@link RequestContextHandler}, found by every handler below
 * through {@link #of(Request)}, and owns what is the request's alone: its stage timer, its log
 * line, the caller once resolved, its body (read once, bounded) and its response body.
 */
final class Exchange {
    private static final String ATTRIBUTE = Exchange.class.getName();
    private static final JsonFactory JSON = new JsonFactory();
    /** A response up to this size is sent whole with exact headers; a larger one is streamed. */
    private static final int BUFFERED_BYTES = 256 * 1024;
    /** A host taken into the service root as it is (compiled once: String.matches compiled it on every request). */
    private static final java.util.regex.Pattern PLAIN_HOST =
            java.util.regex.Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+");

    private static final java.util.regex.Pattern NOT_PRINTABLE = java.util.regex.Pattern.compile("[^\\x20-\\x7e]");

    /**
     * How much of a body the gateway reads.
     *
     * @param maxBodyBytes the largest JSON body (limits.maxRequestBodyBytes)
     * @param discardBytes an unread body up to this length is read and discarded before an error
     *     answer, so that the client can keep its connection; a longer one closes it
     */
    record BodyLimits(long maxBodyBytes, long discardBytes) {}

    final Request request;
    final Response response;
    final Timings timings;
    final RequestLog log;
    /** A request of a {@code $batch}. */
    final boolean batchPart;
    /** A request of a changeset: its writes join the changeset's transaction. */
    final boolean inChangeset;

    private final String servicePath;
    private final BodyLimits limits;
    private String path;
    private VerifiedToken token;
    private Caller caller;
    private boolean bodyRead;
    private boolean closeConnection;
    private ResponseOutput output;

    Exchange(
            Request request,
            Response response,
            RequestLog log,
            String servicePath,
            BodyLimits limits,
            boolean batchPart,
            boolean inChangeset) {
        this.request = requireNonNull(request, "request is null");
        this.response = requireNonNull(response, "response is null");
        this.log = requireNonNull(log, "log is null");
        this.servicePath = requireNonNull(servicePath, "servicePath is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.timings = new Timings();
        this.batchPart = batchPart;
        this.inChangeset = inChangeset;
        request.setAttribute(ATTRIBUTE, this);
    }

    /** The exchange of a request that went through {@link RequestContextHandler}. */
    static Exchange of(Request request) {
        Object exchange = request.getAttribute(ATTRIBUTE);
        if (exchange == null) {
            throw new IllegalStateException("a request outside the handler chain: no exchange");
        }
        return (Exchange) exchange;
    }

    /** The application's verified token, once {@link AuthenticationHandler} checked it. */
    VerifiedToken token() {
        if (token == null) {
            throw new IllegalStateException("the request is not authenticated yet");
        }
        return token;
    }

    void token(VerifiedToken verified) {
        this.token = requireNonNull(verified, "verified is null");
        log.application = verified.applicationId();
    }

    /** The caller, once {@link CallerHandler} resolved it. */
    Caller caller() {
        if (caller == null) {
            throw new IllegalStateException("the caller is not resolved yet");
        }
        return caller;
    }

    /** The caller as a user; 403 for a request that names none (an application acting for no one). */
    Caller.User user() {
        if (!(caller() instanceof Caller.User user)) {
            throw AccessDenied.noCaller();
        }
        return user;
    }

    void caller(Caller resolved) {
        this.caller = requireNonNull(resolved, "resolved is null");
        if (resolved instanceof Caller.User user) {
            log.user = user.permissions().user().id().toString();
        }
    }

    /**
     * The path after the service root ({@code /accounts(…)}, empty for the root itself), with a
     * record addressed by an alternate key already addressed by its GUID ({@link
     * AlternateKeyHandler}).
     */
    String path() {
        return path != null ? path : request.getHttpURI().getPath().substring(servicePath.length());
    }

    void path(String rewritten) {
        this.path = requireNonNull(rewritten, "rewritten is null");
    }

    /** {@code https://host:port/api/data/v9.2/}, from the request's own URL (a host that is not a plain name reads as localhost). */
    String serviceRoot() {
        String host = request.getHttpURI().getHost();
        int port = request.getHttpURI().getPort();
        String scheme = request.getHttpURI().getScheme() == null
                ? "https"
                : request.getHttpURI().getScheme();
        String safeHost = host == null || !PLAIN_HOST.matcher(host).matches() ? "localhost" : host;
        return scheme + "://" + safeHost + (port > 0 ? ":" + port : "") + servicePath + "/";
    }

    // ---- the response

    /** Whether the response's headers went to the client already (a streamed body). */
    boolean committed() {
        return output != null && output.committed();
    }

    /** Sends a body built whole, with its exact length and final {@code Server-Timing}. */
    void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        log.status = status;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        output = new ResponseOutput(response, Integer.MAX_VALUE - 16, committing -> response.getHeaders()
                .put("Server-Timing", timings.serverTiming()));
        output.sendWhole(body);
    }

    /** Answers with a status and no body ({@code 204}), its headers already set. */
    void sendEmpty(int status) {
        response.setStatus(status);
        log.status = status;
        response.getHeaders().put("Server-Timing", timings.serverTiming());
    }

    /**
     * The response body: buffered up to 256 KiB and sent with exact headers, or, when larger,
     * committed with the timings measured so far ({@code beforeStreaming} runs first) and streamed,
     * the final {@code Server-Timing} following as a trailer. A batch part is buffered whole.
     */
    ResponseOutput open(int status, String contentType, Runnable beforeStreaming) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        log.status = status;
        // A batch part is kept in memory until the batch writes it: buffered whole, it says its final timings and
        // length.
        int threshold = batchPart ? Integer.MAX_VALUE - 16 : BUFFERED_BYTES;
        output = new ResponseOutput(response, threshold, committing -> {
            if (committing) {
                beforeStreaming.run();
                ReadRouting.lastServedBy().ifPresent(name -> timings.readFrom = name);
                response.getHeaders().put(HttpHeader.TRAILER, "Server-Timing");
                response.setTrailersSupplier(() -> HttpFields.build().put("Server-Timing", timings.serverTiming()));
            }
            response.getHeaders().put("Server-Timing", timings.serverTiming());
        });
        return output;
    }

    /** Makes the sink that writes rows as JSON. */
    interface SinkFactory {
        RowSink create(JsonGenerator json);
    }

    /** Reads rows into a sink. */
    interface Reader {
        ReadResult read(RowSink sink) throws IOException;
    }

    /** Streams rows as JSON with status 200 (see {@link #stream(int, SinkFactory, Reader)}). */
    void stream(SinkFactory sinks, Reader reader) throws IOException {
        stream(200, sinks, reader);
    }

    /**
     * Streams the rows {@code reader} reads into the sink {@code sinks} makes, timing planning,
     * the database and serialization apart as they happen, so that headers committed mid-stream
     * carry real figures.
     */
    void stream(int status, SinkFactory sinks, Reader reader) throws IOException {
        long readStarted = System.nanoTime();
        open(
                status,
                "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8",
                () -> TimedSink.measured(timings, readStarted));
        try (JsonGenerator json = JSON.createGenerator(output, JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            ReadRouting.servedBy(); // forget an earlier request's
            ReadResult result = reader.read(new TimedSink(sinks.create(json), timings));
            ReadRouting.servedBy().ifPresent(name -> timings.readFrom = name);
            log.rows = result.rows();
            timings.authzNanos += result.planNanos();
            timings.databaseNanos += result.databaseNanos();
            timings.serializeNanos = result.sinkNanos();
        }
        output.close();
    }

    /** Runs work against the backend (a write's transaction, an action), its time counted as {@code db}. */
    <T> T database(Supplier<T> work) {
        long started = System.nanoTime();
        try {
            return work.get();
        } finally {
            timings.databaseNanos += System.nanoTime() - started;
        }
    }

    // ---- the request body

    /** The JSON body: 415 for another media type, 413 beyond limits.maxRequestBodyBytes. */
    byte[] jsonBody() throws IOException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (request.getLength() <= limits.maxBodyBytes()
                && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            throw GatewayException.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be application/json.");
        }
        return body(limits.maxBodyBytes(), "request body");
    }

    /** The JSON body of a request that may have none (an action without parameters): no body and no Content-Type read as empty. */
    byte[] optionalJsonBody() throws IOException {
        if (request.getLength() == 0
                || (request.getLength() < 0
                        && request.getHeaders().get(HttpHeader.CONTENT_TYPE) == null
                        && request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) == null)) {
            return new byte[0];
        }
        return jsonBody();
    }

    /**
     * The body, read up to {@code limit} bytes: a larger declared or actual length is 413 before
     * anything is parsed, the rest of the body read and discarded first (see {@link #discardRest}).
     */
    byte[] body(long limit, String what) throws IOException {
        bodyRead = true;
        if (request.getLength() > limit) {
            discardRest(Content.Source.asInputStream(request));
            throw GatewayException.of(ErrorCode.PAYLOAD_TOO_LARGE, "The %s is larger than %d bytes.", what, limit);
        }
        InputStream in = Content.Source.asInputStream(request);
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
        if (body.length > limit) {
            discardRest(in);
            throw GatewayException.of(ErrorCode.PAYLOAD_TOO_LARGE, "The %s is larger than %d bytes.", what, limit);
        }
        in.close();
        return body;
    }

    /**
     * Before an error answer to a request sent on its own: its unread body is read and discarded,
     * so that a client that writes its whole request before reading gets the answer and can keep
     * the connection; a body longer than the discard limit is not read to its end, and the answer
     * says {@code Connection: close}.
     */
    void settleBody() {
        if (!bodyRead) {
            bodyRead = true;
            discardRest(Content.Source.asInputStream(request));
        }
        if (closeConnection) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private void discardRest(InputStream in) {
        if (request.getLength() > limits.discardBytes()) {
            closeConnection = true;
            return;
        }
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read += n;
                if (read > limits.discardBytes()) {
                    closeConnection = true;
                    return;
                }
            }
        } catch (IOException e) {
            closeConnection = true;
        }
    }

    /** The request's {@code odata.include-annotations} preference, if any, noted in {@code Preference-Applied}. */
    Optional<IncludeAnnotations> includeAnnotations() {
        Optional<IncludeAnnotations> annotations =
                Preferences.includeAnnotations(request.getHeaders()).map(asked -> asked.withLanguages(languages()));
        annotations.ifPresent(asked -> Preferences.applied(response.getHeaders(), asked.applied()));
        return annotations;
    }

    /**
     * The languages the request's labels come in: the user's own language setting (its LCID), when
     * the caller is a user who has one, then the request's {@code Accept-Language}.
     */
    Languages languages() {
        Languages asked =
                Languages.fromHeader(Optional.ofNullable(request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE)));
        if (caller instanceof Caller.User user) {
            java.util.OptionalInt lcid = user.permissions().hierarchy().language();
            if (lcid.isPresent()) {
                return Lcids.tag(lcid.getAsInt()).map(asked::preferring).orElse(asked);
            }
        }
        return asked;
    }

    /** Printable ASCII of a client's value, at most 128 characters, for logs and messages. */
    static String sanitize(String value) {
        String clean = NOT_PRINTABLE.matcher(value).replaceAll("");
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }
}
