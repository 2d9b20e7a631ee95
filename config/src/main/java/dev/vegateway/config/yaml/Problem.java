package dev.vegateway.config.yaml;

import static java.util.Objects.requireNonNull;

/** One problem found in a configuration, catalog or security file: where it is and what is wrong. */
public record Problem(String source, int line, String key, String message) {
    public Problem {
        requireNonNull(source, "source is null");
        requireNonNull(key, "key is null");
        requireNonNull(message, "message is null");
    }

    /** {@code file:line: key: message}, the form editors and terminals understand. */
    @Override
    public String toString() {
        String where = line > 0 ? source + ":" + line : source;
        return key.isEmpty() ? where + ": " + message : where + ": " + key + ": " + message;
    }
}
