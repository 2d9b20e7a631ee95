package dev.vegateway.gateway.http;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.RelationDefinition;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code nav@odata.bind} of a relation over several fields (company and account): binding sets
 * every field of the relation to the bound record's value of the field it refers to. The entity's
 * company field, when it is one of them, is the record's own company: it must agree with the bound
 * record's (a record refers to records of its own company), and clearing the lookup leaves it.
 */
final class CompositeBinds {
    private CompositeBinds() {}

    /** {@code "nav@odata.bind": null}: the relation's fields other than the company field become null. */
    static void clear(EntityDefinition entity, RelationDefinition relation, Map<String, Object> values) {
        for (String field : relation.composite().orElseThrow().fields()) {
            if (!entity.companyField().filter(field::equals).isPresent()) {
                values.put(field, null);
            }
        }
    }

    /**
     * Puts the bound record's values ({@code bound}: field of {@code entity} → value) into {@code values}.
     * 400 when the body gives one of these fields another value, or when the company differs from the
     * record's own ({@code rowCompany}, read for an update) or from the body's.
     */
    static void put(
            EntityDefinition entity,
            RelationDefinition relation,
            String property,
            Map<String, Object> bound,
            Optional<Object> rowCompany,
            Map<String, Object> values) {
        Optional<String> companyField = entity.companyField().filter(bound::containsKey);
        for (Map.Entry<String, Object> entry : bound.entrySet()) {
            String field = entry.getKey();
            Object value = text(entry.getValue());
            boolean company = companyField.filter(field::equals).isPresent();
            if (company && rowCompany.isPresent() && !Objects.equals(text(rowCompany.get()), value)) {
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The record bound through '%s' belongs to company '%s' (%s), but the record written"
                                + " belongs to company '%s': a relation over several fields refers to a record of"
                                + " the record's own company.",
                        property,
                        value,
                        field,
                        text(rowCompany.get()));
            }
            if (values.containsKey(field) && !Objects.equals(text(values.get(field)), value)) {
                if (company) {
                    throw GatewayException.of(
                            ErrorCode.VALIDATION,
                            "The record bound through '%s' belongs to company '%s', but the body gives %s = '%s': a"
                                    + " relation over several fields refers to a record of the record's own company.",
                            property,
                            value,
                            field,
                            values.get(field));
                }
                throw GatewayException.of(
                        ErrorCode.VALIDATION,
                        "The record bound through '%s' sets %s to '%s', but the body gives %s = '%s'; send one of"
                                + " them.",
                        property,
                        field,
                        value,
                        field,
                        values.get(field));
            }
            if (company && rowCompany.isPresent()) {
                continue; // unchanged: the record's company stays as it is
            }
            values.put(field, value);
        }
    }

    /** A bound record's value as a JSON body would give it: ids and dates as text. */
    static Object text(Object value) {
        return value instanceof UUID || value instanceof java.time.temporal.Temporal ? value.toString() : value;
    }
}
