package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One relation of the query tree: an entity with the columns asked of it, its conditions, its
 * orders and the relations joined to it. The root relation is the entity queried; every other
 * one hangs under a {@link Link}.
 *
 * @param criteria conditions on this relation ({@link Condition#TRUE} when none); an attribute of
 *     another relation is named through {@link AttributeRef#relation()}
 */
public record Relation(
        String entityLogicalName, Columns columns, Condition criteria, List<Order> orders, List<Link> links) {
    /** Dataverse's limit of link-entities in one query. */
    public static final int MAX_LINKS = 15;

    public Relation {
        requireNonNull(entityLogicalName, "entityLogicalName is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(criteria, "criteria is null");
        orders = List.copyOf(requireNonNull(orders, "orders is null"));
        links = List.copyOf(requireNonNull(links, "links is null"));
    }

    /** Every column of the entity, no condition, no order, no join. */
    public static Relation of(String entityLogicalName) {
        return new Relation(entityLogicalName, Columns.every(), Condition.TRUE, List.of(), List.of());
    }

    /** The number of relations joined under this one, at every depth. */
    public int linkCount() {
        int count = 0;
        for (Link link : links) {
            count += 1 + link.relation().linkCount();
        }
        return count;
    }
}
