package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * The requests of one scenario. Most are built once and reused (an {@link HttpRequest} is
 * immutable) and a worker asks for request number {@code n} and gets them in a fixed cycle;
 * {@link Scenario#CREATE} builds each request on demand, since every create needs its own
 * account number.
 */
final class Workload {
    /** The most requests built ahead for one scenario and its callers. */
    static final long MAXIMUM_CYCLE = 1_000_000;

    /** The request numbers a generated workload spans before it would repeat one. */
    static final long GENERATED_CYCLE = 1_000_000_000_000L;

    private final Scenario scenario;
    private final long cycle;
    private final LongFunction<HttpRequest> requests;
    private final int callers;
    /** Mix workloads: the template name of request n; empty for one-scenario workloads. */
    private final Optional<LongFunction<String>> labels;

    private Workload(Scenario scenario, long cycle, LongFunction<HttpRequest> requests, int callers) {
        this(scenario, cycle, requests, callers, Optional.empty());
    }

    private Workload(
            Scenario scenario,
            long cycle,
            LongFunction<HttpRequest> requests,
            int callers,
            Optional<LongFunction<String>> labels) {
        this.scenario = requireNonNull(scenario, "scenario is null");
        this.requests = requireNonNull(requests, "requests is null");
        if (cycle < 1) {
            throw new IllegalArgumentException("a workload needs at least one request");
        }
        this.cycle = cycle;
        this.callers = callers;
        this.labels = requireNonNull(labels, "labels is null");
    }

    /** The name of request {@code sequence}'s template in a mix; empty otherwise. */
    Optional<String> label(long sequence) {
        return labels.map(names -> names.apply(Math.floorMod(sequence, cycle)));
    }

    /**
     * A mix: request {@code n} is the template at {@code n} in the weights' cycle ({@link Mix#schedule}),
     * filled in for number {@code n}; the callers take turns cycle by cycle.
     */
    static Workload mix(
            List<Mix.Template> templates,
            Target target,
            Map<String, String> headers,
            List<Map<String, String>> callers,
            Duration timeout,
            List<String> customerKeys) {
        requireNonNull(templates, "templates is null");
        if (templates.stream().anyMatch(Mix.Template::usesKeys) && customerKeys.isEmpty()) {
            throw new IllegalArgumentException("the mix uses {key} but no customer key was fetched");
        }
        int[] schedule = Mix.schedule(templates);
        List<RequestFactory> factories = new ArrayList<>();
        for (Map<String, String> caller : callers) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(caller);
            factories.add(new RequestFactory(target, all, timeout));
        }
        String run = runTag();
        List<String> keys = List.copyOf(customerKeys);
        LongFunction<HttpRequest> requests = sequence -> {
            Mix.Template template = templates.get(schedule[(int) (sequence % schedule.length)]);
            RequestFactory factory = factories.get((int) (sequence / schedule.length % factories.size()));
            return factory.template(template, sequence, run, keys);
        };
        return new Workload(Scenario.MIX, GENERATED_CYCLE, requests, factories.size(), Optional.of(sequence -> templates
                .get(schedule[(int) (sequence % schedule.length)])
                .name()));
    }

    Workload(Scenario scenario, List<HttpRequest> requests) {
        this(scenario, requests, 1);
    }

    private Workload(Scenario scenario, List<HttpRequest> requests, int callers) {
        this(scenario, requests.size(), fixed(List.copyOf(requireNonNull(requests, "requests is null"))), callers);
    }

    /** This workload, each request passing through {@code authorization} as it is sent (refreshed tokens). */
    Workload authorizedBy(Authorization authorization) {
        requireNonNull(authorization, "authorization is null");
        if (!authorization.anyRefreshing()) {
            return this;
        }
        LongFunction<HttpRequest> inner = requests;
        return new Workload(scenario, cycle, sequence -> authorization.apply(inner.apply(sequence)), callers, labels);
    }

    /** How many identities take turns in the requests. */
    int callers() {
        return callers;
    }

    private static LongFunction<HttpRequest> fixed(List<HttpRequest> requests) {
        return sequence -> requests.get((int) sequence);
    }

    Scenario scenario() {
        return scenario;
    }

    HttpRequest request(long sequence) {
        return requests.apply(Math.floorMod(sequence, cycle));
    }

    /** Where worker {@code worker} of {@code workers} starts in the cycle, so that workers spread over the keys. */
    long startOf(int worker, int workers) {
        return cycle <= Integer.MAX_VALUE ? (long) worker * cycle / workers : cycle / workers * worker;
    }

    /** Builds the workload; {@code customerKeys} must be non-empty when {@link Scenario#needsCustomerKeys()}. */
    static Workload of(
            Scenario scenario,
            Target target,
            Map<String, String> headers,
            Duration timeout,
            List<String> customerKeys) {
        return of(scenario, target, headers, List.of(Map.of()), timeout, customerKeys);
    }

    /**
     * As {@link #of(Scenario, Target, Map, Duration, List)}, the requests taking turns among
     * {@code callers}: each one's headers are added to {@code headers} (and replace those of the same
     * name), so request {@code n} of the cycle goes as caller {@code n mod callers.size()}.
     */
    static Workload of(
            Scenario scenario,
            Target target,
            Map<String, String> headers,
            List<Map<String, String>> callers,
            Duration timeout,
            List<String> customerKeys) {
        requireNonNull(customerKeys, "customerKeys is null");
        requireNonNull(callers, "callers is null");
        if (callers.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one caller");
        }
        if (scenario.needsCustomerKeys() && customerKeys.isEmpty()) {
            throw new IllegalArgumentException(
                    "the " + scenario.displayName() + " scenario needs at least one customer key");
        }
        List<RequestFactory> factories = new ArrayList<>();
        for (Map<String, String> caller : callers) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(caller);
            factories.add(new RequestFactory(target, all, timeout));
        }
        if (scenario == Scenario.CREATE) {
            String tag = runTag();
            return new Workload(
                    scenario,
                    GENERATED_CYCLE,
                    sequence ->
                            factories.get((int) (sequence % factories.size())).create(tag, sequence),
                    factories.size());
        }
        // Request n of the cycle is request (n mod size) of the scenario, as caller (n mod callers): a cycle of
        // lcm(size, callers) requests, each caller as often as each other and each request as often as each other.
        List<HttpRequest> base = requestsOf(scenario, factories.get(0), customerKeys);
        int size = base.size();
        long cycle = (long) size / gcd(size, factories.size()) * factories.size();
        if (cycle > MAXIMUM_CYCLE) {
            throw new IllegalArgumentException("the " + scenario.displayName() + " scenario's " + size
                    + " requests and "
                    + factories.size() + " callers make a cycle of " + cycle + " requests, more than " + MAXIMUM_CYCLE
                    + "; use fewer callers");
        }
        List<List<HttpRequest>> byCaller = new ArrayList<>();
        byCaller.add(base);
        for (int caller = 1; caller < factories.size(); caller++) {
            byCaller.add(requestsOf(scenario, factories.get(caller), customerKeys));
        }
        List<HttpRequest> requests = new ArrayList<>();
        for (int n = 0; n < cycle; n++) {
            requests.add(byCaller.get(n % factories.size()).get(n % size));
        }
        return new Workload(scenario, requests, factories.size());
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static List<HttpRequest> requestsOf(Scenario scenario, RequestFactory factory, List<String> customerKeys) {
        List<HttpRequest> requests = new ArrayList<>();
        switch (scenario) {
            case RETRIEVE -> customerKeys.forEach(key -> requests.add(factory.retrieve(key)));
            case PAGE50 -> requests.add(factory.page50());
            case PAGE50SORTED -> requests.add(factory.get(Scenario.PAGE50SORTED_PATH, Map.of()));
            case CREATE -> throw new IllegalArgumentException("create requests are built one by one");
            case MIX -> throw new IllegalArgumentException("a mix is built from its file (Workload.mix)");
            case JOIN50 -> requests.add(factory.join50());
            case FETCHXML -> requests.add(factory.get(Scenario.FETCHXML_PATH, Map.of()));
            case APPLY -> requests.add(factory.get(Scenario.APPLY_PATH, Map.of()));
            case PAGE5000 -> requests.add(factory.page5000());
            case QUERYEXPRESSION -> requests.add(factory.queryExpression());
            case MIXED -> customerKeys.forEach(key -> {
                requests.add(factory.retrieve(key));
                requests.add(factory.page50());
                requests.add(factory.queryExpression());
            });
            case BATCHREAD -> {
                for (int start = 0; start < customerKeys.size(); start += Scenario.BATCH_READS) {
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < Scenario.BATCH_READS; i++) {
                        keys.add(customerKeys.get((start + i) % customerKeys.size()));
                    }
                    requests.add(factory.batch(batchOfReads(keys)));
                }
            }
            case BATCHWRITE -> {
                for (int i = 0; i < Scenario.BATCH_WRITE_KEYS; i++) {
                    requests.add(factory.batch(
                            batchOfWrites(new UUID(0xbe9c_0000_0000_4000L, 0x8000_0000_0000_0000L | i), i)));
                }
            }
        }
        return requests;
    }

    /** Six base-36 digits, new for every {@link Scenario#CREATE} workload, so that runs do not reuse an account number. */
    private static String runTag() {
        String digits = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
        return "0".repeat(6 - digits.length()) + digits;
    }

    /** The body of create number {@code sequence}: a usmf customer with account {@code B<tag>-<sequence>}. */
    static String createBody(String tag, long sequence) {
        return "{\"mserp_dataareaid\":\"usmf\",\"mserp_customeraccount\":\"" + Scenario.CREATE_ACCOUNT_PREFIX + tag
                + "-" + sequence + "\",\"mserp_name\":\"Load test " + sequence + "\"}";
    }

    private static final String CRLF = "\r\n";

    /** A $batch body of one GET part per key. */
    static String batchOfReads(List<String> keys) {
        StringBuilder body = new StringBuilder();
        for (String key : keys) {
            body.append("--")
                    .append(Scenario.BATCH_BOUNDARY)
                    .append(CRLF)
                    .append("Content-Type: application/http")
                    .append(CRLF)
                    .append("Content-Transfer-Encoding: binary")
                    .append(CRLF)
                    .append(CRLF)
                    .append("GET ")
                    .append(Scenario.CUSTOMER_SET)
                    .append('(')
                    .append(key)
                    .append(") HTTP/1.1")
                    .append(CRLF)
                    .append("Accept: application/json")
                    .append(CRLF)
                    .append(CRLF);
        }
        return body.append("--")
                .append(Scenario.BATCH_BOUNDARY)
                .append("--")
                .append(CRLF)
                .toString();
    }

    /** A $batch body of one changeset: create customer {@code key}, change it through $1, delete it. */
    static String batchOfWrites(UUID key, int number) {
        String changeset = "changeset_vegateway_bench";
        String customer = "{\"" + Scenario.CUSTOMER_KEY + "\":\"" + key + "\",\"mserp_dataareaid\":\"usmf\","
                + "\"mserp_customeraccount\":\"BENCH-" + number + "\",\"mserp_name\":\"Load test\"}";
        return "--" + Scenario.BATCH_BOUNDARY + CRLF
                + "Content-Type: multipart/mixed; boundary=" + changeset + CRLF + CRLF
                + part(changeset, "1", "POST " + Scenario.CUSTOMER_SET, customer)
                + part(changeset, "2", "PATCH $1", "{\"mserp_creditlimit\":1000}")
                + part(changeset, "3", "DELETE " + Scenario.CUSTOMER_SET + "(" + key + ")", null)
                + "--" + changeset + "--" + CRLF
                + "--" + Scenario.BATCH_BOUNDARY + "--" + CRLF;
    }

    private static String part(String boundary, String contentId, String requestLine, String json) {
        String head =
                "--" + boundary + CRLF + "Content-Type: application/http" + CRLF + "Content-Transfer-Encoding: binary"
                        + CRLF + "Content-ID: " + contentId + CRLF + CRLF + requestLine + " HTTP/1.1" + CRLF;
        return json == null ? head + CRLF : head + "Content-Type: application/json" + CRLF + CRLF + json + CRLF;
    }

    /** Fetches the customer keys the retrieve scenario cycles through (one GET before the run). */
    static List<String> fetchCustomerKeys(
            HttpClient client, Target target, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest request = new RequestFactory(target, headers, timeout).get(Scenario.KEYS_PATH, Map.of());
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    "GET " + request.uri() + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        JsonNode rows = new ObjectMapper().readTree(response.body()).path("value");
        List<String> keys = new ArrayList<>();
        for (JsonNode row : rows) {
            JsonNode key = row.get(Scenario.CUSTOMER_KEY);
            if (key != null && key.isTextual()) {
                keys.add(key.asText());
            }
        }
        if (keys.isEmpty()) {
            throw new IOException("GET " + request.uri() + " returned no " + Scenario.CUSTOMER_KEY + " values");
        }
        return List.copyOf(keys);
    }

    static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…";
    }

    private record RequestFactory(Target target, Map<String, String> headers, Duration timeout) {
        RequestFactory {
            requireNonNull(target, "target is null");
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers is null")));
            requireNonNull(timeout, "timeout is null");
        }

        HttpRequest retrieve(String key) {
            return get(Scenario.CUSTOMER_SET + "(" + key + ")", Map.of());
        }

        HttpRequest page50() {
            return get(Scenario.PAGE50_PATH, Map.of());
        }

        HttpRequest join50() {
            return get(Scenario.JOIN50_PATH, Map.of());
        }

        HttpRequest page5000() {
            return get(Scenario.PAGE5000_PATH, Map.of("Prefer", Scenario.PAGE5000_PREFER));
        }

        HttpRequest queryExpression() {
            return builder(Scenario.QUERYEXPRESSION_PATH, Map.of("Content-Type", "application/json"))
                    .POST(HttpRequest.BodyPublishers.ofString(Scenario.QUERYEXPRESSION_BODY))
                    .build();
        }

        HttpRequest create(String tag, long sequence) {
            return builder(Scenario.CUSTOMER_SET, Map.of("Content-Type", "application/json"))
                    .POST(HttpRequest.BodyPublishers.ofString(createBody(tag, sequence)))
                    .build();
        }

        HttpRequest template(Mix.Template template, long number, String run, List<String> keys) {
            Map<String, String> extra = new LinkedHashMap<>();
            template.headers().forEach((name, value) -> extra.put(name, Mix.expand(value, number, run, keys)));
            HttpRequest.BodyPublisher body = template.body()
                    .map(text -> HttpRequest.BodyPublishers.ofString(Mix.expand(text, number, run, keys)))
                    .orElse(HttpRequest.BodyPublishers.noBody());
            return builder(Mix.encode(Mix.expand(template.path(), number, run, keys)), extra)
                    .method(template.method(), body)
                    .build();
        }

        HttpRequest batch(String body) {
            return builder(
                            Scenario.BATCH_PATH,
                            Map.of("Content-Type", "multipart/mixed; boundary=" + Scenario.BATCH_BOUNDARY))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }

        HttpRequest get(String path, Map<String, String> extra) {
            return builder(path, extra).GET().build();
        }

        private HttpRequest.Builder builder(String path, Map<String, String> extra) {
            HttpRequest.Builder builder =
                    HttpRequest.newBuilder(target.resolve(path)).timeout(timeout);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Accept", "application/json");
            all.put("OData-MaxVersion", "4.0");
            all.put("OData-Version", "4.0");
            all.putAll(headers);
            all.putAll(extra);
            all.forEach(builder::header);
            return builder;
        }
    }
}
