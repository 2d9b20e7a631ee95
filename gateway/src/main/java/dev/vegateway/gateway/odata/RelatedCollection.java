package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.InverseRelation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET {set}({key})/{collection-valued navigation}}: the related entity's collection query
 * (with every option a collection takes), inner-joined to the one parent row. The parent's row
 * security applies to that join, so the related rows of a parent the caller may not read are
 * none; the related rows' own security applies as on a direct read of their set.
 */
final class RelatedCollection {
    /** The client name of the parent's join; no navigation property can have it. */
    static final String PARENT = "$parent";

    private RelatedCollection() {}

    static Query of(EntityDefinition parent, UUID key, InverseRelation inverse, Query related) {
        Relation root = related.root();
        List<Link> links = new ArrayList<>(root.links());
        links.add(new Link(
                new Relation(
                        parent.logicalName(),
                        Columns.named(List.of()),
                        new Condition.Comparison(
                                new AttributeRef(parent.keyField()), Condition.Operator.EQUAL, new Literal(key)),
                        List.of(),
                        List.of()),
                inverse.relation().field(),
                inverse.relation().targetField(),
                Link.Kind.INNER,
                Optional.of(PARENT)));
        return related.withRoot(
                new Relation(root.entityLogicalName(), root.columns(), root.criteria(), root.orders(), links));
    }
}
