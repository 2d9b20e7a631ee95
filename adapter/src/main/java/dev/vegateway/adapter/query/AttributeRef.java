package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An attribute named by the client, not yet resolved; the planner turns it into a {@link ColumnRef}
 * or rejects it.
 *
 * @param relation the joined relation it belongs to, by the client's name for it (a link's alias
 *     or entity name); empty for the relation whose condition it stands in
 */
public record AttributeRef(Optional<String> relation, String name) implements Operand {
    public AttributeRef {
        requireNonNull(relation, "relation is null");
        requireNonNull(name, "name is null");
    }

    /** An attribute of the relation whose condition it stands in. */
    public AttributeRef(String name) {
        this(Optional.empty(), name);
    }
}
