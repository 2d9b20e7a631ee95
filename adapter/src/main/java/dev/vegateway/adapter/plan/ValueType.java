package dev.vegateway.adapter.plan;

import dev.vegateway.catalog.FieldType;

/** The type of an operand as the planner checks it: a catalog field type, or the result type of a function. */
enum ValueType {
    TEXT,
    INTEGER,
    DECIMAL,
    FLOATING,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    GUID,
    ENUM,
    /** A multi-select option set: compared only with ContainValues/DoesNotContainValues and null tests. */
    MULTI_ENUM;

    static ValueType of(FieldType type) {
        return switch (type.kind()) {
            case STRING -> TEXT;
            case INT32, INT64 -> INTEGER;
            case DECIMAL -> DECIMAL;
            case DOUBLE -> FLOATING;
            case BOOLEAN -> BOOLEAN;
            case DATE -> DATE;
            case DATE_TIME_OFFSET -> TIMESTAMP;
            case GUID -> GUID;
            case ENUM -> ENUM;
            case MULTI_ENUM -> MULTI_ENUM;
        };
    }

    boolean isNumeric() {
        return this == INTEGER || this == DECIMAL || this == FLOATING;
    }

    /** Whether two operands of these types may be compared with each other. */
    boolean comparableWith(ValueType other) {
        if (this == other) {
            return true;
        }
        if (isNumeric() && other.isNumeric()) {
            return true;
        }
        return (this == DATE && other == TIMESTAMP) || (this == TIMESTAMP && other == DATE);
    }
}
