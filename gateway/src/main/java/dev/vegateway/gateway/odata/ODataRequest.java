package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.query.Link;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.catalog.EntityDefinition;
import java.util.List;
import java.util.UUID;

/** What an OData GET asks for, after parsing: one of a few shapes the gateway knows how to serve. */
public sealed interface ODataRequest {
    record ServiceDocument() implements ODataRequest {}

    record Metadata() implements ODataRequest {}

    /** {@code GET WhoAmI()}: the caller's user, business unit and organization. */
    record WhoAmI() implements ODataRequest {}

    /**
     * {@code GET {set}}: the neutral query (lookups by logical name) plus the $select list as written (for the context URL)
     * and the navigation paths expanded (nested objects of the answer, parents first).
     */
    record ReadCollection(
            EntityDefinition entity,
            Query query,
            List<String> select,
            List<String> expanded,
            List<CollectionExpand> collections)
            implements ODataRequest {
        public ReadCollection {
            collections = List.copyOf(collections);
        }

        /** Without collection-valued expansions. */
        public ReadCollection(EntityDefinition entity, Query query, List<String> select, List<String> expanded) {
            this(entity, query, select, expanded, List.of());
        }
    }

    /**
     * {@code GET {set}({key})}, with the joins its $expand asks for and its collection-valued
     * expansions: the $select list as written (for the context URL) and the columns it names, by
     * logical name (a lookup's field for its {@code _<field>_value}), as the query asks for them.
     */
    record ReadEntity(
            EntityDefinition entity,
            UUID key,
            List<String> select,
            List<Link> links,
            List<String> expanded,
            List<String> columns,
            List<CollectionExpand> collections)
            implements ODataRequest {
        public ReadEntity {
            collections = List.copyOf(collections);
        }
    }

    /** {@code GET {set}?fetchXml=…}: the FetchXML read into the query tree. */
    record FetchXmlQuery(EntityDefinition entity, dev.vegateway.adapter.fetchxml.FetchXml fetch)
            implements ODataRequest {}

    /** {@code GET {set}/$count}. */
    record CountCollection(EntityDefinition entity, Query query) implements ODataRequest {}
}
