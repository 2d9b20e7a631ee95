package dev.vegateway.config;

import static java.util.Objects.requireNonNull;

/** A configuration value that must never be printed or logged. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = requireNonNull(value, "value is null");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself; call only where the value is used, never to print it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
