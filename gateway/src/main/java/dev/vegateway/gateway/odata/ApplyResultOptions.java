package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.Aggregation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options that shape the answer of a {@code $apply}: {@code $orderby} over the names of the
 * answer (a grouped property or an aggregate's alias, {@code asc} or {@code desc}), {@code $top},
 * {@code $skip} and {@code $count} (the number of rows of the answer, its groups).
 */
record ApplyResultOptions(List<Aggregation.AliasOrder> orders, OptionalInt top, OptionalInt skip, boolean count) {
    private static final Pattern ORDER =
            Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)(?:\\s+(asc|desc))?\\s*", Pattern.CASE_INSENSITIVE);

    ApplyResultOptions {
        orders = List.copyOf(orders);
        requireNonNull(top, "top is null");
        requireNonNull(skip, "skip is null");
    }

    static ApplyResultOptions parse(Map<String, String> options, Aggregation aggregation) {
        Set<String> names = new LinkedHashSet<>();
        aggregation.groups().forEach(group -> names.add(group.alias()));
        aggregation.aggregates().forEach(aggregate -> names.add(aggregate.alias()));
        List<Aggregation.AliasOrder> orders = new ArrayList<>();
        String orderBy = options.get("$orderby");
        if (orderBy != null) {
            Set<String> ordered = new LinkedHashSet<>();
            for (String item : orderBy.split(",", -1)) {
                Matcher matcher = ORDER.matcher(item);
                if (!matcher.matches()) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "With $apply, $orderby takes the names of the answer, each with asc or desc: '%s' is not"
                                    + " one.",
                            ODataFrontEnd.shorten(item.strip()));
                }
                String name = matcher.group(1);
                if (!names.contains(name)) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX,
                            "With $apply, $orderby names a grouped property or an aggregate's alias (%s); '%s' is"
                                    + " neither.",
                            String.join(", ", names),
                            ODataFrontEnd.shorten(name));
                }
                if (!ordered.add(name)) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX, "$orderby names '%s' twice.", ODataFrontEnd.shorten(name));
                }
                boolean descending = matcher.group(2) != null
                        && matcher.group(2).toLowerCase(Locale.ROOT).equals("desc");
                orders.add(new Aggregation.AliasOrder(name, descending));
            }
        }
        return new ApplyResultOptions(
                orders, wholeNumber(options, "$top"), wholeNumber(options, "$skip"), bool(options, "$count"));
    }

    private static OptionalInt wholeNumber(Map<String, String> options, String name) {
        String text = options.get(name);
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0) {
                return OptionalInt.of(value);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw GatewayException.of(
                ErrorCode.QUERY_SYNTAX,
                "The query option %s takes a whole number from 0 to %d, not '%s'.",
                name,
                Integer.MAX_VALUE,
                ODataFrontEnd.shorten(text));
    }

    private static boolean bool(Map<String, String> options, String name) {
        String text = options.get(name);
        if (text == null) {
            return false;
        }
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX,
                    "The query option %s takes true or false, not '%s'.",
                    name,
                    ODataFrontEnd.shorten(text));
        };
    }
}
