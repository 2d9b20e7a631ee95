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
        LEFT_OUTER,
        /**
         * The filtering kinds of QueryExpression's JoinOperator and FetchXML's link-type: the joined
         * relation returns no columns and never multiplies the parent's rows; it only filters them.
         * EXISTS, IN, ANY and NOT_ALL keep the parent rows with a matching readable joined row (Dataverse
         * documents NOT_ALL as equivalent to ANY despite its name).
         */
        EXISTS,
        IN,
        ANY,
        NOT_ALL,
        /** Parent rows with no matching readable joined row. */
        NOT_ANY,
        /**
         * Parent rows that have readable joined rows, none of which satisfies the link's own criteria
         * (Dataverse's definition: invert the criteria to ask for rows whose joined rows all match).
         */
        ALL;

        /** Whether this kind only filters the parent (a semi-join) rather than joining columns to it. */
        public boolean filters() {
            return switch (this) {
                case INNER, LEFT_OUTER -> false;
                case EXISTS, IN, ANY, NOT_ALL, NOT_ANY, ALL -> true;
            };
        }
    }
}
