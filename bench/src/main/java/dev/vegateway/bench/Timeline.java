package dev.vegateway.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The measured requests second by second (by when they finished): how many, how many failed
 * (errors and 429s), and their latency. Not thread-safe: one per worker, merged at the end.
 */
final class Timeline {
    /** Runs longer than this keep their later seconds in the last one. */
    static final int MAXIMUM_SECONDS = 24 * 3600;

    private final List<Histogram> latencyMicros = new ArrayList<>();
    private final List<long[]> failures = new ArrayList<>();

    void record(long nanosSinceStart, long latencyMicros, boolean failed) {
        int second = (int) Math.min(MAXIMUM_SECONDS - 1, Math.max(0, nanosSinceStart / 1_000_000_000L));
        grow(second + 1);
        this.latencyMicros.get(second).recordValue(Math.max(0, latencyMicros));
        if (failed) {
            failures.get(second)[0]++;
        }
    }

    void add(Timeline other) {
        grow(other.seconds());
        for (int second = 0; second < other.seconds(); second++) {
            latencyMicros.get(second).add(other.latencyMicros.get(second));
            failures.get(second)[0] += other.failures.get(second)[0];
        }
    }

    int seconds() {
        return latencyMicros.size();
    }

    /** The requests that finished in {@code second}, with their latency. */
    Histogram latencyMicros(int second) {
        return latencyMicros.get(second);
    }

    long failures(int second) {
        return failures.get(second)[0];
    }

    private void grow(int seconds) {
        while (latencyMicros.size() < seconds) {
            latencyMicros.add(new Histogram(3));
            failures.add(new long[1]);
        }
    }
}
