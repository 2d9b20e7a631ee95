package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Attributes;

/**
 * One request of a {@code $batch} as the pipeline sees it: its own method, URI, headers and
 * body (already in memory) and its own attributes (its exchange), everything else (connection,
 * TLS) from the batch request that carried it. This lets every batch part run through exactly the pipeline a request sent on
 * its own runs through.
 */
final class BatchPartRequest extends Request.Wrapper {
    private final String method;
    private final HttpURI uri;
    private final HttpFields headers;
    private final byte[] body;
    private final Attributes attributes = new Attributes.Mapped();
    private boolean read;

    BatchPartRequest(Request batch, String method, HttpURI uri, HttpFields headers, byte[] body) {
        super(batch);
        this.method = requireNonNull(method, "method is null");
        this.uri = requireNonNull(uri, "uri is null");
        this.headers = requireNonNull(headers, "headers is null");
        this.body = requireNonNull(body, "body is null");
    }

    @Override
    public Object setAttribute(String name, Object value) {
        return attributes.setAttribute(name, value);
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.getAttribute(name);
    }

    @Override
    public Object removeAttribute(String name) {
        return attributes.removeAttribute(name);
    }

    @Override
    public Set<String> getAttributeNameSet() {
        return attributes.getAttributeNameSet();
    }

    @Override
    public void clearAttributes() {
        attributes.clearAttributes();
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
