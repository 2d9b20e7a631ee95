package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * One step along a navigation property of an entity: the records of {@code target} whose
 * {@code targetField} equals the entity's {@code sourceField}. A single-valued navigation (a
 * lookup, n:1) reaches at most one record; a collection-valued one (the partner of a lookup
 * declared on {@code target}, 1:n) any number.
 */
public record Navigation(
        String name, EntityDefinition target, String sourceField, String targetField, boolean collection) {
    public Navigation {
        requireNonNull(name, "name is null");
        requireNonNull(target, "target is null");
        requireNonNull(sourceField, "sourceField is null");
        requireNonNull(targetField, "targetField is null");
    }
}
