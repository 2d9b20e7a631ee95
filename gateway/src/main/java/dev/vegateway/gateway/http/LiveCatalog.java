package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.Catalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one holder of the catalog a node serves: an atomic reference to an immutable {@link
 * CatalogSnapshot}, made from the catalog file's catalog (the <em>base</em>) with the
 * administrators' visibility choices applied. A new file ({@link #replaceBase}) or new choices
 * ({@link #visibility}) build a whole new snapshot off the request path and swap it in at once;
 * requests already running keep the one they took.
 */
public final class LiveCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);

    /** What made a new snapshot: a changed catalog file, or a visibility choice. */
    public enum Source {
        FILE,
        CHOICE
    }

    private final BiFunction<Long, Catalog, CatalogSnapshot> snapshots;
    private final AtomicReference<CatalogSnapshot> current = new AtomicReference<>();
    private final MeterRegistry registry;
    /** Guards the base, the choices and the building of snapshots, so that swaps happen one at a time. */
    private final Object lock = new Object();

    private Catalog base;
    private Map<String, Boolean> choices;
    private long sequence;

    /**
     * Builds the first snapshot.
     *
     * @param snapshots makes the snapshot of a catalog, given its sequence number
     */
    LiveCatalog(
            Catalog base,
            Map<String, Boolean> choices,
            BiFunction<Long, Catalog, CatalogSnapshot> snapshots,
            MeterRegistry registry) {
        this.base = requireNonNull(base, "base is null");
        this.choices = Map.copyOf(requireNonNull(choices, "choices is null"));
        this.snapshots = requireNonNull(snapshots, "snapshots is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.sequence = 1;
        current.set(snapshots.apply(sequence, base.withVisibility(this.choices)));
        Gauge.builder("vegateway.catalog.snapshot", this, live -> live.current().sequence())
                .description("The sequence number of the catalog snapshot this node serves (1 at start)")
                .register(registry);
    }

    /** The snapshot to serve a request with; take it once per request. */
    public CatalogSnapshot current() {
        return current.get();
    }

    /** The catalog now served (the current snapshot's). */
    public Catalog catalog() {
        return current().catalog();
    }

    /** The catalog file's catalog (with the gateway's own sets), before the visibility choices. */
    public Catalog base() {
        synchronized (lock) {
            return base;
        }
    }

    /**
     * Serves {@code newBase} (a new catalog file, already loaded and checked) with the current
     * choices. If its snapshot cannot be built, the old one stays and the failure is thrown.
     */
    public CatalogSnapshot replaceBase(Catalog newBase) {
        requireNonNull(newBase, "newBase is null");
        synchronized (lock) {
            CatalogSnapshot snapshot = swap(newBase, choices, Source.FILE);
            base = newBase;
            return snapshot;
        }
    }

    /**
     * Serves the current base with {@code newChoices} (logical name to visible), unless they are
     * the choices already served.
     */
    public CatalogSnapshot visibility(Map<String, Boolean> newChoices) {
        requireNonNull(newChoices, "newChoices is null");
        synchronized (lock) {
            if (newChoices.equals(choices)) {
                return current();
            }
            CatalogSnapshot snapshot = swap(base, newChoices, Source.CHOICE);
            choices = Map.copyOf(newChoices);
            return snapshot;
        }
    }

    /** Counts a refused catalog file (the old snapshot stays). */
    public void refused(Source source) {
        counter(source, "refused").increment();
    }

    private CatalogSnapshot swap(Catalog newBase, Map<String, Boolean> newChoices, Source source) {
        long started = System.nanoTime();
        CatalogSnapshot snapshot;
        try {
            snapshot = snapshots.apply(sequence + 1, newBase.withVisibility(newChoices));
        } catch (RuntimeException e) {
            counter(source, "refused").increment();
            throw e;
        }
        sequence++;
        CatalogSnapshot previous = current.getAndSet(snapshot);
        counter(source, "applied").increment();
        LOG.info(
                "catalog snapshot {} serves from now on ({}: {} entities, {} visible; $metadata ETag {} -> {}), built in"
                        + " {} ms; requests already running finish on snapshot {}",
                snapshot.sequence(),
                source == Source.FILE ? "the catalog file changed" : "an entity was hidden or shown",
                snapshot.catalog().entities().size(),
                snapshot.catalog().entities().stream()
                        .filter(entity -> entity.visible())
                        .count(),
                previous.metadataEtag(),
                snapshot.metadataEtag(),
                (System.nanoTime() - started) / 1_000_000,
                previous.sequence());
        return snapshot;
    }

    private Counter counter(Source source, String outcome) {
        return Counter.builder("vegateway.catalog.reloads")
                .description("Catalog snapshots built after a change of the catalog file or of a visibility choice,"
                        + " by source and outcome")
                .tag("source", source == Source.FILE ? "file" : "choice")
                .tag("outcome", outcome)
                .register(registry);
    }
}
