package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A relation joined to its parent on {@code parent.fromAttribute = relation.toAttribute}
 * (QueryExpression's LinkEntity, FetchXML's link-entity, an OData navigation).
 *
 * @param alias the client's name for the joined relation (QueryExpression {@code EntityAlias});
 *     linked columns come back as {@code alias.attribute}
 */
public record Link(Relation relation, String fromAttribute, String toAttribute, Kind kind, Optional<String> alias) {
    public Link {
        requireNonNull(relation, "relation is null");
        requireNonNull(fromAttribute, "fromAttribute is null");
        requireNonNull(toAttribute, "toAttribute is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(alias, "alias is null");
    }

    /** How the joined rows combine with the parent's. */
    public enum Kind {
        /** Only parent rows with a matching (and readable) joined row; one result row per match. */
        INNER,
        /** Every parent row; a missing or unreadable joined row reads as nulls. */
        LEFT_OUTER
    }
}
