package dev.vegateway.config.yaml;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads from a {@link YamlNode} that record a {@link Problem} instead of failing, so
 * that a loader can report every problem of a file at once. Each read returns a usable
 * fallback value after recording its problem.
 */
public final class YamlReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private final Problems problems;

    public YamlReader(Problems problems) {
        this.problems = requireNonNull(problems, "problems is null");
    }

    public Problems problems() {
        return problems;
    }

    /** Records a problem for every key of {@code node} that is not in {@code allowed} (catches typos). */
    public void allowOnly(YamlNode node, String... allowed) {
        if (node.isAbsent()) {
            return;
        }
        if (!node.isMapping()) {
            problems.add(node, "must be a mapping");
            return;
        }
        Set<String> allowedKeys = new LinkedHashSet<>(Arrays.asList(allowed));
        for (String key : node.keys()) {
            if (!allowedKeys.contains(key)) {
                problems.add(node.get(key), "unknown key (allowed: " + String.join(", ", allowedKeys) + ")");
            }
        }
    }

    public String requiredString(YamlNode node) {
        if (node.isAbsent()) {
            problems.add(node, "is required");
            return "";
        }
        Optional<String> text = node.text();
        if (text.isEmpty()) {
            problems.add(node, "must be a text value");
            return "";
        }
        if (text.get().isBlank()) {
            problems.add(node, "must not be empty");
        }
        return text.get();
    }

    public Optional<String> optionalString(YamlNode node) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        Optional<String> text = node.text();
        if (text.isEmpty()) {
            problems.add(node, "must be a text value");
        }
        return text;
    }

    public String string(YamlNode node, String fallback) {
        return optionalString(node).orElse(fallback);
    }

    public int integer(YamlNode node, int fallback, int minimum, int maximum) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("");
        try {
            int value = Integer.parseInt(text.trim());
            if (value < minimum || value > maximum) {
                problems.add(node, "must be between " + minimum + " and " + maximum + ", was " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(node, "must be a whole number, was '" + text + "'");
            return fallback;
        }
    }

    public long longValue(YamlNode node, long fallback, long minimum, long maximum) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("");
        try {
            long value = Long.parseLong(text.trim());
            if (value < minimum || value > maximum) {
                problems.add(node, "must be between " + minimum + " and " + maximum + ", was " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(node, "must be a whole number, was '" + text + "'");
            return fallback;
        }
    }

    public Optional<BigDecimal> decimal(YamlNode node) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        String text = node.text().orElse("");
        try {
            return Optional.of(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            problems.add(node, "must be a number, was '" + text + "'");
            return Optional.empty();
        }
    }

    public boolean bool(YamlNode node, boolean fallback) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("").trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(node, "must be true or false, was '" + text + "'");
                return fallback;
            }
        }
    }

    /** Durations are written {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h} or {@code 1d}. */
    public Duration duration(YamlNode node, Duration fallback) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("").trim();
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            problems.add(node, "must be a duration such as 250ms, 30s, 5m, 1h or 1d, was '" + text + "'");
            return fallback;
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    public Optional<UUID> uuid(YamlNode node) {
        if (node.isAbsent()) {
            return Optional.empty();
        }
        String text = node.text().orElse("").trim();
        try {
            if (text.length() != 36) {
                throw new IllegalArgumentException();
            }
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            problems.add(node, "must be a GUID such as 00000000-0000-0000-0000-000000000000, was '" + text + "'");
            return Optional.empty();
        }
    }

    /** A list of text values; a single scalar is accepted as a one-element list. */
    public List<String> stringList(YamlNode node, List<String> fallback) {
        if (node.isAbsent()) {
            return fallback;
        }
        if (node.isScalar()) {
            return List.of(node.text().orElseThrow());
        }
        if (!node.isSequence()) {
            problems.add(node, "must be a list");
            return fallback;
        }
        List<String> values = new ArrayList<>();
        for (YamlNode element : node.elements()) {
            Optional<String> text = element.text();
            if (text.isEmpty()) {
                problems.add(element, "must be a text value");
            } else {
                values.add(text.get());
            }
        }
        return List.copyOf(values);
    }

    /** The value of {@code node} as one of the enum's constants, matched case-insensitively ignoring '-' and '_'. */
    public <E extends Enum<E>> E enumValue(YamlNode node, Class<E> type, E fallback) {
        if (node.isAbsent()) {
            return fallback;
        }
        String text = node.text().orElse("");
        String wanted = normalise(text);
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (normalise(constant.name()).equals(wanted)) {
                return constant;
            }
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        problems.add(node, "must be one of " + String.join(", ", names) + ", was '" + text + "'");
        return fallback;
    }

    private static String normalise(String text) {
        return text.replace("-", "").replace("_", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
