package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated catalog: entities and option sets. Immutable; lookups are by exact name. */
public final class Catalog {
    private final List<EntityDefinition> entities;
    private final Map<String, OptionSet> optionSets;
    private final Map<String, EntityDefinition> byLogicalName = new LinkedHashMap<>();
    private final Map<String, EntityDefinition> byEntitySet = new LinkedHashMap<>();

    public Catalog(List<EntityDefinition> entities, List<OptionSet> optionSets) {
        this.entities = List.copyOf(requireNonNull(entities, "entities is null"));
        Map<String, OptionSet> sets = new LinkedHashMap<>();
        optionSets.forEach(set -> sets.put(set.name(), set));
        this.optionSets = java.util.Collections.unmodifiableMap(sets);
        for (EntityDefinition entity : this.entities) {
            byLogicalName.put(entity.logicalName(), entity);
            byEntitySet.put(entity.entitySetName(), entity);
        }
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
}
