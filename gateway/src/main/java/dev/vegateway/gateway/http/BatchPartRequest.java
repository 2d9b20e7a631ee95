package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * One request of a {@code $batch} as the pipeline sees it: its own method, URI, headers and
 * body (already in memory), everything else (connection, TLS, attributes) from the batch request
 * that carried it. This lets every batch part run through exactly the pipeline a request sent on
 * its own runs through.
 */
final class BatchPartRequest extends Request.Wrapper {
    private final String method;
    private final HttpURI uri;
    private final HttpFields headers;
    private final byte[] body;
    private boolean read;

    BatchPartRequest(Request batch, String method, HttpURI uri, HttpFields headers, byte[] body) {
        super(batch);
        this.method = requireNonNull(method, "method is null");
        this.uri = requireNonNull(uri, "uri is null");
        this.headers = requireNonNull(headers, "headers is null");
        this.body = requireNonNull(body, "body is null");
    }

    @Override
    public String getMethod() {
        return method;
    }

    @Override
    public HttpURI getHttpURI() {
        return uri;
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    @Override
    public HttpFields getTrailers() {
        return null;
    }

    @Override
    public long getLength() {
        return body.length;
    }

    @Override
    public Content.Chunk read() {
        if (read) {
            return Content.Chunk.EOF;
        }
        read = true;
        return Content.Chunk.from(ByteBuffer.wrap(body), true);
    }

    @Override
    public boolean consumeAvailable() {
        read = true;
        return true;
    }

    @Override
    public void demand(Runnable demandCallback) {
        demandCallback.run();
    }
}
