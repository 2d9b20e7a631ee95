package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs {@code connections} workers, each on its own {@link HttpClient} and so on its own
 * keep-alive connection. In a closed loop a worker sends, waits for the whole body and sends
 * again. In an open loop ({@link RunSettings#rate()}) request {@code k} of all is due at
 * {@link RunSettings#dueNanos(long) dueNanos(k)} after the start (every {@code 1 / rate} once the
 * ramp-up is over) and worker {@code w} sends the requests {@code k ≡ w (mod connections)}, or at
 * once when it is late; the latency of a request counts from the moment it was due, so a slow
 * answer that delays the requests behind it shows in their latency too (no coordinated omission),
 * and the service time (sent → answered) is recorded beside it.
 *
 * <p>A run is a ramp-up ({@link RunSettings#rampUp()}: closed-loop workers start one after another
 * spread evenly over it, the open loop's rate rises linearly from 0), then the warm-up at full
 * load, then the measured time. Requests due during the ramp-up and the warm-up are sent but not
 * recorded (counted as warm-up requests); the run ends at the duration or after
 * {@code maxRequests} measured requests, whichever comes first. Error responses are recorded and
 * the loop goes on; with {@link RunSettings#honourRetryAfter()} a worker answered 429 or 503 with
 * {@code Retry-After} pauses that long first.
 */
final class LoadGenerator {
    private final RunSettings settings;
    private final Supplier<HttpClient> clients;

    /** What the run has measured so far, for a progress line. */
    record Progress(long elapsedNanos, long requests, long throttled, long errors) {}

    /** How often the command line prints a progress line. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private final Optional<Consumer<Progress>> onProgress;
    private final Duration progressInterval;
    private final AtomicLong measuredRequests = new AtomicLong();
    private final AtomicLong measuredThrottled = new AtomicLong();
    private final AtomicLong measuredErrors = new AtomicLong();

    LoadGenerator(RunSettings settings, Supplier<HttpClient> clients) {
        this(settings, clients, Optional.empty(), PROGRESS_INTERVAL);
    }

    /** As {@link #LoadGenerator(RunSettings, Supplier)}, telling {@code onProgress} every {@code progressInterval}. */
    LoadGenerator(
            RunSettings settings,
            Supplier<HttpClient> clients,
            Optional<Consumer<Progress>> onProgress,
            Duration progressInterval) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clients = requireNonNull(clients, "clients is null");
        this.onProgress = requireNonNull(onProgress, "onProgress is null");
        this.progressInterval = requireNonNull(progressInterval, "progressInterval is null");
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("the progress interval must be positive, was " + progressInterval);
        }
    }

    RunResult run(Workload workload) throws InterruptedException {
        requireNonNull(workload, "workload is null");
        long started = System.nanoTime();
        long measureFrom = started + settings.measureFromNanos();
        long measureUntil = measureFrom + settings.duration().toNanos();
        AtomicLong budget = new AtomicLong(settings.maxRequests().orElse(Long.MAX_VALUE));
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < settings.connections(); index++) {
            Worker worker = new Worker(
                    this,
                    clients.get(),
                    workload,
                    workload.startOf(index, settings.connections()),
                    settings,
                    index,
                    started,
                    measureFrom,
                    measureUntil,
                    budget);
            workers.add(worker);
            Thread thread = new Thread(worker, "bench-worker-" + index);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        try {
            long nextProgress = started + progressInterval.toNanos();
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    long wait = Math.max(1, (nextProgress - System.nanoTime()) / 1_000_000);
                    thread.join(onProgress.isPresent() ? wait : 0);
                    if (onProgress.isPresent() && System.nanoTime() - nextProgress >= 0) {
                        long now = System.nanoTime();
                        onProgress
                                .get()
                                .accept(new Progress(
                                        Math.max(0, now - measureFrom),
                                        measuredRequests.get(),
                                        measuredThrottled.get(),
                                        measuredErrors.get()));
                        nextProgress = now + progressInterval.toNanos();
                    }
                }
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
        Measurements merged = new Measurements();
        Timeline timeline = new Timeline();
        Map<String, Measurements> byLabel = new TreeMap<>();
        long warmupRequests = 0;
        long lastCompletion = measureFrom;
        for (Worker worker : workers) {
            merged.add(worker.measurements);
            timeline.add(worker.timeline);
            worker.byLabel.forEach((label, measurements) ->
                    byLabel.computeIfAbsent(label, name -> new Measurements()).add(measurements));
            warmupRequests += worker.warmupRequests;
            lastCompletion = Math.max(lastCompletion, worker.lastCompletion);
        }
        Duration measured =
                Duration.ofNanos(merged.requests() == 0 ? settings.duration().toNanos() : lastCompletion - measureFrom);
        return new RunResult(
                workload.scenario(),
                settings.connections(),
                merged,
                measured,
                warmupRequests,
                settings.rate(),
                workload.callers(),
                byLabel,
                timeline,
                settings.rampUp(),
                settings.warmup());
    }

    /** A measured answer for the progress line; status 0 is no answer at all. */
    private void count(int status, boolean failedParts) {
        measuredRequests.incrementAndGet();
        if (status == 429) {
            measuredThrottled.incrementAndGet();
        } else if (status / 100 != 2 || failedParts) {
            measuredErrors.incrementAndGet();
        }
    }

    private static final class Worker implements Runnable {
        private final LoadGenerator generator;
        private final HttpClient client;
        private final Workload workload;
        private final RunSettings settings;
        private final long measureFrom;
        private final long measureUntil;
        private final AtomicLong budget;
        private final Measurements measurements = new Measurements();
        private final Timeline timeline = new Timeline();
        /** Mix workloads: the measurements of each template apart. */
        private final Map<String, Measurements> byLabel = new HashMap<>();

        private final int index;
        private final long started;
        private long sequence;
        private long warmupRequests;
        private long lastCompletion;
        /** Open loop: this worker's requests are numbers {@code index + k × connections} of all; the next one's k. */
        private long turn;

        Worker(
                LoadGenerator generator,
                HttpClient client,
                Workload workload,
                long firstSequence,
                RunSettings settings,
                int index,
                long started,
                long measureFrom,
                long measureUntil,
                AtomicLong budget) {
            this.generator = generator;
            this.client = requireNonNull(client, "client is null");
            this.workload = workload;
            this.sequence = firstSequence;
            this.settings = settings;
            this.index = index;
            this.started = started;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
            this.budget = budget;
        }

        @Override
        public void run() {
            if (!settings.openLoop() && !sleepUntil(started + settings.firstRequestNanos(index))) {
                return;
            }
            while (!Thread.currentThread().isInterrupted()) {
                long intended;
                if (settings.openLoop()) {
                    intended = started + settings.dueNanos(index + turn * settings.connections());
                    turn++;
                    if (intended - measureUntil >= 0 || !sleepUntil(intended)) {
                        return;
                    }
                } else {
                    intended = System.nanoTime();
                }
                long start = System.nanoTime();
                if (start - measureUntil >= 0) {
                    return;
                }
                boolean measured = intended - measureFrom >= 0;
                if (measured && budget.getAndDecrement() <= 0) {
                    return;
                }
                Optional<String> label = workload.label(sequence);
                HttpRequest request = workload.request(sequence++);
                long pause = 0;
                try {
                    HttpResponse<CountedBody> response = client.send(request, CountedBody.handler());
                    long end = System.nanoTime();
                    timeline.record(
                            end - started,
                            (end - intended) / 1_000,
                            response.statusCode() / 100 != 2 || response.body().failedParts() > 0);
                    if (measured) {
                        ServerTiming timing =
                                ServerTiming.parse(response.headers().firstValue("Server-Timing"));
                        measurements.recordResponse(
                                end - intended, end - start, response.statusCode(), timing, response.body());
                        generator.count(response.statusCode(), response.body().failedParts() > 0);
                        label.ifPresent(name -> byLabel.computeIfAbsent(name, key -> new Measurements())
                                .recordResponse(
                                        end - intended, end - start, response.statusCode(), timing, response.body()));
                        lastCompletion = end;
                    } else {
                        warmupRequests++;
                    }
                    if (settings.honourRetryAfter() && (response.statusCode() == 429 || response.statusCode() == 503)) {
                        pause = RetryAfter.parse(response.headers().firstValue("Retry-After"), Instant.now())
                                .map(wait -> Math.min(wait.toNanos(), RunSettings.MAXIMUM_RETRY_AFTER.toNanos()))
                                .orElse(0L);
                        if (measured && pause > 0) {
                            measurements.recordRetryAfterWait(pause);
                        }
                    }
                } catch (IOException e) {
                    long end = System.nanoTime();
                    timeline.record(end - started, (end - intended) / 1_000, true);
                    if (measured) {
                        measurements.recordFailure(end - intended, end - start, e);
                        generator.count(0, false);
                        label.ifPresent(name -> byLabel.computeIfAbsent(name, key -> new Measurements())
                                .recordFailure(end - intended, end - start, e));
                        lastCompletion = end;
                    } else {
                        warmupRequests++;
                    }
                    // A refused connection fails in microseconds; do not spin on it.
                    pause = TimeUnit.MILLISECONDS.toNanos(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (pause > 0) {
                    long resume = System.nanoTime() + pause;
                    if (!sleepUntil(Math.min(resume, measureUntil))) {
                        return;
                    }
                    if (settings.openLoop()) {
                        // Requests due while waiting are not sent later in a burst: the schedule resumes now.
                        double due = settings.requestsDueBy(resume - started);
                        turn = Math.max(turn, (long) Math.ceil((due - index) / settings.connections()));
                    }
                }
            }
        }

        /** Sleeps until {@code deadline} ({@link System#nanoTime()}); false when interrupted. */
        private static boolean sleepUntil(long deadline) {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                LockSupport.parkNanos(left);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
        }
    }
}
