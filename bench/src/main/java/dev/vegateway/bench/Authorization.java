package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run's bearer tokens. A workload's requests are built once, each with the {@code Authorization}
 * header of the token its identity had when the run began; {@link #apply} gives a request whose token
 * has been refreshed since a copy carrying the current one. Fixed tokens are sent as they are.
 */
final class Authorization {
    static final String HEADER = "Authorization";

    /** By the header value a request was built with: the token source behind it and that first token. */
    private final Map<String, Refreshing> refreshing = new HashMap<>();

    private record Refreshing(RefreshingToken source, String first) {}

    /** The header value of a token that does not change. */
    String fixed(String token) {
        return "Bearer " + requireNonNull(token, "token is null");
    }

    /** The header value to build requests with for {@code source}; {@link #apply} keeps it current. */
    String refreshing(RefreshingToken source) {
        requireNonNull(source, "source is null");
        String first = source.current();
        String header = "Bearer " + first;
        refreshing.put(header, new Refreshing(source, first));
        return header;
    }

    boolean anyRefreshing() {
        return !refreshing.isEmpty();
    }

    /** {@code request}, or a copy of it with the current token when its token was refreshed since. */
    HttpRequest apply(HttpRequest request) {
        if (refreshing.isEmpty()) {
            return request;
        }
        Optional<String> value = request.headers().firstValue(HEADER);
        if (value.isEmpty()) {
            return request;
        }
        Refreshing token = refreshing.get(value.get());
        if (token == null) {
            return request;
        }
        String current = token.source().current();
        if (current.equals(token.first())) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, headerValue) -> !name.equalsIgnoreCase(HEADER))
                .header(HEADER, "Bearer " + current)
                .build();
    }
}
