package dev.vegateway.adapter.query;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A constant. Parsers produce it with the Java value they read (String, Long, BigDecimal,
 * Double, Boolean, UUID, LocalDate, OffsetDateTime, or an {@link EnumMember}); the planner
 * converts it to the Java type of the field it is compared with. Null is never a literal:
 * null comparisons are {@link Condition.IsNull}.
 */
public record Literal(Object value) implements Operand {
    public Literal {
        requireNonNull(value, "value is null (use IsNull for null comparisons)");
        if (!(value instanceof String
                || value instanceof Long
                || value instanceof Integer
                || value instanceof BigDecimal
                || value instanceof Double
                || value instanceof Boolean
                || value instanceof UUID
                || value instanceof LocalDate
                || value instanceof OffsetDateTime
                || value instanceof EnumMember)) {
            throw new IllegalArgumentException(
                    "unsupported literal type " + value.getClass().getName());
        }
    }

    /** An option-set member written by name (OData {@code Namespace.Type'Member'}, QueryExpression "Member"). */
    public record EnumMember(String member) {
        public EnumMember {
            requireNonNull(member, "member is null");
        }
    }
}
