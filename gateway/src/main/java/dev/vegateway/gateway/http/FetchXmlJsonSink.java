package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.plan.OutputField;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.service.RowSink;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.gateway.odata.LookupNames;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Streams the answer to {@code GET {set}?fetchXml=…} as Dataverse writes it: each row with its
 * non-null values only (linked ones as {@code alias.attribute}, lookups as {@code _<field>_value}),
 * then {@code @Microsoft.Dynamics.CRM.totalrecordcount} and {@code …totalrecordcountlimitexceeded}
 * (when asked for; at most 5,000, as Dataverse counts),
 * {@code @Microsoft.Dynamics.CRM.morerecords} and, when there are more rows,
 * {@code @Microsoft.Dynamics.CRM.fetchxmlpagingcookie}: {@code <cookie pagenumber="2"
 * pagingcookie="…" istracking="False" />}, whose {@code pagingcookie} (the gateway's signed
 * continuation) and {@code pagenumber} the client puts in its next fetch.
 */
final class FetchXmlJsonSink implements RowSink {
    static final String TOTAL_RECORD_COUNT = "@Microsoft.Dynamics.CRM.totalrecordcount";
    static final String TOTAL_RECORD_COUNT_LIMIT_EXCEEDED = "@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded";
    static final String MORE_RECORDS = "@Microsoft.Dynamics.CRM.morerecords";
    static final String PAGING_COOKIE = "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie";
    /**
     * Dataverse counts up to 5,000 rows: a larger total reads 5,000 with
     * {@code totalrecordcountlimitexceeded} true (FetchXML and QueryExpression alike).
     */
    static final long TOTAL_RECORD_COUNT_LIMIT = 5000;

    private final JsonGenerator json;
    private final Catalog catalog;
    private final String context;
    private final LookupNames lookups;
    private final Optional<IncludeAnnotations> annotations;
    private final int pageNumber;
    private OutputNames names;
    private OptionalLong count = OptionalLong.empty();

    FetchXmlJsonSink(
            JsonGenerator json,
            Catalog catalog,
            String context,
            LookupNames lookups,
            Optional<IncludeAnnotations> annotations,
            int pageNumber) {
        this.json = requireNonNull(json, "json is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.context = requireNonNull(context, "context is null");
        this.lookups = requireNonNull(lookups, "lookups is null");
        this.annotations = requireNonNull(annotations, "annotations is null");
        this.pageNumber = pageNumber;
    }

    @Override
    public void start(QueryPlan plan, OptionalLong totalCount) throws IOException {
        names = OutputNames.of(plan, lookups, annotations);
        count = totalCount;
        json.writeStartObject();
        json.writeStringField("@odata.context", context);
        json.writeArrayFieldStart("value");
    }

    @Override
    public void row(QueryPlan plan, Object[] values) throws IOException {
        json.writeStartObject();
        if (plan.etagIndex().isPresent() && values[plan.etagIndex().getAsInt()] != null) {
            json.writeStringField(
                    "@odata.etag", JsonValues.etag(values[plan.etagIndex().getAsInt()]));
        }
        for (int index = 0; index < plan.output().size(); index++) {
            OutputField output = plan.output().get(index);
            Object value = output.masked() ? null : values[output.selectIndex()];
            if (value == null) {
                continue; // FetchXML answers leave null values out
            }
            String name = names.names().get(index);
            String property = output.alias().isPresent()
                    ? name
                    : output.relation().map(relation -> relation + "." + name).orElse(name);
            if (names.formatted().isPresent()) {
                Optional<String> formatted = FormattedValues.format(
                        catalog, output.field(), value, names.formatted().get());
                if (formatted.isPresent()) {
                    json.writeStringField(property + "@" + FormattedValues.TERM, formatted.get());
                }
            }
            json.writeFieldName(property);
            JsonValues.write(json, catalog, output.field().type(), value);
        }
        if (plan.keyIndex().isPresent()
                && plan.output().stream()
                        .noneMatch(output -> output.relation().isEmpty()
                                && output.name().equals(plan.entity().keyField()))) {
            json.writeStringField(
                    plan.entity().keyField(),
                    String.valueOf(values[plan.keyIndex().getAsInt()]));
        }
        json.writeEndObject();
    }

    @Override
    public void finish(QueryPlan plan, Optional<String> continuation) throws IOException {
        json.writeEndArray();
        if (count.isPresent()) {
            json.writeNumberField(TOTAL_RECORD_COUNT, Math.min(count.getAsLong(), TOTAL_RECORD_COUNT_LIMIT));
            json.writeBooleanField(TOTAL_RECORD_COUNT_LIMIT_EXCEEDED, count.getAsLong() > TOTAL_RECORD_COUNT_LIMIT);
        }
        json.writeBooleanField(MORE_RECORDS, continuation.isPresent());
        if (continuation.isPresent()) {
            json.writeStringField(PAGING_COOKIE, cookie(pageNumber + 1, continuation.get()));
        }
        json.writeEndObject();
        json.flush();
    }

    /** The paging cookie annotation; the continuation is URL-safe Base64, so it needs no escaping in XML or URLs. */
    static String cookie(int nextPage, String continuation) {
        return "<cookie pagenumber=\"" + nextPage + "\" pagingcookie=\"" + continuation + "\" istracking=\"False\" />";
    }
}
