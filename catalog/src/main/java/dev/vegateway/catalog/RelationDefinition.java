package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A single-valued navigation property (a lookup, n:1): {@code field} of the declaring entity holds
 * the value of {@code targetField} (by default the target's key) of one row of {@code targetEntity}.
 * Used for {@code nav@odata.bind} on writes and for {@code $expand}.
 *
 * @param hierarchical the entity's hierarchy ({@code hierarchical: true}): a self-referencing relation,
 *     {@code field} holding the parent row's {@code targetField}, that the hierarchy operators
 *     ({@code Under}, {@code Above}, …) walk
 * @param partner the name of the collection-valued navigation property on the target that inverts
 *     this relation, as the catalog declares it ({@code partner}); empty when the catalog gives
 *     none, in which case {@link #partnerName} derives one
 */
public record RelationDefinition(
        String name,
        String field,
        String targetEntity,
        String targetField,
        Optional<String> partner,
        boolean hierarchical) {
    public RelationDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(field, "field is null");
        requireNonNull(targetEntity, "targetEntity is null");
        requireNonNull(targetField, "targetField is null");
        requireNonNull(partner, "partner is null");
    }

    /** A relation that is not the entity's hierarchy. */
    public RelationDefinition(
            String name, String field, String targetEntity, String targetField, Optional<String> partner) {
        this(name, field, targetEntity, targetField, partner, false);
    }

    /** A relation without a declared partner name. */
    public RelationDefinition(String name, String field, String targetEntity, String targetField) {
        this(name, field, targetEntity, targetField, Optional.empty());
    }

    /**
     * The name of the collection-valued partner on the target: the declared {@code partner}, or
     * {@code <declaring entity logical name>_<relation name>} when none is declared.
     */
    public String partnerName(String declaringEntityLogicalName) {
        requireNonNull(declaringEntityLogicalName, "declaringEntityLogicalName is null");
        return partner.orElse(defaultPartnerName(declaringEntityLogicalName, name));
    }

    /** The partner name used when the catalog declares none: {@code <declaring entity logical name>_<relation name>}. */
    public static String defaultPartnerName(String declaringEntityLogicalName, String relationName) {
        return declaringEntityLogicalName + "_" + relationName;
    }
}
