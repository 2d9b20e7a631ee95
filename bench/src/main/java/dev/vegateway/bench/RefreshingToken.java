package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bearer token that is fetched again before it expires: at {@link #refreshTime} (a fifth of its
 * lifetime before it expires, at most five minutes before), by the worker that first finds it due,
 * while the others go on with the old one. A failed refresh keeps the old token, says so once
 * through {@code warnings}, and is tried again after {@link #RETRY_AFTER}; the requests sent with
 * an expired token then show as errors (401) in the result.
 */
final class RefreshingToken {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final Duration MAXIMUM_MARGIN = Duration.ofMinutes(5);

    /** A token and when it expires ({@link Instant#MAX} when the issuer did not say). */
    record Issued(String token, Instant expiresAt) {
        Issued {
            requireNonNull(token, "token is null");
            requireNonNull(expiresAt, "expiresAt is null");
            if (token.isBlank()) {
                throw new IllegalArgumentException("the issued token is blank");
            }
        }
    }

    /** Issues a new token; {@code now} is the clock's time. */
    @FunctionalInterface
    interface Issuer {
        Issued issue(Instant now) throws IOException, InterruptedException;
    }

    private record State(Issued issued, Instant refreshAt) {}

    private final String name;
    private final Issuer issuer;
    private final Supplier<Instant> clock;
    private final Consumer<String> warnings;
    private volatile State state;
    private int issued;

    /** Fetches the first token at once, so that a wrong endpoint or secret stops the run before it starts. */
    RefreshingToken(String name, Issuer issuer, Supplier<Instant> clock, Consumer<String> warnings)
            throws IOException, InterruptedException {
        this.name = requireNonNull(name, "name is null");
        this.issuer = requireNonNull(issuer, "issuer is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.warnings = requireNonNull(warnings, "warnings is null");
        Instant now = clock.get();
        Issued first = issuer.issue(now);
        this.state = new State(first, refreshTime(now, first.expiresAt()));
        this.issued = 1;
    }

    /** The token to send now; fetches a new one first when this one is due for refresh. */
    String current() {
        State seen = state;
        Instant now = clock.get();
        if (now.isBefore(seen.refreshAt())) {
            return seen.issued().token();
        }
        synchronized (this) {
            if (state != seen) {
                return state.issued().token();
            }
            try {
                Issued next = issuer.issue(now);
                state = new State(next, refreshTime(now, next.expiresAt()));
                issued++;
            } catch (IOException | RuntimeException e) {
                warnings.accept("cannot refresh the " + name + " token (" + e.getMessage() + "); trying again in "
                        + RETRY_AFTER.toSeconds() + " s, the current one expires at "
                        + seen.issued().expiresAt());
                state = new State(seen.issued(), now.plus(RETRY_AFTER));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return state.issued().token();
        }
    }

    /** How many tokens were issued so far, the first one included. */
    synchronized int issuedCount() {
        return issued;
    }

    /** When a token issued at {@code now} that expires at {@code expiresAt} is fetched again. */
    static Instant refreshTime(Instant now, Instant expiresAt) {
        if (expiresAt.equals(Instant.MAX)) {
            return Instant.MAX;
        }
        Duration lifetime = Duration.between(now, expiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return now;
        }
        Duration margin = lifetime.dividedBy(5);
        return expiresAt.minus(margin.compareTo(MAXIMUM_MARGIN) > 0 ? MAXIMUM_MARGIN : margin);
    }
}
