package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs {@code connections} workers, each a closed loop (send, wait for the whole body, repeat)
 * on its own {@link HttpClient} and so on its own keep-alive connection. Requests that start
 * during the warm-up are sent but not recorded; the run ends at the duration or after
 * {@code maxRequests} measured requests, whichever comes first. Error responses are recorded
 * and the loop goes on.
 */
final class LoadGenerator {
    private final RunSettings settings;
    private final Supplier<HttpClient> clients;

    LoadGenerator(RunSettings settings, Supplier<HttpClient> clients) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clients = requireNonNull(clients, "clients is null");
    }

    RunResult run(Workload workload) throws InterruptedException {
        requireNonNull(workload, "workload is null");
        long started = System.nanoTime();
        long measureFrom = started + settings.warmup().toNanos();
        long measureUntil = measureFrom + settings.duration().toNanos();
        AtomicLong budget = new AtomicLong(settings.maxRequests().orElse(Long.MAX_VALUE));
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < settings.connections(); index++) {
            Worker worker = new Worker(
                    clients.get(),
                    workload,
                    workload.startOf(index, settings.connections()),
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
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
        Measurements merged = new Measurements();
        long warmupRequests = 0;
        long lastCompletion = measureFrom;
        for (Worker worker : workers) {
            merged.add(worker.measurements);
            warmupRequests += worker.warmupRequests;
            lastCompletion = Math.max(lastCompletion, worker.lastCompletion);
        }
        Duration measured =
                Duration.ofNanos(merged.requests() == 0 ? settings.duration().toNanos() : lastCompletion - measureFrom);
        return new RunResult(workload.scenario(), settings.connections(), merged, measured, warmupRequests);
    }

    private static final class Worker implements Runnable {
        private final HttpClient client;
        private final Workload workload;
        private final long measureFrom;
        private final long measureUntil;
        private final AtomicLong budget;
        private final Measurements measurements = new Measurements();
        private long sequence;
        private long warmupRequests;
        private long lastCompletion;

        Worker(
                HttpClient client,
                Workload workload,
                long firstSequence,
                long measureFrom,
                long measureUntil,
                AtomicLong budget) {
            this.client = requireNonNull(client, "client is null");
            this.workload = workload;
            this.sequence = firstSequence;
            this.measureFrom = measureFrom;
            this.measureUntil = measureUntil;
            this.budget = budget;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                long start = System.nanoTime();
                if (start - measureUntil >= 0) {
                    return;
                }
                boolean measured = start - measureFrom >= 0;
                if (measured && budget.getAndDecrement() <= 0) {
                    return;
                }
                HttpRequest request = workload.request(sequence++);
                try {
                    HttpResponse<CountedBody> response = client.send(request, CountedBody.handler());
                    long end = System.nanoTime();
                    if (measured) {
                        ServerTiming timing =
                                ServerTiming.parse(response.headers().firstValue("Server-Timing"));
                        measurements.recordResponse(end - start, response.statusCode(), timing, response.body());
                        lastCompletion = end;
                    } else {
                        warmupRequests++;
                    }
                } catch (IOException e) {
                    long end = System.nanoTime();
                    if (measured) {
                        measurements.recordFailure(end - start, e);
                        lastCompletion = end;
                    } else {
                        warmupRequests++;
                    }
                    pauseAfterFailure();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** A refused connection fails in microseconds; do not spin on it. */
        private static void pauseAfterFailure() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
