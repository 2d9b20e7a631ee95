package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

/** An attribute named by the client, not yet resolved; the planner turns it into a {@link ColumnRef} or rejects it. */
public record AttributeRef(String name) implements Operand {
    public AttributeRef {
        requireNonNull(name, "name is null");
    }
}
