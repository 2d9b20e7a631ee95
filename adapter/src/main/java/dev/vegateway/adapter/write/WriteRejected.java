package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

/** Thrown by a {@link WriteHook} to refuse a write; the message is shown to the client as is. */
public final class WriteRejected extends RuntimeException {
    public WriteRejected(String userMessage) {
        super(requireNonNull(userMessage, "userMessage is null"), null, false, false);
    }
}
