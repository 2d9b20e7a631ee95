package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.util.Optional;

/**
 * {@code If-Match} / {@code If-None-Match} of a write. ETags are weak and carry the row
 * version: {@code W/"12"}.
 */
public record Preconditions(Optional<String> ifMatch, Optional<String> ifNoneMatch) {
    public Preconditions {
        requireNonNull(ifMatch, "ifMatch is null");
        requireNonNull(ifNoneMatch, "ifNoneMatch is null");
    }

    public static Preconditions none() {
        return new Preconditions(Optional.empty(), Optional.empty());
    }

    public boolean ifMatchAny() {
        return ifMatch.map(String::trim).filter("*"::equals).isPresent();
    }

    public boolean ifNoneMatchAny() {
        return ifNoneMatch.map(String::trim).filter("*"::equals).isPresent();
    }

    /** The version an {@code If-Match} ETag names, if it names one. */
    public Optional<Long> expectedVersion() {
        if (ifMatch.isEmpty() || ifMatchAny()) {
            return Optional.empty();
        }
        String tag = ifMatch.get().trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Optional.of(Long.parseLong(tag));
        } catch (NumberFormatException e) {
            throw GatewayException.of(
                    ErrorCode.ETAG_MISMATCH,
                    "The ETag %s does not match the record's current version.",
                    ifMatch.get().length() > 40 ? ifMatch.get().substring(0, 40) + "…" : ifMatch.get());
        }
    }
}
