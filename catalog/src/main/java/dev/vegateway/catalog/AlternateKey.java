package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A set of fields whose values identify one row, so that a client may address it as
 * {@code set(field='value',other=1)} instead of by its GUID (Dataverse's alternate keys). Declared
 * under {@code alternateKeys:}; an entity's natural {@code key:} is one automatically, named
 * {@link #NATURAL_KEY}.
 */
public record AlternateKey(String name, List<String> fields) {
    /** The name of the alternate key an entity's natural key becomes. */
    public static final String NATURAL_KEY = "naturalkey";

    public AlternateKey {
        requireNonNull(name, "name is null");
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an alternate key has at least one field");
        }
    }
}
