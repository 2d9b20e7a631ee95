package dev.vegateway.bench;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A response body that is counted and dropped, keeping only its first bytes (to show what an
 * error response said). No per-response allocation beyond the small prefix. It also counts the
 * failed parts of a {@code $batch} answer: the lines {@code HTTP/1.1 4xx} or {@code 5xx} after a
 * line break, which a 200 batch response carries for each request that failed.
 */
record CountedBody(long bytes, String prefix, int failedParts) {
    static final int PREFIX_BYTES = 512;
    private static final byte[] STATUS_LINE = "\nHTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);

    static HttpResponse.BodyHandler<CountedBody> handler() {
        return info -> HttpResponse.BodySubscribers.fromSubscriber(new Counter(), Counter::result);
    }

    private static final class Counter implements Flow.Subscriber<List<ByteBuffer>> {
        private final byte[] prefix = new byte[PREFIX_BYTES];
        private volatile int prefixLength;
        private volatile long bytes;
        /** How much of {@link #STATUS_LINE} the bytes seen so far end with; its length means "the status digit is next". */
        private volatile int matched;

        private volatile int failedParts;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            long total = bytes;
            int length = prefixLength;
            for (ByteBuffer buffer : buffers) {
                int remaining = buffer.remaining();
                if (length < PREFIX_BYTES) {
                    int copied = Math.min(remaining, PREFIX_BYTES - length);
                    buffer.get(buffer.position(), prefix, length, copied);
                    length += copied;
                }
                total += remaining;
                scan(buffer);
            }
            prefixLength = length;
            bytes = total;
        }

        private void scan(ByteBuffer buffer) {
            int state = matched;
            int failed = failedParts;
            for (int i = buffer.position(); i < buffer.limit(); i++) {
                byte b = buffer.get(i);
                if (state == STATUS_LINE.length) {
                    if (b == '4' || b == '5') {
                        failed++;
                    }
                    state = 0;
                }
                if (b == STATUS_LINE[state]) {
                    state++;
                } else {
                    state = b == STATUS_LINE[0] ? 1 : 0;
                }
            }
            matched = state;
            failedParts = failed;
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}

        CountedBody result() {
            int length = prefixLength;
            return new CountedBody(
                    bytes, new String(Arrays.copyOf(prefix, length), StandardCharsets.UTF_8), failedParts);
        }
    }
}
