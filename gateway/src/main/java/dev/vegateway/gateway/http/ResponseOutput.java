package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The response body. It holds up to {@code threshold} bytes so that a response that fits is
 * sent with exact {@code Server-Timing} and {@code Content-Length}; a larger one is committed
 * at the threshold (headers then carry the timings measured so far) and streamed from there,
 * so memory stays bounded whatever the result size. What it holds is in a buffer of Jetty's
 * pool (taken at the first write, exchanged for one twice as large when full, given back when
 * sent), so a response allocates no buffer of its own once the pool has warmed up.
 */
final class ResponseOutput extends OutputStream {
    /** The first buffer taken from the pool: a by-key answer fits in it. */
    private static final int FIRST_BUFFER = 4096;

    private final Response response;
    private final java.util.function.Consumer<Boolean> beforeCommit;
    private final int threshold;
    private final ByteBufferPool pool;
    private RetainableByteBuffer.Mutable buffer;
    private OutputStream direct;
    private boolean sent;
    private boolean closed;

    /** {@code beforeCommit} sets the last headers; it is told whether the body will be streamed (true) or sent whole (false). */
    ResponseOutput(Response response, int threshold, java.util.function.Consumer<Boolean> beforeCommit) {
        this.response = requireNonNull(response, "response is null");
        this.threshold = threshold;
        this.beforeCommit = requireNonNull(beforeCommit, "beforeCommit is null");
        ByteBufferPool components = response.getRequest().getComponents().getByteBufferPool();
        this.pool = components == null ? ByteBufferPool.NON_POOLING : components;
    }

    boolean committed() {
        return sent || direct != null;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (direct != null) {
            direct.write(bytes, offset, length);
            return;
        }
        int size = buffer == null ? 0 : buffer.remaining();
        if (size + length > threshold) {
            beforeCommit.accept(true);
            direct = Content.Sink.asOutputStream(response);
            if (buffer != null) {
                buffer.writeTo(response, false);
                release();
            }
            direct.write(bytes, offset, length);
            return;
        }
        if (buffer == null) {
            buffer = pool.acquire(Math.max(FIRST_BUFFER, length), false);
        } else if (buffer.space() < length) {
            RetainableByteBuffer.Mutable larger =
                    pool.acquire((int) Math.min(threshold, Math.max(2L * buffer.capacity(), size + length)), false);
            larger.append(buffer.getByteBuffer());
            buffer.release();
            buffer = larger;
        }
        buffer.put(bytes, offset, length);
    }

    /**
     * Sends {@code body}, built whole, as the response with its exact {@code Content-Length}: the
     * same as writing it and closing, without copying it.
     */
    void sendWhole(byte[] body) throws IOException {
        if (buffer != null || direct != null || closed) {
            throw new IllegalStateException("the body was written to already");
        }
        closed = true;
        beforeCommit.accept(false);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        sent = true;
        Content.Sink.write(response, true, ByteBuffer.wrap(body));
    }

    @Override
    public void flush() {
        // Flushing happens at commit or close; an early flush would commit the headers.
    }

    /** Sends what is buffered (with exact headers) or ends the stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (direct != null) {
            direct.close();
            return;
        }
        beforeCommit.accept(false);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, buffer == null ? 0 : buffer.remaining());
        sent = true;
        try {
            Content.Sink.write(response, true, buffer == null ? BufferUtil.EMPTY_BUFFER : buffer.getByteBuffer());
        } finally {
            release();
        }
    }

    private void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
