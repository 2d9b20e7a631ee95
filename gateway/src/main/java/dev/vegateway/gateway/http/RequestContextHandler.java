package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.jdbc.InFlightStatements;
import dev.vegateway.adapter.jdbc.PoolWaits;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * The first link of the chain: gives the request its {@link Exchange} (id, stage timer, log
 * line), its identifying headers ({@code OData-Version}, {@code x-ms-service-request-id}, the
 * client's {@code x-ms-client-request-id} echoed), registers it as in flight so that a stop can
 * cancel its statements, and, once the chain below answered, writes its log line and metrics.
 *
 * <p>A {@code $batch} part arrives with the exchange its batch made for it ({@code <batch
 * id>/<n>}); it runs on the batch's thread, already in flight.
 */
final class RequestContextHandler extends Handler.Wrapper {
    static final String MDC_REQUEST_ID = "requestId";

    private final String servicePath;
    private final Exchange.BodyLimits limits;
    private final Metrics metrics;

    RequestContextHandler(Handler next, String servicePath, Exchange.BodyLimits limits, Metrics metrics) {
        super(next);
        this.servicePath = requireNonNull(servicePath, "servicePath is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange part = (Exchange) request.getAttribute(Exchange.class.getName());
        Exchange exchange = part != null ? part : start(request, response);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("OData-Version", "4.0");
        headers.put("x-ms-service-request-id", exchange.log.requestId);
        if (part == null) {
            InFlightStatements.enter(this, exchange.log.requestId);
            PoolWaits.takeNanos(); // what this thread waited before belongs to an earlier request
        }
        // Every line logged while serving the request names it (the JSON log format shows the MDC); a batch part's
        // id replaces its batch's until the part is done.
        String outer = MDC.get(MDC_REQUEST_ID);
        MDC.put(MDC_REQUEST_ID, exchange.log.requestId);
        try {
            return super.handle(request, response, callback);
        } finally {
            exchange.log.write(exchange.timings);
            metrics.record(
                    exchange.log.operation,
                    exchange.log.status,
                    exchange.timings.elapsedNanos(),
                    exchange.timings.databaseNanos,
                    exchange.log.rows);
            if (part == null) {
                InFlightStatements.exit();
            }
            if (outer == null) {
                MDC.remove(MDC_REQUEST_ID);
            } else {
                MDC.put(MDC_REQUEST_ID, outer);
            }
        }
    }

    private Exchange start(Request request, Response response) {
        RequestLog log = new RequestLog();
        log.requestId = UUID.randomUUID().toString();
        String clientRequestId = request.getHeaders().get("x-ms-client-request-id");
        if (clientRequestId != null) {
            log.clientRequestId = Exchange.sanitize(clientRequestId);
            response.getHeaders().put("x-ms-client-request-id", log.clientRequestId);
        }
        return new Exchange(request, response, log, servicePath, limits, false, false);
    }

    /** How many requests this chain is serving; {@link InFlightStatements} counts them by this handler. */
    int requestsInFlight() {
        return InFlightStatements.requests(this);
    }

    /** Cancels at the database the statements of every request in flight (see {@link InFlightStatements#cancel}). */
    void cancelInFlight() {
        InFlightStatements.cancel(this);
    }
}
