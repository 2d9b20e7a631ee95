package dev.vegateway.gateway.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured JWK set, from a URL or a local file, reloaded when it is due and when a token
 * names a key that is not in it (SPEC 4).
 *
 * <p>Nimbus retrieves and parses the set; the schedule is kept here because it must follow the
 * injected clock. Nimbus' caching sources read the system clock, and its rate limiter admits two
 * retrievals per interval where we promise one.
 *
 * <ul>
 *   <li>A load is due {@code refreshInterval} after the last successful one.
 *   <li>A key that is not in the set triggers a load at once.
 *   <li>Whatever the reason, loads start at most once per {@code minimumLoadInterval}; a flood of
 *       tokens with invented key ids costs one request per interval.
 *   <li>A failed or empty load keeps the keys we have, so an outage of the issuer's JWKS endpoint
 *       does not become an outage of the gateway; but only for {@code maxStaleness} after the last
 *       successful load of a URL: keys nobody could confirm for that long (the issuer may have
 *       revoked them) are dropped, tokens are refused and readiness turns false until a load works.
 * </ul>
 */
final class RefreshingJwkSource implements JWKSource<SecurityContext> {
    private static final Logger log = LoggerFactory.getLogger(RefreshingJwkSource.class);

    /** Reads the whole key set; may block on I/O. */
    @FunctionalInterface
    interface Loader {
        JWKSet load() throws IOException, ParseException;
    }

    private final String description;
    private final Loader loader;
    private final Clock clock;
    private final Duration refreshInterval;
    private final Duration minimumLoadInterval;
    private final Duration maxStaleness;
    /** When the keys were last loaded successfully. */
    private volatile Instant loadedAt = Instant.MIN;

    private volatile boolean staleLogged;
    private final ReentrantLock loadLock = new ReentrantLock();
    private volatile JWKSet keys = new JWKSet();
    private volatile Instant refreshDue = Instant.MIN;
    /** Guarded by loadLock. */
    private Optional<Instant> lastAttempt = Optional.empty();

    private RefreshingJwkSource(
            String description,
            Loader loader,
            Clock clock,
            Duration refreshInterval,
            Duration minimumLoadInterval,
            Duration maxStaleness) {
        this.description = requireNonNull(description, "description is null");
        this.loader = requireNonNull(loader, "loader is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.refreshInterval = requirePositive(refreshInterval, "auth.jwks.refreshInterval");
        this.minimumLoadInterval = requirePositive(minimumLoadInterval, "auth.jwks.unknownKidMinInterval");
        this.maxStaleness = requirePositive(maxStaleness, "auth.jwks.maxStaleness");
    }

    /**
     * A JWKS endpoint. The first fetch happens here; when it fails the source starts empty (not
     * ready) and tries again on use, at most once per {@code minimumLoadInterval}.
     */
    static RefreshingJwkSource fromUrl(
            URI url, Clock clock, Duration refreshInterval, Duration minimumLoadInterval, Duration maxStaleness) {
        URL location = toUrl(url);
        ResourceRetriever retriever = new DefaultResourceRetriever(
                JWKSourceBuilder.DEFAULT_HTTP_CONNECT_TIMEOUT,
                JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT,
                JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT);
        Loader loader = () -> JWKSet.parse(retriever.retrieveResource(location).getContent());
        RefreshingJwkSource source = new RefreshingJwkSource(
                "JWKS URL " + url, loader, clock, refreshInterval, minimumLoadInterval, maxStaleness);
        source.reloadIfAllowed(clock.instant(), true);
        return source;
    }

    /**
     * A local JWKS file. It must be readable and hold at least one key now; afterwards it is
     * checked for changes at most once per {@code minimumLoadInterval}.
     */
    static RefreshingJwkSource fromFile(Path file, Clock clock, Duration minimumLoadInterval) {
        requireNonNull(file, "file is null");
        // a local file does not go stale: what it holds is what the operator put there
        RefreshingJwkSource source = new RefreshingJwkSource(
                "JWKS file " + file,
                new FileLoader(file),
                clock,
                minimumLoadInterval,
                minimumLoadInterval,
                ChronoUnit.FOREVER.getDuration());
        source.loadLock.lock();
        try {
            Instant now = clock.instant();
            source.lastAttempt = Optional.of(now);
            source.install(source.loader.load(), now);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException(
                    "auth.jwks.file: cannot read the JWK set from " + file + ": " + e.getMessage(), e);
        } finally {
            source.loadLock.unlock();
        }
        if (!source.keysLoaded()) {
            throw new IllegalArgumentException("auth.jwks.file: " + file + " holds no public signing keys");
        }
        return source;
    }

    /**
     * True once a set with at least one key has been loaded, until those keys are older than
     * {@code maxStaleness} without a successful load; a failed load alone does not clear it.
     */
    boolean keysLoaded() {
        return !keys.isEmpty() && !stale(clock.instant());
    }

    private boolean stale(Instant now) {
        return !loadedAt.equals(Instant.MIN) && Duration.between(loadedAt, now).compareTo(maxStaleness) > 0;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        Instant now = clock.instant();
        if (!now.isBefore(refreshDue)) {
            // With keys at hand nobody waits for a scheduled reload; without, everybody must.
            reloadIfAllowed(now, keys.isEmpty());
        }
        List<JWK> matches = selector.select(keys);
        if (!matches.isEmpty() && !stale(now)) {
            return matches;
        }
        // A key we do not know (the issuer may have rotated its keys), or keys too old to trust.
        reloadIfAllowed(now, true);
        if (stale(now)) {
            if (!staleLogged) {
                staleLogged = true;
                log.error(
                        "The signing keys from {} were last loaded at {}, more than auth.jwks.maxStaleness ({}) ago;"
                                + " tokens are refused until the keys can be loaded again",
                        description,
                        loadedAt,
                        maxStaleness);
            }
            return List.of();
        }
        return selector.select(keys);
    }

    private void reloadIfAllowed(Instant now, boolean waitForLoadInProgress) {
        if (waitForLoadInProgress) {
            loadLock.lock();
        } else if (!loadLock.tryLock()) {
            return;
        }
        try {
            if (lastAttempt.isPresent() && now.isBefore(lastAttempt.get().plus(minimumLoadInterval))) {
                return;
            }
            lastAttempt = Optional.of(now);
            install(loader.load(), now);
        } catch (IOException | ParseException e) {
            log.warn(
                    "Cannot load the signing keys from {} (keeping the current kid {}): {}",
                    description,
                    keyIds(keys),
                    e.getMessage());
        } finally {
            loadLock.unlock();
        }
    }

    /** Caller holds loadLock. */
    private void install(JWKSet loaded, Instant now) {
        JWKSet publicKeys = loaded.toPublicJWKSet();
        if (publicKeys.isEmpty()) {
            log.warn("{} holds no public signing keys (keeping the current kid {})", description, keyIds(keys));
            return;
        }
        refreshDue = now.plus(refreshInterval);
        String previousKeyIds = keyIds(keys);
        keys = publicKeys;
        loadedAt = now;
        staleLogged = false;
        String keyIds = keyIds(publicKeys);
        if (!keyIds.equals(previousKeyIds)) {
            log.info("Loaded the signing keys from {}: kid {}", description, keyIds);
        }
    }

    private static String keyIds(JWKSet set) {
        return set.getKeys().stream()
                .map(key -> Optional.ofNullable(key.getKeyID()).orElse("(none)"))
                .sorted()
                .collect(Collectors.joining(", "));
    }

    private static URL toUrl(URI url) {
        requireNonNull(url, "url is null");
        try {
            return url.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.jwks.url: " + url + " is not a URL: " + e.getMessage(), e);
        }
    }

    private static Duration requirePositive(Duration duration, String name) {
        requireNonNull(duration, name + " is null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive but was " + duration);
        }
        return duration;
    }

    /**
     * Reads the file and parses it only when its content changed. Content, not the modification
     * time: a file rewritten within the file system's time resolution would go unnoticed.
     */
    private static final class FileLoader implements Loader {
        private final Path file;
        private byte[] lastContent = new byte[0];
        private JWKSet lastKeys = new JWKSet();

        FileLoader(Path file) {
            this.file = file;
        }

        @Override
        public JWKSet load() throws IOException, ParseException {
            byte[] content = Files.readAllBytes(file);
            if (!Arrays.equals(content, lastContent)) {
                lastKeys = JWKSet.parse(new String(content, StandardCharsets.UTF_8));
                lastContent = content;
            }
            return lastKeys;
        }
    }
}
