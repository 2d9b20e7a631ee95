package dev.vegateway.adapter.rowfilter;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A row filter as {@link RowFilterParser} read it: the neutral condition (field names still
 * {@link AttributeRef}s, the caller's values still {@link Placeholder}s) and every field
 * reference with its column, for messages.
 */
public record ParsedRowFilter(Condition condition, List<FieldReference> fields) {
    public ParsedRowFilter {
        requireNonNull(condition, "condition is null");
        fields = List.copyOf(fields);
    }

    /** A field name as written in the filter, at a column counted from 1. */
    public record FieldReference(String name, int column) {
        public FieldReference {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * What is wrong with this filter on {@code entity}: fields the entity does not have, and
     * placeholders compared with a field of the wrong kind ({@code @user.id} and
     * {@code @user.businessUnit} are Guids, {@code @user.companies} is text). Empty when
     * the filter fits. Literal types are checked when the filter is planned.
     */
    public List<String> problemsOn(EntityDefinition entity) {
        List<String> problems = new ArrayList<>();
        for (FieldReference field : fields) {
            if (entity.field(field.name()).isEmpty()) {
                problems.add("column " + field.column() + ": entity '" + entity.logicalName() + "' has no field '"
                        + field.name() + "'");
            }
        }
        if (problems.isEmpty()) {
            checkPlaceholders(condition, entity, problems);
        }
        return problems;
    }

    private static void checkPlaceholders(Condition condition, EntityDefinition entity, List<String> problems) {
        if (condition instanceof And and) {
            and.conditions().forEach(part -> checkPlaceholders(part, entity, problems));
        } else if (condition instanceof Or or) {
            or.conditions().forEach(part -> checkPlaceholders(part, entity, problems));
        } else if (condition instanceof Not not) {
            checkPlaceholders(not.condition(), entity, problems);
        } else if (condition instanceof Comparison comparison) {
            checkPair(comparison.left(), comparison.right(), entity, problems);
            checkPair(comparison.right(), comparison.left(), entity, problems);
        }
    }

    private static void checkPair(Operand field, Operand value, EntityDefinition entity, List<String> problems) {
        if (!(field instanceof AttributeRef attribute) || !(value instanceof Placeholder placeholder)) {
            return;
        }
        Optional<FieldDefinition> definition = entity.field(attribute.name());
        if (definition.isEmpty()) {
            return;
        }
        FieldType type = definition.get().type();
        if ((placeholder.equals(Placeholder.USER_ID) || placeholder.equals(Placeholder.USER_BUSINESS_UNIT))
                && type.kind() != FieldType.Kind.GUID) {
            problems.add("field '" + attribute.name() + "' is " + type + ", but " + placeholder + " is a Guid");
        } else if (placeholder.isList() && type.kind() != FieldType.Kind.STRING) {
            problems.add("field '" + attribute.name() + "' is " + type + ", but " + placeholder
                    + " is a list of company codes (text)");
        }
    }
}
