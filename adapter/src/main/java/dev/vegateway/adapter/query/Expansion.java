package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * A collection-valued navigation expanded under every row of a result (an OData {@code $expand}
 * of the 1:n partner of a relation): the rows of {@code relation}'s entity whose
 * {@code childAttribute} equals the parent row's {@code parentAttribute}, with the relation's own
 * columns, criteria, orders and (single-valued) links.
 *
 * @param name the navigation property's name, as the client wrote it
 * @param relation the related entity's relation: columns, criteria, orders, links of its own
 * @param childAttribute the related entity's attribute that refers to the parent (the foreign key)
 * @param parentAttribute the parent's attribute it refers to (usually the parent's key)
 * @param top at most this many related rows per parent row (OData nested {@code $top})
 */
public record Expansion(
        String name, Relation relation, String childAttribute, String parentAttribute, OptionalInt top) {
    public Expansion {
        requireNonNull(name, "name is null");
        requireNonNull(relation, "relation is null");
        requireNonNull(childAttribute, "childAttribute is null");
        requireNonNull(parentAttribute, "parentAttribute is null");
        requireNonNull(top, "top is null");
        if (top.isPresent() && top.getAsInt() < 0) {
            throw new IllegalArgumentException("top must not be negative, was " + top.getAsInt());
        }
    }
}
