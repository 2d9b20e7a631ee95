package dev.vegateway.gateway.server;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.write.AuditPurge;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the audit purge on one daemon thread of the gateway: a first time shortly after the start,
 * then at a fixed delay of a 24th of the retention, between {@link #MINIMUM_INTERVAL} and
 * {@link #MAXIMUM_INTERVAL}. A failed run is logged by the purge and retried at the next one.
 * Closing interrupts a run in progress after its current batch.
 */
final class AuditPurgeSchedule implements AutoCloseable {
    static final Duration FIRST_RUN_DELAY = Duration.ofMinutes(1);
    static final Duration MINIMUM_INTERVAL = Duration.ofMinutes(1);
    static final Duration MAXIMUM_INTERVAL = Duration.ofHours(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ScheduledExecutorService executor;

    private AuditPurgeSchedule(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    static AuditPurgeSchedule start(AuditPurge purge) {
        requireNonNull(purge, "purge is null");
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "vegateway-audit-purge");
            thread.setDaemon(true);
            return thread;
        });
        Duration interval = interval(purge.settings().retention());
        executor.scheduleWithFixedDelay(
                purge::run, FIRST_RUN_DELAY.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new AuditPurgeSchedule(executor);
    }

    /** A 24th of the retention, so rows outlive it by at most about 4 %, kept between one minute and one hour. */
    static Duration interval(Duration retention) {
        Duration interval = retention.dividedBy(24);
        if (interval.compareTo(MINIMUM_INTERVAL) < 0) {
            return MINIMUM_INTERVAL;
        }
        return interval.compareTo(MAXIMUM_INTERVAL) > 0 ? MAXIMUM_INTERVAL : interval;
    }

    /** Stops the schedule and waits (bounded) for a run in progress to end its current batch. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
