package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One sort key as the client wrote it.
 *
 * @param relation the joined relation the attribute belongs to, by the client's name for it (a
 *     link's alias, an OData navigation path); empty for the relation the order is given on
 */
public record Order(Optional<String> relation, String attribute, boolean descending) {
    public Order {
        requireNonNull(relation, "relation is null");
        requireNonNull(attribute, "attribute is null");
    }

    /** A sort key on an attribute of the relation the order is given on. */
    public Order(String attribute, boolean descending) {
        this(Optional.empty(), attribute, descending);
    }
}
