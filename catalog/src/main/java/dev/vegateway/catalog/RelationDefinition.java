package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A single-valued navigation property (a lookup): {@code field} of the declaring entity holds the
 * value of {@code targetField} (by default the target's key) of one row of {@code targetEntity}.
 * Used for {@code nav@odata.bind} on writes and for {@code $expand}.
 */
public record RelationDefinition(String name, String field, String targetEntity, String targetField) {
    public RelationDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(field, "field is null");
        requireNonNull(targetEntity, "targetEntity is null");
        requireNonNull(targetField, "targetField is null");
    }
}
