package dev.vegateway.gateway.odata;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.query.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A query string split for its two readers: {@code $filter} and its parameter aliases
 * ({@code @p1=…}) go to the gateway's filter parser, the one that also reads row filters; every
 * other option goes, still percent-encoded, to Olingo's URI parser.
 *
 * @param filter the decoded {@code $filter}, when given
 * @param aliases the decoded parameter aliases by name, without the {@code @}
 * @param otherOptions the rest of the raw query string, or null when nothing is left
 * @param apply the decoded {@code $apply}, when given (read by {@link ApplyOption}, not by Olingo)
 * @param applyOptions with {@code $apply}, its {@code $orderby}, {@code $top}, {@code $skip} and {@code $count},
 *     decoded, by name: they name the aliases of the aggregation, which Olingo does not know
 */
record FilterOptions(
        Optional<String> filter,
        Map<String, String> aliases,
        String otherOptions,
        Optional<String> apply,
        Map<String, String> applyOptions) {
    /** The options of an aggregated answer that the gateway reads itself. */
    static final java.util.Set<String> APPLY_OPTIONS = java.util.Set.of("$orderby", "$top", "$skip", "$count");

    FilterOptions {
        requireNonNull(filter, "filter is null");
        aliases = Map.copyOf(aliases);
        requireNonNull(apply, "apply is null");
        applyOptions = Map.copyOf(applyOptions);
    }

    FilterOptions(Optional<String> filter, Map<String, String> aliases, String otherOptions) {
        this(filter, aliases, otherOptions, Optional.empty(), Map.of());
    }

    /** The $apply, parsed, when given. */
    Optional<ApplyOption> applyOption() {
        return apply.map(text -> ApplyOption.parse(text, aliases));
    }

    static FilterOptions split(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new FilterOptions(Optional.empty(), Map.of(), rawQuery, Optional.empty(), Map.of());
        }
        Optional<String> filter = Optional.empty();
        Optional<String> apply = Optional.empty();
        Map<String, String> aliases = new LinkedHashMap<>();
        List<String> others = new ArrayList<>();
        for (String parameter : rawQuery.split("&", -1)) {
            int equals = parameter.indexOf('=');
            String name = ODataFrontEnd.decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String value = equals < 0 ? "" : ODataFrontEnd.decode(parameter.substring(equals + 1));
            if (name.equals("$filter")) {
                if (filter.isPresent()) {
                    throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The query option $filter is given twice.");
                }
                filter = Optional.of(value);
            } else if (name.equals("$apply")) {
                if (apply.isPresent()) {
                    throw GatewayException.of(ErrorCode.QUERY_SYNTAX, "The query option $apply is given twice.");
                }
                apply = Optional.of(value);
            } else if (name.startsWith("@")) {
                if (aliases.put(name.substring(1), value) != null) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX, "The parameter alias %s is given twice.", shorten(name));
                }
            } else {
                others.add(parameter);
            }
        }
        Map<String, String> applyOptions = new LinkedHashMap<>();
        if (apply.isPresent()) {
            List<String> rest = new ArrayList<>();
            for (String parameter : others) {
                int equals = parameter.indexOf('=');
                String name = ODataFrontEnd.decode(equals < 0 ? parameter : parameter.substring(0, equals));
                if (!APPLY_OPTIONS.contains(name)) {
                    rest.add(parameter);
                } else if (applyOptions.put(
                                name, equals < 0 ? "" : ODataFrontEnd.decode(parameter.substring(equals + 1)))
                        != null) {
                    throw GatewayException.of(
                            ErrorCode.QUERY_SYNTAX, "The query option %s is given twice.", shorten(name));
                }
            }
            others = rest;
        }
        return new FilterOptions(
                filter, aliases, others.isEmpty() ? null : String.join("&", others), apply, applyOptions);
    }

    /** The $filter as a neutral condition; TRUE without one. */
    Condition condition() {
        if (filter.isEmpty()) {
            return Condition.TRUE;
        }
        try {
            return FilterParser.filter(filter.get(), aliases);
        } catch (FilterSyntaxException e) {
            throw GatewayException.of(
                    ErrorCode.QUERY_SYNTAX, "The $filter is not valid at column %d: %s.", e.column(), e.reason());
        }
    }

    private static String shorten(String text) {
        return ODataFrontEnd.shorten(text);
    }
}
