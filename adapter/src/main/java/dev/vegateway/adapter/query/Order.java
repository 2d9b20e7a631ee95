package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

/** One sort key as the client wrote it. */
public record Order(String attribute, boolean descending) {
    public Order {
        requireNonNull(attribute, "attribute is null");
    }
}
