package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A traffic mix described without Java ({@code --mix FILE}): a JSON file of request templates,
 * each with a weight, sent in proportion to the weights (evenly spread, in a fixed order):
 *
 * <pre>
 * {"requests": [
 *   {"name": "by key", "weight": 6, "path": "mserp_custcustomerv3entities({key})"},
 *   {"name": "page", "weight": 3, "path": "mserp_custcustomerv3entities?$top=50&amp;$filter=mserp_dataareaid eq 'usmf'"},
 *   {"name": "query expression", "weight": 1, "method": "POST", "path": "RetrieveMultiple",
 *    "body": {"Query": {"EntityName": "mserp_custcustomerv3entity", "ColumnSet": {"AllColumns": true}}}},
 *   {"name": "create", "weight": 1, "method": "POST", "path": "mserp_custcustomerv3entities",
 *    "body": {"mserp_dataareaid": "usmf", "mserp_customeraccount": "B{run}-{n}", "mserp_name": "Mix {n}"}}
 * ]}
 * </pre>
 *
 * <p>Paths are relative to the service root; characters a URL may not hold (spaces, quotes) are
 * percent-encoded. In paths, bodies and header values, {@code {key}} is a customer key fetched
 * before the run (cycling), {@code {n}} the request's number and {@code {run}} six characters new
 * for every run, so that writes need not collide. A JSON body gets {@code Content-Type:
 * application/json} unless the template's {@code headers} say otherwise.
 */
final class Mix {
    static final int MAXIMUM_WEIGHT = 1000;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");
    private static final Set<String> FIELDS = Set.of("name", "weight", "method", "path", "headers", "body");

    /** One request template. */
    record Template(
            String name, int weight, String method, String path, Map<String, String> headers, Optional<String> body) {
        Template {
            requireNonNull(name, "name is null");
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers is null")));
            requireNonNull(body, "body is null");
        }

        boolean usesKeys() {
            return path.contains("{key}")
                    || body.filter(text -> text.contains("{key}")).isPresent()
                    || headers.values().stream().anyMatch(value -> value.contains("{key}"));
        }
    }

    private Mix() {}

    static List<Template> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--mix " + file + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --mix " + file + ": " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    static List<Template> parse(JsonNode root, String where) {
        if (root == null
                || !root.isObject()
                || !root.path("requests").isArray()
                || root.path("requests").isEmpty()) {
            throw new IllegalArgumentException(where + ": needs {\"requests\": [ … ]} with at least one request");
        }
        List<Template> templates = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int index = 0; index < root.path("requests").size(); index++) {
            JsonNode request = root.path("requests").get(index);
            String at = where + ": requests[" + index + "]";
            if (!request.isObject()) {
                throw new IllegalArgumentException(at + " must be an object");
            }
            for (Iterator<String> fields = request.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException(at + ": unknown field '" + field + "' (known: name, weight,"
                            + " method, path, headers, body)");
                }
            }
            String path = text(request, "path", at)
                    .orElseThrow(() -> new IllegalArgumentException(at + ": path is required"));
            if (path.startsWith("/") || path.contains("://")) {
                throw new IllegalArgumentException(at + ": path '" + path + "' must be relative to the service root");
            }
            String name = text(request, "name", at).orElse(path);
            if (!names.add(name)) {
                throw new IllegalArgumentException(at + ": the name '" + name + "' is used twice");
            }
            JsonNode weightNode = request.path("weight");
            int weight = weightNode.isMissingNode() ? 1 : weightNode.isInt() ? weightNode.intValue() : -1;
            if (weight < 1 || weight > MAXIMUM_WEIGHT) {
                throw new IllegalArgumentException(
                        at + ": weight must be a whole number between 1 and " + MAXIMUM_WEIGHT + ", was " + weightNode);
            }
            String method = text(request, "method", at).orElse("GET").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException(
                        at + ": method must be one of GET, POST, PATCH, PUT, DELETE, was " + method);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode headersNode = request.path("headers");
            if (!headersNode.isMissingNode()) {
                if (!headersNode.isObject()) {
                    throw new IllegalArgumentException(at + ": headers must be an object of names and string values");
                }
                for (Iterator<Map.Entry<String, JsonNode>> entries = headersNode.fields(); entries.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    if (!entry.getValue().isTextual()) {
                        throw new IllegalArgumentException(at + ": header " + entry.getKey() + " must be a string");
                    }
                    headers.put(entry.getKey(), entry.getValue().asText());
                }
            }
            JsonNode bodyNode = request.path("body");
            Optional<String> body = bodyNode.isMissingNode() || bodyNode.isNull()
                    ? Optional.empty()
                    : Optional.of(bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString());
            if (body.isPresent() && method.equals("GET")) {
                throw new IllegalArgumentException(at + ": a GET has no body");
            }
            if (body.isPresent()
                    && !bodyNode.isTextual()
                    && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
                headers.put("Content-Type", "application/json");
            }
            templates.add(new Template(name, weight, method, path, headers, body));
        }
        return List.copyOf(templates);
    }

    private static Optional<String> text(JsonNode request, String field, String at) {
        JsonNode node = request.path(field);
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(at + ": " + field + " must be a non-empty string");
        }
        return Optional.of(node.asText());
    }

    /**
     * The order of one cycle: template indexes, each as often as its weight, spread evenly (smooth
     * weighted round robin: weights 3 and 1 give 0, 0, 1, 0).
     */
    static int[] schedule(List<Template> templates) {
        int total = templates.stream().mapToInt(Template::weight).sum();
        int[] order = new int[total];
        long[] current = new long[templates.size()];
        for (int slot = 0; slot < total; slot++) {
            int best = 0;
            for (int index = 0; index < templates.size(); index++) {
                current[index] += templates.get(index).weight();
                if (current[index] > current[best]) {
                    best = index;
                }
            }
            current[best] -= total;
            order[slot] = best;
        }
        return order;
    }

    /** {@code text} with {@code {n}}, {@code {run}} and {@code {key}} filled in. */
    static String expand(String text, long number, String run, List<String> keys) {
        String expanded = text.replace("{n}", Long.toString(number)).replace("{run}", run);
        if (expanded.contains("{key}")) {
            expanded = expanded.replace("{key}", keys.get((int) Math.floorMod(number, (long) keys.size())));
        }
        return expanded;
    }

    /** Percent-encodes what a URL may not hold (space, quotes, non-ASCII…), leaving {@code %XX} and reserved characters. */
    static String encode(String path) {
        StringBuilder encoded = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~!$&()*+,;=:@/?%".indexOf(c) >= 0;
            if (allowed) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return encoded.toString();
    }
}
