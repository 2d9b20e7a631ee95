package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated catalog: entities, option sets and actions. Immutable; lookups are by exact name. */
public final class Catalog {
    private final List<EntityDefinition> entities;
    private final Map<String, OptionSet> optionSets;
    private final Map<String, ActionDefinition> actions;
    private final Map<String, SourceLocation> actionLocations;
    private final Map<String, EntityDefinition> byLogicalName = new LinkedHashMap<>();
    private final Map<String, EntityDefinition> byEntitySet = new LinkedHashMap<>();
    private final Map<Element, SourceLocation> locations;
    private final Map<String, List<InverseRelation>> inverseRelations = new LinkedHashMap<>();
    /** The language of labels written as plain text and of callers that ask for none. */
    private final String defaultLanguage;

    /** The default language of a catalog that names none. */
    public static final String DEFAULT_LANGUAGE = "en-US";

    /** Names an entity, or one field or relation of it, for {@link #sourceLocation}. */
    public record Element(String entityLogicalName, Optional<String> fieldLogicalName) {
        public Element {
            requireNonNull(entityLogicalName, "entityLogicalName is null");
            requireNonNull(fieldLogicalName, "fieldLogicalName is null");
        }

        public static Element entity(String entityLogicalName) {
            return new Element(entityLogicalName, Optional.empty());
        }

        public static Element field(String entityLogicalName, String fieldLogicalName) {
            return new Element(entityLogicalName, Optional.of(fieldLogicalName));
        }
    }

    public Catalog(List<EntityDefinition> entities, List<OptionSet> optionSets) {
        this(entities, optionSets, List.of(), Map.of(), Map.of());
    }

    /** A catalog that remembers where its entities and fields were declared (for messages such as the schema check's). */
    public Catalog(
            List<EntityDefinition> entities, List<OptionSet> optionSets, Map<Element, SourceLocation> locations) {
        this(entities, optionSets, List.of(), locations, Map.of());
    }

    /**
     * A catalog with actions that remembers where its entities, fields, relations ({@link Element#field}
     * with the relation's name) and actions (by name) were declared.
     */
    public Catalog(
            List<EntityDefinition> entities,
            List<OptionSet> optionSets,
            List<ActionDefinition> actions,
            Map<Element, SourceLocation> locations,
            Map<String, SourceLocation> actionLocations) {
        this(entities, optionSets, actions, locations, actionLocations, DEFAULT_LANGUAGE);
    }

    private Catalog(
            List<EntityDefinition> entities,
            List<OptionSet> optionSets,
            List<ActionDefinition> actions,
            Map<Element, SourceLocation> locations,
            Map<String, SourceLocation> actionLocations,
            String defaultLanguage) {
        this.defaultLanguage = requireNonNull(defaultLanguage, "defaultLanguage is null");
        this.locations =
                Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(locations, "locations is null")));
        this.actionLocations = Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(actionLocations, "actionLocations is null")));
        this.entities = List.copyOf(requireNonNull(entities, "entities is null"));
        Map<String, OptionSet> sets = new LinkedHashMap<>();
        optionSets.forEach(set -> sets.put(set.name(), set));
        this.optionSets = Collections.unmodifiableMap(sets);
        Map<String, ActionDefinition> actionsByName = new LinkedHashMap<>();
        requireNonNull(actions, "actions is null").forEach(action -> actionsByName.put(action.name(), action));
        this.actions = Collections.unmodifiableMap(actionsByName);
        for (EntityDefinition entity : this.entities) {
            byLogicalName.put(entity.logicalName(), entity);
            byEntitySet.put(entity.entitySetName(), entity);
        }
        for (EntityDefinition entity : this.entities) {
            for (RelationDefinition relation : entity.relations()) {
                inverseRelations
                        .computeIfAbsent(relation.targetEntity(), target -> new java.util.ArrayList<>())
                        .add(new InverseRelation(
                                relation.partnerName(entity.logicalName()), entity.logicalName(), relation));
            }
        }
        inverseRelations.replaceAll((target, inverses) -> List.copyOf(inverses));
    }

    public List<EntityDefinition> entities() {
        return entities;
    }

    public Map<String, OptionSet> optionSets() {
        return optionSets;
    }

    public Optional<EntityDefinition> byLogicalName(String logicalName) {
        return Optional.ofNullable(byLogicalName.get(logicalName));
    }

    public Optional<EntityDefinition> byEntitySet(String entitySetName) {
        return Optional.ofNullable(byEntitySet.get(entitySetName));
    }

    public Optional<OptionSet> optionSet(String name) {
        return Optional.ofNullable(optionSets.get(name));
    }

    /**
     * The collection-valued navigation properties of the entity {@code targetLogicalName}: one per
     * relation (n:1) of any entity that targets it, named by the relation's partner name, in the
     * order the declaring entities and their relations are declared.
     */
    public List<InverseRelation> inverseRelations(String targetLogicalName) {
        return inverseRelations.getOrDefault(targetLogicalName, List.of());
    }

    /** The collection-valued navigation property {@code name} of the entity {@code targetLogicalName} (exact, case-sensitive). */
    public Optional<InverseRelation> inverseRelation(String targetLogicalName, String name) {
        return inverseRelations(targetLogicalName).stream()
                .filter(inverse -> inverse.name().equals(name))
                .findFirst();
    }

    /** Actions in declaration order. */
    public List<ActionDefinition> actions() {
        return List.copyOf(actions.values());
    }

    /** The action with this name (exact, case-sensitive like OData). */
    public Optional<ActionDefinition> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The actions bound to the entity with this logical name, in declaration order. */
    public List<ActionDefinition> actionsBoundTo(String entityLogicalName) {
        return actions.values().stream()
                .filter(action ->
                        action.boundEntity().filter(entityLogicalName::equals).isPresent())
                .toList();
    }

    /** Where an action was declared, when the catalog was loaded from a file. */
    public Optional<SourceLocation> actionLocation(String actionName) {
        return Optional.ofNullable(actionLocations.get(actionName));
    }

    /** Where an entity (no field) or one of its fields or relations was declared, when the catalog was loaded from a file. */
    public Optional<SourceLocation> sourceLocation(String entityLogicalName, Optional<String> fieldLogicalName) {
        return Optional.ofNullable(locations.get(new Element(entityLogicalName, fieldLogicalName)));
    }

    /** {@code file:line} of an entity (no field) or one of its fields, when known. */
    public Optional<String> location(String entityLogicalName, Optional<String> fieldLogicalName) {
        return sourceLocation(entityLogicalName, fieldLogicalName).map(SourceLocation::toString);
    }

    /**
     * The navigation property {@code name} of {@code entity}: one of its relations (single-valued),
     * or the partner of a relation of another entity to it (collection-valued); empty when it has
     * none of that name.
     */
    public Optional<Navigation> navigation(EntityDefinition entity, String name) {
        Optional<Navigation> lookup = entity.relation(name).flatMap(relation -> byLogicalName(relation.targetEntity())
                .map(target -> new Navigation(name, target, relation.field(), relation.targetField(), false)));
        if (lookup.isPresent()) {
            return lookup;
        }
        return inverseRelation(entity.logicalName(), name).flatMap(inverse -> byLogicalName(inverse.sourceEntity())
                .map(source -> new Navigation(
                        name,
                        source,
                        inverse.relation().targetField(),
                        inverse.relation().field(),
                        true)));
    }

    /** This catalog with one more entity (a built-in set the gateway adds, such as the data audit). */
    public Catalog withEntity(EntityDefinition entity) {
        if (byLogicalName(entity.logicalName()).isPresent()
                || byEntitySet(entity.entitySetName()).isPresent()) {
            throw new IllegalArgumentException("the catalog already has an entity named " + entity.logicalName()
                    + " or " + entity.entitySetName());
        }
        List<EntityDefinition> more = new java.util.ArrayList<>(entities);
        more.add(entity);
        return new Catalog(
                more,
                List.copyOf(optionSets.values()),
                List.copyOf(actions.values()),
                locations,
                actionLocations,
                defaultLanguage);
    }

    /** The language of labels written as plain text in the catalog file, and of callers that ask for none. */
    public String defaultLanguage() {
        return defaultLanguage;
    }

    /** This catalog with another default language. */
    public Catalog withDefaultLanguage(String language) {
        return new Catalog(
                entities,
                List.copyOf(optionSets.values()),
                List.copyOf(actions.values()),
                locations,
                actionLocations,
                language);
    }

    /**
     * This catalog with the visibility of some entities overridden ({@code $metadata} and the
     * catalog set's {@code mserp_hasbeengenerated}): {@code visibility} maps logical names to
     * visible; names of entities this catalog does not have are ignored.
     */
    public Catalog withVisibility(Map<String, Boolean> visibility) {
        requireNonNull(visibility, "visibility is null");
        List<EntityDefinition> changed = new java.util.ArrayList<>(entities.size());
        boolean any = false;
        for (EntityDefinition entity : entities) {
            Boolean visible = visibility.get(entity.logicalName());
            if (visible != null && visible != entity.visible()) {
                changed.add(entity.withVisible(visible));
                any = true;
            } else {
                changed.add(entity);
            }
        }
        return any
                ? new Catalog(
                        changed,
                        List.copyOf(optionSets.values()),
                        List.copyOf(actions.values()),
                        locations,
                        actionLocations)
                : this;
    }
}
