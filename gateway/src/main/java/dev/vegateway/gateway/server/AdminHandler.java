package dev.vegateway.gateway.server;

import static java.util.Objects.requireNonNull;

import dev.vegateway.gateway.http.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin listener: {@code /health/live}, {@code /health/ready} (backend reachable and signing
 * keys loaded) and {@code /metrics}. Readiness reads the backend health probe's state and never
 * waits for the backend itself, so it turns false and true again as fast as the probe notices.
 */
public final class AdminHandler extends Handler.Abstract {
    /** Liveness: 200 while the process serves. */
    public static final String LIVE = "/health/live";
    /** Readiness: 200 when the backend answers and signing keys are loaded, else 503. */
    public static final String READY = "/health/ready";

    private final BooleanSupplier backendUp;
    private final BooleanSupplier keysLoaded;
    private final BooleanSupplier stopping;
    private final Metrics metrics;

    AdminHandler(BooleanSupplier backendUp, BooleanSupplier stopping, BooleanSupplier keysLoaded, Metrics metrics) {
        this.stopping = requireNonNull(stopping, "stopping is null");
        this.backendUp = requireNonNull(backendUp, "backendUp is null");
        this.keysLoaded = requireNonNull(keysLoaded, "keysLoaded is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        switch (path == null ? "" : path) {
            case LIVE -> send(response, callback, 200, "application/json", "{\"status\":\"live\"}");
            case READY -> {
                boolean backend = backendUp.getAsBoolean();
                boolean keys = keysLoaded.getAsBoolean();
                boolean stop = stopping.getAsBoolean();
                boolean ready = backend && keys && !stop;
                send(
                        response,
                        callback,
                        ready ? 200 : 503,
                        "application/json",
                        "{\"status\":\"" + (ready ? "ready" : "not ready") + "\",\"backend\":" + backend
                                + ",\"signingKeys\":" + keys + ",\"stopping\":" + stop + "}");
            }
            case "/metrics" -> send(
                    response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.prometheusText());
            default -> send(response, callback, 404, "application/json", "{\"status\":\"not found\"}");
        }
        return true;
    }

    private static void send(Response response, Callback callback, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
