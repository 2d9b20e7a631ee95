package dev.vegateway.bench;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A response body that is counted and dropped, keeping only its first bytes (to show what an
 * error response said). No per-response allocation beyond the small prefix.
 */
record CountedBody(long bytes, String prefix) {
    static final int PREFIX_BYTES = 512;

    static HttpResponse.BodyHandler<CountedBody> handler() {
        return info -> HttpResponse.BodySubscribers.fromSubscriber(new Counter(), Counter::result);
    }

    private static final class Counter implements Flow.Subscriber<List<ByteBuffer>> {
        private final byte[] prefix = new byte[PREFIX_BYTES];
        private volatile int prefixLength;
        private volatile long bytes;

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
            }
            prefixLength = length;
            bytes = total;
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}

        CountedBody result() {
            int length = prefixLength;
            return new CountedBody(bytes, new String(Arrays.copyOf(prefix, length), StandardCharsets.UTF_8));
        }
    }
}
