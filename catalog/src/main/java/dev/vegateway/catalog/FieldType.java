package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The type of a catalog field. Written in the catalog as {@code String(100)}, {@code Int32},
 * {@code Int64}, {@code Decimal(18,2)}, {@code Double}, {@code Boolean}, {@code Date},
 * {@code DateTimeOffset}, {@code Guid}, {@code Enum(optionSetName)} or {@code MultiEnum(optionSetName)}; a Boolean may name the option
 * set its labels come from, {@code Boolean(optionSetName)} (members of value 0 and 1).
 */
public record FieldType(
        Kind kind, OptionalInt maxLength, OptionalInt precision, OptionalInt scale, Optional<String> optionSet) {
    public enum Kind {
        STRING,
        INT32,
        INT64,
        DECIMAL,
        DOUBLE,
        BOOLEAN,
        DATE,
        DATE_TIME_OFFSET,
        GUID,
        ENUM,
        /**
         * A multi-select option set (Dataverse's {@code MultiSelectPicklist}) over a text column that holds
         * the chosen members' stored values as comma-separated integers, ascending, without spaces
         * ({@code "1,3"}); served as Dataverse serves it, the options' values as one comma-separated text.
         */
        MULTI_ENUM
    }

    public FieldType {
        requireNonNull(kind, "kind is null");
        requireNonNull(maxLength, "maxLength is null");
        requireNonNull(precision, "precision is null");
        requireNonNull(scale, "scale is null");
        requireNonNull(optionSet, "optionSet is null");
        if (kind == Kind.ENUM && optionSet.isEmpty()) {
            throw new IllegalArgumentException("an Enum type names its option set");
        }
        if (kind == Kind.MULTI_ENUM && optionSet.isEmpty()) {
            throw new IllegalArgumentException("a MultiEnum type names its option set");
        }
    }

    public static FieldType of(Kind kind) {
        return new FieldType(kind, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    public static FieldType string(int maxLength) {
        return new FieldType(
                Kind.STRING, OptionalInt.of(maxLength), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    public static FieldType decimal(int precision, int scale) {
        return new FieldType(
                Kind.DECIMAL, OptionalInt.empty(), OptionalInt.of(precision), OptionalInt.of(scale), Optional.empty());
    }

    public static FieldType enumeration(String optionSet) {
        return new FieldType(
                Kind.ENUM, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.of(optionSet));
    }

    /** A multi-select option set, {@code MultiEnum(optionSet)}. */
    public static FieldType multiEnumeration(String optionSet) {
        return new FieldType(
                Kind.MULTI_ENUM, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.of(optionSet));
    }

    /** A Boolean whose labels (false = the member of value 0, true = 1) come from an option set. */
    public static FieldType labelledBoolean(String optionSet) {
        return new FieldType(
                Kind.BOOLEAN, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.of(optionSet));
    }

    /** The catalog spelling, e.g. {@code Decimal(18,2)}. */
    @Override
    public String toString() {
        return switch (kind) {
            case STRING -> maxLength.isPresent() ? "String(" + maxLength.getAsInt() + ")" : "String";
            case INT32 -> "Int32";
            case INT64 -> "Int64";
            case DECIMAL -> "Decimal(" + precision.orElse(38) + "," + scale.orElse(0) + ")";
            case DOUBLE -> "Double";
            case BOOLEAN -> optionSet.map(set -> "Boolean(" + set + ")").orElse("Boolean");
            case DATE -> "Date";
            case DATE_TIME_OFFSET -> "DateTimeOffset";
            case GUID -> "Guid";
            case ENUM -> "Enum(" + optionSet.orElseThrow() + ")";
            case MULTI_ENUM -> "MultiEnum(" + optionSet.orElseThrow() + ")";
        };
    }
}
