package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.query.Expansion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An expanded collection-valued navigation property: the related rows' {@link Expansion}, the
 * single-valued navigation paths expanded inside it (nested objects of each related row, parents
 * first) and its nested query options as the client wrote them, for the nextLink of a parent
 * with more related rows than the per-parent cap.
 *
 * @param options the nested options ({@code $select=…}, {@code $filter=…}, …), each still
 *     percent-decoded, in the order written; {@code $top} is left out (the nextLink recomputes it)
 */
public record CollectionExpand(Expansion expansion, List<String> expanded, List<String> options) {
    public CollectionExpand {
        requireNonNull(expansion, "expansion is null");
        expanded = List.copyOf(requireNonNull(expanded, "expanded is null"));
        options = List.copyOf(requireNonNull(options, "options is null"));
    }

    public String name() {
        return expansion.name();
    }

    /**
     * The URL that reads the related rows after the first {@code cap} of the parent {@code parentKey}:
     * {@code <serviceRoot><parentSet>(<key>)/<nav>?<nested options>&$skip=<cap>} (and what is left
     * of a nested {@code $top}).
     */
    public String nextLink(String serviceRoot, String parentSet, Object parentKey, int cap) {
        List<String> query = new ArrayList<>();
        for (String option : options) {
            int equals = option.indexOf('=');
            query.add(option.substring(0, equals + 1) + encode(option.substring(equals + 1)));
        }
        if (expansion.top().isPresent()) {
            query.add("$top=" + (expansion.top().getAsInt() - cap));
        }
        query.add("$skip=" + cap);
        return serviceRoot + parentSet + "(" + parentKey + ")/" + name() + "?" + String.join("&", query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%2C", ",")
                .replace("%24", "$")
                .replace("%2F", "/")
                .replace("%28", "(")
                .replace("%29", ")")
                .replace("%27", "'");
    }

    /**
     * The nested options of the expand item {@code name} in a decoded {@code $expand} value, split
     * at the top-level semicolons ({@code name($select=a;$filter=b eq 'x;y')} → {@code $select=a},
     * {@code $filter=b eq 'x;y'}); empty when the item has none. {@code $top} is left out.
     */
    static List<String> nestedOptions(String expand, String name) {
        int depth = 0;
        boolean quoted = false;
        int itemStart = 0;
        for (int i = 0; i <= expand.length(); i++) {
            char c = i < expand.length() ? expand.charAt(i) : ',';
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                String item = expand.substring(itemStart, i).trim();
                int open = item.indexOf('(');
                String itemName = open < 0 ? item : item.substring(0, open).trim();
                if (itemName.equals(name)) {
                    return open < 0 || !item.endsWith(")")
                            ? List.of()
                            : split(item.substring(open + 1, item.length() - 1));
                }
                itemStart = i + 1;
            }
        }
        return List.of();
    }

    private static List<String> split(String options) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= options.length(); i++) {
            char c = i < options.length() ? options.charAt(i) : ';';
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ';') {
                String part = options.substring(start, i).trim();
                if (part.contains("=") && !part.startsWith("$top=")) {
                    parts.add(part);
                }
                start = i + 1;
            }
        }
        return parts;
    }
}
