package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The gateway's own account of one request: the {@code Server-Timing} header
 * {@code auth;dur=…, authz;dur=…, db;dur=…, ser;dur=…, total;dur=…} in milliseconds.
 * Parsing is lenient on purpose: a benchmark must not stop on a malformed header, so entries
 * that are unknown, lack a {@code dur}, or carry no finite non-negative number are skipped.
 */
record ServerTiming(Map<Stage, Double> millisByStage) {

    /** The stages the gateway reports, with their {@code Server-Timing} metric names. */
    enum Stage {
        AUTHENTICATE("auth"),
        AUTHORIZE("authz"),
        DATABASE("db"),
        SERIALIZE("ser"),
        TOTAL("total");

        private final String metricName;

        Stage(String metricName) {
            this.metricName = metricName;
        }

        String metricName() {
            return metricName;
        }

        static Optional<Stage> ofMetricName(String name) {
            for (Stage stage : values()) {
                if (stage.metricName.equalsIgnoreCase(name)) {
                    return Optional.of(stage);
                }
            }
            return Optional.empty();
        }
    }

    static final ServerTiming NONE = new ServerTiming(Map.of());

    ServerTiming {
        requireNonNull(millisByStage, "millisByStage is null");
        EnumMap<Stage, Double> copy = new EnumMap<>(Stage.class);
        copy.putAll(millisByStage);
        millisByStage = Collections.unmodifiableMap(copy);
    }

    OptionalDouble millis(Stage stage) {
        Double value = millisByStage.get(stage);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Parses one header value; an absent header gives {@link #NONE}. */
    static ServerTiming parse(Optional<String> header) {
        return header.map(ServerTiming::parse).orElse(NONE);
    }

    static ServerTiming parse(String header) {
        requireNonNull(header, "header is null");
        EnumMap<Stage, Double> millis = new EnumMap<>(Stage.class);
        for (String entry : header.split(",")) {
            String[] parts = entry.split(";");
            Optional<Stage> stage = Stage.ofMetricName(parts[0].strip());
            if (stage.isEmpty()) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                OptionalDouble duration = duration(parts[i]);
                if (duration.isPresent()) {
                    millis.putIfAbsent(stage.get(), duration.getAsDouble());
                    break;
                }
            }
        }
        return new ServerTiming(millis);
    }

    private static OptionalDouble duration(String parameter) {
        int equals = parameter.indexOf('=');
        if (equals < 0 || !parameter.substring(0, equals).strip().equalsIgnoreCase("dur")) {
            return OptionalDouble.empty();
        }
        String value = parameter.substring(equals + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            double millis = Double.parseDouble(value);
            return Double.isFinite(millis) && millis >= 0 ? OptionalDouble.of(millis) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
