package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerSource;
import dev.vegateway.config.GatewayConfig.Quota;
import dev.vegateway.config.GatewayConfig.Throttling;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Service protection limits, as Dataverse applies them, on this node: per user and per
 * application, the requests and the combined execution time in a sliding window, and the
 * requests being answered at once. A request over a limit is 429 with {@code Retry-After} and
 * Dataverse's error code, before any database work; every admitted request says what is left in
 * {@code x-ms-ratelimit-burst-remaining-xrm-requests} and
 * {@code x-ms-ratelimit-time-remaining-xrm-requests} (the user's, else the application's).
 *
 * <p>The anonymous portal visitor stands for many people: only the application's limits apply to
 * it. The window is kept in buckets of a sixtieth of its length, so it slides in those steps.
 */
final class ThrottlingHandler extends Handler.Wrapper {
    static final String BURST_REMAINING = "x-ms-ratelimit-burst-remaining-xrm-requests";
    static final String TIME_REMAINING = "x-ms-ratelimit-time-remaining-xrm-requests";
    private static final int BUCKETS = 60;

    private final Throttling settings;
    private final LongSupplier nanoTime;
    private final long bucketNanos;
    private final Cache<String, Window> users;
    private final Cache<String, Window> applications;

    ThrottlingHandler(Handler next, Throttling settings) {
        this(next, settings, System::nanoTime);
    }

    /** {@code nanoTime}: the clock the windows slide by ({@link System#nanoTime} but in tests). */
    ThrottlingHandler(Handler next, Throttling settings, LongSupplier nanoTime) {
        super(next);
        this.settings = requireNonNull(settings, "settings is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.bucketNanos = Math.max(1, settings.window().toNanos() / BUCKETS);
        // A caller idle for a whole window has nothing left in it: their window may go.
        this.users = Caffeine.newBuilder().expireAfterAccess(settings.window()).build();
        this.applications =
                Caffeine.newBuilder().expireAfterAccess(settings.window()).build();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        String application = exchange.token().applicationId().toLowerCase(Locale.ROOT);
        if (!settings.enabled() || settings.exemptApplications().contains(application)) {
            return super.handle(request, response, callback);
        }
        Optional<Admitted> user =
                user(exchange.caller()).flatMap(id -> admit(users, id, settings.perUser(), "user", Optional.empty()));
        Optional<Admitted> app = admit(applications, application, settings.perApplication(), "application", user);
        Optional<Admitted> shown = user.isPresent() ? user : app;
        shown.ifPresent(admitted -> {
            if (admitted.quota().requests() > 0) {
                response.getHeaders().put(BURST_REMAINING, Long.toString(admitted.remainingRequests()));
            }
            if (!admitted.quota().executionTime().isZero()) {
                response.getHeaders()
                        .put(TIME_REMAINING, String.format(Locale.ROOT, "%.2f", admitted.remainingNanos() / 1e9));
            }
        });
        long started = nanoTime.getAsLong();
        try {
            return super.handle(request, response, callback);
        } finally {
            long ended = nanoTime.getAsLong();
            user.ifPresent(admitted -> admitted.window().release(ended, ended - started));
            app.ifPresent(admitted -> admitted.window().release(ended, ended - started));
        }
    }

    /** The user whose limits apply: none for the anonymous portal visitor or an application acting for no one. */
    private static Optional<String> user(Caller caller) {
        if (caller instanceof Caller.User user && user.source() != CallerSource.PORTAL_ANONYMOUS) {
            return Optional.of(user.permissions().user().id().toString());
        }
        return Optional.empty();
    }

    /**
     * Counts the request in {@code key}'s window, or refuses it (first undoing {@code earlier},
     * the admission of the same request by another window).
     */
    private Optional<Admitted> admit(
            Cache<String, Window> windows, String key, Quota quota, String whose, Optional<Admitted> earlier) {
        if (quota.requests() == 0 && quota.executionTime().isZero() && quota.concurrentRequests() == 0) {
            return Optional.empty();
        }
        Window window = windows.get(key, ignored -> new Window());
        long now = nanoTime.getAsLong();
        try {
            return Optional.of(window.admit(now, quota, whose));
        } catch (GatewayException refused) {
            earlier.ifPresent(admitted -> admitted.window().cancel(admitted.bucket()));
            throw refused;
        }
    }

    /** A request a window let through, and what that window has left. */
    private record Admitted(Window window, long bucket, Quota quota, long remainingRequests, long remainingNanos) {}

    /** One caller's sliding window: requests and execution time per bucket, and requests running now. */
    private final class Window {
        private final long[] epochs = new long[BUCKETS];
        private final long[] requests = new long[BUCKETS];
        private final long[] nanos = new long[BUCKETS];
        private int running;

        Window() {
            java.util.Arrays.fill(epochs, Long.MIN_VALUE);
        }

        synchronized Admitted admit(long now, Quota quota, String whose) {
            long current = Math.floorDiv(now, bucketNanos);
            long countedRequests = 0;
            long countedNanos = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (epochs[i] > current - BUCKETS) {
                    countedRequests += requests[i];
                    countedNanos += nanos[i];
                }
            }
            long windowSeconds = settings.window().toSeconds();
            if (quota.concurrentRequests() > 0 && running >= quota.concurrentRequests()) {
                throw refuse(
                        ErrorCode.THROTTLED_CONCURRENCY,
                        1,
                        "Number of concurrent requests exceeded the limit of %d for this %s.",
                        quota.concurrentRequests(),
                        whose);
            }
            if (quota.requests() > 0 && countedRequests >= quota.requests()) {
                throw refuse(
                        ErrorCode.THROTTLED_COUNT,
                        retryAfter(now, current, requests),
                        "Number of requests exceeded the limit of %d over time window of %d seconds for this %s.",
                        quota.requests(),
                        windowSeconds,
                        whose);
            }
            long limitNanos = quota.executionTime().toNanos();
            if (limitNanos > 0 && countedNanos >= limitNanos) {
                throw refuse(
                        ErrorCode.THROTTLED_TIME,
                        retryAfter(now, current, nanos),
                        "Combined execution time of incoming requests exceeded limit of %d milliseconds over time window"
                                + " of %d seconds for this %s. Decrease number of concurrent requests or reduce the"
                                + " duration of requests and try again later.",
                        quota.executionTime().toMillis(),
                        windowSeconds,
                        whose);
            }
            requests[slot(current)]++;
            running++;
            return new Admitted(
                    this,
                    current,
                    quota,
                    Math.max(0, quota.requests() - countedRequests - 1),
                    Math.max(0, limitNanos - countedNanos));
        }

        /** The request admitted in {@code bucket} was refused by another window: it does not count. */
        synchronized void cancel(long bucket) {
            int index = (int) Math.floorMod(bucket, (long) BUCKETS);
            if (epochs[index] == bucket && requests[index] > 0) {
                requests[index]--;
            }
            running--;
        }

        /** A request this window admitted ended after {@code spent} nanoseconds. */
        synchronized void release(long now, long spent) {
            running--;
            nanos[slot(Math.floorDiv(now, bucketNanos))] += spent;
        }

        /** The index of the bucket of {@code epoch}, emptied first if it last held an older one. */
        private int slot(long epoch) {
            int index = (int) Math.floorMod(epoch, (long) BUCKETS);
            if (epochs[index] != epoch) {
                epochs[index] = epoch;
                requests[index] = 0;
                nanos[index] = 0;
            }
            return index;
        }

        /** Seconds until the oldest bucket that holds any of {@code amounts} leaves the window. */
        private long retryAfter(long now, long current, long[] amounts) {
            long oldest = current;
            for (int i = 0; i < BUCKETS; i++) {
                if (epochs[i] > current - BUCKETS && amounts[i] > 0) {
                    oldest = Math.min(oldest, epochs[i]);
                }
            }
            long leavesAt = (oldest + BUCKETS) * bucketNanos;
            return Math.max(1, Duration.ofNanos(leavesAt - now).toSeconds() + 1);
        }
    }

    @FormatMethod
    private static GatewayException refuse(
            ErrorCode code, long retryAfterSeconds, @FormatString String message, Object... arguments) {
        return new GatewayException(
                code,
                String.format(Locale.ROOT, message, arguments),
                null,
                Optional.of(Duration.ofSeconds(retryAfterSeconds)));
    }
}
