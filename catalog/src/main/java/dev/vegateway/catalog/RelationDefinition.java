package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
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
 * @param composite for a relation over several fields (company and account): the declaring
 *     entity's fields and the target's natural-key or alternate-key fields they hold, pair by pair.
 *     {@code field} is then the lookup field the gateway adds (read-only, computed: the target's
 *     GUID) and {@code targetField} the target's key; empty for a relation over one field
 */
public record RelationDefinition(
        String name,
        String field,
        String targetEntity,
        String targetField,
        Optional<String> partner,
        boolean hierarchical,
        Optional<CompositeReference> composite) {
    public RelationDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(field, "field is null");
        requireNonNull(targetEntity, "targetEntity is null");
        requireNonNull(targetField, "targetField is null");
        requireNonNull(partner, "partner is null");
        requireNonNull(composite, "composite is null");
    }

    /** A relation over one field, not the entity's hierarchy, without a declared partner name. */
    public RelationDefinition(String name, String field, String targetEntity, String targetField) {
        this(name, field, targetEntity, targetField, Optional.empty(), false, Optional.empty());
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

    /**
     * The fields of a relation over several fields: {@code fields.get(i)} of the declaring entity
     * holds {@code targetFields.get(i)} of the target, and together the target fields are the
     * target's natural key or one of its alternate keys, so they identify one target record.
     */
    public record CompositeReference(List<String> fields, List<String> targetFields) {
        public CompositeReference {
            fields = List.copyOf(fields);
            targetFields = List.copyOf(targetFields);
            if (fields.size() != targetFields.size() || fields.size() < 2) {
                throw new IllegalArgumentException("a relation over several fields pairs at least two fields, got "
                        + fields + " and " + targetFields);
            }
        }
    }
}
