package dev.vegateway.gateway.server;

import static java.util.Objects.requireNonNull;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import dev.vegateway.gateway.http.CatalogSnapshot;
import dev.vegateway.gateway.http.LiveCatalog;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the catalog file and serves a changed one without a restart: every {@code interval} it
 * reads the file's modification time and size (one {@code stat}); when either moved it reads the
 * file, and when its content differs from the last one tried it loads it, checks it against the
 * backend and hands it to the {@link LiveCatalog}, which swaps the whole snapshot at once. A file
 * with problems is refused: each problem is logged with its file and line, and the catalog served
 * stays as it was. The same content is not tried twice.
 *
 * <p>Why a poll and not {@link java.nio.file.WatchService}: a poll sees every way a file can
 * change — edited in place, replaced by a rename, a Kubernetes ConfigMap whose mount swaps a
 * symbolic link, a network or container file system that sends no inotify events — with one
 * {@code stat} per interval, while the JDK's WatchService watches directories (not a file behind
 * a symbolic link), misses changes on such file systems, and polls anyway on some platforms.
 */
public final class CatalogFileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogFileWatcher.class);

    /** Loads and checks a catalog text against the backend; throws {@link ProblemsException} listing every problem. */
    @FunctionalInterface
    public interface Loader {
        Catalog load(String source, String text);
    }

    /** What one look at the file did. */
    public enum Outcome {
        /** The file did not change since the last look. */
        UNCHANGED,
        /** A new catalog is served. */
        APPLIED,
        /** The file has problems; the catalog served stays. */
        REFUSED
    }

    private final Path file;
    private final Duration interval;
    private final Loader loader;
    private final LiveCatalog catalog;
    private final Thread thread;
    private final Object signal = new Object();

    /** Guarded by {@link #signal}. */
    private boolean closed;
    /** Guarded by {@code this}: what the last look saw. */
    private Optional<Stamp> seen = Optional.empty();
    /** Guarded by {@code this}: the digest of the content last loaded or refused. */
    private byte[] tried;

    private record Stamp(long modifiedMillis, long size) {}

    private CatalogFileWatcher(
            Path file, Duration interval, Loader loader, LiveCatalog catalog, Optional<byte[]> startContent) {
        this.file = requireNonNull(file, "file is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.loader = requireNonNull(loader, "loader is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.tried = startContent.map(CatalogFileWatcher::digest).orElse(new byte[0]);
        this.seen = stamp();
        this.thread = new Thread(this::run, "vegateway-catalog-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code file}, whose content at start is {@code startContent} (what the node
     * serves now), on a daemon thread until {@link #close}.
     */
    public static CatalogFileWatcher start(
            Path file, Duration interval, Loader loader, LiveCatalog catalog, Optional<byte[]> startContent) {
        CatalogFileWatcher watcher = new CatalogFileWatcher(file, interval, loader, catalog, startContent);
        watcher.thread.start();
        LOG.info("watching the catalog file {} for changes every {} ms", file, interval.toMillis());
        return watcher;
    }

    public Path file() {
        return file;
    }

    private void run() {
        while (pause()) {
            try {
                look();
            } catch (RuntimeException e) {
                LOG.error("the catalog watcher failed to look at {}; it tries again", file, e);
            }
        }
    }

    /** Looks at the file once: loads and serves it when its content changed. */
    public synchronized Outcome look() {
        Optional<Stamp> now = stamp();
        if (now.equals(seen)) {
            return Outcome.UNCHANGED;
        }
        seen = now;
        if (now.isEmpty()) {
            LOG.warn("the catalog file {} is gone; the catalog served stays as it is", file);
            return Outcome.UNCHANGED;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.warn(
                    "the catalog file {} changed but cannot be read ({}); the catalog served stays",
                    file,
                    e.toString());
            seen = Optional.empty();
            return Outcome.UNCHANGED;
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, tried)) {
            return Outcome.UNCHANGED;
        }
        tried = digest;
        long started = System.nanoTime();
        Catalog loaded;
        try {
            loaded = loader.load(file.toString(), text(content));
        } catch (ProblemsException e) {
            refuse(e.problems());
            return Outcome.REFUSED;
        }
        CatalogSnapshot snapshot;
        try {
            snapshot = catalog.replaceBase(loaded);
        } catch (RuntimeException e) {
            LOG.error(
                    "catalog file {} refused: its catalog could not be served ({}); the catalog served stays",
                    file,
                    e.toString(),
                    e);
            return Outcome.REFUSED;
        }
        LOG.info(
                "catalog file {} reloaded: {} entities, snapshot {}, in {} ms",
                file,
                loaded.entities().size(),
                snapshot.sequence(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return Outcome.APPLIED;
    }

    private void refuse(List<Problem> problems) {
        catalog.refused(LiveCatalog.Source.FILE);
        LOG.error(
                "catalog file {} refused with {} problem(s); the catalog served stays (snapshot {})",
                file,
                problems.size(),
                catalog.current().sequence());
        for (Problem problem : problems) {
            LOG.error("catalog file refused: {}", problem);
        }
    }

    private String text(byte[] content) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProblemsException(List.of(new Problem(file.toString(), 0, "", "the file is not UTF-8 text")));
        }
    }

    private Optional<Stamp> stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Waits one interval; false once closed. */
    private boolean pause() {
        synchronized (signal) {
            long deadline = System.nanoTime() + interval.toNanos();
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        try {
            thread.join(interval.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
