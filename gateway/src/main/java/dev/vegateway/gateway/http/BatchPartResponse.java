package dev.vegateway.gateway.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The response to one request of a {@code $batch}: status, headers and body kept in memory until
 * the batch writes them into its multipart response. Nothing reaches the client through it.
 */
final class BatchPartResponse extends Response.Wrapper {
    private final HttpFields.Mutable headers = HttpFields.build();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = 200;
    private boolean lastWritten;

    BatchPartResponse(Request request, Response batch) {
        super(request, batch);
    }

    byte[] body() {
        return body.toByteArray();
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void setStatus(int code) {
        status = code;
    }

    @Override
    public HttpFields.Mutable getHeaders() {
        return headers;
    }

    @Override
    public Supplier<HttpFields> getTrailersSupplier() {
        return null;
    }

    @Override
    public void setTrailersSupplier(Supplier<HttpFields> trailers) {
        // A part is sent whole, with its final Server-Timing header: it has no trailers.
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public boolean hasLastWrite() {
        return lastWritten;
    }

    @Override
    public boolean isCompletedSuccessfully() {
        return lastWritten;
    }

    /** Forgets what was written: used when a part fails after part of its body was produced. */
    @Override
    public void reset() {
        status = 200;
        headers.clear();
        body.reset();
        lastWritten = false;
    }

    @Override
    public CompletableFuture<Void> writeInterim(int status, HttpFields headers) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        if (content != null && content.hasRemaining()) {
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            body.write(bytes, 0, bytes.length);
        }
        lastWritten |= last;
        callback.succeeded();
    }
}
