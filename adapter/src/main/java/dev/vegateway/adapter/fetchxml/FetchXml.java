package dev.vegateway.adapter.fetchxml;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.Query;

/**
 * A FetchXML query as the gateway runs it: the neutral query, and the page it asks for (the
 * paging cookie of the answer names the next one).
 *
 * @param query the query tree; {@link Query#includeCount()} when {@code returntotalrecordcount} is true
 * @param pageNumber the {@code page} attribute, 1 when absent
 */
public record FetchXml(Query query, int pageNumber) {
    public FetchXml {
        requireNonNull(query, "query is null");
        if (pageNumber < 1) {
            throw new IllegalArgumentException("pageNumber must be positive, was " + pageNumber);
        }
    }
}
