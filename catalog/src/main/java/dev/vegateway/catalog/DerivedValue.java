package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A field the backend has no column for: the entity's derived {@code Edm.Guid} key, or its
 * {@code mserp_primaryfield}, both computed from the fields of its natural {@link DerivedKey}. The
 * SQL renderer writes it as an expression over those columns (or reads the key's stored column
 * when the catalog names one); clients never write it.
 */
public record DerivedValue(Kind kind, DerivedKey key) {
    public enum Kind {
        /** The entity's {@code <logicalName>id}. */
        GUID,
        /** {@code mserp_primaryfield}: the key values joined with {@code |}. */
        PRIMARY_TEXT
    }

    public DerivedValue {
        requireNonNull(kind, "kind is null");
        requireNonNull(key, "key is null");
    }

    /** Whether the backend stores the value in a column of its own (a generated column the catalog names as keyColumn). */
    public boolean stored() {
        return kind == Kind.GUID && key.storedColumn().isPresent();
    }
}
