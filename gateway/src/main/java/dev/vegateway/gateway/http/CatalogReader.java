package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.gateway.odata.CatalogEntitySet;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves the built-in catalog entity set from memory. Any registered application may read it
 * (SPEC 7), with or without a caller. $select, $filter, $orderby are evaluated in memory by
 * {@link InMemoryRows}; $top, $skip and $count are applied here.
 */
final class CatalogReader implements InMemorySet {
    private final List<Map<String, Object>> rows;
    private final Catalog catalog;

    CatalogReader(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        List<Map<String, Object>> all = new ArrayList<>();
        for (EntityDefinition entity : catalog.entities()) {
            all.add(CatalogEntitySet.row(entity));
        }
        this.rows = List.copyOf(all);
    }

    @Override
    public boolean serves(EntityDefinition entity) {
        return entity == CatalogEntitySet.DEFINITION;
    }

    @Override
    public long count(Exchange exchange, Caller caller, ODataRequest.CountCollection count) {
        return matching(count.query()).size();
    }

    @Override
    public void readCollection(
            Exchange exchange,
            Caller caller,
            ODataRequest.ReadCollection read,
            String context,
            java.util.function.Function<String, String> nextLink)
            throws IOException {
        InMemoryRows.Json page =
                InMemoryRows.collection(catalog, CatalogEntitySet.DEFINITION, read.query(), rows, context, nextLink);
        exchange.log.rows = page.rows();
        exchange.send(200, "application/json; odata.metadata=minimal; charset=utf-8", page.body());
    }

    @Override
    public void readEntity(Exchange exchange, Caller caller, ODataRequest.ReadEntity read, String context)
            throws IOException {
        List<FieldDefinition> fields = fields(read.select());
        Map<String, Object> row = rows.stream()
                .filter(candidate ->
                        candidate.get(CatalogEntitySet.DEFINITION.keyField()).equals(read.key()))
                .findFirst()
                .orElseThrow(() -> GatewayException.of(
                        ErrorCode.RECORD_NOT_FOUND,
                        "%s With Id = %s Does Not Exist",
                        CatalogEntitySet.LOGICAL_NAME,
                        read.key()));
        byte[] body = InMemoryRows.entity(catalog, row, fields, context);
        exchange.log.rows = 1;
        exchange.send(200, "application/json; odata.metadata=minimal; charset=utf-8", body);
    }

    private static List<FieldDefinition> fields(List<String> names) {
        return InMemoryRows.fields(CatalogEntitySet.DEFINITION, names);
    }

    private List<Map<String, Object>> matching(Query query) {
        return InMemoryRows.matching(CatalogEntitySet.DEFINITION, query, rows);
    }
}
