package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code Edm.Guid} primary key the gateway derives for an entity whose table has no GUID
 * column, from the fields its catalog entry lists under {@code key:}. Two schemes, both the same on
 * every node and after every restart because they depend only on the entity's logical name and the
 * row's key values:
 *
 * <ul>
 *   <li>{@link Scheme#RECORD_ID}: one Int32 or Int64 field (a RecId-style surrogate). The GUID is
 *       {@code EEEEEEEE-0000-0000-RRRR-RRRRRRRRRRRR}: the entity number (the first four bytes of
 *       SHA-256 over the logical name), four zero bytes, and the value as a signed 64-bit big-endian
 *       number. It is reversible: a GUID in a request is decoded to {@code recid = ?} before SQL.
 *   <li>{@link Scheme#NAME_HASH}: any other key (composite, company-scoped). The GUID is the first
 *       16 bytes of SHA-256 over the UTF-8 text {@code <logicalName>|<part>|<part>…}, each part's
 *       {@code \} and {@code |} escaped with {@code \}; a part's text is the string itself, an
 *       integer in decimal, a GUID in lower case, a date as its day number since 1970-01-01 and a
 *       boolean as {@code true}/{@code false}. The backend computes the same value with one SQL
 *       expression, which an expression index (PostgreSQL) or an indexed generated column named by
 *       {@code keyColumn} (H2, PostgreSQL) turns into an index seek.
 * </ul>
 */
public record DerivedKey(String entityLogicalName, List<FieldDefinition> parts, Optional<String> storedColumn) {
    /** How the GUID is made from the key values. */
    public enum Scheme {
        RECORD_ID,
        NAME_HASH
    }

    /** The longest text of {@code mserp_primaryfield}. */
    public static final int PRIMARY_FIELD_LENGTH = 255;

    /** The name of the field holding the key values joined with {@code |}. */
    public static final String PRIMARY_FIELD = "mserp_primaryfield";

    /** The name under which a company-scoped entity also serves its company field. */
    public static final String COMPANY_FIELD = "mserp_dataareaid";

    public DerivedKey {
        requireNonNull(entityLogicalName, "entityLogicalName is null");
        parts = List.copyOf(parts);
        requireNonNull(storedColumn, "storedColumn is null");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a derived key has at least one part");
        }
        for (FieldDefinition part : parts) {
            if (!allowedPart(part.type())) {
                throw new IllegalArgumentException("a key part may not be " + part.type());
            }
        }
    }

    /** Whether a field of this type may be part of a natural key. */
    public static boolean allowedPart(FieldType type) {
        return switch (type.kind()) {
            case STRING, INT32, INT64, GUID, DATE, BOOLEAN -> true;
            case DECIMAL, DOUBLE, DATE_TIME_OFFSET, ENUM, MULTI_ENUM -> false;
        };
    }

    public Scheme scheme() {
        return parts.size() == 1
                        && (parts.get(0).type().kind() == FieldType.Kind.INT64
                                || parts.get(0).type().kind() == FieldType.Kind.INT32)
                ? Scheme.RECORD_ID
                : Scheme.NAME_HASH;
    }

    /** The logical names of the key's fields, in key order. */
    public List<String> fieldNames() {
        return parts.stream().map(FieldDefinition::logicalName).toList();
    }

    /** The first four bytes of SHA-256 over the entity's logical name, as an unsigned 32-bit number in hex. */
    public String entityNumberHex() {
        byte[] hash = sha256(entityLogicalName);
        return String.format("%08x", ByteBuffer.wrap(hash).getInt());
    }

    /** The GUID of the row with these key values (in key order; each the Java type the field binds). */
    public UUID guid(List<Object> values) {
        if (values.size() != parts.size()) {
            throw new IllegalArgumentException("expected " + parts.size() + " key values, got " + values.size());
        }
        return switch (scheme()) {
            case RECORD_ID -> {
                long number = ((Number) values.get(0)).longValue();
                yield new UUID(Long.parseUnsignedLong(entityNumberHex(), 16) << 32, number);
            }
            case NAME_HASH -> {
                ByteBuffer hash = ByteBuffer.wrap(sha256(name(values)));
                yield new UUID(hash.getLong(), hash.getLong());
            }
        };
    }

    /**
     * The key value a GUID of the {@link Scheme#RECORD_ID} scheme encodes (Long for Int64, Integer for
     * Int32); empty when the GUID was not made by this entity's scheme (then no row has it).
     */
    public Optional<Object> decode(UUID key) {
        if (scheme() != Scheme.RECORD_ID) {
            throw new IllegalStateException("only a RECORD_ID key is reversible");
        }
        long expectedHigh = Long.parseUnsignedLong(entityNumberHex(), 16) << 32;
        if (key.getMostSignificantBits() != expectedHigh) {
            return Optional.empty();
        }
        long number = key.getLeastSignificantBits();
        if (parts.get(0).type().kind() == FieldType.Kind.INT32) {
            return number == (int) number ? Optional.of((int) number) : Optional.empty();
        }
        return Optional.of(number);
    }

    /** The text the {@link Scheme#NAME_HASH} GUID hashes. */
    String name(List<Object> values) {
        StringBuilder name = new StringBuilder(entityLogicalName);
        for (int i = 0; i < parts.size(); i++) {
            name.append('|').append(escape(hashText(parts.get(i).type(), values.get(i))));
        }
        return name.toString();
    }

    private static String hashText(FieldType type, Object value) {
        requireNonNull(value, "a key value is never null");
        return switch (type.kind()) {
            case STRING -> (String) value;
            case INT32, INT64 -> Long.toString(((Number) value).longValue());
            case GUID -> value.toString().toLowerCase(java.util.Locale.ROOT);
            case DATE -> Long.toString(((LocalDate) value).toEpochDay());
            case BOOLEAN -> ((Boolean) value) ? "true" : "false";
            case DECIMAL, DOUBLE, DATE_TIME_OFFSET, ENUM, MULTI_ENUM -> throw new IllegalStateException(
                    "a key part may not be " + type);
        };
    }

    /** {@code mserp_primaryfield} of the row with these key values: the values joined with {@code |}, at most 255 characters. */
    public String primaryText(List<Object> values) {
        List<String> texts = new ArrayList<>();
        values.forEach(value -> texts.add(String.valueOf(value)));
        String joined = String.join("|", texts);
        return joined.length() > PRIMARY_FIELD_LENGTH ? joined.substring(0, PRIMARY_FIELD_LENGTH) : joined;
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
