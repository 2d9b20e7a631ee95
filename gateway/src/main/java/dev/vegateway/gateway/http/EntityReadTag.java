package dev.vegateway.gateway.http;

import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.service.QueryService;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.gateway.odata.ODataRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code If-None-Match} on a Retrieve (GET of one record by key): when the entity has a row
 * version (its {@code @odata.etag}) and the request expands nothing, the record's current ETag is
 * read first, under the caller's read scope, and a match answers 304 without reading the rest. A
 * record the caller cannot see is 404 as always. With {@code $expand} the related records may
 * have changed while the record did not, so such a read always answers in full.
 */
final class EntityReadTag {
    private EntityReadTag() {}

    /** Whether it answered 304 (the caller's copy is current); false: read and answer as usual. */
    static boolean notModified(Exchange exchange, ODataRequest.ReadEntity read, QueryService queries, ReadScopes scopes)
            throws IOException {
        if (!ConditionalGet.asked(exchange.request.getHeaders())
                || read.entity().rowVersionField().isEmpty()
                || !read.expanded().isEmpty()
                || !read.collections().isEmpty()) {
            return false;
        }
        VersionSink version = new VersionSink();
        exchange.database(() -> {
            try {
                return queries.retrieve(
                        read.entity(), read.key(), List.of(read.entity().keyField()), List.of(), scopes, version);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (version.etag.isPresent() && ConditionalGet.matches(exchange.request.getHeaders(), version.etag.get())) {
            exchange.log.rows = 0;
            ConditionalGet.notModified(exchange, version.etag.get());
            return true;
        }
        return false;
    }

    /** Keeps the ETag of the one row read. */
    private static final class VersionSink implements RowSink {
        Optional<String> etag = Optional.empty();

        @Override
        public void start(QueryPlan plan, OptionalLong count) {}

        @Override
        public void row(QueryPlan plan, Object[] values) {
            if (plan.etagIndex().isPresent() && values[plan.etagIndex().getAsInt()] != null) {
                etag = Optional.of(JsonValues.etag(values[plan.etagIndex().getAsInt()]));
            }
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {}
    }
}
