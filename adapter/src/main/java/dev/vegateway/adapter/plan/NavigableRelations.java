package dev.vegateway.adapter.plan;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import java.util.List;

/**
 * A relation can be navigated ({@code $expand}, a navigation path in a filter or order, a lambda,
 * the related records of a collection-valued property) only when its target field identifies
 * one record of the target: the target's key or a one-field alternate key, or, for a relation over
 * several fields, the target's natural key (its lookup field is then the target's derived GUID). A
 * relation that names one field the target repeats (a terms-of-payment id that every company has)
 * would join each record to several targets and answer wrong rows, so navigating it is refused
 * instead; the relation still binds lookups ({@code @odata.bind}).
 */
public final class NavigableRelations {
    private NavigableRelations() {}

    /** 400 naming the navigation property unless {@code relation}'s target field identifies one target record. */
    public static void require(Catalog catalog, RelationDefinition relation, String navigationProperty) {
        EntityDefinition target = catalog.byLogicalName(relation.targetEntity()).orElse(null);
        if (target == null || identifiesOne(target, relation.targetField())) {
            return;
        }
        throw GatewayException.of(
                ErrorCode.UNSUPPORTED_QUERY,
                "The navigation property '%s' joins on '%s', which does not identify one record of '%s' (it is not its"
                        + " key or a one-field alternate key), so navigating it would join records to several targets."
                        + " Declare the relation over several fields (such as field: [mserp_dataareaid, %s] and"
                        + " targetField: [mserp_dataareaid, %s], the target's natural key), or filter the target's set"
                        + " on the field instead.",
                navigationProperty,
                relation.targetField(),
                target.logicalName(),
                relation.field(),
                relation.targetField());
    }

    private static boolean identifiesOne(EntityDefinition target, String field) {
        return target.keyField().equals(field)
                || target.alternateKeys().stream().anyMatch(key -> key.fields().equals(List.of(field)));
    }
}
