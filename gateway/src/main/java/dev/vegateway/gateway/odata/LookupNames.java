package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.ColumnRef;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Expansion;
import dev.vegateway.adapter.query.FunctionCall;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Operand;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Placeholder;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lookups the Dataverse way: the foreign-key field of every served n:1 relation (one whose
 * declaring and target entities are both visible) is the OData property {@code _<field>_value},
 * while the neutral query, QueryExpression and FetchXML keep the logical attribute name
 * {@code <field>}, as Dataverse's own QueryExpression does. This class knows both names, and turns
 * the OData names of a query (its conditions, orders and selected columns, at every relation of
 * the tree) into logical names before the query is planned.
 */
public final class LookupNames {
    private final Catalog catalog;
    /** Entity logical name → lookup field → lookup. */
    private final Map<String, Map<String, Lookup>> byField = new HashMap<>();
    /** Entity logical name → OData property → lookup. */
    private final Map<String, Map<String, Lookup>> byProperty = new HashMap<>();

    /**
     * One lookup: the relation whose foreign key it is.
     *
     * @param relation the n:1 relation; its {@code field} is the logical attribute name
     */
    public record Lookup(RelationDefinition relation) {
        public Lookup {
            requireNonNull(relation, "relation is null");
        }

        /** The logical attribute name ({@code mserp_customerid}). */
        public String field() {
            return relation.field();
        }

        /** The OData property name ({@code _mserp_customerid_value}). */
        public String property() {
            return LookupNames.property(relation.field());
        }

        /** The single-valued navigation property the lookup belongs to ({@code mserp_Customer}). */
        public String navigationProperty() {
            return relation.name();
        }

        /** The logical name of the entity it refers to ({@code mserp_custcustomerv3entity}). */
        public String targetEntity() {
            return relation.targetEntity();
        }
    }

    public LookupNames(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        for (EntityDefinition entity : catalog.entities()) {
            if (!entity.visible()) {
                continue;
            }
            Map<String, Lookup> fields = new LinkedHashMap<>();
            Map<String, Lookup> properties = new LinkedHashMap<>();
            for (RelationDefinition relation : entity.relations()) {
                boolean served = catalog.byLogicalName(relation.targetEntity())
                        .filter(EntityDefinition::visible)
                        .isPresent();
                // The key is never renamed (a relation on the key, an extension entity, keeps the key's name).
                if (!served
                        || relation.field().equals(entity.keyField())
                        || entity.field(relation.field()).isEmpty()
                        || fields.containsKey(relation.field())) {
                    continue;
                }
                Lookup lookup = new Lookup(relation);
                fields.put(lookup.field(), lookup);
                properties.put(lookup.property(), lookup);
            }
            if (!fields.isEmpty()) {
                byField.put(entity.logicalName(), fields);
                byProperty.put(entity.logicalName(), properties);
            }
        }
    }

    /** The OData property of the lookup field {@code field}: {@code _<field>_value}. */
    public static String property(String field) {
        return "_" + field + "_value";
    }

    /** The lookup whose logical attribute is {@code field}, if {@code field} is one. */
    public Optional<Lookup> byField(String entityLogicalName, String field) {
        return Optional.ofNullable(
                byField.getOrDefault(entityLogicalName, Map.of()).get(field));
    }

    /** The lookup whose OData property is {@code property}, if {@code property} is one. */
    public Optional<Lookup> byProperty(String entityLogicalName, String property) {
        return Optional.ofNullable(
                byProperty.getOrDefault(entityLogicalName, Map.of()).get(property));
    }

    /** The OData property name of a field: {@code _<field>_value} for a lookup, the logical name otherwise. */
    public String propertyName(String entityLogicalName, String field) {
        return byField(entityLogicalName, field).map(Lookup::property).orElse(field);
    }

    /** The logical name behind an OData property name: the lookup's field for {@code _<field>_value}, else the name itself. */
    public String fieldName(String entityLogicalName, String property) {
        return byProperty(entityLogicalName, property).map(Lookup::field).orElse(property);
    }

    /**
     * The entity a navigation path ({@code a/b}) from {@code root} leads to, through the catalog's
     * n:1 relations; empty when a step is not one.
     */
    public Optional<EntityDefinition> entityAt(EntityDefinition root, String path) {
        EntityDefinition entity = root;
        for (String step : path.split("/")) {
            Optional<RelationDefinition> relation = entity.relation(step);
            if (relation.isEmpty()) {
                return Optional.empty();
            }
            Optional<EntityDefinition> target =
                    catalog.byLogicalName(relation.get().targetEntity());
            if (target.isEmpty()) {
                return Optional.empty();
            }
            entity = target.get();
        }
        return Optional.of(entity);
    }

    // ---- OData names → logical names, over the neutral query

    /** The query with every OData lookup name (in conditions, orders and columns, at every relation) replaced by its logical name. */
    Query logical(Query query) {
        return query.withRoot(logical(query.root()));
    }

    /** The relation tree with every OData lookup name replaced by its logical name. */
    Relation logical(Relation root) {
        Map<String, String> entities = new HashMap<>();
        collectAliases(root, entities);
        return logical(root, entities);
    }

    /** The links (with their relation trees) with every OData lookup name replaced by its logical name. */
    List<Link> logicalLinks(List<Link> links) {
        Map<String, String> entities = new HashMap<>();
        links.forEach(link -> collectAliases(link, entities));
        return links.stream().map(link -> logical(link, entities)).toList();
    }

    /** The collection-valued expansions with every OData lookup name of their relation trees replaced. */
    List<CollectionExpand> logical(List<CollectionExpand> collections) {
        return collections.stream()
                .map(collection -> {
                    Expansion expansion = collection.expansion();
                    return new CollectionExpand(
                            new Expansion(
                                    expansion.name(),
                                    logical(expansion.relation()),
                                    expansion.childAttribute(),
                                    expansion.parentAttribute(),
                                    expansion.top()),
                            collection.expanded(),
                            collection.options());
                })
                .toList();
    }

    /** Selected OData property names of {@code entityLogicalName} as logical names. */
    List<String> logicalNames(String entityLogicalName, List<String> names) {
        return names.stream().map(name -> fieldName(entityLogicalName, name)).toList();
    }

    private static void collectAliases(Relation relation, Map<String, String> entities) {
        relation.links().forEach(link -> collectAliases(link, entities));
    }

    private static void collectAliases(Link link, Map<String, String> entities) {
        link.alias()
                .ifPresent(alias -> entities.putIfAbsent(alias, link.relation().entityLogicalName()));
        collectAliases(link.relation(), entities);
    }

    private Relation logical(Relation relation, Map<String, String> entities) {
        String entity = relation.entityLogicalName();
        List<Order> orders = new ArrayList<>();
        for (Order order : relation.orders()) {
            String owner = order.relation()
                    .map(alias -> entities.getOrDefault(alias, ""))
                    .orElse(entity);
            orders.add(new Order(order.relation(), fieldName(owner, order.attribute()), order.descending()));
        }
        return new Relation(
                entity,
                relation.columns().all()
                        ? relation.columns()
                        : Columns.named(logicalNames(entity, relation.columns().names())),
                condition(relation.criteria(), entity, entities),
                orders,
                relation.links().stream().map(link -> logical(link, entities)).toList());
    }

    private Link logical(Link link, Map<String, String> entities) {
        return new Link(
                logical(link.relation(), entities),
                link.fromAttribute(),
                link.toAttribute(),
                link.kind(),
                link.alias());
    }

    /** {@code condition} with the OData lookup names of its attributes replaced; {@code entity} owns the unqualified ones. */
    Condition condition(Condition condition, String entity, Map<String, String> entities) {
        if (condition instanceof Condition.Comparison comparison) {
            return new Condition.Comparison(
                    operand(comparison.left(), entity, entities),
                    comparison.operator(),
                    operand(comparison.right(), entity, entities));
        }
        if (condition instanceof Condition.IsNull isNull) {
            return new Condition.IsNull(operand(isNull.operand(), entity, entities), isNull.negated());
        }
        if (condition instanceof Condition.Like like) {
            return new Condition.Like(
                    operand(like.operand(), entity, entities), like.kind(), like.text(), like.negated());
        }
        if (condition instanceof Condition.In in) {
            return new Condition.In(operand(in.operand(), entity, entities), in.values(), in.negated());
        }
        if (condition instanceof Condition.ContainValues contain) {
            return new Condition.ContainValues(
                    operand(contain.operand(), entity, entities), contain.values(), contain.negated());
        }
        if (condition instanceof Condition.Between between) {
            return new Condition.Between(
                    operand(between.operand(), entity, entities), between.low(), between.high(), between.negated());
        }
        if (condition instanceof Condition.And and) {
            return new Condition.And(and.conditions().stream()
                    .map(part -> condition(part, entity, entities))
                    .toList());
        }
        if (condition instanceof Condition.Or or) {
            return new Condition.Or(or.conditions().stream()
                    .map(part -> condition(part, entity, entities))
                    .toList());
        }
        if (condition instanceof Condition.Not not) {
            return new Condition.Not(condition(not.condition(), entity, entities));
        }
        if (condition instanceof Condition.Constant) {
            return condition;
        }
        if (condition instanceof Condition.RelativeDate relative) {
            return new Condition.RelativeDate(
                    operand(relative.operand(), entity, entities),
                    relative.operator(),
                    relative.amount(),
                    relative.second());
        }
        if (condition instanceof Condition.Hierarchy hierarchy) {
            return new Condition.Hierarchy(
                    operand(hierarchy.operand(), entity, entities), hierarchy.operator(), hierarchy.value());
        }
        if (condition instanceof Condition.Lambda lambda) {
            // the predicate's names belong to the entity the navigation property leads to
            String target = catalog.byLogicalName(entity)
                    .flatMap(definition -> catalog.navigation(definition, lambda.navigation()))
                    .map(navigation -> navigation.target().logicalName())
                    .orElse("");
            return new Condition.Lambda(
                    lambda.navigation(), lambda.quantifier(), condition(lambda.predicate(), target, Map.of()));
        }
        throw new IllegalArgumentException(
                "unknown condition " + condition.getClass().getSimpleName());
    }

    private Operand operand(Operand operand, String entity, Map<String, String> entities) {
        if (operand instanceof AttributeRef attribute) {
            String owner = attribute
                    .relation()
                    .map(alias -> entities.getOrDefault(alias, ""))
                    .orElse(entity);
            Optional<Lookup> logicalName = byField(owner, attribute.name());
            if (logicalName.isPresent()) {
                // a filter names OData properties; the lookup's field is one only as _<field>_value
                throw GatewayException.of(
                        ErrorCode.UNKNOWN_PROPERTY,
                        "Could not find a property named '%s' on type '%s'. The lookup '%s' is served as '%s' (its"
                                + " navigation property is '%s').",
                        attribute.name(),
                        owner,
                        logicalName.get().field(),
                        logicalName.get().property(),
                        logicalName.get().navigationProperty());
            }
            return new AttributeRef(attribute.relation(), fieldName(owner, attribute.name()));
        }
        if (operand instanceof FunctionCall call) {
            return new FunctionCall(
                    call.function(),
                    call.arguments().stream()
                            .map(argument -> operand(argument, entity, entities))
                            .toList());
        }
        if (operand instanceof Literal || operand instanceof ColumnRef || operand instanceof Placeholder) {
            return operand;
        }
        throw new IllegalArgumentException(
                "unknown operand " + operand.getClass().getSimpleName());
    }
}
