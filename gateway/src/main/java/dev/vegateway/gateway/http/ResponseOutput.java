package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/**
 * The response body. It holds up to {@code threshold} bytes so that a response that fits is
 * sent with exact {@code Server-Timing} and {@code Content-Length}; a larger one is committed
 * at the threshold (headers then carry the timings measured so far) and streamed from there,
 * so memory stays bounded whatever the result size.
 */
final class ResponseOutput extends OutputStream {
    private final Response response;
    private final java.util.function.Consumer<Boolean> beforeCommit;
    private final int threshold;
    private byte[] buffer = new byte[8192];
    private int size;
    private OutputStream direct;
    private boolean closed;

    /** {@code beforeCommit} sets the last headers; it is told whether the body will be streamed (true) or sent whole (false). */
    ResponseOutput(Response response, int threshold, java.util.function.Consumer<Boolean> beforeCommit) {
        this.response = requireNonNull(response, "response is null");
        this.threshold = threshold;
        this.beforeCommit = requireNonNull(beforeCommit, "beforeCommit is null");
    }

    boolean committed() {
        return direct != null;
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
        if (size + length > threshold) {
            beforeCommit.accept(true);
            direct = Content.Sink.asOutputStream(response);
            direct.write(buffer, 0, size);
            direct.write(bytes, offset, length);
            buffer = null;
            return;
        }
        if (size + length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + length));
        }
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
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
        if (direct == null) {
            beforeCommit.accept(false);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(size));
            direct = Content.Sink.asOutputStream(response);
            direct.write(buffer, 0, size);
        }
        direct.close();
    }
}
