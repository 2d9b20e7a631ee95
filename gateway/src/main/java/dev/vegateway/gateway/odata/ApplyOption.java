package dev.vegateway.gateway.odata;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.query.Aggregation;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OData's {@code $apply} (the data aggregation extension), in the forms Dataverse serves:
 * {@code filter(…)} transformations, then one {@code aggregate(…)} or {@code groupby((…)[,aggregate(…)])}:
 *
 * <pre>
 * apply       = *( "filter(" filter ")/" ) ( aggregate / groupby )
 * aggregate   = "aggregate(" item *( "," item ) ")"
 * groupby     = "groupby((" group *( "," group ) ")" [ "," aggregate ] ")"
 * group       = property / navigation *( "/" navigation ) "/" property
 * item        = property " with " ( "sum" / "average" / "min" / "max" / "countdistinct" ) " as " alias
 *             / "$count as " alias
 * </pre>
 *
 * The filters are read by the gateway's one filter parser.
 *
 * @param filter the conjunction of the {@code filter(…)} transformations
 * @param aggregation the groups and aggregates
 */
record ApplyOption(Condition filter, Aggregation aggregation) {
    private static final Pattern ITEM = Pattern.compile(
            "\\s*(\\$count|[A-Za-z_][A-Za-z0-9_]*)\\s+(?:with\\s+([A-Za-z]+)\\s+)?as\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*");
    private static final Pattern PROPERTY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*");
    /** A property reached through single-valued navigation properties: {@code mserp_Customer/mserp_name}. */
    private static final Pattern PATH =
            Pattern.compile("\\s*((?:[A-Za-z_][A-Za-z0-9_]*/)+)([A-Za-z_][A-Za-z0-9_]*)\\s*");

    static ApplyOption parse(String text, Map<String, String> aliases) {
        List<String> steps = split(text, '/');
        List<Condition> filters = new ArrayList<>();
        Optional<Aggregation> aggregation = Optional.empty();
        for (String step : steps) {
            String trimmed = step.strip();
            if (aggregation.isPresent()) {
                throw unsupported("a transformation after %s", shorten(trimmed));
            }
            if (trimmed.startsWith("filter(") && trimmed.endsWith(")")) {
                filters.add(filter(trimmed.substring(7, trimmed.length() - 1), aliases));
            } else if (trimmed.startsWith("aggregate(") && trimmed.endsWith(")")) {
                aggregation = Optional.of(
                        new Aggregation(List.of(), aggregates(trimmed.substring(10, trimmed.length() - 1))));
            } else if (trimmed.startsWith("groupby(") && trimmed.endsWith(")")) {
                aggregation = Optional.of(groupBy(trimmed.substring(8, trimmed.length() - 1)));
            } else {
                int open = trimmed.indexOf('(');
                String name = open < 0 ? trimmed : trimmed.substring(0, open);
                throw unsupported("the transformation '%s' (filter, aggregate and groupby are)", shorten(name));
            }
        }
        return new ApplyOption(
                Condition.and(filters),
                aggregation.orElseThrow(() -> syntax("$apply needs an aggregate(…) or a groupby(…).")));
    }

    private static Condition filter(String text, Map<String, String> aliases) {
        try {
            return FilterParser.filter(text, aliases);
        } catch (FilterSyntaxException e) {
            throw syntax("The filter(…) of $apply is not valid at column %d: %s.", e.column(), e.reason());
        }
    }

    private static Aggregation groupBy(String inner) {
        String text = inner.strip();
        if (!text.startsWith("(")) {
            throw syntax("groupby takes a parenthesised list of properties first: groupby((a,b),aggregate(…)).");
        }
        int close = matching(text, 0);
        List<Aggregation.Grouping> groups = new ArrayList<>();
        for (String property : split(text.substring(1, close), ',')) {
            Matcher matcher = PROPERTY.matcher(property);
            Matcher path = PATH.matcher(property);
            if (matcher.matches()) {
                groups.add(new Aggregation.Grouping(new AttributeRef(matcher.group(1)), matcher.group(1)));
            } else if (path.matches()) {
                // grouped through the navigation path's join; answered nested, under the path
                String navigation = path.group(1).substring(0, path.group(1).length() - 1);
                groups.add(new Aggregation.Grouping(
                        new AttributeRef(Optional.of(navigation), path.group(2)), navigation + "/" + path.group(2)));
            } else {
                throw syntax(
                        "groupby takes properties or navigation paths to a property (a/b/property), not '%s'.",
                        shorten(property.strip()));
            }
        }
        String rest = text.substring(close + 1).strip();
        List<Aggregation.Aggregate> aggregates = List.of();
        if (!rest.isEmpty()) {
            if (!rest.startsWith(",")) {
                throw syntax("Expected ',' or ')' after the properties of groupby, found '%s'.", shorten(rest));
            }
            String transformation = rest.substring(1).strip();
            if (!transformation.startsWith("aggregate(") || !transformation.endsWith(")")) {
                throw unsupported("'%s' inside groupby (only aggregate(…) is)", shorten(transformation));
            }
            aggregates = aggregates(transformation.substring(10, transformation.length() - 1));
        }
        try {
            return new Aggregation(groups, aggregates);
        } catch (IllegalArgumentException e) {
            throw syntax("$apply: %s.", e.getMessage());
        }
    }

    private static List<Aggregation.Aggregate> aggregates(String inner) {
        List<Aggregation.Aggregate> aggregates = new ArrayList<>();
        for (String item : split(inner, ',')) {
            Matcher matcher = ITEM.matcher(item);
            if (!matcher.matches()) {
                throw syntax(
                        "'%s' is not an aggregate; write property with sum|average|min|max|countdistinct as alias, or"
                                + " $count as alias.",
                        shorten(item.strip()));
            }
            String property = matcher.group(1);
            String method = matcher.group(2);
            String alias = matcher.group(3);
            if (property.equals("$count")) {
                if (method != null) {
                    throw syntax("$count takes no method: $count as %s.", alias);
                }
                aggregates.add(
                        new Aggregation.Aggregate(Aggregation.Function.COUNT_ROWS, Optional.empty(), false, alias));
                continue;
            }
            if (method == null) {
                throw syntax("'%s' needs a method: %s with sum as %s.", shorten(item.strip()), property, alias);
            }
            Aggregation.Function function =
                    switch (method) {
                        case "sum" -> Aggregation.Function.SUM;
                        case "average" -> Aggregation.Function.AVERAGE;
                        case "min" -> Aggregation.Function.MIN;
                        case "max" -> Aggregation.Function.MAX;
                        case "countdistinct" -> Aggregation.Function.COUNT;
                        default -> throw syntax(
                                "Unknown aggregation method '%s' (sum, average, min, max, countdistinct).",
                                shorten(method));
                    };
            aggregates.add(new Aggregation.Aggregate(
                    function, Optional.of(new AttributeRef(property)), method.equals("countdistinct"), alias));
        }
        return aggregates;
    }

    /** The parts of {@code text} between top-level {@code separator}s (outside parentheses and quotes). */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
                if (depth < 0) {
                    throw syntax("$apply has a ')' without its '(' at position %d.", i + 1);
                }
            } else if (!quoted && depth == 0 && c == separator) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0 || quoted) {
            throw syntax("$apply has an unclosed parenthesis or quote.");
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** The position of the parenthesis closing the one at {@code open}. */
    private static int matching(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return i;
            }
        }
        throw syntax("$apply has an unclosed parenthesis.");
    }

    private static String shorten(String text) {
        return ODataFrontEnd.shorten(text);
    }

    @com.google.errorprone.annotations.FormatMethod
    private static GatewayException syntax(String format, Object... arguments) {
        return GatewayException.of(ErrorCode.QUERY_SYNTAX, format, arguments);
    }

    @com.google.errorprone.annotations.FormatMethod
    private static GatewayException unsupported(String format, Object... arguments) {
        return new GatewayException(
                ErrorCode.UNSUPPORTED_QUERY,
                "$apply does not support " + String.format(java.util.Locale.ROOT, format, arguments) + " yet.");
    }
}
