package dev.vegateway.gateway.http;

import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.query.Columns;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The joins that give each lookup of a read its related row's primary name, for the lookup's
 * {@code @OData.Community.Display.V1.FormattedValue} (as Dataverse writes it): for every lookup the
 * read returns whose target entity declares a {@code primaryName}, a left outer join to that row
 * selecting the name, in the same SQL statement. Each join is planned under the target entity's
 * own security like any link: a row the caller may not read, or a name field field security hides,
 * reads as null and gives no annotation. A target the caller holds no Read on is not joined at all.
 * The joins are named {@value #PREFIX}{@code <relation>}; the answer never shows them as properties.
 */
final class LookupNameLinks {
    /** The alias prefix of a name join: {@code @name/mserp_Customer}. */
    static final String PREFIX = "@name/";

    private LookupNameLinks() {}

    /** Whether an output field is the name column of such a join. */
    static boolean isName(OutputField output) {
        return output.relation().filter(relation -> relation.startsWith(PREFIX)).isPresent();
    }

    /** {@code query} with the name joins of its root's lookups. */
    static Query withNames(Catalog catalog, EntityDefinition entity, Query query, ReadScopes scopes) {
        if (query.aggregation().isPresent()) {
            return query;
        }
        Relation root = query.root();
        List<Link> links = withNames(catalog, entity, root.columns(), root.links(), scopes);
        return links.size() == root.links().size()
                ? query
                : query.withRoot(
                        new Relation(root.entityLogicalName(), root.columns(), root.criteria(), root.orders(), links));
    }

    /** {@code links} and the name joins of the lookups among {@code columns}, within the limit of joins. */
    static List<Link> withNames(
            Catalog catalog, EntityDefinition entity, Columns columns, List<Link> links, ReadScopes scopes) {
        List<Link> all = new ArrayList<>(links);
        int count = new Relation(entity.logicalName(), columns, Condition.TRUE, List.of(), links).linkCount();
        for (RelationDefinition relation : entity.relations()) {
            if (count >= Relation.MAX_LINKS) {
                break;
            }
            boolean selected = columns.all() || columns.names().contains(relation.field());
            Optional<EntityDefinition> target = catalog.byLogicalName(relation.targetEntity());
            if (!selected
                    || target.isEmpty()
                    || target.get().primaryName().isEmpty()
                    || !relation.targetField().equals(target.get().keyField())) {
                continue;
            }
            if (scopes.of(entity).unreadableFields().contains(relation.field())) {
                continue; // the lookup itself is hidden from the caller: no join through it
            }
            AccessScope scope = scopes.of(target.get());
            String name = target.get().primaryName().get();
            boolean readable = scope.unrestricted()
                    || scope.grants().stream().anyMatch(grant -> grant.depth() != AccessScope.Depth.NONE);
            if (!readable
                    || scope.unreadableFields().contains(name)
                    || scope.unreadableFields().contains(relation.targetField())) {
                continue; // no Read on the entity, or its name is hidden: no annotation, and no 403 for the read
            }
            all.add(new Link(
                    new Relation(
                            target.get().logicalName(),
                            Columns.named(List.of(name)),
                            Condition.TRUE,
                            List.of(),
                            List.of()),
                    relation.field(),
                    relation.targetField(),
                    Link.Kind.LEFT_OUTER,
                    Optional.of(PREFIX + relation.name())));
            count++;
        }
        return all;
    }
}
