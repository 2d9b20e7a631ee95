package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * The collection-valued navigation property (1:n) on the target of a relation: the rows of
 * {@code sourceEntity} whose {@code relation.field()} holds the target row's
 * {@code relation.targetField()}.
 *
 * @param name the navigation property's name on the target entity (the relation's partner name)
 * @param sourceEntity the logical name of the entity that declares {@code relation} (the many side)
 * @param relation the n:1 relation this one inverts
 */
public record InverseRelation(String name, String sourceEntity, RelationDefinition relation) {
    public InverseRelation {
        requireNonNull(name, "name is null");
        requireNonNull(sourceEntity, "sourceEntity is null");
        requireNonNull(relation, "relation is null");
    }

    /** The logical name of the entity this navigation property belongs to (the one side). */
    public String targetEntity() {
        return relation.targetEntity();
    }
}
