package dev.vegateway.adapter.write;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The alternate-key values of the record the current request addresses, when its URL named it by
 * an alternate key ({@code set(mserp_dataareaid='usmf',mserp_paymenttermid='Net90')}): an upsert of
 * a missing record takes them as the new record's values, as Dataverse does. The gateway sets it
 * (or clears it) for every request before anything else runs on the request's thread.
 */
public final class AddressedRecord {
    private static final ThreadLocal<Addressed> CURRENT = new ThreadLocal<>();

    private AddressedRecord() {}

    private record Addressed(String entityLogicalName, UUID key, Map<String, Object> values) {}

    /** The request addresses the record {@code key} of the entity by these alternate-key values. */
    public static void set(String entityLogicalName, UUID key, Map<String, Object> values) {
        CURRENT.set(new Addressed(
                requireNonNull(entityLogicalName, "entityLogicalName is null"),
                requireNonNull(key, "key is null"),
                Map.copyOf(values)));
    }

    /** The request names no record by an alternate key. */
    public static void clear() {
        CURRENT.remove();
    }

    /** The alternate-key values by field name, when the current request addressed this record by them. */
    static Optional<Map<String, Object>> values(String entityLogicalName, UUID key) {
        Addressed addressed = CURRENT.get();
        if (addressed == null
                || !addressed.entityLogicalName().equals(entityLogicalName)
                || !addressed.key().equals(key)) {
            return Optional.empty();
        }
        return Optional.of(addressed.values());
    }
}
