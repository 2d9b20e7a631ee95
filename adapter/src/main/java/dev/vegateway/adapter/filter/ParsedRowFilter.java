package dev.vegateway.adapter.filter;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.And;
import dev.vegateway.adapter.query.Condition.Comparison;
import dev.vegateway.adapter.query.Condition.Not;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.Navigation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A row filter as {@link FilterParser} read it: the neutral condition (field names still
 * {@link AttributeRef}s, the caller's values still {@link Placeholder}s) and every field
 * reference with its column, for messages.
 */
public record ParsedRowFilter(Condition condition, List<FieldReference> fields) {
    public ParsedRowFilter {
        requireNonNull(condition, "condition is null");
        fields = List.copyOf(fields);
    }

    /**
     * A field as written in the filter, at a column counted from 1: its name, or its path through
     * navigation properties ({@code nav/field}) from the filter's entity.
     */
    public record FieldReference(String name, int column) {
        public FieldReference {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * What is wrong with this filter on {@code entity}: fields and navigation properties the
     * entities do not have, and placeholders compared with a field of the wrong kind
     * ({@code @user.id} and {@code @user.businessUnit} are Guids, {@code @user.companies} is
     * text). Empty when the filter fits. Literal types are checked when the filter is planned.
     */
    public List<String> problemsOn(EntityDefinition entity, Catalog catalog) {
        List<String> problems = new ArrayList<>();
        for (FieldReference field : fields) {
            String[] path = field.name().split("/");
            Optional<EntityDefinition> owner = Optional.of(entity);
            for (int i = 0; i < path.length - 1 && owner.isPresent(); i++) {
                EntityDefinition from = owner.get();
                String step = path[i];
                owner = catalog.navigation(from, step).map(Navigation::target);
                if (owner.isEmpty()) {
                    problems.add("column " + field.column() + ": entity '" + from.logicalName()
                            + "' has no navigation property '" + step + "'");
                }
            }
            if (owner.isPresent() && owner.get().field(path[path.length - 1]).isEmpty()) {
                problems.add("column " + field.column() + ": entity '"
                        + owner.get().logicalName() + "' has no field '" + path[path.length - 1] + "'");
            }
        }
        if (problems.isEmpty()) {
            checkPlaceholders(condition, entity, catalog, problems);
        }
        return problems;
    }

    private static void checkPlaceholders(
            Condition condition, EntityDefinition entity, Catalog catalog, List<String> problems) {
        if (condition instanceof And and) {
            and.conditions().forEach(part -> checkPlaceholders(part, entity, catalog, problems));
        } else if (condition instanceof Or or) {
            or.conditions().forEach(part -> checkPlaceholders(part, entity, catalog, problems));
        } else if (condition instanceof Not not) {
            checkPlaceholders(not.condition(), entity, catalog, problems);
        } else if (condition instanceof Condition.Lambda lambda) {
            owner(entity, Optional.of(lambda.navigation()), catalog)
                    .ifPresent(target -> checkPlaceholders(lambda.predicate(), target, catalog, problems));
        } else if (condition instanceof Comparison comparison) {
            checkPair(comparison.left(), comparison.right(), entity, catalog, problems);
            checkPair(comparison.right(), comparison.left(), entity, catalog, problems);
        }
    }

    /** The entity a navigation path leads to from {@code entity}; empty when a step is unknown. */
    private static Optional<EntityDefinition> owner(EntityDefinition entity, Optional<String> path, Catalog catalog) {
        Optional<EntityDefinition> owner = Optional.of(entity);
        if (path.isPresent()) {
            for (String step : path.get().split("/")) {
                owner = owner.flatMap(from -> catalog.navigation(from, step)).map(Navigation::target);
            }
        }
        return owner;
    }

    private static void checkPair(
            Operand field, Operand value, EntityDefinition entity, Catalog catalog, List<String> problems) {
        if (!(field instanceof AttributeRef attribute) || !(value instanceof Placeholder placeholder)) {
            return;
        }
        Optional<FieldDefinition> definition =
                owner(entity, attribute.relation(), catalog).flatMap(owner -> owner.field(attribute.name()));
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
