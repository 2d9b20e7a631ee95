package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.gateway.odata.LookupNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The property names of a plan's output fields, by output position. In OData a lookup field is
 * {@code _<field>_value}, every other field keeps its logical name (a field of an expanded relation
 * is named as its entity names it, without the relation's prefix). Where the caller asked for
 * lookup annotations ({@code Prefer: odata.include-annotations}), each lookup also carries the
 * annotations to write before its value.
 *
 * @param names the property name of each output field
 * @param lookups the lookup of each output field whose annotations are asked for
 * @param logicalName write {@code @Microsoft.Dynamics.CRM.lookuplogicalname}
 * @param navigationProperty write {@code @Microsoft.Dynamics.CRM.associatednavigationproperty}
 * @param formatted the languages to write {@code @OData.Community.Display.V1.FormattedValue} in, when asked for
 * @param primaryNames for each output field that is a lookup with a name join ({@link LookupNameLinks}), the
 *     position in the row of the related row's name, its FormattedValue
 */
record OutputNames(
        List<String> names,
        List<Optional<LookupNames.Lookup>> lookups,
        boolean logicalName,
        boolean navigationProperty,
        Optional<Languages> formatted,
        List<OptionalInt> primaryNames) {
    OutputNames {
        names = List.copyOf(requireNonNull(names, "names is null"));
        lookups = List.copyOf(requireNonNull(lookups, "lookups is null"));
        requireNonNull(formatted, "formatted is null");
        primaryNames = List.copyOf(requireNonNull(primaryNames, "primaryNames is null"));
    }

    /** The logical names, without annotations (QueryExpression answers, as Dataverse's). */
    static OutputNames logical(QueryPlan plan) {
        List<String> names = new ArrayList<>();
        List<Optional<LookupNames.Lookup>> lookups = new ArrayList<>();
        List<OptionalInt> primaryNames = new ArrayList<>();
        for (OutputField output : plan.output()) {
            names.add(output.alias().orElse(output.field().logicalName()));
            lookups.add(Optional.empty());
            primaryNames.add(OptionalInt.empty());
        }
        return new OutputNames(names, lookups, false, false, Optional.empty(), primaryNames);
    }

    /** The OData names, with the lookup annotations {@code include} asks for. */
    static OutputNames of(QueryPlan plan, LookupNames lookupNames, Optional<IncludeAnnotations> include) {
        boolean logicalName = include.map(asked -> asked.includes(IncludeAnnotations.LOOKUP_LOGICAL_NAME))
                .orElse(false);
        boolean navigationProperty = include.map(
                        asked -> asked.includes(IncludeAnnotations.ASSOCIATED_NAVIGATION_PROPERTY))
                .orElse(false);
        List<String> names = new ArrayList<>();
        List<Optional<LookupNames.Lookup>> lookups = new ArrayList<>();
        List<OptionalInt> primaryNames = new ArrayList<>();
        // the name joins' columns, by relation name (masked ones give no name)
        Map<String, Integer> nameColumns = new HashMap<>();
        for (OutputField output : plan.output()) {
            if (LookupNameLinks.isName(output) && !output.masked()) {
                nameColumns.put(
                        output.relation().get().substring(LookupNameLinks.PREFIX.length()), output.selectIndex());
            }
        }
        for (OutputField output : plan.output()) {
            if (output.alias().isPresent()) {
                // an aliased column is answered under its alias alone, as a plain value
                names.add(output.alias().get());
                lookups.add(Optional.empty());
                primaryNames.add(OptionalInt.empty());
                continue;
            }
            Optional<EntityDefinition> entity = output.relation().isEmpty()
                    ? Optional.of(plan.entity())
                    : lookupNames.entityAt(plan.entity(), output.relation().get());
            Optional<LookupNames.Lookup> lookup = entity.flatMap(owner ->
                    lookupNames.byField(owner.logicalName(), output.field().logicalName()));
            names.add(lookup.map(LookupNames.Lookup::property)
                    .orElse(output.field().logicalName()));
            lookups.add(logicalName || navigationProperty ? lookup : Optional.empty());
            Integer nameColumn = output.relation().isEmpty()
                    ? lookup.map(found -> nameColumns.get(found.relation().name()))
                            .orElse(null)
                    : null;
            primaryNames.add(nameColumn == null ? OptionalInt.empty() : OptionalInt.of(nameColumn));
        }
        Optional<Languages> formatted =
                include.filter(asked -> asked.includes(FormattedValues.TERM)).map(IncludeAnnotations::languages);
        return new OutputNames(names, lookups, logicalName, navigationProperty, formatted, primaryNames);
    }
}
